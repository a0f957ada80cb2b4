// binary32 round-to-nearest-even on JS doubles. Singles' sums and products of two are exact or
// nearly so in binary64, and rounding a binary64 +, −, ×, ÷ or √ of singles to binary32 with
// Math.fround gives the correctly rounded single (53 ≥ 2·24 + 2: double rounding is innocuous,
// Figueroa 1995). NX is found exactly; results that overflow, or are tiny and inexact, and the
// one double-rounding hazard of the fused multiply-add (an exact binary32 midpoint) return NaN so
// the caller takes the exact path.

import type { FpuState } from './state.js';
import { NX } from './state.js';

const MIN_NORMAL = 2 ** -126;

/** The exact error of a + b = s (TwoSum). */
function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/** Accept r (the binary32 RNE of the exact value) when it is finite and not tiny-and-inexact. */
function accept(st: FpuState, r: number, inexact: boolean): number {
  if (!inexact) return r === r ? r : NaN; // an exact result needs no flags (NaN: from NaN operands)
  if (!(Math.abs(r) > MIN_NORMAL && Math.abs(r) < Infinity)) return NaN;
  st.fflags |= NX;
  return r;
}

export function fastAdd32(st: FpuState, a: number, b: number): number {
  const s = a + b; // singles: no overflow in binary64
  if (!(Math.abs(s) < Infinity)) return NaN;
  const r = Math.fround(s);
  return accept(st, r, r !== s || sumError(a, b, s) !== 0);
}

export function fastMul32(st: FpuState, a: number, b: number): number {
  const p = a * b; // exact: 48 bits, far inside binary64's range
  const r = Math.fround(p);
  return accept(st, r, r !== p);
}

export function fastDiv32(st: FpuState, a: number, b: number): number {
  if (b === 0 || !(Math.abs(a) < Infinity && Math.abs(b) < Infinity)) return NaN;
  const r = Math.fround(a / b);
  return accept(st, r, r * b !== a); // r · b is exact in binary64
}

export function fastSqrt32(st: FpuState, a: number): number {
  if (!(a >= 0 && a < Infinity)) return NaN; // √±0 is fine: −0 ≥ 0
  const r = Math.fround(Math.sqrt(a));
  return accept(st, r, r * r !== a);
}

/** a · b + c: the product is exact, s + e = p + c exactly (TwoSum). */
export function fastMulAdd32(st: FpuState, a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!(Math.abs(s) < Infinity)) return NaN;
  const e = sumError(p, c, s);
  const r = Math.fround(s);
  if (e !== 0) {
    // fround(s) is right unless s sits exactly on a binary32 midpoint, where e breaks the tie.
    const d = s - r;
    if (d !== 0 && Math.fround(r + 2 * d) === r + 2 * d) return NaN;
  }
  return accept(st, r, r !== s || e !== 0);
}
