// F/D state on the hart: mstatus.FS (Off → illegal, writes → Dirty, SD), fcsr/frm/fflags as CSRs,
// rounding-mode resolution (dyn through frm, reserved → illegal), NaN-boxing on flw/fmv.w.x, f0 a
// real register (the decode cache's x0 sink is for integer rd only), loads/stores and c.fldsp.
// The arithmetic itself is emulator/fpu's (tested there); one operation each shows the wiring.

import { describe, expect, it } from 'vitest';
import { csrRead } from '../../../emulator/hart/csr.js';
import { MSTATUS_FS } from '../../../emulator/hart/mstatus.js';
import { enc, makeHart, RAM_BASE } from './harness.js';

const A0 = 10, A1 = 11, FA0 = 10, FA1 = 11, FA2 = 12;
const DATA = RAM_BASE + 0x8000;
const bits = (x: number): bigint => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return b.getBigUint64(0); };

function fpHart(words: number[], fs = MSTATUS_FS & (1 << 13)) {
  const t = makeHart();
  t.hart.mstatus |= fs;
  t.load(words);
  return t;
}

describe('F/D on the hart', () => {
  it('FS = Off: an FP instruction and an fcsr access are illegal (tval = the bits)', () => {
    const w = enc('fadd.d', { frd: FA0, frs1: FA1, frs2: FA2, rm: 7 });
    const t = fpHart([w], 0);
    t.run(1);
    expect(t.hart.mcause).toBe(2n);
    expect(t.hart.mtval).toBe(BigInt(w));
    const c = enc('csrrs', { rd: A0, csr: 0x003, rs1: 0 });
    const t2 = fpHart([c], 0);
    t2.run(1);
    expect(t2.hart.mcause).toBe(2n);
  });

  it('fld, fadd.d (dyn → frm), fsd; FS becomes Dirty and SD reads 1', () => {
    const t = fpHart([
      enc('fld', { frd: FA1, rs1: A0, imm12: 0 }), enc('fld', { frd: FA2, rs1: A0, imm12: 8 }),
      enc('fadd.d', { frd: FA0, frs1: FA1, frs2: FA2, rm: 7 }), enc('fsd', { frs2: FA0, rs1: A0, simm12: 16 }),
    ]);
    t.bus.ram.view.setBigUint64(DATA - RAM_BASE, bits(1.5), true);
    t.bus.ram.view.setBigUint64(DATA - RAM_BASE + 8, bits(2.25), true);
    t.hart.setReg(A0, BigInt(DATA));
    expect(csrRead(t.hart, 0x300) >> 63n).toBe(0n);
    t.run(4);
    expect(t.bus.ram.view.getBigUint64(DATA - RAM_BASE + 16, true)).toBe(bits(3.75));
    expect(t.hart.mstatus & MSTATUS_FS).toBe(MSTATUS_FS);
    expect(csrRead(t.hart, 0x300) >> 63n).toBe(1n);
    expect(csrRead(t.hart, 0x100) >> 63n).toBe(1n); // sstatus.SD
  });

  it('fcsr, frm and fflags are views of one register; an inexact add sets NX', () => {
    const t = fpHart([
      enc('csrrwi', { rd: 0, csr: 0x002, zimm5: 1 }), // frm = rtz
      enc('fmv.d.x', { frd: FA1, rs1: A0 }), enc('fmv.d.x', { frd: FA2, rs1: A1 }),
      enc('fadd.d', { frd: FA0, frs1: FA1, frs2: FA2, rm: 7 }),
      enc('csrrs', { rd: A0, csr: 0x003, rs1: 0 }),
      enc('fmv.x.d', { rd: A1, frs1: FA0 }),
    ]);
    t.hart.setReg(A0, BigInt.asIntN(64, bits(1)));
    t.hart.setReg(A1, BigInt.asIntN(64, bits(2 ** -60)));
    t.run(6);
    expect(t.hart.reg(A0)).toBe((1n << 5n) | 1n); // frm = 1, NX
    expect(BigInt.asUintN(64, t.hart.reg(A1))).toBe(bits(1)); // rtz: 1 + 2^-60 → 1
  });

  it('a reserved rounding mode is illegal, in the instruction or through frm', () => {
    const t = fpHart([enc('fadd.s', { frd: FA0, frs1: FA1, frs2: FA2, rm: 5 })]);
    t.run(1);
    expect(t.hart.mcause).toBe(2n);
    const t2 = fpHart([enc('csrrwi', { rd: 0, csr: 0x002, zimm5: 6 }), enc('fcvt.w.d', { rd: A0, frs1: FA1, rm: 7 })]);
    t2.run(2);
    expect(t2.hart.mcause).toBe(2n);
    expect(t2.hart.mepc).toBe(BigInt(RAM_BASE + 4));
  });

  it('f0 is a real register as rd; flw and fmv.w.x NaN-box; fmv.x.w sign-extends', () => {
    const t = fpHart([
      enc('fmv.w.x', { frd: 0, rs1: A0 }), enc('fmv.x.d', { rd: A1, frs1: 0 }),
      enc('fmv.x.w', { rd: A0, frs1: 0 }),
    ]);
    t.hart.setReg(A0, 0x80000001n);
    t.run(3);
    expect(BigInt.asUintN(64, t.hart.reg(A1))).toBe(0xffffffff80000001n);
    expect(t.hart.reg(A0)).toBe(-0x7fffffffn);
  });

  it('c.fldsp into f0 and c.fsdsp from it', () => {
    // c.fldsp ft0, 8(sp); c.fsdsp ft0, 16(sp)
    const t = fpHart([enc('c.fldsp', { c_frd: 0, c_uimm9sp: 8 }), enc('c.fsdsp', { c_frs2: 0, c_uimm9sp_s: 16 })]);
    t.hart.setReg(2, BigInt(DATA));
    t.bus.ram.view.setBigUint64(DATA - RAM_BASE + 8, 0x123456789abcdef0n, true);
    t.run(2);
    expect(t.bus.ram.view.getBigUint64(DATA - RAM_BASE + 16, true)).toBe(0x123456789abcdef0n);
  });

  it('fmadd.s reads rs3', () => {
    const f32 = (x: number): bigint => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, x); return BigInt(b.getUint32(0)); };
    const t = fpHart([
      enc('fmv.w.x', { frd: 1, rs1: 5 }), enc('fmv.w.x', { frd: 2, rs1: 6 }), enc('fmv.w.x', { frd: 3, rs1: 7 }),
      enc('fmadd.s', { frd: 4, frs1: 1, frs2: 2, frs3: 3, rm: 0 }), enc('fmv.x.w', { rd: A0, frs1: 4 }),
    ]);
    t.hart.setReg(5, f32(3)); t.hart.setReg(6, f32(4)); t.hart.setReg(7, f32(0.5));
    t.run(5);
    expect(BigInt.asUintN(32, t.hart.reg(A0))).toBe(f32(12.5));
  });
});

describe('misa', () => {
  it('says F and D', () => {
    const t = fpHart([]);
    const misa = csrRead(t.hart, 0x301);
    expect((misa >> 3n) & 1n).toBe(1n);
    expect((misa >> 5n) & 1n).toBe(1n);
  });
});
