// fclass: a 10-bit mask with exactly one bit set, for the caller to write to x[rd].
// 0 −∞, 1 −normal, 2 −subnormal, 3 −0, 4 +0, 5 +subnormal, 6 +normal, 7 +∞, 8 sNaN, 9 qNaN.

import type { FpuState } from './state.js';
import { readF32Bits } from './regs.js';

/** From the sign, whether the exponent field is all ones / zero, whether the fraction is zero, and its top bit. */
function classOf(sign: boolean, expAllOnes: boolean, expZero: boolean, fracZero: boolean, quietBit: boolean): number {
  if (expAllOnes) {
    if (fracZero) return sign ? 1 << 0 : 1 << 7;
    return quietBit ? 1 << 9 : 1 << 8;
  }
  if (expZero) {
    if (fracZero) return sign ? 1 << 3 : 1 << 4;
    return sign ? 1 << 2 : 1 << 5;
  }
  return sign ? 1 << 1 : 1 << 6;
}

export function fclass_d(st: FpuState, rs1: number): number {
  const lo = st.f[2 * rs1];
  const hi = st.f[2 * rs1 + 1];
  const exp = (hi >>> 20) & 0x7ff;
  return classOf(hi < 0, exp === 0x7ff, exp === 0, (hi & 0xfffff) === 0 && lo === 0, (hi & 0x80000) !== 0);
}

export function fclass_s(st: FpuState, rs1: number): number {
  const bits = readF32Bits(st, rs1);
  const exp = (bits >>> 23) & 0xff;
  return classOf(bits < 0, exp === 0xff, exp === 0, (bits & 0x7fffff) === 0, (bits & 0x400000) !== 0);
}
