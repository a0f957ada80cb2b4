// binary64 round-to-nearest-even on JS doubles, for the common case: the host's + − × ÷ √ already
// give the RNE result of normal operands, so all that is left is NX, found exactly with
// error-free transformations (TwoSum, Dekker's TwoProduct). Each function returns NaN when it
// cannot vouch for the result (NaN or infinite operands, results that could overflow or be tiny,
// operands out of the range where the transformations are exact), and the caller takes the exact
// path. Nothing here rounds by itself: a result is either the host's RNE result or (fused
// multiply-add) its neighbour, proven below.

import type { FpuState } from './state.js';
import { NX } from './state.js';

const SPLITTER = 134217729; // 2^27 + 1: Veltkamp's split into two 26-bit halves
const TWO_M960 = 2 ** -960; // below: TwoProduct's error term could lose bits as a subnormal
const TWO_M1000 = 2 ** -1000;
const TWO_995 = 2 ** 995; // above: the split's 2^27 multiple could overflow
const TWO_1000 = 2 ** 1000;
const TWO_1020 = 2 ** 1020;
const TWO_1022 = 2 ** 1022;

/** The exact error of a · b = p (Dekker), valid within the ranges the callers check. */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** The exact error of a + b = s (Knuth's TwoSum). */
function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/** Whether x is within the range where productError is exact for its operands. */
function splittable(x: number): boolean {
  const m = Math.abs(x);
  return m > TWO_M1000 && m < TWO_995;
}

export function fastAdd64(st: FpuState, a: number, b: number): number {
  // Finite operands below 2^1022 cannot overflow; a sum is tiny only when it is exact.
  if (!(Math.abs(a) < TWO_1022 && Math.abs(b) < TWO_1022)) return NaN;
  const s = a + b;
  if (sumError(a, b, s) !== 0) st.fflags |= NX;
  return s;
}

export function fastMul64(st: FpuState, a: number, b: number): number {
  const p = a * b;
  const m = Math.abs(p);
  if (!(m >= TWO_M960 && m < TWO_1020 && splittable(a) && splittable(b))) {
    // ±0 times a finite value is an exact signed zero.
    if ((a === 0 && Math.abs(b) < Infinity) || (b === 0 && Math.abs(a) < Infinity)) return p;
    return NaN;
  }
  if (productError(a, b, p) !== 0) st.fflags |= NX;
  return p;
}

export function fastDiv64(st: FpuState, a: number, b: number): number {
  const q = a / b;
  const m = Math.abs(q);
  if (!(m >= TWO_M960 && m < TWO_995 && splittable(b) && Math.abs(a) >= TWO_M960 && Math.abs(a) < TWO_1020)) {
    if (a === 0 && b !== 0 && Math.abs(b) < Infinity) return q; // exact signed zero
    return NaN;
  }
  // q is exact iff q · b = a exactly.
  const p = q * b;
  if (p !== a || productError(q, b, p) !== 0) st.fflags |= NX;
  return q;
}

export function fastSqrt64(st: FpuState, a: number): number {
  if (!(a >= TWO_M960 && a < TWO_1020)) return a === 0 ? a : NaN; // √±0 = ±0
  const r = Math.sqrt(a);
  const p = r * r;
  if (p !== a || productError(r, r, p) !== 0) st.fflags |= NX;
  return r;
}

/**
 * a · b + c rounded once. With ph + pl = a·b (TwoProduct), s + e1 = ph + c, u + v = e1 + pl and
 * r + w = s + u (TwoSums), the exact value is r + w + v and r is RNE(r + w). When v = 0 that is
 * the answer. Otherwise t + tt = w + v (TwoSum) and RNE moves to r's neighbour in t's direction
 * exactly when |t + tt| exceeds m, half the gap to it; m is a power of two, so comparing t with m
 * decides unless they are equal, when tt does. An exact tie goes to the exact path.
 */
export function fastMulAdd64(st: FpuState, a: number, b: number, c: number): number {
  const ph = a * b;
  const mp = Math.abs(ph);
  if (!(mp >= TWO_M960 && mp < TWO_1000 && splittable(a) && splittable(b) && Math.abs(c) < TWO_1000)) {
    // ±0 · finite + finite: the product is an exact signed zero, so the host's sum is the answer.
    if ((a === 0 || b === 0) && Math.abs(a) < Infinity && Math.abs(b) < Infinity && Math.abs(c) < Infinity) return ph + c;
    return NaN;
  }
  const pl = productError(a, b, ph);
  const s = ph + c;
  const e1 = sumError(ph, c, s);
  const u = e1 + pl;
  const v = sumError(e1, pl, u);
  const r = s + u;
  const w = sumError(s, u, r);
  const mr = Math.abs(r);
  if (!(mr >= TWO_M960 && mr < TWO_1020)) {
    // r = 0 means s + u = 0 exactly; with v = 0 the exact result is zero, and a nonzero product
    // cancelled by c has the opposite sign, so RNE's zero is +0 (fma(a, b, −a·b) on exact products).
    if (r === 0 && v === 0) return 0;
    return NaN;
  }
  if (v === 0) {
    if (w !== 0) st.fflags |= NX;
    return r;
  }
  const t = w + v;
  if (t === 0) return r; // w = −v: exact after all
  const tt = sumError(w, v, t);
  // ulp(r) from r's exponent field; the gap below a power of two is half of it.
  st.scratchF64[0] = r;
  const hi = st.scratchI32[1];
  const expField = (hi >>> 20) & 0x7ff;
  const powerOfTwo = (hi & 0xfffff) === 0 && st.scratchI32[0] === 0;
  const towardZero = (t < 0) !== (r < 0);
  st.scratchI32[0] = 0;
  st.scratchI32[1] = (expField - 53 - (powerOfTwo && towardZero ? 1 : 0)) << 20;
  const m = st.scratchF64[0]; // half the gap to the neighbour in t's direction
  const at = Math.abs(t);
  let crosses: boolean;
  if (at !== m) crosses = at > m;
  else if (tt === 0) return NaN; // an exact tie
  else crosses = (tt > 0) === (t > 0);
  st.fflags |= NX;
  return crosses ? r + (t > 0 ? 2 * m : -2 * m) : r;
}
