// 64-bit values held as two signed 32-bit halves (the register file's representation): one helper
// for each idiom the instruction semantics repeat, and the conversions the slow paths need.

const TWO32 = 4294967296;

/** The signed 64-bit value of (lo, hi) as a bigint. */
export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** The unsigned 64-bit value of (lo, hi) as a bigint. */
export function toBigU(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Low half of a bigint (any width; taken modulo 2^64). */
export function loOf(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** High half of a bigint (taken modulo 2^64). */
export function hiOf(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}

/** (lo, hi) → a JS number, exact when |value| ≤ 2^53 (callers check `fitsNumber` first where it matters). */
export function toNum(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

/** Whether the signed 64-bit value (lo, hi) is exactly representable as a JS number (|v| < 2^53). */
export function fitsNumber(hi: number): boolean {
  return hi >= -0x200000 && hi < 0x200000;
}

/** Low half of an exact integer JS number (ToInt32 is modulo 2^32). */
export function numLo(v: number): number {
  return v | 0;
}

/** High half of an exact integer JS number. */
export function numHi(v: number): number {
  return Math.floor(v / TWO32) | 0;
}

/** A signed 64-bit bigint → JS number, or undefined when it is not exact. */
export function bigToNum(v: bigint): number | undefined {
  const s = BigInt.asIntN(64, v);
  return s >= -(1n << 53n) && s <= (1n << 53n) ? Number(s) : undefined;
}

/** High 32 bits of the unsigned 64-bit product of two 32-bit values (16-bit pieces: exact in doubles). */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Signed 64-bit a < b on halves. */
export function lt(ah: number, al: number, bh: number, bl: number): boolean {
  return ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
}

/** Unsigned 64-bit a < b on halves. */
export function ltu(ah: number, al: number, bh: number, bl: number): boolean {
  return (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
}

