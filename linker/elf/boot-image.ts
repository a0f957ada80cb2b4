// ELF → what the machine boots (a BootImage: PT_LOAD segments at their physical addresses, entry,
// symbols) and what the debugger shows (its symbols). No Node API: the CLI (from files) and the web
// page (from dropped bytes) both load images through here. Physical addresses must be exact JS
// numbers below 2^53 (anything above is a PA hole anyway).

import type { BootImage } from '../../emulator/board/virt.js';
import type { DebugSymbol } from '../../emulator/debug/symbols.js';
import type { ElfImage } from './read.js';

const PT_LOAD = 1;
const LIMIT = 1n << 53n;

export function bootImage(elf: ElfImage): BootImage {
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
  if (entry < 0n || entry >= LIMIT) {
    // A Linux vmlinux is linked at its virtual addresses; QEMU boots neither it nor this from there.
    throw new RangeError(`${elf.file}: entry 0x${elf.entry.toString(16)} is not a physical address (a Linux vmlinux? boot its raw Image, arch/riscv/boot/Image, with --kernel)`);
  }
  return { name: elf.file, entry: Number(entry), segments, symbols };
}

/** The symbols a debugger names addresses by: functions, objects and the rest, not sections or files. */
export function debugSymbols(elf: ElfImage): DebugSymbol[] {
  return elf.symbols
    .filter((s) => s.type !== 'section' && s.type !== 'file' && s.section !== null && s.name !== '')
    .map((s) => ({ name: s.name, addr: s.value, size: s.size, kind: s.type === 'func' ? 'func' : s.type === 'object' ? 'object' : 'other' }));
}
