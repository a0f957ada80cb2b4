// The script used when none is given: the shape of GNU ld's default for riscv64 ELF (text at
// 0x10000, then read-only data, then data on the next page at the same page offset, then bss).

export const DEFAULT_SCRIPT_FILE = '<default script>';

export const DEFAULT_SCRIPT = `
ENTRY(_start)
SECTIONS
{
  . = 0x10000;
  .text : { *(.text.unlikely .text.*_unlikely .text.unlikely.*) *(.text.boot) *(.text .stub .text.*) }
  PROVIDE(etext = .);
  .rodata : { *(.rodata .rodata.* .srodata .srodata.*) }
  . = DATA_SEGMENT_ALIGN(0x1000, 0x1000);
  __DATA_BEGIN__ = .;
  .data : { *(.data .data.* .sdata .sdata.*) }
  PROVIDE(edata = .);
  PROVIDE(__global_pointer$ = __DATA_BEGIN__ + 0x800);
  __bss_start = .;
  .bss : { *(.sbss .sbss.* .bss .bss.* COMMON) }
  . = ALIGN(8);
  _end = .;
  PROVIDE(end = .);
}
`;
