// Exact square root on a format's bits (SoftFloat's f32_sqrt/f64_sqrt): an integer root with at
// least p + 2 bits and a sticky last bit for a nonzero remainder, rounded once.

import type { FpuState } from './state.js';
import type { Format } from './format.js';
import { isInfUI, isNaNUI, isZeroUI, sigExpOf, sigOf, signOf } from './format.js';
import { invalid, propagateNaN } from './nan.js';
import { bitLength, roundPack } from './round-pack.js';

/** ⌊√n⌋ for n > 0, by Newton's iteration from above (started just above the double's root). */
export function isqrt(n: bigint): bigint {
  const approx = Number(n);
  let x = approx < 2 ** 1000
    ? BigInt(Math.floor(Math.sqrt(approx) * (1 + 2 ** -40))) + 2n
    : 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(st: FpuState, fmt: Format, uiA: bigint, rm: number): bigint {
  if (isNaNUI(fmt, uiA)) return propagateNaN(st, fmt, uiA, 0n);
  if (isZeroUI(fmt, uiA)) return uiA; // √±0 = ±0
  if (signOf(fmt, uiA) === 1) return invalid(st, fmt);
  if (isInfUI(fmt, uiA)) return uiA;
  let sig = sigOf(fmt, uiA);
  let exp = sigExpOf(fmt, uiA);
  // An even exponent, and 2(p + 2) bits or more so the root has p + 2.
  let k = Math.max(0, 2 * (fmt.fracBits + 4) - bitLength(sig));
  if ((exp - k) & 1) k += 1;
  sig <<= BigInt(k);
  exp -= k;
  let r = isqrt(sig);
  if (r * r !== sig) r |= 1n;
  return roundPack(st, fmt, 0, exp / 2, r, rm);
}
