// The exact sum of two finite values given as (sign, sig, exp), rounded once: the end of add, sub
// and the fused multiply-adds. An exact zero gets IEEE 754's sign: the operands' common sign, else
// +0 (−0 when rounding down).

import type { FpuState } from './state.js';
import { RDN } from './state.js';
import type { Format } from './format.js';
import { packZero } from './format.js';
import { roundPack } from './round-pack.js';

export function roundPackSum(
  st: FpuState, fmt: Format,
  signA: number, expA: number, sigA: bigint,
  signB: number, expB: number, sigB: bigint,
  rm: number,
): bigint {
  // A zero operand contributes nothing whatever its exponent (a product's exponent may be far off).
  if (sigA === 0n && sigB === 0n) return packZero(fmt, signA === signB ? signA : rm === RDN ? 1 : 0);
  if (sigA === 0n) return roundPack(st, fmt, signB, expB, sigB, rm);
  if (sigB === 0n) return roundPack(st, fmt, signA, expA, sigA, rm);
  const exp = Math.min(expA, expB);
  const a = sigA << BigInt(expA - exp);
  const b = sigB << BigInt(expB - exp);
  const sum = (signA ? -a : a) + (signB ? -b : b);
  if (sum === 0n) return packZero(fmt, rm === RDN ? 1 : 0);
  return sum < 0n ? roundPack(st, fmt, 1, exp, -sum, rm) : roundPack(st, fmt, 0, exp, sum, rm);
}
