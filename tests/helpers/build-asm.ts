// Assembles and links a program with our own toolchain into an ELF (bytes), at 0x80000000 by default.

import { assemble } from '../../linker/asm/assemble.js';
import { link } from '../../linker/link/link.js';

export function buildElf(source: string, file: string, base = 0x8000_0000): Uint8Array {
  const obj = assemble(source, file, { rvc: true });
  const script = `ENTRY(_start)
SECTIONS {
  . = 0x${base.toString(16)};
  .text : { *(.text.init) *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.* .sdata .sdata.*) }
  .bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }
}`;
  return link([obj], script, `${file}.ld`).elf;
}
