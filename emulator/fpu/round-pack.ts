// THE rounding: an exact value (−1)^sign · sig · 2^exp → the nearest format value in the mode,
// with NX, UF (tininess after rounding, as RISC-V) and OF. Every exact path ends here, as every
// SoftFloat operation ends in roundPackToF32/F64. An operation whose exact result needs infinite
// bits (a quotient, a square root) passes a sig with at least p + 2 bits whose last bit is set when
// anything is left over ("sticky"): no rounding boundary lies between that and the true value.

import type { FpuState } from './state.js';
import { NX, OF, RDN, RMM, RNE, RTZ, RUP, UF } from './state.js';
import type { Format } from './format.js';
import { packInf, packZero } from './format.js';

const TWO_1023 = 2 ** 1023;

/** Number of bits of a positive bigint. */
export function bitLength(x: bigint): number {
  const approx = Number(x); // rounded: may have carried into the next power of two
  if (approx < TWO_1023) {
    const n = Math.floor(Math.log2(approx)) + 1; // exact for powers of two, within one otherwise
    return x >> BigInt(n - 1) === 0n ? n - 1 : x >> BigInt(n) !== 0n ? n + 1 : n;
  }
  const hex = x.toString(16);
  return hex.length * 4 - Math.clz32(parseInt(hex[0], 16)) + 28;
}

/** Whether the discarded part `rem` of `shift` bits makes the kept part `q` round up in magnitude. */
function roundsUp(q: bigint, rem: bigint, shift: number, sign: number, rm: number): boolean {
  if (rem === 0n) return false;
  switch (rm) {
    case RNE: {
      const half = 1n << BigInt(shift - 1);
      return rem > half || (rem === half && (q & 1n) === 1n);
    }
    case RMM:
      return rem >= 1n << BigInt(shift - 1);
    case RDN:
      return sign === 1;
    case RUP:
      return sign === 0;
    default:
      return false; // RTZ
  }
}

/** sig with its low `shift` bits (shift > 0) rounded off in the mode. */
function roundOff(sig: bigint, shift: number, sign: number, rm: number): bigint {
  const s = BigInt(shift);
  const q = sig >> s;
  return roundsUp(q, sig - (q << s), shift, sign, rm) ? q + 1n : q;
}

/** Largest finite value of the format with this sign. */
function packMaxFinite(fmt: Format, sign: number): bigint {
  return packInf(fmt, sign) - 1n;
}

export function roundPack(st: FpuState, fmt: Format, sign: number, exp: number, sig: bigint, rm: number): bigint {
  if (sig === 0n) return packZero(fmt, sign);
  const p = fmt.fracBits + 1;
  const emin = 1 - fmt.bias;
  const n = bitLength(sig);
  const top = exp + n - 1; // the value is in [2^top, 2^(top+1))
  // The exponent of the result's last bit: p bits below the top, but never below the subnormals'.
  let lsbExp = Math.max(top - fmt.fracBits, emin - fmt.fracBits);
  const shift = lsbExp - exp;
  let q: bigint;
  let inexact = false;
  if (shift <= 0) {
    q = sig << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    q = sig >> s;
    const rem = sig - (q << s);
    inexact = rem !== 0n;
    if (roundsUp(q, rem, shift, sign, rm)) q += 1n;
    if (q === fmt.carryBit) {
      q >>= 1n; // carried into a new binade
      lsbExp += 1;
    }
  }
  let flags = inexact ? NX : 0;
  if (inexact && top < emin) {
    // Tiny after rounding unless rounding to p bits with an unbounded exponent reaches 2^emin,
    // which can only happen from just below it.
    let tiny = true;
    if (top === emin - 1) {
      tiny = (n > p ? roundOff(sig, n - p, sign, rm) : sig) !== fmt.carryBit;
    }
    if (tiny) flags |= UF;
  }
  if (lsbExp + fmt.fracBits > fmt.bias) {
    st.fflags |= flags | OF | NX;
    const toInf = rm === RNE || rm === RMM || (rm === RUP && sign === 0) || (rm === RDN && sign === 1);
    return toInf ? packInf(fmt, sign) : packMaxFinite(fmt, sign);
  }
  st.fflags |= flags;
  // Adding q puts its hidden bit (if any) into the exponent field: biased exponent − 1 + 1.
  const field = BigInt(lsbExp + fmt.fracBits + fmt.bias - 1) << fmt.fracShift;
  return (sign ? fmt.signBit : 0n) | (field + q);
}
