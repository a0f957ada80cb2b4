import { describe, expect, it } from 'vitest';
import { decode } from '../../../emulator/isa/decode.js';
import { readElf } from '../../../linker/elf/read.js';
import { link } from '../../../linker/link/link.js';
import { ToolError, type ObjectFile } from '../../../linker/object.js';
import { object } from './objects.js';

/** The instruction (2 or 4 bytes) at a virtual address of a linked ELF. */
function insnAt(elf: Uint8Array, vaddr: bigint): number {
  const img = readElf(elf, 'out.elf');
  for (const s of img.segments) {
    if (s.type === 1 && vaddr >= s.vaddr && vaddr < s.vaddr + BigInt(s.filesz)) {
      const o = Number(vaddr - s.vaddr);
      const lo = s.data[o]! | (s.data[o + 1]! << 8);
      if ((lo & 3) !== 3) return lo;
      return (lo | (s.data[o + 2]! << 16) | (s.data[o + 3]! << 24)) >>> 0;
    }
  }
  throw new Error(`0x${vaddr.toString(16)} is not in a loaded segment`);
}

function bytesAt(elf: Uint8Array, vaddr: bigint, n: number): Uint8Array {
  const img = readElf(elf, 'out.elf');
  const s = img.segments.find((g) => g.type === 1 && vaddr >= g.vaddr && vaddr + BigInt(n) <= g.vaddr + BigInt(g.filesz))!;
  return s.data.subarray(Number(vaddr - s.vaddr), Number(vaddr - s.vaddr) + n);
}

function le(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function linkError(objs: ObjectFile[], script?: string): string {
  try { link(objs, script, 'test.ld'); } catch (e) { if (e instanceof ToolError) return e.message; throw e; }
  throw new Error('link succeeded');
}

const imm = (bits: number) => decode(bits)!.imm;

describe('relocations', () => {
  const a = object('a.s', [
    {
      name: '.text', items: [
        { label: '_start', insn: 'auipc', ops: { rd: 10 }, reloc: ['R_RISCV_PCREL_HI20', 'data_sym'] },
        { insn: 'addi', ops: { rd: 10, rs1: 10 }, reloc: ['R_RISCV_PCREL_LO12_I', '_start'] },
        { label: '.Lpc2', insn: 'auipc', ops: { rd: 11 }, reloc: ['R_RISCV_PCREL_HI20', 'data_sym', 8n] },
        { insn: 'sd', ops: { rs1: 11, rs2: 12 }, reloc: ['R_RISCV_PCREL_LO12_S', '.Lpc2'] },
        { insn: 'lui', ops: { rd: 13 }, reloc: ['R_RISCV_HI20', 'data_sym'] },
        { insn: 'addi', ops: { rd: 13, rs1: 13 }, reloc: ['R_RISCV_LO12_I', 'data_sym'] },
        { insn: 'sd', ops: { rs1: 13, rs2: 14 }, reloc: ['R_RISCV_LO12_S', 'data_sym', 16n] },
        { insn: 'beq', ops: { rs1: 1, rs2: 2 }, reloc: ['R_RISCV_BRANCH', 'target'] },
        { insn: 'jal', ops: { rd: 1 }, reloc: ['R_RISCV_JAL', 'target'] },
        { insn: 'auipc', ops: { rd: 1 }, reloc: ['R_RISCV_CALL', 'target'] },
        { insn: 'jalr', ops: { rd: 1, rs1: 1 } },
        { insn: 'auipc', ops: { rd: 1 }, reloc: ['R_RISCV_CALL_PLT', 'target'] },
        { insn: 'jalr', ops: { rd: 1, rs1: 1 } },
        { insn: 'c.beqz', ops: { c_rs1_p: 10 }, reloc: ['R_RISCV_RVC_BRANCH', 'target'] },
        { insn: 'c.j', reloc: ['R_RISCV_RVC_JUMP', '_start'] },
      ],
    },
    {
      name: '.data', items: [
        { label: 'data_sym', bytes: [0, 0, 0, 0, 0, 0, 0, 0], reloc: ['R_RISCV_64', 'target', 3n] },
        { bytes: [0, 0, 0, 0], reloc: ['R_RISCV_32', 'data_sym'] },
        { bytes: [5, 0, 0, 0], reloc: ['R_RISCV_ADD32', 'target'] },
        { bytes: [0, 0, 0, 0], reloc: ['R_RISCV_SUB32', '_start'] },
      ],
    },
  ], ['_start', 'data_sym']);
  const b = object('b.s', [{ name: '.text', items: [{ label: 'target', insn: 'jalr', ops: { rs1: 1 } }] }], ['target'], []);
  const r = link([a, b], undefined, '');
  const S = (n: string) => r.symbols.get(n)!;
  const start = S('_start');

  it('uses the default layout: text at 0x10000, entry _start', () => {
    expect(start).toBe(0x10000n);
    expect(r.entry).toBe(start);
    expect(S('target')).toBe(start + 0x38n); // b.s's .text follows a.s's
    // Data on the next page at the same page offset (GNU's DATA_SEGMENT_ALIGN), then 8-aligned.
    expect(S('data_sym')).toBe(0x11040n);
  });
  it('PCREL_HI20 + PCREL_LO12_I reach the symbol through the auipc label', () => {
    expect(BigInt(imm(insnAt(r.elf, start)) + imm(insnAt(r.elf, start + 4n))) + start).toBe(S('data_sym'));
  });
  it('PCREL_LO12_S uses its auipc\'s target including the HI20 addend', () => {
    const p = start + 8n;
    expect(BigInt(imm(insnAt(r.elf, p)) + imm(insnAt(r.elf, p + 4n))) + p).toBe(S('data_sym') + 8n);
  });
  it('HI20 + LO12_I / LO12_S give the absolute address', () => {
    const hi = BigInt(imm(insnAt(r.elf, start + 16n)));
    expect(hi + BigInt(imm(insnAt(r.elf, start + 20n)))).toBe(S('data_sym'));
    expect(hi + BigInt(imm(insnAt(r.elf, start + 24n)))).toBe(S('data_sym') + 16n);
  });
  it('BRANCH, JAL, CALL, CALL_PLT, RVC_BRANCH, RVC_JUMP are pc-relative', () => {
    const t = S('target');
    expect(start + 28n + BigInt(imm(insnAt(r.elf, start + 28n)))).toBe(t);
    expect(start + 32n + BigInt(imm(insnAt(r.elf, start + 32n)))).toBe(t);
    for (const p of [start + 36n, start + 44n]) {
      expect(p + BigInt(imm(insnAt(r.elf, p)) + imm(insnAt(r.elf, p + 4n)))).toBe(t);
    }
    expect(start + 52n + BigInt(imm(insnAt(r.elf, start + 52n)))).toBe(t);
    expect(decode(insnAt(r.elf, start + 52n))!.def.mnemonic).toBe('c.beqz');
    expect(start + 54n + BigInt(imm(insnAt(r.elf, start + 54n)))).toBe(start);
  });
  it('64, 32, ADD32, SUB32 write data words', () => {
    const d = S('data_sym');
    expect(le(bytesAt(r.elf, d, 8))).toBe(S('target') + 3n);
    expect(le(bytesAt(r.elf, d + 8n, 4))).toBe(d);
    expect(le(bytesAt(r.elf, d + 12n, 4))).toBe(5n + S('target'));
    expect(le(bytesAt(r.elf, d + 16n, 4))).toBe(BigInt.asUintN(32, -start));
  });
});

describe('relocation overflow', () => {
  const far = (type: 'R_RISCV_BRANCH' | 'R_RISCV_JAL' | 'R_RISCV_RVC_BRANCH' | 'R_RISCV_RVC_JUMP' | 'R_RISCV_CALL' | 'R_RISCV_PCREL_HI20', at: string) => {
    const insn = type === 'R_RISCV_BRANCH' ? 'beq' : type === 'R_RISCV_JAL' ? 'jal' : type === 'R_RISCV_RVC_BRANCH' ? 'c.beqz'
      : type === 'R_RISCV_RVC_JUMP' ? 'c.j' : 'auipc';
    const items = [{ label: '_start', insn, ops: insn === 'c.beqz' ? { c_rs1_p: 8 } : {}, reloc: [type, 'far'] as [typeof type, string], line: 7 }];
    if (type === 'R_RISCV_CALL') items.push({ label: '_x', insn: 'jalr', ops: {}, reloc: undefined as never, line: 8 });
    const a = object('a.s', [{ name: '.text', items }], ['_start']);
    const b = object('b.s', [{ name: '.far', flags: { exec: true }, items: [{ label: 'far', insn: 'c.j' }] }], ['far']);
    return linkError([a, b], `SECTIONS { .text 0x10000 : { *(.text) } .far ${at} : { *(.far) } }`);
  };
  it('BRANCH beyond ±4 KiB names the symbol and the source line', () => {
    expect(far('R_RISCV_BRANCH', '0x11000')).toBe("a.s:7:5: R_RISCV_BRANCH against 'far': target out of range: offset 0x1000 does not fit a branch (±4 KiB) (-0x1000..0xffe)");
  });
  it('BRANCH within range links', () => {
    expect(() => link([object('a.s', [{ name: '.text', items: [{ label: '_start', insn: 'beq', reloc: ['R_RISCV_BRANCH', 'far'] }] }], ['_start']),
      object('b.s', [{ name: '.far', flags: { exec: true }, items: [{ label: 'far', insn: 'c.j' }] }], ['far'])],
    'SECTIONS { .text 0x10000 : { *(.text) } .far 0x10ffe : { *(.far) } }', 't.ld')).not.toThrow();
  });
  it('JAL beyond ±1 MiB', () => {
    expect(far('R_RISCV_JAL', '0x110000')).toMatch(/^a\.s:7:5: R_RISCV_JAL against 'far': target out of range: offset 0x100000 /);
  });
  it('RVC_BRANCH beyond ±256 B', () => {
    expect(far('R_RISCV_RVC_BRANCH', '0x10100')).toMatch(/^a\.s:7:5: R_RISCV_RVC_BRANCH against 'far': target out of range: offset 0x100 /);
  });
  it('RVC_JUMP beyond ±2 KiB', () => {
    expect(far('R_RISCV_RVC_JUMP', '0x10800')).toMatch(/^a\.s:7:5: R_RISCV_RVC_JUMP against 'far': target out of range: offset 0x800 /);
  });
  it('CALL and PCREL_HI20 beyond ±2 GiB', () => {
    expect(far('R_RISCV_CALL', '0x80010000')).toMatch(/^a\.s:7:5: R_RISCV_CALL against 'far': offset 0x80000000 is out of range/);
    expect(far('R_RISCV_PCREL_HI20', '0x80010000')).toMatch(/^a\.s:7:5: R_RISCV_PCREL_HI20 against 'far': offset 0x80000000 is out of range/);
    expect(() => link([object('a.s', [{ name: '.text', items: [{ label: '_start', insn: 'auipc', reloc: ['R_RISCV_PCREL_HI20', 'far'] }] }], ['_start']),
      object('b.s', [{ name: '.far', flags: { exec: true }, items: [{ label: 'far', insn: 'c.j' }] }], ['far'])],
    'SECTIONS { .text 0x10000 : { *(.text) } .far 0x8000f000 : { *(.far) } }', 't.ld')).not.toThrow();
  });
  it('HI20 of an address above 2 GiB (lui sign-extends on RV64)', () => {
    const a = object('k.s', [{ name: '.text', items: [{ label: '_start', insn: 'lui', reloc: ['R_RISCV_HI20', '_start'], line: 3 }] }], ['_start']);
    expect(linkError([a], 'SECTIONS { . = 0x80200000; .text : { *(.text) } }'))
      .toBe("k.s:3:5: R_RISCV_HI20 against '_start': address 0x80200000 is out of range of a 32-bit %hi/%lo pair (±2 GiB around 0)");
  });
  it('32 with a value above 4 GiB', () => {
    const a = object('d.s', [
      { name: '.text', items: [{ label: '_start', insn: 'c.j' }] },
      { name: '.data', items: [{ bytes: [0, 0, 0, 0], reloc: ['R_RISCV_32', '_start'], line: 9 }] }], ['_start']);
    expect(linkError([a], 'SECTIONS { . = 0x100000000; .text : { *(.text) } .data : { *(.data) } }'))
      .toBe("d.s:9:5: R_RISCV_32 against '_start': value 0x100000000 does not fit in 32 bits");
  });
  it('PCREL_LO12 whose label has no PCREL_HI20', () => {
    const a = object('p.s', [{ name: '.text', items: [
      { label: '_start', insn: 'addi' },
      { insn: 'addi', reloc: ['R_RISCV_PCREL_LO12_I', '_start'], line: 4 }] }], ['_start']);
    expect(linkError([a])).toBe("p.s:4:5: R_RISCV_PCREL_LO12_I against '_start': no R_RISCV_PCREL_HI20 at 0x10000 ('_start' must label the auipc of a %pcrel_hi)");
  });
  it('odd branch targets', () => {
    const a = object('o.s', [{ name: '.text', items: [{ label: '_start', insn: 'jal', reloc: ['R_RISCV_JAL', '_start', 1n], line: 2 }] }], ['_start']);
    expect(linkError([a])).toBe("o.s:2:5: R_RISCV_JAL against '_start': target is at an odd offset 0x1 from the instruction");
  });
});

describe('symbol resolution', () => {
  it('an undefined symbol names the reference and the declaration', () => {
    const a = object('a.s', [{ name: '.text', items: [{ label: '_start', insn: 'jal', reloc: ['R_RISCV_JAL', 'missing'], line: 12 }] }], ['_start'], ['missing']);
    expect(linkError([a])).toBe("a.s:12:5: undefined reference to 'missing' (declared at a.s:1:9); no input object defines it");
  });
  it('every undefined reference is reported, as GNU ld does, one line each', () => {
    const a = object('a.s', [{ name: '.text', items: [
      { label: '_start', insn: 'jal', reloc: ['R_RISCV_JAL', 'one'], line: 3 },
      { insn: 'jal', reloc: ['R_RISCV_JAL', 'two'], line: 4 },
      { insn: 'jal', reloc: ['R_RISCV_JAL', 'one'], line: 5 },
    ] }], ['_start']);
    expect(linkError([a]).split('\n')).toEqual([
      "a.s:3:5: undefined reference to 'one'; no input object defines it",
      "a.s:4:5: undefined reference to 'two'; no input object defines it",
      "a.s:5:5: undefined reference to 'one'; no input object defines it",
    ]);
  });
  it('a duplicate global names both definitions', () => {
    const a = object('a.s', [{ name: '.text', items: [{ label: '_start', insn: 'c.j', line: 3 }] }], ['_start']);
    const b = object('b.s', [{ name: '.text', items: [{ label: '_start', insn: 'c.j', line: 8 }] }], ['_start']);
    expect(linkError([a, b])).toBe("b.s:8:1: duplicate symbol '_start' (first defined at a.s:3:1)");
  });
  it('locals stay private to their object; globals are shared', () => {
    const a = object('a.s', [{ name: '.text', items: [
      { label: '_start', insn: 'jal', reloc: ['R_RISCV_JAL', 'helper'] },
      { insn: 'jal', reloc: ['R_RISCV_JAL', 'shared'] },
      { label: 'helper', insn: 'c.j' }] }], ['_start']);
    const b = object('b.s', [{ name: '.text', items: [{ label: 'helper', insn: 'c.j' }, { label: 'shared', insn: 'c.j' }] }], ['shared']);
    const r = link([a, b], undefined, '');
    const start = r.symbols.get('_start')!;
    expect(start + BigInt(imm(insnAt(r.elf, start)))).toBe(start + 8n); // a.s's own helper
    expect(start + 4n + BigInt(imm(insnAt(r.elf, start + 4n)))).toBe(r.symbols.get('shared'));
    const img = readElf(r.elf, 'x');
    expect(img.symbols.filter((s) => s.name === 'helper').map((s) => s.bind)).toEqual(['local', 'local']);
    expect(img.symbols.filter((s) => s.type === 'file').map((s) => s.name)).toEqual(['a.s', 'b.s']);
  });
  it('warns like GNU ld when there is no entry symbol', () => {
    const r = link([object('a.s', [{ name: '.text', items: [{ label: 'main', insn: 'c.j' }] }], ['main'])], undefined, '');
    expect(r.entry).toBe(0x10000n);
    expect(r.warnings).toEqual(['cannot find entry symbol _start; defaulting to 0x10000']);
  });
});
