// ELF bytes → what the page boots (a BootImage) and what it shows (debug symbols). The browser has
// no bin/: this is bin/image.ts's bootImage and bin/debug.ts's elfSymbols for bytes instead of paths
// (the ELF reader itself is the linker's, shared). TODO(lead): one shared copy, e.g. in
// emulator/board/loader.ts as DESIGN §2 places the ELF loader.

import type { BootImage } from '../emulator/board/virt.js';
import type { DebugSymbol } from '../emulator/debug/symbols.js';
import { readElf, type ElfImage } from '../linker/elf/read.js';

const PT_LOAD = 1;
const LIMIT = 1n << 53n;

export interface LoadedImage {
  readonly image: BootImage;
  readonly symbols: readonly DebugSymbol[];
}

/** Throws an Error with one line naming the file and what is wrong. */
export function loadElf(bytes: Uint8Array, name: string): LoadedImage {
  const elf = readElf(bytes, name);
  return { image: bootImage(elf), symbols: debugSymbols(elf) };
}

function bootImage(elf: ElfImage): BootImage {
  const segments = elf.segments.filter((s) => s.type === PT_LOAD && s.memsz > 0).map((s) => {
    if (s.paddr < 0n || s.paddr + BigInt(s.memsz) > LIMIT) {
      throw new RangeError(`${elf.file}: segment at 0x${s.paddr.toString(16)} is beyond the physical address space`);
    }
    return { paddr: Number(s.paddr), data: s.data.subarray(0, s.filesz), memsz: s.memsz };
  });
  if (segments.length === 0) throw new RangeError(`${elf.file}: no loadable segment`);
  const symbols = new Map<string, number>();
  for (const sym of elf.symbols) {
    if (sym.name !== '' && sym.value < LIMIT && !symbols.has(sym.name)) symbols.set(sym.name, Number(sym.value));
  }
  const entry = BigInt.asIntN(64, elf.entry);
  if (entry < 0n || entry >= LIMIT) throw new RangeError(`${elf.file}: entry 0x${elf.entry.toString(16)} is not a physical address`);
  return { name: elf.file, entry: Number(entry), segments, symbols };
}

function debugSymbols(elf: ElfImage): DebugSymbol[] {
  return elf.symbols
    .filter((s) => s.type !== 'section' && s.type !== 'file' && s.section !== null && s.name !== '')
    .map((s) => ({ name: s.name, addr: s.value, size: s.size, kind: s.type === 'func' ? 'func' : s.type === 'object' ? 'object' : 'other' }));
}
