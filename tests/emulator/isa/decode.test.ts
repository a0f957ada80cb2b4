import { describe, expect, it } from 'vitest';
import { decode } from '../../../emulator/isa/decode.js';
import { encode } from '../../../emulator/isa/encode.js';
import { TABLE } from '../../../emulator/isa/table.js';

describe('decode', () => {
  it.each([
    [0x00a50533, 'add', 'add', { rd: 10, rs1: 10, rs2: 10, imm: 0 }],
    [0xfff50513, 'addi', 'addi', { rd: 10, rs1: 10, imm: -1 }],
    [0x4501, 'c.li', 'addi', { rd: 10, rs1: 0, imm: 0 }],
    [0x8082, 'c.jr', 'jalr', { rd: 0, rs1: 1, imm: 0 }],
    [0x1141, 'c.addi', 'addi', { rd: 2, rs1: 2, imm: -16 }],
    [0xe406, 'c.sdsp', 'sd', { rs1: 2, rs2: 1, imm: 8 }],
    [0x6105, 'c.addi16sp', 'addi', { rd: 2, rs1: 2, imm: 32 }],
    [0x800007b7, 'lui', 'lui', { rd: 15, imm: 0x80000 << 12 }],
    [0x0001, 'c.nop', 'addi', { rd: 0, rs1: 0, imm: 0 }],
    [0x9002, 'c.ebreak', 'ebreak', {}],
    [0x12000073, 'sfence.vma', 'sfence.vma', { rs1: 0, rs2: 0 }],
  ] as const)('%s is %s (%s)', (bits, mnemonic, base, ops) => {
    const d = decode(bits);
    expect(d?.def.mnemonic).toBe(mnemonic);
    expect(d?.base.mnemonic).toBe(base);
    expect(d).toMatchObject(ops);
  });

  it.each([
    [0x0000, 'c.addi4spn with nzuimm = 0'],
    [0xffffffff, 'no such opcode'],
    [0x6081, 'c.lui with nzimm = 0'],
    [0x4002, 'c.lwsp with rd = x0'],
    [0x8002, 'c.jr with rs1 = x0'],
  ] as const)('refuses 0x%s (%s)', (bits, _why) => {
    expect(decode(bits)).toBeUndefined();
  });

  it('encodes every entry back to its match bits with zero operands where legal', () => {
    for (const d of TABLE) {
      const ok = d.fields.every((f) => !f.startsWith('c_') || !/_n0|nz|_p$/.test(f));
      if (!ok) continue;
      expect(encode(d, {}), d.mnemonic).toBe(d.match);
    }
  });
});
