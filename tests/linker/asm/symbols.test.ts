// Symbols the GNU byte comparison cannot see: .weak bindings, .equ/.set aliases of labels, and
// branch targets written as absolute addresses (relocated against *ABS*, as GNU as does), linked.

import { describe, it, expect } from 'vitest';
import { assemble, ABS } from '../../../linker/asm/assemble.js';
import { link } from '../../../linker/link/link.js';
import { readElf, sectionData } from '../../../linker/elf/read.js';
import type { ObjectFile } from '../../../linker/object.js';

const sym = (o: ObjectFile, name: string) => o.symbols.find((s) => s.name === name);
const relocs = (o: ObjectFile) => o.sections.find((s) => s.name === '.text')!.relocs.map((r) => `${r.offset} ${r.type} ${r.symbol}+${r.addend}`);

describe('.weak', () => {
  it('binds defined and undefined symbols weak, and relocates references to a weak definition', () => {
    const o = assemble('.weak wd, wu, unused\nwd: nop\nj wd\ncall wu\n', 'w.s', { rvc: false });
    expect(sym(o, 'wd')).toMatchObject({ section: '.text', binding: 'weak', value: 0n });
    expect(sym(o, 'wu')).toMatchObject({ section: null, binding: 'weak' });
    expect(sym(o, 'unused')).toMatchObject({ section: null, binding: 'weak' });
    // Another object's definition may win, so `j wd` keeps a relocation (GNU: jal with R_RISCV_JAL).
    expect(relocs(o)).toEqual(['4 R_RISCV_JAL wd+0', '8 R_RISCV_CALL_PLT wu+0']);
  });
});

describe('.equ/.set aliasing a label', () => {
  const o = assemble([
    '.globl g', '.set fwd, later + 4', '.equ g, start', '.set ext2, ext + 8', 'here = .',
    'start: nop', 'later: nop', 'nop', '.dword fwd, ext2, here', 'j fwd',
  ].join('\n'), 'a.s', { rvc: false });
  it('defines the alias in the label\'s section at label + constant', () => {
    expect(sym(o, 'fwd')).toMatchObject({ section: '.text', value: 8n, binding: 'local' });
    expect(sym(o, 'g')).toMatchObject({ section: '.text', value: 0n, binding: 'global' });
    expect(sym(o, 'here')).toMatchObject({ section: '.text', value: 0n });
    // An alias of an undefined symbol is only a name: references go to that symbol.
    expect(sym(o, 'ext2')).toBeUndefined();
  });
  it('references mean the target plus the constant', () => {
    const text = o.sections.find((s) => s.name === '.text')!;
    // (`here = .` names the position by an internal label, as la's auipc is named.)
    expect(relocs(o)).toEqual(['12 R_RISCV_64 later+4', '20 R_RISCV_64 ext+8', '28 R_RISCV_64 .Ldot0+0']);
    // j fwd is resolved here: from 0x24 to 8.
    expect(new DataView(text.data.buffer).getUint32(36, true)).toBe(0xfe5ff06f);
  });
});

describe('absolute branch and jump targets', () => {
  it('are relocated against *ABS* with the address as addend, field zero, as GNU as does', () => {
    const o = assemble('nop\nj 0x100\nbeqz a0, 0x20\ncall 0x100\n', 'abs.s', { rvc: false });
    expect(relocs(o)).toEqual([`4 R_RISCV_JAL ${ABS}+256`, `12 R_RISCV_JAL ${ABS}+32`, `16 R_RISCV_CALL_PLT ${ABS}+256`]);
    const w = new DataView(o.sections[0]!.data.buffer);
    expect([w.getUint32(4, true), w.getUint32(8, true), w.getUint32(12, true)]).toEqual([0x6f, 0x00051463, 0x6f]);
    expect(sym(o, ABS)).toMatchObject({ section: '*ABS*', value: 0n, type: 'section' });
  });
  it('link to that address', () => {
    const o = assemble('.globl _start\n_start: j 0x80000100\nbnez a0, 0x80000000\n', 'abs.s', { rvc: false });
    const r = link([o], 'SECTIONS { . = 0x80000000; .text : { *(.text) } }', 'abs.ld');
    const img = readElf(r.elf, 'abs.elf');
    const text = sectionData(img, img.sections.find((s) => s.name === '.text')!);
    const w = new DataView(text.buffer, text.byteOffset);
    expect(w.getUint32(0, true)).toBe(0x1000006f); // jal zero, +0x100
    expect(w.getUint32(4, true)).toBe(0x00050463); // beqz a0, +8 (over the jal)
    expect(w.getUint32(8, true)).toBe(0xff9ff06f); // jal zero, -8 → 0x80000000
  });
});

describe('c.j, c.beqz and c.bnez out of range are relaxed as GNU as does', () => {
  it('c.j becomes jal; c.beqz becomes c.bnez over a jal', () => {
    const o = assemble('c.j far\nc.beqz a0, far\n.zero 4096\nfar: nop\n', 'c.s');
    const w = new DataView(o.sections[0]!.data.buffer);
    expect(w.getUint32(0, true)).toBe(0x00a0106f); // jal zero, far (+0x100a)
    expect(w.getUint16(4, true)).toBe(0xe119); // c.bnez a0, +6
    expect(w.getUint32(6, true)).toBe(0x0040106f); // jal zero, far (+0x1004)
  });
});
