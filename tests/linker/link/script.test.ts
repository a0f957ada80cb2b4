import { describe, expect, it } from 'vitest';
import { readElf } from '../../../linker/elf/read.js';
import { link } from '../../../linker/link/link.js';
import { parseScript } from '../../../linker/link/script.js';
import { ToolError, type ObjectFile } from '../../../linker/object.js';
import { object } from './objects.js';

function err(f: () => unknown): string {
  try { f(); } catch (e) { if (e instanceof ToolError) return e.message; throw e; }
  throw new Error('no error');
}

const boot = object('boot.s', [
  { name: '.text', items: [{ label: 'main', insn: 'c.j' }] },
  { name: '.text.boot', items: [{ label: '_start', insn: 'c.j' }] },
  { name: '.text.unused', items: [{ label: 'unused', insn: 'c.j' }] },
  { name: '.rodata', items: [{ label: 'msg', bytes: [104, 105, 0] }] },
  { name: '.data', items: [{ label: 'counter', bytes: [1, 0, 0, 0, 0, 0, 0, 0] }] },
  { name: '.bss', nobits: 100, items: [{ label: 'buf', zero: 0 }] },
  { name: '.comment', flags: { alloc: false }, items: [{ bytes: [1, 2, 3] }] },
], ['_start', 'main', 'counter'], ['provided', 'used_provide']);

function layoutOf(objs: ObjectFile[], script: string) {
  const r = link(objs, script, 'test.ld');
  const sec = (n: string) => r.sections.find((s) => s.name === n);
  return { r, sec, sym: (n: string) => r.symbols.get(n) };
}

describe('ld script parser', () => {
  it('parses the seed kernel layout with the comma GNU ld accepts', () => {
    const s = parseScript(`/* kernel */\nENTRY(_start)\nSECTIONS {\n  . = 0x80200000,\n  .text : { *(.text.boot) *(.text .text.*) }\n  . = ALIGN(4096); idmap_pg_dir = .; . += 4096;\n}\n`, 'k.ld');
    expect(s.entry?.name).toBe('_start');
    expect(s.sections?.map((x) => x.kind)).toEqual(['assign', 'output', 'assign', 'assign', 'assign']);
  });
  it.each([
    ['SECTIONS { .text : { *(.text) }', "s.ld:1:32: missing '}' at the end of SECTIONS"],
    ['FOO(bar)', "s.ld:1:1: unknown linker script command 'FOO'"],
    ['SECTIONS {\n  . = 0x1000\n  .text : { *(.text) }\n}', "s.ld:3:3: expected ';' after the statement at 2:3, found '.text'"],
    ['SECTIONS { . = (1 + ; }', "s.ld:1:21: expected an expression, found ';'"],
    ['MEMORY { ram : ORIGIN = 0, LENGTH = 1M }', 's.ld:1:1: MEMORY is not supported by rvhart\'s linker (supported: ENTRY, SECTIONS, assignments, PROVIDE, ASSERT)'],
    ['/* open', 's.ld:1:1: unterminated comment'],
    ['SECTIONS { . = FOO(1); }', 's.ld:1:16: unknown function FOO()'],
    ['SECTIONS { .text : { KEEP(*(.text) } }', "s.ld:1:36: expected ')' to close KEEP(, found '}'"],
    ['SECTIONS { x = 0x12q; }', "s.ld:1:16: bad number '0x12q'"],
  ])('reports %j with line:col', (text, message) => {
    expect(err(() => parseScript(text, 's.ld'))).toBe(message);
  });
  it('treats a-b as one symbol name, as GNU ld does', () => {
    const s = parseScript('SECTIONS { x = a-b; y = a - b; }', 's.ld');
    const [x, y] = s.sections!;
    expect(x!.kind === 'assign' && x.expr.kind).toBe('sym');
    expect(y!.kind === 'assign' && y.expr.kind).toBe('binary');
  });
});

describe('ld script layout', () => {
  it('places input sections in pattern order, first match wins', () => {
    const { sym } = layoutOf([boot], 'ENTRY(_start) SECTIONS { . = 0x1000; .text : { *(.text.boot) *(.text .text.*) } }');
    expect(sym('_start')).toBe(0x1000n);
    expect(sym('main')).toBe(0x1002n);
    expect(sym('unused')).toBe(0x1004n);
  });
  it('evaluates ., +=, ALIGN, ADDR, SIZEOF and symbol assignments', () => {
    const { sym, sec } = layoutOf([boot], `
      SECTIONS {
        . = 0x80000000, /* comma as GNU ld accepts */
        .text : { *(.text.boot) *(.text*) }
        text_size = SIZEOF(.text);
        . = ALIGN(0x1000);
        .rodata : { *(.rodata) }
        . += 0x100;
        gap_end = .;
        .data ALIGN(0x40) : { *(.data) . = ALIGN(16); data_end = .; }
        .bss : { __bss_start = .; *(.bss) __bss_end = .; }
        _end = ADDR(.bss) + SIZEOF(.bss);
        big = 4K + 1M;
      }`);
    expect(sec('.text')!.addr).toBe(0x80000000n);
    expect(sym('text_size')).toBe(6n);
    expect(sec('.rodata')!.addr).toBe(0x80001000n);
    expect(sym('gap_end')).toBe(0x80001103n);
    expect(sec('.data')!.addr).toBe(0x80001140n);
    expect(sym('data_end')).toBe(0x80001150n);
    expect(sym('__bss_start')).toBe(0x80001150n);
    expect(sym('__bss_end')).toBe(0x80001150n + 100n);
    expect(sym('_end')).toBe(sym('__bss_end'));
    expect(sym('big')).toBe(4096n + 1048576n);
  });
  it('forward references resolve (a symbol used before the section that defines it)', () => {
    const { sym } = layoutOf([boot], 'SECTIONS { end_copy = _end; . = 0x2000; .text : { *(.text*) } .bss : { *(.bss) } _end = .; }');
    expect(sym('end_copy')).toBe(sym('_end'));
    expect(sym('_end')).toBeGreaterThan(0x2000n);
  });
  it('PROVIDE defines a symbol only when an object references it and none defines it', () => {
    const { sym } = layoutOf([boot], 'SECTIONS { .text 0x1000 : { *(.text*) } PROVIDE(provided = 0x1234); PROVIDE(unreferenced = 1); PROVIDE(main = 5); }');
    expect(sym('provided')).toBe(0x1234n);
    expect(sym('unreferenced')).toBeUndefined();
    expect(sym('main')).not.toBe(5n);
  });
  it('/DISCARD/ drops sections, KEEP keeps them, and a reference to a discarded symbol is an error', () => {
    const { r } = layoutOf([boot], 'SECTIONS { .text 0x1000 : { KEEP(*(.text.boot)) *(.text) } /DISCARD/ : { *(.text.unused) *(.comment) } }');
    const img = readElf(r.elf, 'x');
    expect(img.symbols.some((s) => s.name === 'unused')).toBe(false);
    expect(img.sections.some((s) => s.name === '.text.unused' || s.name === '.comment')).toBe(false);
    const user = object('u.s', [{ name: '.text', items: [{ label: 'f', insn: 'jal', reloc: ['R_RISCV_JAL', 'gone'], line: 4 }] },
      { name: '.text.gone', items: [{ label: 'gone', insn: 'c.j' }] }], ['gone']);
    expect(err(() => link([user], 'SECTIONS { .text 0x1000 : { *(.text) } /DISCARD/ : { *(.text.gone) } }', 't.ld')))
      .toBe("u.s:4:5: reference to 'gone' is defined in .text.gone of u.s, which the script discards (/DISCARD/)");
  });
  it('places orphan sections after sections of their kind', () => {
    const o = object('o.s', [
      { name: '.text', items: [{ label: '_start', insn: 'c.j' }] },
      { name: '.rodata.special', flags: { write: false }, items: [{ bytes: [1] }] },
      { name: '.data', items: [{ bytes: [1] }] }], ['_start']);
    const { r } = layoutOf([o], 'SECTIONS { . = 0x1000; .text : { *(.text) } .data : { *(.data) } }');
    expect(r.sections.map((s) => s.name)).toEqual(['.text', '.rodata.special', '.data']);
  });
  it('reports script evaluation errors with line:col', () => {
    expect(err(() => link([boot], 'SECTIONS {\n  . = 0x1000;\n  .text : { *(.text*) . = 0x0; }\n}', 's.ld')))
      .toMatch(/^s\.ld:3:23: cannot move location counter backwards \(from 0x100[0-9a-f] to 0x1000\)$/);
    expect(err(() => link([boot], 'SECTIONS {\n  x = nowhere + 1;\n}', 's.ld'))).toBe("s.ld:2:7: undefined symbol 'nowhere' referenced in expression");
    expect(err(() => link([boot], 'SECTIONS { .text 0x1000 : { *(.text*) } ASSERT(. < 0x1004, "text too big") }', 's.ld')))
      .toBe('s.ld:1:41: assertion failed: text too big');
    expect(err(() => link([boot], 'SECTIONS { .a 0x1000 : { *(.text) } .b 0x1001 : { *(.text.boot) } }', 's.ld')))
      .toBe('s.ld:1:37: section .b [0x1001..0x1004) overlaps section .a [0x1000..0x1002)');
  });
  it('refuses a section that wraps past 2^64 or is too large to hold, naming it and the script line', () => {
    expect(err(() => link([boot], 'SECTIONS {\n  . = 0xfffffffffffffffe;\n  .text : { *(.text*) }\n}', 's.ld')))
      .toBe('s.ld:3:3: section .text at 0xfffffffffffffffe wraps around the end of the 64-bit address space');
    expect(err(() => link([boot], 'SECTIONS {\n  .text 0x1000 : { *(.text) }\n  .data : { . += 1 << 33; *(.data) }\n}', 's.ld')))
      .toBe("s.ld:3:3: section .data [0x1010..0x200001018) would be 8589934600 bytes, more than rvhart's limit of 1073741824 (use NOLOAD or .bss for large reservations)");
    // Without contents the same reservation is fine.
    const { sec } = layoutOf([boot], 'SECTIONS { .text 0x1000 : { *(.text) } .big (NOLOAD) : { . += 1 << 33; } }');
    expect(sec('.big')?.size).toBe(2 ** 33);
  });
});
