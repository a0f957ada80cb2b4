// Exact multiplication on a format's bits (SoftFloat's f32_mul/f64_mul): the product of the
// significands is exact, then rounded once.

import type { FpuState } from './state.js';
import type { Format } from './format.js';
import { isInfUI, isNaNUI, isZeroUI, packInf, sigExpOf, sigOf, signOf } from './format.js';
import { invalid, propagateNaN } from './nan.js';
import { roundPack } from './round-pack.js';

export function mul(st: FpuState, fmt: Format, uiA: bigint, uiB: bigint, rm: number): bigint {
  if (isNaNUI(fmt, uiA) || isNaNUI(fmt, uiB)) return propagateNaN(st, fmt, uiA, uiB);
  const sign = signOf(fmt, uiA) ^ signOf(fmt, uiB);
  if (isInfUI(fmt, uiA) || isInfUI(fmt, uiB)) {
    if (isZeroUI(fmt, uiA) || isZeroUI(fmt, uiB)) return invalid(st, fmt);
    return packInf(fmt, sign);
  }
  return roundPack(st, fmt, sign, sigExpOf(fmt, uiA) + sigExpOf(fmt, uiB), sigOf(fmt, uiA) * sigOf(fmt, uiB), rm);
}
