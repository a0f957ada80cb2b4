// Assembles and links a program with our own toolchain, at 0x80000000 by default: the one place the
// test helpers (runAsm, the debugger's sessions, CLI tests) turn assembly into a linked image.

import { assemble } from '../../linker/asm/assemble.js';
import { link, type LinkResult } from '../../linker/link/link.js';

/** Everything at `base`, in source order (`.text.init` first), `_end` after the last byte. */
export function testLinkScript(base = 0x8000_0000): string {
  return `ENTRY(_start)
SECTIONS {
  . = 0x${base.toString(16)};
  .text : { *(.text.init) *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.* .sdata .sdata.*) }
  .bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }
  . = ALIGN(8);
  _end = .;
}`;
}

export function linkAsm(source: string, file: string, opts: { base?: number; rvc?: boolean } = {}): LinkResult {
  const obj = assemble(source, file, { rvc: opts.rvc ?? true });
  return link([obj], testLinkScript(opts.base), `${file}.ld`);
}

export function buildElf(source: string, file: string, base = 0x8000_0000): Uint8Array {
  return linkAsm(source, file, { base }).elf;
}
