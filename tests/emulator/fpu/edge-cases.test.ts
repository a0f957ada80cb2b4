// Hand-written vectors for the edges: subnormals, overflow per mode, tininess after rounding,
// NaNs (signaling, quiet, canonical, NaN-boxing), signed zeros, fmin/fmax, compares, fclass and
// conversions at the integer limits. Values are bits; flags NV DZ OF UF NX as fflags holds them.

import { describe, expect, it } from 'vitest';
import * as fpu from '../../../emulator/fpu/index.js';
import type { FpuState } from '../../../emulator/fpu/index.js';

const { NX, UF, OF, DZ, NV, RNE, RTZ, RDN, RUP, RMM } = fpu;
const fns = fpu as unknown as Record<string, (...args: unknown[]) => unknown>;

const MAX_D = 0x7fefffffffffffffn;
const INF_D = 0x7ff0000000000000n;
const QNAN_D = 0x7ff8000000000000n;
const SNAN_D = 0x7ff0000000000001n;
const ONE_D = 0x3ff0000000000000n;
const NEG = 1n << 63n;
const QNAN_S = 0x7fc00000n;
const SNAN_S = 0x7f800001n;
const ONE_S = 0x3f800000n;

function setReg(st: FpuState, single: boolean, i: number, bits: bigint): void {
  st.f[2 * i] = Number(BigInt.asIntN(32, bits));
  st.f[2 * i + 1] = single ? -1 : Number(BigInt.asIntN(32, bits >> 32n));
}

function getReg(st: FpuState, single: boolean, i: number): bigint {
  if (single) return st.f[2 * i + 1] === -1 ? BigInt(st.f[2 * i] >>> 0) : -1n;
  return (BigInt(st.f[2 * i + 1] >>> 0) << 32n) | BigInt(st.f[2 * i] >>> 0);
}

/** Runs the instruction `op` (e.g. "fmadd.d") on bit operands; returns result bits and fflags. */
function exec(op: string, operands: bigint[], rm = RNE): [bigint, number] {
  const st = fpu.createFpuState();
  const single = op.endsWith('.s') || op === 'fcvt.s.d' || /^fcvt\.s\./.test(op);
  const srcSingle = op.endsWith('.s');
  const name = op.replace(/\./g, '_');
  const xl = new Int32Array(32);
  const xh = new Int32Array(32);
  const fn = fns[name];
  const m = /^(fadd|fsub|fmul|fdiv|fmin|fmax|fsgnj|fsgnjn|fsgnjx)\./.exec(op);
  if (/^fn?m(add|sub)\./.test(op)) {
    operands.forEach((b, i) => setReg(st, single, i + 1, b));
    fn(st, 10, 1, 2, 3, rm);
    return [getReg(st, single, 10), st.fflags];
  }
  if (m) {
    setReg(st, single, 1, operands[0]); setReg(st, single, 2, operands[1]);
    if (['fadd', 'fsub', 'fmul', 'fdiv'].includes(m[1])) fn(st, 10, 1, 2, rm); else fn(st, 10, 1, 2);
    return [getReg(st, single, 10), st.fflags];
  }
  if (/^fsqrt\./.test(op)) { setReg(st, single, 1, operands[0]); fn(st, 10, 1, rm); return [getReg(st, single, 10), st.fflags]; }
  if (/^(feq|flt|fle)\./.test(op)) {
    setReg(st, single, 1, operands[0]); setReg(st, single, 2, operands[1]);
    return [BigInt(fn(st, 1, 2) as number), st.fflags];
  }
  if (/^fclass\./.test(op)) { setReg(st, single, 1, operands[0]); return [BigInt(fn(st, 1) as number), st.fflags]; }
  if (/^fcvt\.(w|wu)\./.test(op)) { setReg(st, srcSingle, 1, operands[0]); return [BigInt(fn(st, 1, rm) as number), st.fflags]; }
  if (/^fcvt\.(l|lu)\./.test(op)) {
    setReg(st, srcSingle, 1, operands[0]);
    fn(st, xl, xh, 5, 1, rm);
    return [(BigInt(xh[5]) << 32n) | BigInt(xl[5] >>> 0), st.fflags];
  }
  if (/^fcvt\.[sd]\.(w|wu)$/.test(op)) { fn(st, 10, Number(BigInt.asIntN(32, operands[0])), rm); return [getReg(st, single, 10), st.fflags]; }
  if (/^fcvt\.[sd]\.(l|lu)$/.test(op)) {
    fn(st, 10, Number(BigInt.asIntN(32, operands[0])), Number(BigInt.asIntN(32, operands[0] >> 32n)), rm);
    return [getReg(st, single, 10), st.fflags];
  }
  if (op === 'fcvt.s.d') { setReg(st, false, 1, operands[0]); fpu.fcvt_s_d(st, 10, 1, rm); return [getReg(st, true, 10), st.fflags]; }
  if (op === 'fcvt.d.s') { setReg(st, true, 1, operands[0]); fpu.fcvt_d_s(st, 10, 1); return [getReg(st, false, 10), st.fflags]; }
  throw new Error(`no such op ${op}`);
}

type Vector = [op: string, rm: number, operands: bigint[], result: bigint, flags: number];

function check(vectors: Vector[]): void {
  for (const [op, rm, operands, result, flags] of vectors) {
    const [bits, got] = exec(op, operands, rm);
    expect({ op, rm, operands: operands.map((x) => x.toString(16)), bits: bits.toString(16), flags: got })
      .toEqual({ op, rm, operands: operands.map((x) => x.toString(16)), bits: result.toString(16), flags });
  }
}

describe('emulator/fpu edge cases', () => {
  it('rounds a tie in each mode (1 + 2^-53)', () => {
    const half = 0x3ca0000000000000n;
    check([
      ['fadd.d', RNE, [ONE_D, half], ONE_D, NX],
      ['fadd.d', RTZ, [ONE_D, half], ONE_D, NX],
      ['fadd.d', RDN, [ONE_D, half], ONE_D, NX],
      ['fadd.d', RUP, [ONE_D, half], ONE_D + 1n, NX],
      ['fadd.d', RMM, [ONE_D, half], ONE_D + 1n, NX],
      ['fadd.d', RDN, [ONE_D | NEG, half | NEG], (ONE_D + 1n) | NEG, NX],
      ['fadd.s', RMM, [ONE_S, 0x33800000n], ONE_S + 1n, NX],
      ['fadd.s', RNE, [ONE_S + 1n, 0x33800000n], ONE_S + 2n, NX], // tie to even, upward
    ]);
  });

  it('gives signed zeros as IEEE 754 says', () => {
    check([
      ['fsub.d', RNE, [ONE_D, ONE_D], 0n, 0],
      ['fsub.d', RDN, [ONE_D, ONE_D], NEG, 0],
      ['fadd.d', RNE, [NEG, NEG], NEG, 0],
      ['fadd.d', RNE, [0n, NEG], 0n, 0],
      ['fadd.d', RDN, [0n, NEG], NEG, 0],
      ['fmul.d', RNE, [NEG, ONE_D], NEG, 0],
      ['fdiv.d', RNE, [0n, ONE_D | NEG], NEG, 0],
      ['fsqrt.d', RNE, [NEG], NEG, 0],
      ['fmsub.d', RNE, [ONE_D, ONE_D, ONE_D], 0n, 0],
      ['fnmsub.d', RDN, [ONE_D, ONE_D, ONE_D], NEG, 0],
      ['fnmadd.d', RNE, [0n, ONE_D, 0n], NEG, 0], // −(+0) − (+0)
      ['fmadd.s', RNE, [0x80000000n, ONE_S, 0n], 0n, 0], // −0 + +0
    ]);
  });

  it('overflows to ∞ or the largest finite value by mode and sign', () => {
    const two = 0x4000000000000000n;
    check([
      ['fmul.d', RNE, [MAX_D, two], INF_D, OF | NX],
      ['fmul.d', RMM, [MAX_D, two], INF_D, OF | NX],
      ['fmul.d', RTZ, [MAX_D, two], MAX_D, OF | NX],
      ['fmul.d', RDN, [MAX_D, two], MAX_D, OF | NX],
      ['fmul.d', RUP, [MAX_D, two], INF_D, OF | NX],
      ['fmul.d', RDN, [MAX_D | NEG, two], INF_D | NEG, OF | NX],
      ['fmul.d', RUP, [MAX_D | NEG, two], MAX_D | NEG, OF | NX],
      ['fmul.d', RTZ, [MAX_D | NEG, two], MAX_D | NEG, OF | NX],
      ['fadd.s', RNE, [0x7f7fffffn, 0x7f7fffffn], 0x7f800000n, OF | NX],
      ['fadd.s', RTZ, [0x7f7fffffn, 0x7f7fffffn], 0x7f7fffffn, OF | NX],
      // MAX + half an ulp rounds to ∞ in RNE (tie to even), stays in RTZ
      ['fadd.d', RNE, [MAX_D, 0x7c90000000000000n], INF_D, OF | NX],
      ['fadd.d', RTZ, [MAX_D, 0x7c90000000000000n], MAX_D, NX],
      ['fadd.d', RNE, [MAX_D, 0x7c8fffffffffffffn], MAX_D, NX],
    ]);
  });

  it('detects tininess after rounding', () => {
    // (1 + 2^-52) · 2^-1022 (1 − 2^-52) = 2^-1022 (1 − 2^-104): rounds to 2^-1022 with an
    // unbounded exponent, so not tiny in RNE; tiny in RTZ (before-rounding would say UF in both).
    const a = 0x3ff0000000000001n;
    const b = 0x000fffffffffffffn;
    check([
      ['fmul.d', RNE, [a, b], 0x0010000000000000n, NX],
      ['fmul.d', RUP, [a, b], 0x0010000000000000n, NX],
      ['fmul.d', RMM, [a, b], 0x0010000000000000n, NX],
      ['fmul.d', RTZ, [a, b], 0x000fffffffffffffn, UF | NX],
      ['fmul.d', RDN, [a, b], 0x000fffffffffffffn, UF | NX],
      // 2^-1022 (1 − 2^-53): exact in 53 bits, below 2^-1022, so tiny; RNE rounds it up to 2^-1022
      ['fmul.d', RNE, [0x3fefffffffffffffn, 0x0010000000000000n], 0x0010000000000000n, UF | NX],
      // the same for binary32
      ['fmul.s', RNE, [0x3f800001n, 0x007fffffn], 0x00800000n, NX],
      ['fmul.s', RTZ, [0x3f800001n, 0x007fffffn], 0x007fffffn, UF | NX],
      ['fmul.s', RNE, [0x3f7fffffn, 0x00800000n], 0x00800000n, UF | NX],
    ]);
  });

  it('handles subnormals', () => {
    const half = 0x3fe0000000000000n;
    check([
      ['fmul.d', RNE, [1n, half], 0n, UF | NX], // 2^-1075: a tie, to even (zero)
      ['fmul.d', RUP, [1n, half], 1n, UF | NX],
      ['fmul.d', RMM, [1n, half], 1n, UF | NX],
      ['fmul.d', RNE, [3n, half], 2n, UF | NX], // 1.5 · 2^-1074 → 2 (even)
      ['fmul.d', RNE, [2n, half], 1n, 0], // exact subnormal: no flags
      ['fadd.d', RNE, [1n, 1n], 2n, 0],
      ['fsub.d', RNE, [0x0010000000000000n, 1n], 0x000fffffffffffffn, 0],
      ['fdiv.d', RNE, [1n, 0x4000000000000000n], 0n, UF | NX],
      ['fsqrt.d', RNE, [1n], 0x1e60000000000000n, 0], // √2^-1074 = 2^-537
      ['fmul.s', RNE, [1n, 0x3f000000n], 0n, UF | NX],
      ['fmul.s', RDN, [1n | 0x80000000n, 0x3f000000n], 0x80000001n, UF | NX],
    ]);
  });

  it('divides by zero and takes invalid operations to the canonical NaN', () => {
    check([
      ['fdiv.d', RNE, [ONE_D, 0n], INF_D, DZ],
      ['fdiv.d', RNE, [ONE_D | NEG, 0n], INF_D | NEG, DZ],
      ['fdiv.d', RNE, [0n, 0n], QNAN_D, NV],
      ['fdiv.d', RNE, [INF_D, INF_D], QNAN_D, NV],
      ['fdiv.d', RNE, [INF_D, 0n], INF_D, 0],
      ['fsub.d', RNE, [INF_D, INF_D], QNAN_D, NV],
      ['fmul.d', RNE, [INF_D, 0n], QNAN_D, NV],
      ['fsqrt.d', RNE, [ONE_D | NEG], QNAN_D, NV],
      ['fsqrt.s', RNE, [0xbf800000n], QNAN_S, NV],
      ['fdiv.s', RNE, [ONE_S, 0n], 0x7f800000n, DZ],
      ['fmadd.d', RNE, [INF_D, 0n, ONE_D], QNAN_D, NV],
      ['fmadd.d', RNE, [INF_D, 0n, QNAN_D], QNAN_D, NV], // 0·∞ + qNaN is invalid too
      ['fmadd.d', RNE, [INF_D, ONE_D, INF_D | NEG], QNAN_D, NV],
      ['fnmadd.d', RNE, [INF_D, ONE_D, INF_D | NEG], QNAN_D, NV], // −∞ − (−∞)
      ['fmsub.d', RNE, [INF_D, ONE_D, INF_D | NEG], INF_D, 0],
    ]);
  });

  it('never propagates a NaN payload; NV only for signaling NaNs', () => {
    const payload = 0xfff8000000001234n;
    check([
      ['fadd.d', RNE, [payload, ONE_D], QNAN_D, 0],
      ['fadd.d', RNE, [SNAN_D, ONE_D], QNAN_D, NV],
      ['fmul.d', RNE, [ONE_D, SNAN_D | NEG], QNAN_D, NV],
      ['fmadd.d', RNE, [QNAN_D, ONE_D, SNAN_D], QNAN_D, NV],
      ['fmadd.d', RNE, [QNAN_D, 0n, ONE_D], QNAN_D, 0],
      ['fsqrt.d', RNE, [SNAN_D], QNAN_D, NV],
      ['fadd.s', RNE, [SNAN_S, ONE_S], QNAN_S, NV],
      ['fadd.s', RNE, [0xffc01234n, ONE_S], QNAN_S, 0],
      ['fcvt.s.d', RNE, [SNAN_D], QNAN_S, NV],
      ['fcvt.s.d', RNE, [payload], QNAN_S, 0],
      ['fcvt.d.s', RNE, [SNAN_S], QNAN_D, NV],
    ]);
  });

  it('fuses multiply-add with one rounding', () => {
    // (1 + 2^-52)(1 − 2^-53) − 1 = 2^-53 − 2^-105 exactly; rounding the product first would give 0
    check([
      ['fmadd.d', RNE, [0x3ff0000000000001n, 0x3fefffffffffffffn, ONE_D | NEG], 0x3c9ffffffffffffen, 0],
      ['fmsub.d', RNE, [0x3ff0000000000001n, 0x3fefffffffffffffn, ONE_D], 0x3c9ffffffffffffen, 0],
      ['fnmsub.d', RNE, [0x3ff0000000000001n, 0x3fefffffffffffffn, ONE_D], 0xbc9ffffffffffffen, 0],
      ['fnmadd.d', RNE, [0x3ff0000000000001n, 0x3fefffffffffffffn, ONE_D | NEG], 0xbc9ffffffffffffen, 0],
      ['fmadd.d', RNE, [ONE_D, ONE_D, ONE_D], 0x4000000000000000n, 0],
      ['fnmadd.d', RNE, [ONE_D, ONE_D, ONE_D], 0xc000000000000000n, 0],
      // 1 + 2^-53 + 2^-105 lies just above the tie: RNE rounds up only when fused
      ['fmadd.d', RNE, [0x3ca0000000000001n, ONE_D, ONE_D], ONE_D + 1n, NX],
      // the product's rounding error, fma(a, b, −fl(a·b)); zero when the product is exact
      ['fmadd.d', RNE, [0x3ff0000000000001n, 0x3ff0000000000001n, 0xbff0000000000002n], 0x3970000000000000n, 0],
      ['fmadd.d', RNE, [0x3ff8000000000000n, 0x4000000000000000n, 0xc008000000000000n], 0n, 0],
      ['fmadd.d', RDN, [0x3ff8000000000000n, 0x4000000000000000n, 0xc008000000000000n], NEG, 0],
      ['fmadd.d', RNE, [NEG, 0x4014000000000000n, NEG], NEG, 0], // −0·5 + −0
      ['fmadd.d', RNE, [0n, 0x4014000000000000n, NEG], 0n, 0],
      ['fmadd.d', RNE, [0n, MAX_D, ONE_D], ONE_D, 0],
      ['fmadd.s', RNE, [0x3f800001n, 0x3f7fffffn, 0xbf800000n], 0x337ffffen, 0],
      ['fmadd.s', RNE, [0x33800001n, ONE_S, ONE_S], ONE_S + 1n, NX],
    ]);
  });

  it('fmin/fmax: −0 < +0, NaNs give way, canonical NaN for two NaNs', () => {
    check([
      ['fmin.d', RNE, [0n, NEG], NEG, 0],
      ['fmin.d', RNE, [NEG, 0n], NEG, 0],
      ['fmax.d', RNE, [NEG, 0n], 0n, 0],
      ['fmax.d', RNE, [0n, NEG], 0n, 0],
      ['fmin.d', RNE, [QNAN_D, ONE_D], ONE_D, 0],
      ['fmax.d', RNE, [ONE_D | NEG, 0xfff8000000000001n], ONE_D | NEG, 0],
      ['fmin.d', RNE, [SNAN_D, ONE_D], ONE_D, NV],
      ['fmin.d', RNE, [QNAN_D, 0xfff8000000000005n], QNAN_D, 0],
      ['fmax.d', RNE, [SNAN_D, QNAN_D], QNAN_D, NV],
      ['fmin.s', RNE, [0n, 0x80000000n], 0x80000000n, 0],
      ['fmax.s', RNE, [SNAN_S, ONE_S], ONE_S, NV],
      ['fmax.s', RNE, [SNAN_S, 0xffc00001n], QNAN_S, NV],
    ]);
  });

  it('compares: feq quiet, flt/fle signaling', () => {
    check([
      ['feq.d', RNE, [QNAN_D, ONE_D], 0n, 0],
      ['feq.d', RNE, [SNAN_D, ONE_D], 0n, NV],
      ['flt.d', RNE, [QNAN_D, ONE_D], 0n, NV],
      ['fle.d', RNE, [ONE_D, QNAN_D], 0n, NV],
      ['feq.d', RNE, [0n, NEG], 1n, 0],
      ['fle.d', RNE, [NEG, 0n], 1n, 0],
      ['flt.d', RNE, [NEG, 0n], 0n, 0],
      ['flt.d', RNE, [INF_D | NEG, MAX_D | NEG], 1n, 0],
      ['feq.s', RNE, [SNAN_S, SNAN_S], 0n, NV],
      ['flt.s', RNE, [1n, 2n], 1n, 0],
    ]);
  });

  it('classifies', () => {
    const d: [bigint, number][] = [
      [INF_D | NEG, 0], [ONE_D | NEG, 1], [1n | NEG, 2], [NEG, 3], [0n, 4], [1n, 5], [ONE_D, 6], [INF_D, 7], [SNAN_D, 8], [QNAN_D, 9],
    ];
    check(d.map(([x, bit]) => ['fclass.d', RNE, [x], 1n << BigInt(bit), 0] as Vector));
    const s: [bigint, number][] = [
      [0xff800000n, 0], [0xbf800000n, 1], [0x80000001n, 2], [0x80000000n, 3], [0n, 4], [1n, 5], [ONE_S, 6], [0x7f800000n, 7], [SNAN_S, 8], [QNAN_S, 9],
    ];
    check(s.map(([x, bit]) => ['fclass.s', RNE, [x], 1n << BigInt(bit), 0] as Vector));
  });

  it('converts to integers with RISC-V saturation', () => {
    const d = (x: number): bigint => {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, x);
      return b.getBigUint64(0);
    };
    const i32 = (v: number): bigint => BigInt(v | 0);
    check([
      ['fcvt.w.d', RNE, [QNAN_D], i32(0x7fffffff), NV],
      ['fcvt.w.d', RNE, [INF_D], i32(0x7fffffff), NV],
      ['fcvt.w.d', RNE, [INF_D | NEG], i32(0x80000000), NV],
      ['fcvt.w.d', RNE, [d(2147483647.5)], i32(0x7fffffff), NV], // rounds to 2^31: out of range
      ['fcvt.w.d', RTZ, [d(2147483647.5)], i32(0x7fffffff), NX],
      ['fcvt.w.d', RNE, [d(-2147483648.5)], i32(0x80000000), NX],
      ['fcvt.w.d', RMM, [d(-2147483648.5)], i32(0x80000000), NV],
      ['fcvt.w.d', RNE, [d(2.5)], 2n, NX],
      ['fcvt.w.d', RMM, [d(2.5)], 3n, NX],
      ['fcvt.w.d', RDN, [d(-2.5)], -3n, NX],
      ['fcvt.w.d', RUP, [d(-2.5)], -2n, NX],
      ['fcvt.w.d', RNE, [NEG], 0n, 0],
      ['fcvt.wu.d', RNE, [d(-0.5)], 0n, NX],
      ['fcvt.wu.d', RNE, [d(-1)], 0n, NV],
      ['fcvt.wu.d', RTZ, [d(-0.9)], 0n, NX],
      ['fcvt.wu.d', RTZ, [d(4294967295.5)], -1n, NX], // 0xffffffff, sign-extended
      ['fcvt.wu.d', RNE, [d(4294967295.5)], -1n, NV],
      ['fcvt.wu.d', RNE, [QNAN_D], -1n, NV],
      ['fcvt.l.d', RNE, [d(2 ** 63)], 0x7fffffffffffffffn, NV],
      ['fcvt.l.d', RNE, [d(-(2 ** 63))], -(1n << 63n), 0],
      ['fcvt.l.d', RNE, [QNAN_D], 0x7fffffffffffffffn, NV],
      ['fcvt.l.d', RNE, [d(-(2 ** 64))], -(1n << 63n), NV],
      ['fcvt.lu.d', RNE, [d(2 ** 64)], -1n, NV],
      ['fcvt.lu.d', RNE, [d(2 ** 64 - 2048)], BigInt.asIntN(64, 0xfffffffffffff800n), 0],
      ['fcvt.lu.d', RNE, [INF_D | NEG], 0n, NV],
      ['fcvt.lu.d', RNE, [QNAN_D], -1n, NV],
      ['fcvt.l.s', RNE, [0xdf000000n], -(1n << 63n), 0], // −2^63
      ['fcvt.l.s', RNE, [0x5f000000n], 0x7fffffffffffffffn, NV], // 2^63
      ['fcvt.w.s', RTZ, [0xcf000001n], i32(0x80000000), NV],
      ['fcvt.wu.s', RNE, [0x3f000000n], 0n, NX], // 0.5 → 0 (even)
    ]);
  });

  it('converts integers and formats', () => {
    check([
      ['fcvt.s.l', RNE, [0x7fffffffffffffffn], 0x5f000000n, NX],
      ['fcvt.s.l', RTZ, [0x7fffffffffffffffn], 0x5effffffn, NX],
      ['fcvt.s.l', RNE, [0x8000000000000000n], 0xdf000000n, 0],
      ['fcvt.d.lu', RNE, [0xffffffffffffffffn], 0x43f0000000000000n, NX],
      ['fcvt.d.lu', RTZ, [0xffffffffffffffffn], 0x43efffffffffffffn, NX],
      ['fcvt.d.l', RDN, [0xffdfffffffffffffn], 0xc340000000000001n, NX], // −(2^53 + 1)
      ['fcvt.d.l', RNE, [0xffdfffffffffffffn], 0xc340000000000000n, NX],
      ['fcvt.s.w', RNE, [0x01000001n], 0x4b800000n, NX], // 2^24 + 1 → 2^24
      ['fcvt.s.w', RUP, [0x01000001n], 0x4b800001n, NX],
      ['fcvt.s.wu', RNE, [0xffffffffn], 0x4f800000n, NX],
      ['fcvt.d.w', RNE, [0x80000000n], 0xc1e0000000000000n, 0],
      ['fcvt.d.wu', RNE, [0x80000000n], 0x41e0000000000000n, 0],
      ['fcvt.s.d', RNE, [0x7e37e43c8800759cn], 0x7f800000n, OF | NX], // 1e300
      ['fcvt.s.d', RTZ, [0x7e37e43c8800759cn], 0x7f7fffffn, OF | NX],
      ['fcvt.s.d', RNE, [0x358dee7a4ad4b81fn], 0n, UF | NX], // 1e-50
      ['fcvt.s.d', RUP, [0x358dee7a4ad4b81fn], 1n, UF | NX],
      ['fcvt.s.d', RNE, [0x36a0000000000000n], 1n, 0], // 2^-149 exactly
      ['fcvt.s.d', RNE, [0x3ff0000010000000n], ONE_S, NX], // 1 + 2^-24: tie to even
      ['fcvt.s.d', RMM, [0x3ff0000010000000n], ONE_S + 1n, NX],
      ['fcvt.d.s', RNE, [1n], 0x36a0000000000000n, 0],
      ['fcvt.d.s', RNE, [0xff800000n], INF_D | NEG, 0],
    ]);
  });

  it('NaN-boxes singles: an improperly boxed value reads as the canonical NaN', () => {
    const st = fpu.createFpuState();
    st.f[2] = 0x3f800000; st.f[3] = 0; // 1.0f with a zero upper half: not boxed
    st.f[4] = 0x3f800000; st.f[5] = -1; // 1.0f boxed
    fpu.fadd_s(st, 6, 1, 2, RNE);
    expect([st.f[12] >>> 0, st.f[13], st.fflags]).toEqual([0x7fc00000, -1, 0]);
    fpu.fsgnjn_s(st, 7, 1, 2); // canonical NaN's magnitude, the inverse of +1's sign
    expect([st.f[14] >>> 0, st.f[15]]).toEqual([0xffc00000, -1]);
    expect(fpu.fclass_s(st, 1)).toBe(1 << 9);
    expect(fpu.feq_s(st, 1, 1)).toBe(0);
    expect(fpu.fmv_x_w(st, 1)).toBe(0x3f800000); // fmv.x.w ignores boxing
    fpu.fmv_w_x(st, 8, 0x40000000);
    expect([st.f[16], st.f[17]]).toEqual([0x40000000, -1]);
    fpu.fcvt_d_s(st, 9, 1);
    expect([st.f[18], st.f[19], st.fflags]).toEqual([0, 0x7ff80000, 0]);
    fpu.fmin_s(st, 10, 1, 2); // the NaN gives way
    expect([st.f[20], st.f[21]]).toEqual([0x3f800000, -1]);
    // double results are written whole; fmv.x.d / fmv.d.x move bits unchanged, x0 stays
    const xl = new Int32Array(32);
    const xh = new Int32Array(32);
    fpu.fmv_d_x(st, 11, 0x12345678, 0x7ff00000 | 1);
    fpu.fmv_x_d(st, xl, xh, 5, 11);
    fpu.fmv_x_d(st, xl, xh, 0, 11);
    expect([xl[5], xh[5], xl[0], xh[0]]).toEqual([0x12345678, 0x7ff00001, 0, 0]);
  });

  it('resolves rounding modes: DYN through frm, 5 and 6 reserved', () => {
    const st = fpu.createFpuState();
    expect(fpu.resolveRm(st, RMM)).toBe(RMM);
    st.frm = RUP;
    expect(fpu.resolveRm(st, fpu.DYN)).toBe(RUP);
    expect(fpu.resolveRm(st, 5)).toBe(-1);
    expect(fpu.resolveRm(st, 6)).toBe(-1);
    st.frm = 5;
    expect(fpu.resolveRm(st, fpu.DYN)).toBe(-1);
  });
});
