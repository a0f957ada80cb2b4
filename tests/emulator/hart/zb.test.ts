// Zba, Zbb, Zbs and Zicond against hand vectors (values worked out from the spec's definitions),
// each with rd = rs1 too where aliasing could go wrong, and W forms' sign extension.

import { describe, expect, it } from 'vitest';
import { enc, exec } from './harness.js';

const M64 = (1n << 64n) - 1n;
const A0 = 10, A1 = 11, A2 = 12;

/** Runs `op a0, a1, a2` (or `op a0, a1, imm`) and returns a0 as an unsigned 64-bit value. */
function r(op: string, a: bigint, b: bigint = 0n): bigint {
  return BigInt.asUintN(64, exec([enc(op, { rd: A0, rs1: A1, rs2: A2 })], { [A1]: a, [A2]: b }).reg(A0));
}
function imm(op: string, a: bigint, sh: number): bigint {
  const field = op === 'roriw' ? 'shamt5' : 'shamt6';
  return BigInt.asUintN(64, exec([enc(op, { rd: A0, rs1: A1, [field]: sh })], { [A1]: a }).reg(A0));
}
const u = (v: bigint): bigint => BigInt.asUintN(64, v);

describe('Zba', () => {
  it('sh1add/sh2add/sh3add and the .uw forms, add.uw, slli.uw', () => {
    expect(r('sh1add', 0x8000000000000001n, 5n)).toBe(7n);
    expect(r('sh2add', 0x4000000000000000n, 1n)).toBe(1n);
    expect(r('sh3add', 0x1234n, 0xffffffffffffffffn)).toBe(0x1234n * 8n - 1n);
    expect(r('sh1add', 0x80000000n, 0n)).toBe(0x100000000n); // carry across the halves
    expect(r('add.uw', 0xffffffff80000000n, 1n)).toBe(0x80000001n);
    expect(r('sh1add.uw', 0xdeadbeefffffffffn, 2n)).toBe(0x1fffffffen + 2n);
    expect(r('sh3add.uw', 0x100000001n, 0n)).toBe(8n);
    expect(imm('slli.uw', 0xffffffff80000001n, 4)).toBe(0x800000010n);
    expect(imm('slli.uw', 0xffffffffffffffffn, 63)).toBe(1n << 63n);
    expect(imm('slli.uw', 0xffffffffffffffffn, 0)).toBe(0xffffffffn);
  });
});

describe('Zbb', () => {
  it('logic with negate', () => {
    expect(r('andn', 0xff00ff00ff00ff00n, 0xf0f0f0f0f0f0f0f0n)).toBe(0x0f000f000f000f00n);
    expect(r('orn', 0n, 0xffffffff00000000n)).toBe(0xffffffffn);
    expect(r('xnor', 0x1234n, 0x1234n)).toBe(M64);
  });
  it('clz/ctz/cpop and their W forms', () => {
    expect(r('clz', 0n)).toBe(64n); expect(r('clz', 1n)).toBe(63n); expect(r('clz', 1n << 63n)).toBe(0n); expect(r('clz', 0x100000000n)).toBe(31n);
    expect(r('ctz', 0n)).toBe(64n); expect(r('ctz', 1n << 40n)).toBe(40n); expect(r('ctz', 0x80000000n)).toBe(31n);
    expect(r('cpop', M64)).toBe(64n); expect(r('cpop', 0x8000000100000001n)).toBe(3n);
    expect(r('clzw', 0xffffffff00000000n)).toBe(32n); expect(r('clzw', 0x8000n)).toBe(16n);
    expect(r('ctzw', 0xffffffff00000000n)).toBe(32n); expect(r('ctzw', 0x10n)).toBe(4n);
    expect(r('cpopw', 0xffffffff0000ffffn)).toBe(16n);
  });
  it('min/max signed and unsigned', () => {
    expect(r('max', u(-1n), 1n)).toBe(1n); expect(r('min', u(-1n), 1n)).toBe(M64);
    expect(r('maxu', u(-1n), 1n)).toBe(M64); expect(r('minu', u(-1n), 1n)).toBe(1n);
    expect(r('min', 0x100000000n, 0xffffffffn)).toBe(0xffffffffn);
  });
  it('sext.b/sext.h/zext.h', () => {
    expect(r('sext.b', 0x1280n)).toBe(u(-128n)); expect(r('sext.b', 0xff7fn)).toBe(0x7fn);
    expect(r('sext.h', 0x18000n)).toBe(u(-32768n)); expect(r('zext.h', u(-1n))).toBe(0xffffn);
  });
  it('rotates', () => {
    expect(r('rol', 0x8000000000000001n, 1n)).toBe(3n);
    expect(r('ror', 0x8000000000000001n, 1n)).toBe(0xc000000000000000n);
    expect(r('ror', 0x0123456789abcdefn, 32n)).toBe(0x89abcdef01234567n);
    expect(r('ror', 0x0123456789abcdefn, 64n + 4n)).toBe(0xf0123456789abcden); // only 6 bits count
    expect(imm('rori', 0x0123456789abcdefn, 36)).toBe(0x789abcdef0123456n);
    expect(imm('rori', 0x0123456789abcdefn, 0)).toBe(0x0123456789abcdefn);
    expect(r('rolw', 0x80000001n, 1n)).toBe(3n);
    expect(r('rorw', 1n, 1n)).toBe(u(-0x80000000n)); // sign-extended
    expect(r('rolw', 0xffffffff12345678n, 0n)).toBe(0x12345678n);
    expect(imm('roriw', 0x12345678n, 4)).toBe(u(BigInt.asIntN(32, 0x81234567n)));
  });
  it('orc.b and rev8', () => {
    expect(r('orc.b', 0x0100200000000f00n)).toBe(0xff00ff000000ff00n);
    expect(r('rev8', 0x0123456789abcdefn)).toBe(0xefcdab8967452301n);
  });
  it('rd = rs1 reads before writing (rev8 a1, a1; clz a1, a1)', () => {
    const h = exec([enc('rev8', { rd: A1, rs1: A1 }), enc('ror', { rd: A2, rs1: A2, rs2: A2 })], { [A1]: 0x0102030405060708n, [A2]: 0x4n });
    expect(u(h.reg(A1))).toBe(0x0807060504030201n);
    expect(u(h.reg(A2))).toBe(0x4000000000000000n);
  });
});

describe('Zbs', () => {
  it('bset/bclr/binv/bext and immediate forms, both halves', () => {
    expect(r('bset', 0n, 63n)).toBe(1n << 63n); expect(r('bset', 0n, 64n + 3n)).toBe(8n);
    expect(r('bclr', M64, 32n)).toBe(M64 ^ (1n << 32n)); expect(r('binv', 1n, 0n)).toBe(0n);
    expect(r('bext', 1n << 40n, 40n)).toBe(1n); expect(r('bext', 1n << 40n, 39n)).toBe(0n);
    expect(imm('bseti', 0n, 31)).toBe(0x80000000n); expect(imm('bclri', M64, 0)).toBe(M64 - 1n);
    expect(imm('binvi', 0n, 62)).toBe(1n << 62n); expect(imm('bexti', 0x8000000000000000n, 63)).toBe(1n);
  });
});

describe('Zicond', () => {
  it('czero.eqz/czero.nez look at all 64 bits of rs2', () => {
    expect(r('czero.eqz', 5n, 0n)).toBe(0n); expect(r('czero.eqz', 5n, 1n << 40n)).toBe(5n);
    expect(r('czero.nez', 5n, 0n)).toBe(5n); expect(r('czero.nez', 5n, 1n << 40n)).toBe(0n);
  });
});

describe('hints', () => {
  it('prefetch and ntl change nothing', () => {
    const h = exec([enc('prefetch.w', { rs1: A1, pimm12: 32 }), enc('ntl.all'), enc('addi', { rd: A0, rs1: 0, imm12: 7 })], { [A1]: 0n });
    expect(h.reg(A0)).toBe(7n);
  });
});
