// Reading an image file for boot/test: one line naming the file and what is wrong (exit 3).

import { readFileSync } from 'node:fs';
import { readElf } from '../linker/elf/read.js';
import { ToolError } from '../linker/object.js';
import type { BootImage } from '../emulator/board/virt.js';
import { bootImage } from './image.js';

export class ImageError extends Error {}

export function loadImage(path: string): BootImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ImageError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return bootImage(readElf(bytes, path));
  } catch (e) {
    if (e instanceof ToolError || e instanceof RangeError) throw new ImageError(e.message);
    throw e;
  }
}

/** '128M', '1G', '65536', '64K' → bytes; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const mul = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mul;
}
