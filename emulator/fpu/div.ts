// Exact division on a format's bits (SoftFloat's f32_div/f64_div): an integer quotient with at
// least p + 2 bits and a sticky last bit for a nonzero remainder, rounded once.

import type { FpuState } from './state.js';
import { DZ } from './state.js';
import type { Format } from './format.js';
import { isInfUI, isNaNUI, isZeroUI, packInf, packZero, sigExpOf, sigOf, signOf } from './format.js';
import { invalid, propagateNaN } from './nan.js';
import { bitLength, roundPack } from './round-pack.js';

export function div(st: FpuState, fmt: Format, uiA: bigint, uiB: bigint, rm: number): bigint {
  if (isNaNUI(fmt, uiA) || isNaNUI(fmt, uiB)) return propagateNaN(st, fmt, uiA, uiB);
  const sign = signOf(fmt, uiA) ^ signOf(fmt, uiB);
  if (isInfUI(fmt, uiA)) return isInfUI(fmt, uiB) ? invalid(st, fmt) : packInf(fmt, sign);
  if (isInfUI(fmt, uiB)) return packZero(fmt, sign);
  if (isZeroUI(fmt, uiB)) {
    if (isZeroUI(fmt, uiA)) return invalid(st, fmt);
    st.fflags |= DZ;
    return packInf(fmt, sign);
  }
  if (isZeroUI(fmt, uiA)) return packZero(fmt, sign);
  const sigA = sigOf(fmt, uiA);
  const sigB = sigOf(fmt, uiB);
  // Scale the dividend so the quotient has p + 2 bits or more.
  const k = Math.max(0, fmt.fracBits + 4 + bitLength(sigB) - bitLength(sigA));
  const num = sigA << BigInt(k);
  let q = num / sigB;
  if (q * sigB !== num) q |= 1n;
  return roundPack(st, fmt, sign, sigExpOf(fmt, uiA) - sigExpOf(fmt, uiB) - k, q, rm);
}
