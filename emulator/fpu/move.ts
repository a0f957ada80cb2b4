// fmv.x.w/fmv.w.x/fmv.x.d/fmv.d.x: bits between the register files, unchanged and without
// flags. fmv.x.w takes the low 32 bits whatever the boxing (the caller sign-extends the int32);
// fmv.w.x boxes. Writes to x0 are dropped here so callers need not check.

import type { FpuState } from './state.js';
import { writeF32Bits } from './regs.js';

/** The low word of f[rs1] as an int32 (x[rd] = its sign extension). */
export function fmv_x_w(st: FpuState, rs1: number): number {
  return st.f[2 * rs1];
}

/** f[rd] = NaN-boxed x (the low word of x[rs1]). */
export function fmv_w_x(st: FpuState, rd: number, x: number): void {
  writeF32Bits(st, rd, x | 0);
}

export function fmv_x_d(st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, rs1: number): void {
  if (rd === 0) return;
  xl[rd] = st.f[2 * rs1];
  xh[rd] = st.f[2 * rs1 + 1];
}

/** f[rd] = x[rs1] given as its halves. */
export function fmv_d_x(st: FpuState, rd: number, lo: number, hi: number): void {
  st.f[2 * rd] = lo;
  st.f[2 * rd + 1] = hi;
}
