// Exact fused multiply-add on a format's bits (SoftFloat's f32_mulAdd/f64_mulAdd with its
// subC/subProd options): a·b + c with one rounding. RISC-V's four instructions are the signs:
// fmadd a·b + c, fmsub a·b − c, fnmsub −(a·b) + c, fnmadd −(a·b) − c.

import type { FpuState } from './state.js';
import type { Format } from './format.js';
import { isInfUI, isNaNUI, isZeroUI, packInf, sigExpOf, sigOf, signOf } from './format.js';
import { invalid, propagateNaN } from './nan.js';
import { roundPackSum } from './exact-sum.js';

export function mulAdd(
  st: FpuState, fmt: Format, uiA: bigint, uiB: bigint, uiC: bigint,
  negProd: number, negC: number, rm: number,
): bigint {
  const infTimesZero =
    (isInfUI(fmt, uiA) && isZeroUI(fmt, uiB)) || (isZeroUI(fmt, uiA) && isInfUI(fmt, uiB));
  if (isNaNUI(fmt, uiA) || isNaNUI(fmt, uiB) || isNaNUI(fmt, uiC)) {
    // 0·∞ + qNaN is invalid too (SoftFloat, and IEEE 754 lets it be).
    if (infTimesZero && isNaNUI(fmt, uiC)) invalid(st, fmt);
    return propagateNaN(st, fmt, uiA, uiB, uiC);
  }
  if (infTimesZero) return invalid(st, fmt);
  const signP = signOf(fmt, uiA) ^ signOf(fmt, uiB) ^ negProd;
  const signC = signOf(fmt, uiC) ^ negC;
  if (isInfUI(fmt, uiA) || isInfUI(fmt, uiB)) {
    if (isInfUI(fmt, uiC) && signC !== signP) return invalid(st, fmt);
    return packInf(fmt, signP);
  }
  if (isInfUI(fmt, uiC)) return packInf(fmt, signC);
  return roundPackSum(
    st, fmt,
    signP, sigExpOf(fmt, uiA) + sigExpOf(fmt, uiB), sigOf(fmt, uiA) * sigOf(fmt, uiB),
    signC, sigExpOf(fmt, uiC), sigOf(fmt, uiC),
    rm,
  );
}
