// Instruction edge cases of RV64I, M and A, driven directly with encoded instructions.
import { describe, expect, it } from 'vitest';
import { enc, exec, makeHart, RAM_BASE } from './harness.js';

const MIN64 = -(1n << 63n), MAX64 = (1n << 63n) - 1n;
const MIN32 = -(1n << 31n);
const s64 = (v: bigint) => BigInt.asIntN(64, v);

/** rd=x3 ← op(x1 = a, x2 = b). */
function r3(mn: string, a: bigint, b: bigint): bigint {
  return exec([enc(mn, { rd: 3, rs1: 1, rs2: 2 })], { 1: a, 2: b }).reg(3);
}
function ri(mn: string, a: bigint, imm: number, field = 'imm12'): bigint {
  return exec([enc(mn, { rd: 3, rs1: 1, [field]: imm })], { 1: a }).reg(3);
}

describe('RV64I', () => {
  it('add/sub carry and borrow across the halves', () => {
    expect(r3('add', 0xffffffffn, 1n)).toBe(0x100000000n);
    expect(r3('add', -1n, 1n)).toBe(0n);
    expect(r3('add', MAX64, 1n)).toBe(MIN64);
    expect(r3('sub', 0x100000000n, 1n)).toBe(0xffffffffn);
    expect(r3('sub', 0n, 1n)).toBe(-1n);
    expect(r3('sub', MIN64, 1n)).toBe(MAX64);
  });
  it('addi sign-extends its immediate', () => {
    expect(ri('addi', 0xffffffffn, 1)).toBe(0x100000000n);
    expect(ri('addi', 0n, -2048)).toBe(-2048n);
    expect(ri('addi', 0x100000000n, -1)).toBe(0xffffffffn);
  });
  it('shift amounts are masked to 6 bits (64-bit) and 5 bits (W)', () => {
    expect(r3('sll', 1n, 64n)).toBe(1n);
    expect(r3('sll', 1n, 65n)).toBe(2n);
    expect(r3('sll', 1n, 63n)).toBe(MIN64);
    expect(r3('sll', 0x80000001n, 32n)).toBe(s64(0x8000000100000000n));
    expect(r3('srl', -1n, 63n)).toBe(1n);
    expect(r3('srl', -1n, 64n + 4n)).toBe(0x0fffffffffffffffn);
    expect(r3('sra', MIN64, 63n)).toBe(-1n);
    expect(r3('sra', MIN64, 31n)).toBe(s64(0xffffffff00000000n));
    expect(r3('srl', 0x123456789abcdef0n, 36n)).toBe(0x12345678n >> 4n);
    expect(r3('sllw', 1n, 32n)).toBe(1n);
    expect(r3('sllw', 1n, 31n)).toBe(MIN32);
    expect(r3('srlw', 0x80000000n, 33n)).toBe(0x40000000n);
    expect(r3('sraw', 0x80000000n, 36n)).toBe(s64(0xfffffffff8000000n));
    expect(ri('slli', 1n, 40, 'shamt6')).toBe(1n << 40n);
    expect(ri('srai', MIN64, 40, 'shamt6')).toBe(-(1n << 23n));
    expect(ri('srli', MIN64, 40, 'shamt6')).toBe(1n << 23n);
    expect(ri('sraiw', 0xf0000000n, 4, 'shamt5')).toBe(s64(0xffffffffff000000n));
    expect(ri('srliw', 0xf0000000n, 0, 'shamt5')).toBe(s64(0xfffffffff0000000n));
  });
  it('W forms sign-extend their 32-bit result', () => {
    expect(r3('addw', 0x7fffffffn, 1n)).toBe(MIN32);
    expect(r3('subw', 0n, 1n)).toBe(-1n);
    expect(r3('addw', 0x1_0000_0001n, 0x1_0000_0001n)).toBe(2n);
    expect(ri('addiw', 0xffffffffn, 0)).toBe(-1n);
    expect(ri('slliw', 1n, 31, 'shamt5')).toBe(MIN32);
  });
  it('compares signed and unsigned across the halves', () => {
    expect(r3('slt', -1n, 0n)).toBe(1n);
    expect(r3('sltu', -1n, 0n)).toBe(0n);
    expect(r3('slt', 0x100000000n, 0xffffffffn)).toBe(0n);
    expect(r3('sltu', 0xffffffffn, 0x100000000n)).toBe(1n);
    expect(ri('sltiu', 5n, -1)).toBe(1n); // imm sign-extends, then compares unsigned
    expect(ri('slti', -5n, -4)).toBe(1n);
  });
  it('logic immediates sign-extend', () => {
    expect(ri('xori', 0n, -1)).toBe(-1n);
    expect(ri('andi', -1n, -16)).toBe(-16n);
    expect(ri('ori', 0x100000000n, 1)).toBe(0x100000001n);
  });
  it('x0 stays 0', () => {
    const h = exec([enc('addi', { rd: 0, rs1: 0, imm12: 5 }), enc('add', { rd: 3, rs1: 0, rs2: 0 }),
      enc('lui', { rd: 0, uimm20: 0x12345 }), enc('addi', { rd: 4, rs1: 0, imm12: 0 })]);
    expect(h.reg(0)).toBe(0n);
    expect(h.reg(3)).toBe(0n);
    expect(h.reg(4)).toBe(0n);
  });
  it('lui and auipc sign-extend bit 31', () => {
    expect(exec([enc('lui', { rd: 3, uimm20: 0x80000 })]).reg(3)).toBe(MIN32);
    expect(exec([enc('auipc', { rd: 3, uimm20: 0xfffff })]).reg(3)).toBe(BigInt(RAM_BASE) - 4096n);
  });
  it('jal/jalr link and clear bit 0 of the target; rd = rs1 uses the old rs1', () => {
    const t = makeHart();
    t.load([enc('jalr', { rd: 1, rs1: 1, imm12: 9 })]);
    t.hart.setReg(1, BigInt(RAM_BASE) + 0x10n);
    t.run(1);
    expect(t.hart.pc).toBe(RAM_BASE + 0x18);
    expect(t.hart.reg(1)).toBe(BigInt(RAM_BASE + 4));
  });
  it('branches compare full 64-bit values', () => {
    const t = makeHart();
    t.load([enc('blt', { rs1: 1, rs2: 2, bimm13: 16 })]);
    t.hart.setReg(1, -1n); t.hart.setReg(2, 0x100000000n);
    t.run(1);
    expect(t.hart.pc).toBe(RAM_BASE + 16);
    const u = makeHart();
    u.load([enc('bltu', { rs1: 1, rs2: 2, bimm13: 16 })]);
    u.hart.setReg(1, -1n); u.hart.setReg(2, 0x100000000n);
    u.run(1);
    expect(u.hart.pc).toBe(RAM_BASE + 4);
  });
  it('loads sign- and zero-extend; misaligned RAM accesses are performed', () => {
    const t = makeHart();
    const a = RAM_BASE + 0x1000;
    t.bus.ram.view.setBigUint64(0x1001, 0x8180838485868788n, true);
    const insns = ['lb', 'lbu', 'lh', 'lhu', 'lw', 'lwu', 'ld'].map((mn, i) => enc(mn, { rd: 10 + i, rs1: 1, imm12: 1 }));
    t.load(insns);
    t.hart.setReg(1, BigInt(a));
    t.run(insns.length);
    expect(t.hart.reg(10)).toBe(-0x78n);
    expect(t.hart.reg(11)).toBe(0x88n);
    expect(t.hart.reg(12)).toBe(s64(0xffffffffffff8788n));
    expect(t.hart.reg(13)).toBe(0x8788n);
    expect(t.hart.reg(14)).toBe(s64(0xffffffff85868788n));
    expect(t.hart.reg(15)).toBe(0x85868788n);
    expect(t.hart.reg(16)).toBe(s64(0x8180838485868788n));
  });
  it('a misaligned store crossing a page is performed bytewise', () => {
    const t = makeHart();
    t.load([enc('sd', { rs1: 1, rs2: 2, simm12: 0 }), enc('ld', { rd: 3, rs1: 1, imm12: 0 })]);
    t.hart.setReg(1, BigInt(RAM_BASE + 0x1ffd));
    t.hart.setReg(2, 0x1122334455667788n);
    t.run(2);
    expect(t.hart.reg(3)).toBe(0x1122334455667788n);
  });
  it('a store into cached code runs the new code (no fence.i needed)', () => {
    const t = makeHart();
    const target = RAM_BASE + 0x100;
    t.load([enc('jal', { rd: 0, jimm21: 0x100 })]);
    t.load([enc('addi', { rd: 5, rs1: 0, imm12: 1 }), enc('jalr', { rd: 0, rs1: 6, imm12: 0 })], target);
    t.load([enc('sw', { rs1: 7, rs2: 8, simm12: 0 }), enc('jalr', { rd: 0, rs1: 9, imm12: 0 })], RAM_BASE + 0x200);
    t.hart.setReg(6, BigInt(RAM_BASE + 0x200));
    t.hart.setReg(7, BigInt(target));
    t.hart.setReg(8, BigInt(enc('addi', { rd: 5, rs1: 0, imm12: 2 })));
    t.hart.setReg(9, BigInt(target));
    t.run(3); // jal, addi (x5=1), jalr
    expect(t.hart.reg(5)).toBe(1n);
    t.run(3); // sw, jalr, addi (new)
    expect(t.hart.reg(5)).toBe(2n);
  });
});

describe('M', () => {
  it('division by zero: quotient all ones, remainder the dividend, all widths', () => {
    expect(r3('div', 7n, 0n)).toBe(-1n);
    expect(r3('divu', 7n, 0n)).toBe(-1n);
    expect(r3('rem', -7n, 0n)).toBe(-7n);
    expect(r3('remu', 7n, 0n)).toBe(7n);
    expect(r3('divw', 7n, 0n)).toBe(-1n);
    expect(r3('divuw', 7n, 0n)).toBe(-1n);
    expect(r3('remw', 0x1_8000_0000n, 0n)).toBe(MIN32);
    expect(r3('remuw', 0x1_8000_0000n, 0n)).toBe(MIN32);
  });
  it('INT_MIN / -1 overflows to INT_MIN with remainder 0, all widths', () => {
    expect(r3('div', MIN64, -1n)).toBe(MIN64);
    expect(r3('rem', MIN64, -1n)).toBe(0n);
    expect(r3('divw', MIN32, -1n)).toBe(MIN32);
    expect(r3('remw', MIN32, -1n)).toBe(0n);
    expect(r3('divu', MIN64, -1n)).toBe(0n);
    expect(r3('divuw', MIN32, -1n)).toBe(0n);
  });
  it('division truncates toward zero; remainder has the dividend sign', () => {
    expect(r3('div', -7n, 2n)).toBe(-3n);
    expect(r3('rem', -7n, 2n)).toBe(-1n);
    expect(r3('rem', 7n, -2n)).toBe(1n);
    expect(r3('divu', -1n, 2n)).toBe(MAX64);
    expect(r3('divuw', -1n, 2n)).toBe(0x7fffffffn);
    expect(r3('remuw', -1n, 0x10n)).toBe(15n);
    expect(r3('divw', 0x1_0000_0007n, -2n)).toBe(-3n);
  });
  it('mul and mulh/mulhsu/mulhu', () => {
    expect(r3('mul', 0xffffffffn, 0xffffffffn)).toBe(s64(0xfffffffe00000001n));
    expect(r3('mul', -1n, -1n)).toBe(1n);
    expect(r3('mul', 0x123456789n, 0x987654321n)).toBe(s64(0x123456789n * 0x987654321n));
    expect(r3('mul', MIN64, -1n)).toBe(MIN64);
    expect(r3('mulh', -1n, -1n)).toBe(0n);
    expect(r3('mulh', MIN64, MIN64)).toBe(1n << 62n);
    expect(r3('mulh', MIN64, 2n)).toBe(-1n);
    expect(r3('mulhu', -1n, -1n)).toBe(-2n);
    expect(r3('mulhsu', -1n, -1n)).toBe(-1n);
    expect(r3('mulhsu', 1n, -1n)).toBe(0n);
    expect(r3('mulhsu', MIN64, -1n)).toBe(MIN64); // floor((-2^63 · (2^64-1)) / 2^64)
    expect(r3('mulhsu', -2n, 3n)).toBe(-1n);
    expect(r3('mulw', 0x7fffffffn, 2n)).toBe(-2n);
    expect(r3('mulw', 0x1_0000_0003n, 0x1_0000_0005n)).toBe(15n);
  });
});

describe('A', () => {
  function amo(mn: string, mem: bigint, src: bigint, wide: boolean): { old: bigint; mem: bigint } {
    const t = makeHart();
    const a = 0x800n;
    if (wide) t.bus.ram.view.setBigUint64(Number(a), BigInt.asUintN(64, mem), true);
    else t.bus.ram.view.setUint32(Number(a), Number(BigInt.asUintN(32, mem)), true);
    t.load([enc(mn, { rd: 3, rs1: 1, rs2: 2 })]);
    t.hart.setReg(1, BigInt(RAM_BASE) + a);
    t.hart.setReg(2, src);
    t.run(1);
    const m = wide ? BigInt.asIntN(64, t.bus.ram.view.getBigUint64(Number(a), true)) : BigInt(t.bus.ram.view.getInt32(Number(a), true));
    return { old: t.hart.reg(3), mem: m };
  }
  it('amomin/amomax signed and unsigned, both widths', () => {
    expect(amo('amomin.d', -1n, 1n, true).mem).toBe(-1n);
    expect(amo('amominu.d', -1n, 1n, true).mem).toBe(1n);
    expect(amo('amomax.d', -1n, 1n, true).mem).toBe(1n);
    expect(amo('amomaxu.d', -1n, 1n, true).mem).toBe(-1n);
    expect(amo('amomin.w', 0x80000000n, 1n, false).mem).toBe(MIN32);
    expect(amo('amominu.w', 0x80000000n, 1n, false).mem).toBe(1n);
    expect(amo('amomax.w', 0x80000000n, 1n, false).mem).toBe(1n);
    expect(amo('amomaxu.w', 0x80000000n, 1n, false)).toEqual({ old: MIN32, mem: MIN32 });
    // .w compares 32-bit values: upper bits of rs2 are ignored
    expect(amo('amomax.w', 5n, 0x1_0000_0001n, false).mem).toBe(5n);
  });
  it('amoadd/amoswap/amoand/amoor/amoxor return the old value (sign-extended for .w)', () => {
    expect(amo('amoadd.d', 0xffffffffn, 1n, true)).toEqual({ old: 0xffffffffn, mem: 0x100000000n });
    expect(amo('amoadd.w', 0xffffffffn, 1n, false)).toEqual({ old: -1n, mem: 0n });
    expect(amo('amoswap.w', 0x80000000n, 7n, false)).toEqual({ old: MIN32, mem: 7n });
    expect(amo('amoand.d', 0xf0n, 0x3cn, true).mem).toBe(0x30n);
    expect(amo('amoor.w', 0xf0n, 0x0fn, false).mem).toBe(0xffn);
    expect(amo('amoxor.d', -1n, 1n, true).mem).toBe(-2n);
  });
  it('LR/SC: SC succeeds on a valid reservation, fails after another SC or an intervening store', () => {
    const t = makeHart();
    const lr = enc('lr.d', { rd: 3, rs1: 1 }), sc = (rd: number) => enc('sc.d', { rd, rs1: 1, rs2: 2 });
    t.load([lr, sc(4), sc(5), lr, enc('sd', { rs1: 1, rs2: 0, simm12: 0 }), sc(6)]);
    t.hart.setReg(1, BigInt(RAM_BASE + 0x800));
    t.hart.setReg(2, 42n);
    t.run(6);
    expect(t.hart.reg(4)).toBe(0n);
    expect(t.hart.reg(5)).toBe(1n); // the first SC consumed the reservation
    expect(t.hart.reg(6)).toBe(1n); // the store to the reserved doubleword broke it
    expect(t.bus.ram.view.getBigUint64(0x800, true)).toBe(0n);
  });
  it('SC to a different address than the LR fails', () => {
    const t = makeHart();
    t.load([enc('lr.w', { rd: 3, rs1: 1 }), enc('sc.w', { rd: 4, rs1: 7, rs2: 2 })]);
    t.hart.setReg(1, BigInt(RAM_BASE + 0x800));
    t.hart.setReg(7, BigInt(RAM_BASE + 0x808));
    t.run(2);
    expect(t.hart.reg(4)).toBe(1n);
  });
  it('misaligned LR is a load-misaligned, misaligned AMO/SC a store-misaligned exception', () => {
    for (const [mn, cause] of [['lr.w', 4n], ['sc.d', 6n], ['amoadd.w', 6n]] as const) {
      const t = makeHart();
      t.load([enc(mn, { rd: 3, rs1: 1, rs2: 2 })]);
      t.hart.setReg(1, BigInt(RAM_BASE + 0x802));
      t.run(1);
      expect(t.hart.mcause).toBe(cause);
      expect(t.hart.mtval).toBe(BigInt(RAM_BASE + 0x802));
    }
  });
});
