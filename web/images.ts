// ELF bytes → what the page boots (a BootImage) and what it shows (debug symbols), through the
// loader the CLI uses (linker/elf/boot-image.ts).

import type { BootImage } from '../emulator/board/virt.js';
import type { DebugSymbol } from '../emulator/debug/symbols.js';
import { bootImage, debugSymbols } from '../linker/elf/boot-image.js';
import { readElf } from '../linker/elf/read.js';

export interface LoadedImage {
  readonly image: BootImage;
  readonly symbols: readonly DebugSymbol[];
}

/** Throws an Error with one line naming the file and what is wrong. */
export function loadElf(bytes: Uint8Array, name: string): LoadedImage {
  const elf = readElf(bytes, name);
  return { image: bootImage(elf), symbols: debugSymbols(elf) };
}
