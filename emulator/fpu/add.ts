// Exact addition and subtraction on a format's bits (SoftFloat's f32_add/f64_add/…_sub): the
// slow path every case the fast paths refuse comes to.

import type { FpuState } from './state.js';
import type { Format } from './format.js';
import { isInfUI, isNaNUI, packInf, sigExpOf, sigOf, signOf } from './format.js';
import { invalid, propagateNaN } from './nan.js';
import { roundPackSum } from './exact-sum.js';

/** a + b, or a − b when `subtract` is 1. */
export function add(st: FpuState, fmt: Format, uiA: bigint, uiB: bigint, subtract: number, rm: number): bigint {
  if (isNaNUI(fmt, uiA) || isNaNUI(fmt, uiB)) return propagateNaN(st, fmt, uiA, uiB);
  const signA = signOf(fmt, uiA);
  const signB = signOf(fmt, uiB) ^ subtract;
  if (isInfUI(fmt, uiA)) {
    if (isInfUI(fmt, uiB) && signA !== signB) return invalid(st, fmt);
    return packInf(fmt, signA);
  }
  if (isInfUI(fmt, uiB)) return packInf(fmt, signB);
  return roundPackSum(st, fmt, signA, sigExpOf(fmt, uiA), sigOf(fmt, uiA), signB, sigExpOf(fmt, uiB), sigOf(fmt, uiB), rm);
}
