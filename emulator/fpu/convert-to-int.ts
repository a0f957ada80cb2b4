// fcvt.{w,wu,l,lu}.{s,d}: round to an integer in the mode, then RISC-V's saturation (F 2.2,
// table 11.4): NaN → the largest value, out of range → the bound on that side, both with NV and
// without NX; an in-range inexact result sets NX. Any finite double's integral part is exact in
// doubles, so this works on numbers; it rounds to an integer, not to a format, so it is not
// round-pack's job (SoftFloat has softfloat_roundToI32/I64 beside roundPackTo…).
// 32-bit results are returned as an int32 (the caller writes its sign extension: RV64 sign-extends
// fcvt.wu too); 64-bit ones are written to x[rd] as halves, a write to x0 dropped.

import type { FpuState } from './state.js';
import { NV, NX, RDN, RMM, RNE, RUP } from './state.js';
import { readF32Value } from './regs.js';

const TWO32 = 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

/** x (finite or infinite, not NaN) rounded to an integer in the mode; −0 for a negative x that rounds to zero. */
function roundToIntegral(x: number, rm: number): number {
  const negative = x < 0;
  const ax = Math.abs(x);
  const f = Math.floor(ax);
  const d = ax - f; // exact (Sterbenz for f ≥ 1)
  let up: boolean;
  switch (rm) {
    case RNE: up = d > 0.5 || (d === 0.5 && f % 2 === 1); break;
    case RMM: up = d >= 0.5; break;
    case RDN: up = negative && d > 0; break;
    case RUP: up = !negative && d > 0; break;
    default: up = false; // RTZ
  }
  const mag = up ? f + 1 : f;
  return negative ? -mag : mag;
}

/** The integer x rounds to, with NV/NX raised, within [lo, hi]; NaN saturates to hi. */
function toIntegerIn(st: FpuState, x: number, rm: number, lo: number, hi: number): number {
  if (x !== x) { st.fflags |= NV; return hi; }
  const r = roundToIntegral(x, rm);
  if (r < lo) { st.fflags |= NV; return lo; }
  if (r > hi) { st.fflags |= NV; return hi; }
  if (r !== x) st.fflags |= NX;
  return r === 0 ? 0 : r; // −0 → 0
}

function toInt32(st: FpuState, x: number, rm: number): number {
  return toIntegerIn(st, x, rm, -2147483648, 2147483647);
}

function toUint32(st: FpuState, x: number, rm: number): number {
  return toIntegerIn(st, x, rm, 0, 4294967295) | 0;
}

/** Writes a 64-bit integer given as an exact double in [−2^63, 2^64) to x[rd]. */
function writeX(xl: Int32Array, xh: Int32Array, rd: number, r: number): void {
  if (rd === 0) return;
  const hi = Math.floor(r / TWO32);
  xl[rd] = (r - hi * TWO32) | 0;
  xh[rd] = hi | 0;
}

function toInt64(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, x: number, rm: number): void {
  if (x !== x) { st.fflags |= NV; writeMax64(xl, xh, rd, 0x7fffffff); return; }
  const r = roundToIntegral(x, rm);
  if (r < -TWO63) { st.fflags |= NV; writeX(xl, xh, rd, -TWO63); return; }
  if (r >= TWO63) { st.fflags |= NV; writeMax64(xl, xh, rd, 0x7fffffff); return; }
  if (r !== x) st.fflags |= NX;
  writeX(xl, xh, rd, r);
}

function toUint64(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, x: number, rm: number): void {
  if (x !== x) { st.fflags |= NV; writeMax64(xl, xh, rd, -1); return; }
  const r = roundToIntegral(x, rm);
  if (r < 0) { st.fflags |= NV; writeX(xl, xh, rd, 0); return; }
  if (r >= TWO64) { st.fflags |= NV; writeMax64(xl, xh, rd, -1); return; }
  if (r !== x) st.fflags |= NX;
  writeX(xl, xh, rd, r);
}

/** All ones in the low word and `hi` in the high: 2^63 − 1 or 2^64 − 1. */
function writeMax64(xl: Int32Array, xh: Int32Array, rd: number, hi: number): void {
  if (rd === 0) return;
  xl[rd] = -1;
  xh[rd] = hi;
}

export function fcvt_w_d(st: FpuState, rs1: number, rm: number): number { return toInt32(st, st.f64[rs1], rm); }
export function fcvt_wu_d(st: FpuState, rs1: number, rm: number): number { return toUint32(st, st.f64[rs1], rm); }
export function fcvt_w_s(st: FpuState, rs1: number, rm: number): number { return toInt32(st, readF32Value(st, rs1), rm); }
export function fcvt_wu_s(st: FpuState, rs1: number, rm: number): number { return toUint32(st, readF32Value(st, rs1), rm); }

export function fcvt_l_d(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rm: number): void {
  toInt64(st, xl, xh, rd, st.f64[rs1], rm);
}
export function fcvt_lu_d(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rm: number): void {
  toUint64(st, xl, xh, rd, st.f64[rs1], rm);
}
export function fcvt_l_s(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rm: number): void {
  toInt64(st, xl, xh, rd, readF32Value(st, rs1), rm);
}
export function fcvt_lu_s(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rm: number): void {
  toUint64(st, xl, xh, rd, readF32Value(st, rs1), rm);
}
