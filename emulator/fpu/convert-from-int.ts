// fcvt.{s,d}.{w,wu,l,lu}: an integer to a float. Integers a double holds exactly (|v| ≤ 2^53) are
// exact binary64 results; binary32 ones within 2^24 are exact, and in RNE Math.fround of the exact
// double is the single. Everything else rounds through round-pack.
// 32-bit sources are given as the int32 x[rs1] (low word); 64-bit ones as x[rs1]'s halves.

import type { FpuState } from './state.js';
import { NX, RNE } from './state.js';
import { F32, F64 } from './format.js';
import type { Format } from './format.js';
import { roundPack } from './round-pack.js';
import { writeF32UI, writeF32Value, writeF64UI } from './regs.js';

const TWO24 = 2 ** 24;
const TWO32 = 4294967296;

function exactly(fmt: Format, st: FpuState, v: bigint, rm: number): bigint {
  return v < 0n ? roundPack(st, fmt, 1, 0, -v, rm) : roundPack(st, fmt, 0, 0, v, rm);
}

/** f[rd] = the single nearest v (any exact integer in a double), in the mode. */
function toF32(st: FpuState, rd: number, v: number, rm: number): void {
  if (Math.abs(v) <= TWO24) { writeF32Value(st, rd, v); return; }
  if (rm === RNE) {
    const r = Math.fround(v);
    if (r !== v) st.fflags |= NX;
    writeF32Value(st, rd, r);
    return;
  }
  writeF32UI(st, rd, exactly(F32, st, BigInt(v), rm));
}

function signed64(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

function unsigned64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function fcvt_d_w(st: FpuState, rd: number, x: number): void { st.f64[rd] = x | 0; }
export function fcvt_d_wu(st: FpuState, rd: number, x: number): void { st.f64[rd] = x >>> 0; }

export function fcvt_d_l(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  if (hi >= -0x200000 && hi < 0x200000) st.f64[rd] = hi * TWO32 + (lo >>> 0); // |v| < 2^53: exact
  else writeF64UI(st, rd, exactly(F64, st, signed64(lo, hi), rm));
}

export function fcvt_d_lu(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  if (hi >>> 0 < 0x200000) st.f64[rd] = hi * TWO32 + (lo >>> 0);
  else writeF64UI(st, rd, exactly(F64, st, unsigned64(lo, hi), rm));
}

export function fcvt_s_w(st: FpuState, rd: number, x: number, rm: number): void { toF32(st, rd, x | 0, rm); }
export function fcvt_s_wu(st: FpuState, rd: number, x: number, rm: number): void { toF32(st, rd, x >>> 0, rm); }

export function fcvt_s_l(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  if (hi >= -0x200000 && hi < 0x200000) toF32(st, rd, hi * TWO32 + (lo >>> 0), rm);
  else writeF32UI(st, rd, exactly(F32, st, signed64(lo, hi), rm));
}

export function fcvt_s_lu(st: FpuState, rd: number, lo: number, hi: number, rm: number): void {
  if (hi >>> 0 < 0x200000) toF32(st, rd, hi * TWO32 + (lo >>> 0), rm);
  else writeF32UI(st, rd, exactly(F32, st, unsigned64(lo, hi), rm));
}
