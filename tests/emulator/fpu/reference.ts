// An independent exact reference for the differential test: IEEE 754 binary32/binary64 with
// RISC-V's NaN, tininess-after-rounding and conversion rules, written from the standard on
// rational numbers (bigint numerator/denominator) rather than on significands and shifts. It is
// slow and simple on purpose; it shares no code with emulator/fpu.

export const FLAG_NX = 1;
export const FLAG_UF = 2;
export const FLAG_OF = 4;
export const FLAG_DZ = 8;
export const FLAG_NV = 16;

export interface Fmt { width: number; p: number; emax: number }
export const B32: Fmt = { width: 32, p: 24, emax: 127 };
export const B64: Fmt = { width: 64, p: 53, emax: 1023 };

const emin = (f: Fmt): number => 1 - f.emax;
const W = (f: Fmt): number => f.width - f.p; // exponent field width
const expAllOnes = (f: Fmt): bigint => (1n << BigInt(W(f))) - 1n;

/** A decoded value: a NaN, an infinity or a finite rational sign·num/den (den a power of two). */
export type Val =
  | { kind: 'nan'; signaling: boolean }
  | { kind: 'inf'; neg: boolean }
  | { kind: 'fin'; neg: boolean; num: bigint; den: bigint };

export function decode(f: Fmt, bits: bigint): Val {
  const frac = bits & ((1n << BigInt(f.p - 1)) - 1n);
  const e = (bits >> BigInt(f.p - 1)) & expAllOnes(f);
  const neg = (bits >> BigInt(f.width - 1)) === 1n;
  if (e === expAllOnes(f)) {
    if (frac === 0n) return { kind: 'inf', neg };
    return { kind: 'nan', signaling: (frac >> BigInt(f.p - 2)) === 0n };
  }
  // value = M · 2^(E − (p − 1)) with M the integer significand
  const M = e === 0n ? frac : frac + (1n << BigInt(f.p - 1));
  const E = (e === 0n ? 1 : Number(e)) - f.emax;
  const k = E - (f.p - 1);
  return k >= 0 ? { kind: 'fin', neg, num: M << BigInt(k), den: 1n } : { kind: 'fin', neg, num: M, den: 1n << BigInt(-k) };
}

export const canonicalNaN = (f: Fmt): bigint => (expAllOnes(f) << BigInt(f.p - 1)) | (1n << BigInt(f.p - 2));
const infBits = (f: Fmt, neg: boolean): bigint => (neg ? 1n << BigInt(f.width - 1) : 0n) | (expAllOnes(f) << BigInt(f.p - 1));
const zeroBits = (f: Fmt, neg: boolean): bigint => (neg ? 1n << BigInt(f.width - 1) : 0n);

export interface Result { bits: bigint; flags: number }

/**
 * A positive real x, known only through floorScaled(k) = ⌊x / 2^k⌋ and cmp(m, k) = sign(x − m·2^k).
 * Rationals and square roots of rationals both give these exactly.
 */
export interface Real { floorScaled(k: number): bigint; cmp(m: bigint, k: number): number; log2Estimate: number }

function pow2(k: number): { n: bigint; d: bigint } {
  return k >= 0 ? { n: 1n << BigInt(k), d: 1n } : { n: 1n, d: 1n << BigInt(-k) };
}

export function rational(num: bigint, den: bigint): Real {
  const bl = (x: bigint): number => x.toString(2).length;
  return {
    log2Estimate: bl(num) - bl(den),
    floorScaled(k) { const t = pow2(k); return (num * t.d) / (den * t.n); },
    cmp(m, k) { const t = pow2(k); const l = num * t.d; const r = m * t.n * den; return l < r ? -1 : l > r ? 1 : 0; },
  };
}

function isqrtRef(n: bigint): bigint {
  if (n < 2n) return n;
  let lo = 1n;
  let hi = 1n << BigInt(Math.ceil(n.toString(2).length / 2) + 1);
  while (hi - lo > 1n) { const mid = (lo + hi) >> 1n; if (mid * mid <= n) lo = mid; else hi = mid; }
  return lo;
}

/** √(num/den) */
export function sqrtOf(num: bigint, den: bigint): Real {
  const bl = (x: bigint): number => x.toString(2).length;
  return {
    log2Estimate: Math.floor((bl(num) - bl(den)) / 2),
    // ⌊√(q)/2^k⌋ = ⌊√⌊q/4^k⌋⌋
    floorScaled(k) { const t = pow2(2 * k); return isqrtRef((num * t.d) / (den * t.n)); },
    cmp(m, k) { const t = pow2(2 * k); const l = num * t.d; const r = m * m * t.n * den; return l < r ? -1 : l > r ? 1 : 0; },
  };
}

/** Whether the magnitude rounds away from q (the truncation) in mode rm, given the remainder's relation to half an ulp. */
function roundAway(rm: number, neg: boolean, q: bigint, exact: boolean, halfCmp: number): boolean {
  if (exact) return false;
  switch (rm) {
    case 0: return halfCmp > 0 || (halfCmp === 0 && (q & 1n) === 1n);
    case 1: return false;
    case 2: return neg;
    case 3: return !neg;
    case 4: return halfCmp >= 0;
  }
  throw new Error(`rm ${rm}`);
}

/** The format value nearest sign·x in mode rm, with NX/UF/OF. */
export function roundReal(f: Fmt, neg: boolean, x: Real, rm: number): Result {
  let e = x.log2Estimate; // find 2^e ≤ x < 2^(e+1)
  while (x.cmp(1n, e) < 0) e--;
  while (x.cmp(1n, e + 1) >= 0) e++;
  const roundAt = (lsb: number): { q: bigint; exact: boolean } => {
    let q = x.floorScaled(lsb);
    const exact = x.cmp(q, lsb) === 0;
    if (roundAway(rm, neg, q, exact, x.cmp(2n * q + 1n, lsb - 1))) q += 1n;
    return { q, exact };
  };
  const lsb = Math.max(e, emin(f)) - (f.p - 1);
  const { q, exact } = roundAt(lsb);
  let flags = exact ? 0 : FLAG_NX;
  if (!exact && e < emin(f)) {
    // tininess after rounding: round with an unbounded exponent and look again
    const lsbU = e - (f.p - 1);
    if (roundAt(lsbU).q < 1n << BigInt(emin(f) - lsbU)) flags |= FLAG_UF;
  }
  // value = q · 2^lsb; overflow when ≥ 2^(emax+1)
  const overflow = f.emax + 1 - lsb <= 0 ? q > 0n : q >= 1n << BigInt(f.emax + 1 - lsb);
  if (overflow) {
    const toInf = rm === 0 || rm === 4 || (rm === 3 && !neg) || (rm === 2 && neg);
    return { bits: toInf ? infBits(f, neg) : infBits(f, neg) - 1n, flags: flags | FLAG_OF | FLAG_NX };
  }
  // encode q · 2^lsb
  let m = q;
  let E = lsb + (f.p - 1);
  if (m >= 1n << BigInt(f.p)) { m >>= 1n; E += 1; }
  const sign = neg ? 1n << BigInt(f.width - 1) : 0n;
  if (m === 0n) return { bits: sign, flags };
  if (m < 1n << BigInt(f.p - 1)) return { bits: sign | m, flags }; // subnormal (E = emin)
  return { bits: sign | (BigInt(E + f.emax) << BigInt(f.p - 1)) | (m - (1n << BigInt(f.p - 1))), flags };
}

/** Round an exact signed rational (zero handled by the caller). */
function roundRational(f: Fmt, num: bigint, den: bigint, rm: number): Result {
  const neg = num < 0n;
  return roundReal(f, neg, rational(neg ? -num : num, den), rm);
}

function nanResult(f: Fmt, ...vs: Val[]): Result {
  const sig = vs.some((v) => v.kind === 'nan' && v.signaling);
  return { bits: canonicalNaN(f), flags: sig ? FLAG_NV : 0 };
}

const invalid = (f: Fmt): Result => ({ bits: canonicalNaN(f), flags: FLAG_NV });

type Fin = Extract<Val, { kind: 'fin' }>;
const signed = (v: Fin): bigint => (v.neg ? -v.num : v.num);
const isZero = (v: Val): boolean => v.kind === 'fin' && v.num === 0n;

/** Sum of exact terms (num/den each, den powers of two); the zero sign per IEEE 754 6.3. */
function sumOf(f: Fmt, terms: { num: bigint; den: bigint; neg: boolean }[], rm: number): Result {
  const den = terms.reduce((d, t) => (t.den > d ? t.den : d), 1n);
  const num = terms.reduce((s, t) => s + (t.neg ? -1n : 1n) * t.num * (den / t.den), 0n);
  if (num === 0n) {
    const allNeg = terms.every((t) => t.neg);
    const allPos = terms.every((t) => !t.neg);
    const nonzero = terms.some((t) => t.num !== 0n);
    let neg: boolean;
    if (!nonzero && (allNeg || allPos)) neg = allNeg;
    else neg = rm === 2;
    return { bits: zeroBits(f, neg), flags: 0 };
  }
  return roundRational(f, num, den, rm);
}

export function refAdd(f: Fmt, a: bigint, b: bigint, rm: number, subtract = false): Result {
  const x = decode(f, a);
  let y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') return nanResult(f, x, y);
  if (subtract) y = y.kind === 'inf' ? { ...y, neg: !y.neg } : { ...(y as Fin), neg: !(y as Fin).neg };
  if (x.kind === 'inf' && y.kind === 'inf') return x.neg === y.neg ? { bits: infBits(f, x.neg), flags: 0 } : invalid(f);
  if (x.kind === 'inf') return { bits: infBits(f, x.neg), flags: 0 };
  if (y.kind === 'inf') return { bits: infBits(f, y.neg), flags: 0 };
  return sumOf(f, [x as Fin, y as Fin], rm);
}

export function refMul(f: Fmt, a: bigint, b: bigint, rm: number): Result {
  const x = decode(f, a);
  const y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') return nanResult(f, x, y);
  const neg = (x as { neg: boolean }).neg !== (y as { neg: boolean }).neg;
  if (x.kind === 'inf' || y.kind === 'inf') return isZero(x) || isZero(y) ? invalid(f) : { bits: infBits(f, neg), flags: 0 };
  const p = (x as Fin).num * (y as Fin).num;
  if (p === 0n) return { bits: zeroBits(f, neg), flags: 0 };
  return roundReal(f, neg, rational(p, (x as Fin).den * (y as Fin).den), rm);
}

export function refDiv(f: Fmt, a: bigint, b: bigint, rm: number): Result {
  const x = decode(f, a);
  const y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') return nanResult(f, x, y);
  const neg = (x as { neg: boolean }).neg !== (y as { neg: boolean }).neg;
  if (x.kind === 'inf') return y.kind === 'inf' ? invalid(f) : { bits: infBits(f, neg), flags: 0 };
  if (y.kind === 'inf') return { bits: zeroBits(f, neg), flags: 0 };
  if (isZero(y)) return isZero(x) ? invalid(f) : { bits: infBits(f, neg), flags: FLAG_DZ };
  if (isZero(x)) return { bits: zeroBits(f, neg), flags: 0 };
  const X = x as Fin;
  const Y = y as Fin;
  return roundReal(f, neg, rational(X.num * Y.den, X.den * Y.num), rm);
}

export function refSqrt(f: Fmt, a: bigint, rm: number): Result {
  const x = decode(f, a);
  if (x.kind === 'nan') return nanResult(f, x);
  if (isZero(x)) return { bits: a, flags: 0 };
  if (x.neg) return invalid(f);
  if (x.kind === 'inf') return { bits: a, flags: 0 };
  return roundReal(f, false, sqrtOf(x.num, x.den), rm);
}

/** negProd/negC select fmadd, fmsub (negC), fnmsub (negProd), fnmadd (both). */
export function refMulAdd(f: Fmt, a: bigint, b: bigint, c: bigint, negProd: boolean, negC: boolean, rm: number): Result {
  const x = decode(f, a);
  const y = decode(f, b);
  const z = decode(f, c);
  const infZero = (x.kind === 'inf' && isZero(y)) || (isZero(x) && y.kind === 'inf');
  if (x.kind === 'nan' || y.kind === 'nan') return nanResult(f, x, y, z);
  if (z.kind === 'nan') return infZero ? invalid(f) : nanResult(f, z);
  if (infZero) return invalid(f);
  const pNeg = ((x as { neg: boolean }).neg !== (y as { neg: boolean }).neg) !== negProd;
  const cNeg = (z as { neg: boolean }).neg !== negC;
  if (x.kind === 'inf' || y.kind === 'inf') {
    if (z.kind === 'inf' && cNeg !== pNeg) return invalid(f);
    return { bits: infBits(f, pNeg), flags: 0 };
  }
  if (z.kind === 'inf') return { bits: infBits(f, cNeg), flags: 0 };
  const X = x as Fin;
  const Y = y as Fin;
  const Z = z as Fin;
  return sumOf(f, [{ num: X.num * Y.num, den: X.den * Y.den, neg: pNeg }, { num: Z.num, den: Z.den, neg: cNeg }], rm);
}

/** Binary64 ↔ binary32. */
export function refConvertFloat(from: Fmt, to: Fmt, a: bigint, rm: number): Result {
  const x = decode(from, a);
  if (x.kind === 'nan') return nanResult(to, x);
  if (x.kind === 'inf') return { bits: infBits(to, x.neg), flags: 0 };
  if (x.num === 0n) return { bits: zeroBits(to, x.neg), flags: 0 };
  return roundReal(to, x.neg, rational(x.num, x.den), rm);
}

export function refFromInt(to: Fmt, v: bigint, rm: number): Result {
  if (v === 0n) return { bits: 0n, flags: 0 };
  return roundRational(to, v, 1n, rm);
}

/** Float → integer of `bits` width, signed or not: RISC-V's saturation, NaN → the largest. */
export function refToInt(f: Fmt, a: bigint, width: number, isSigned: boolean, rm: number): { value: bigint; flags: number } {
  const lo = isSigned ? -(1n << BigInt(width - 1)) : 0n;
  const hi = isSigned ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  const x = decode(f, a);
  if (x.kind === 'nan') return { value: hi, flags: FLAG_NV };
  if (x.kind === 'inf') return { value: x.neg ? lo : hi, flags: FLAG_NV };
  const fl = x.num / x.den; // ⌊|x|⌋
  const rem = x.num - fl * x.den; // |x| − ⌊|x|⌋ = rem/den
  const half = Math.sign(Number(2n * rem - x.den)); // compare with 1/2
  const up = roundAway(rm, x.neg, fl, rem === 0n, half);
  const mag = up ? fl + 1n : fl;
  const r = x.neg ? -mag : mag;
  if (r < lo) return { value: lo, flags: FLAG_NV };
  if (r > hi) return { value: hi, flags: FLAG_NV };
  return { value: r, flags: rem === 0n ? 0 : FLAG_NX };
}

/** feq (quiet), flt/fle (signaling): 1n or 0n. */
export function refCompare(f: Fmt, a: bigint, b: bigint, op: 'eq' | 'lt' | 'le'): { value: bigint; flags: number } {
  const x = decode(f, a);
  const y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') {
    const sig = (x.kind === 'nan' && x.signaling) || (y.kind === 'nan' && y.signaling);
    return { value: 0n, flags: op === 'eq' ? (sig ? FLAG_NV : 0) : FLAG_NV };
  }
  const c = orderOf(x, y);
  const v = op === 'eq' ? c === 0 : op === 'lt' ? c < 0 : c <= 0;
  return { value: v ? 1n : 0n, flags: 0 };
}

/** −1, 0, 1 comparing two non-NaN values as numbers (−0 = +0). */
function orderOf(x: Val, y: Val): number {
  const key = (v: Val): { inf: number; num: bigint; den: bigint } =>
    v.kind === 'inf' ? { inf: v.neg ? -1 : 1, num: 0n, den: 1n } : { inf: 0, num: signed(v as Fin), den: (v as Fin).den };
  const kx = key(x);
  const ky = key(y);
  if (kx.inf !== ky.inf) return kx.inf < ky.inf ? -1 : 1;
  if (kx.inf !== 0) return 0;
  const l = kx.num * ky.den;
  const r = ky.num * kx.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** fmin/fmax (F 2.2): NaNs give way to numbers, −0 < +0, two NaNs → canonical, NV on sNaN. */
export function refMinMax(f: Fmt, a: bigint, b: bigint, max: boolean): Result {
  const x = decode(f, a);
  const y = decode(f, b);
  const sig = (x.kind === 'nan' && x.signaling) || (y.kind === 'nan' && y.signaling);
  const flags = sig ? FLAG_NV : 0;
  if (x.kind === 'nan' && y.kind === 'nan') return { bits: canonicalNaN(f), flags };
  if (x.kind === 'nan') return { bits: b, flags };
  if (y.kind === 'nan') return { bits: a, flags };
  let c = orderOf(x, y);
  if (c === 0) {
    const sa = a >> BigInt(f.width - 1);
    const sb = b >> BigInt(f.width - 1);
    c = sa === sb ? 0 : sa === 1n ? -1 : 1; // −0 < +0
  }
  return { bits: (c <= 0) !== max ? a : b, flags };
}
