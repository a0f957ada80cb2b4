// Seeded, edge-biased operands for the differential test: special values, subnormals, the ends
// of the exponent range, values near each other (cancellation) and near rounding boundaries.

import { B32, B64, type Fmt } from './reference.js';

/** xorshift32: reproducible from the seed the test prints. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed | 0 || 1; }
  u32(): number {
    let x = this.s;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.s = x;
    return x >>> 0;
  }
  below(n: number): number { return this.u32() % n; }
  bits(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(n)) - 1n);
  }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
}

const fracBits = (f: Fmt): number => f.p - 1;
const expMax = (f: Fmt): number => (1 << (f.width - f.p)) - 1;

function pack(f: Fmt, neg: boolean, exp: number, frac: bigint): bigint {
  return (neg ? 1n << BigInt(f.width - 1) : 0n) | (BigInt(exp) << BigInt(fracBits(f))) | frac;
}

export function specials(f: Fmt): bigint[] {
  const fb = fracBits(f);
  const em = expMax(f);
  const one = pack(f, false, em >> 1, 0n);
  const out = [
    0n, pack(f, true, 0, 0n),
    pack(f, false, em, 0n), pack(f, true, em, 0n),
    pack(f, false, em, 1n << BigInt(fb - 1)), // canonical qNaN
    pack(f, true, em, (1n << BigInt(fb - 1)) | 5n), // qNaN with payload
    pack(f, false, em, 1n), pack(f, true, em, (1n << BigInt(fb - 1)) - 1n), // sNaNs
    1n, (1n << BigInt(fb)) - 1n, // min and max subnormal
    pack(f, false, 1, 0n), pack(f, false, 1, 1n), // min normal and its successor
    pack(f, false, em - 1, (1n << BigInt(fb)) - 1n), // max finite
    one, one + 1n, one - 1n, pack(f, false, (em >> 1) + 1, 0n),
  ];
  return out.concat(out.map((x) => x ^ (1n << BigInt(f.width - 1))));
}

/** A significand fraction: random, or a pattern that sits on rounding boundaries. */
function fraction(r: Rng, f: Fmt): bigint {
  const fb = fracBits(f);
  switch (r.below(6)) {
    case 0: return (1n << BigInt(fb)) - 1n - r.bits(r.below(4)); // all ones-ish
    case 1: return r.bits(r.below(4)); // few low bits
    case 2: return r.bits(r.below(fb)) << BigInt(r.below(4)); // short significand
    default: return r.bits(fb);
  }
}

export function operand(r: Rng, f: Fmt): bigint {
  const em = expMax(f);
  const neg = r.below(2) === 1;
  const bias = em >> 1;
  switch (r.below(10)) {
    case 0: return r.pick(specials(f));
    case 1: return pack(f, neg, 0, fraction(r, f) || 1n); // subnormal
    case 2: return pack(f, neg, 1 + r.below(f.p + 2), fraction(r, f)); // bottom of the normals
    case 3: return pack(f, neg, em - 1 - r.below(f.p + 2), fraction(r, f)); // top of the range
    case 4: return pack(f, neg, 1 + r.below(em - 1), fraction(r, f)); // anywhere
    default: return pack(f, neg, bias - 40 + r.below(80), fraction(r, f)); // the middle, where operands meet
  }
}

/** A second operand related to the first: same exponent region (cancellation, ties) or random. */
export function related(r: Rng, f: Fmt, a: bigint): bigint {
  const fb = BigInt(fracBits(f));
  switch (r.below(4)) {
    case 0: {
      // a neighbour of ±a a few ulps or a few binades away
      const exp = Number((a >> fb) & BigInt(expMax(f)));
      const e2 = Math.min(expMax(f) - 1, Math.max(0, exp - r.below(f.p + 3)));
      const b = (BigInt(e2) << fb) | fraction(r, f);
      return r.below(2) ? b | (1n << BigInt(f.width - 1)) : b;
    }
    case 1: {
      const d = BigInt(r.below(5)) - 2n;
      const b = (a + d) & ((1n << BigInt(f.width)) - 1n);
      return b ^ (r.below(2) ? 1n << BigInt(f.width - 1) : 0n);
    }
    default:
      return operand(r, f);
  }
}

/** Integers for fcvt.{s,d}.{w,wu,l,lu}: around 2^24, 2^53, the limits, and random widths. */
export function integer(r: Rng, width: number, isSigned: boolean): bigint {
  const lim = isSigned ? 1n << BigInt(width - 1) : 1n << BigInt(width);
  let v: bigint;
  switch (r.below(4)) {
    case 0: {
      const k = BigInt(r.pick([24, 25, 53, 54, width - 2, width - 1, width].filter((x) => x <= width)));
      v = (1n << k) + BigInt(r.below(9)) - 4n;
      break;
    }
    case 1:
      v = r.pick([0n, 1n, lim - 1n, lim - 2n, isSigned ? -lim : 0n, -1n]);
      break;
    default:
      v = r.bits(1 + r.below(width));
  }
  if (isSigned && r.below(2)) v = -v;
  // into range (wrapping) as the register would hold it
  v = isSigned ? BigInt.asIntN(width, v) : BigInt.asUintN(width, v);
  return v;
}

export { B32, B64 };

function toBits(f: Fmt, x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  if (f.width === 32) { v.setFloat32(0, x); return BigInt(v.getUint32(0)); }
  v.setFloat64(0, x);
  return v.getBigUint64(0);
}

function toNumber(f: Fmt, bits: bigint): number {
  const v = new DataView(new ArrayBuffer(8));
  if (f.width === 32) { v.setUint32(0, Number(bits)); return v.getFloat32(0); }
  v.setBigUint64(0, bits);
  return v.getFloat64(0);
}

/**
 * Operands whose product (op 'mul') or quotient ('div') lands within a few ulps of the smallest
 * normal 2^emin, where tininess after rounding and the carry into 2^emin are decided.
 */
export function nearMinNormal(r: Rng, f: Fmt, op: 'mul' | 'div'): [bigint, bigint] {
  const minNormal = 2 ** (1 - f.emax);
  const fb = BigInt(f.p - 1);
  const bias = BigInt(f.emax);
  const x = (bias << fb) | fraction(r, f); // in [1, 2)
  const xv = toNumber(f, x);
  // the other operand: 2^emin / x (mul) or x · 2^emin (div), nudged a few ulps either way
  const target = op === 'mul' ? minNormal / xv : xv * minNormal;
  const base = toBits(f, f.width === 32 ? Math.fround(target) : target);
  const y = base + BigInt(r.below(7)) - 3n;
  const sign = BigInt(r.below(2)) << BigInt(f.width - 1);
  return op === 'mul' ? [x | sign, y] : [y | sign, x];
}
