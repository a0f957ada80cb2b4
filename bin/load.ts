// Reading an image file for boot/test: one line naming the file and what is wrong (exit 3).

import { readFileSync } from 'node:fs';
import { readElf } from '../linker/elf/read.js';
import { ToolError } from '../linker/object.js';
import type { BootImage } from '../emulator/board/virt.js';
import { bootImage } from '../linker/elf/boot-image.js';
import { isLinuxImage, linuxImage } from '../emulator/board/linux-image.js';

export class ImageError extends Error {}

/** The file's bytes, or an ImageError naming it. */
export function readImageFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

/**
 * An ELF image, or a raw RISC-V Linux Image placed at `rawBase` (the kernel's place: after the
 * firmware, or the RAM base without one); `raw` says which. Anything else is one line naming the file.
 */
export function loadKernel(path: string, rawBase?: number): { image: BootImage; raw: boolean } {
  const bytes = readImageFile(path);
  try {
    if (rawBase !== undefined && isLinuxImage(bytes)) return { image: linuxImage(path, bytes, rawBase), raw: true };
    return { image: bootImage(readElf(bytes, path)), raw: false };
  } catch (e) {
    if (e instanceof ToolError || e instanceof RangeError) {
      throw new ImageError(rawBase !== undefined && /not an ELF/.test(e.message) ? `${e.message}, nor a RISC-V Linux Image` : e.message);
    }
    throw e;
  }
}

/** An ELF image (or, with rawBase, a raw Linux Image) as the board boots it. */
export function loadImage(path: string, rawBase?: number): BootImage {
  return loadKernel(path, rawBase).image;
}

/** '128M', '1G', '65536', '64K' → bytes; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const mul = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mul;
}
