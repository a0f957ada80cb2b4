// binary32 and binary64 as data, and a value's bits taken apart (SoftFloat's signF64UI,
// expF64UI, fracF64UI). The exact (slow) paths hold a value's bits as a bigint of the format's
// width; the fast paths work on doubles and the register words instead.

export interface Format {
  /** Total width: 32 or 64. */
  readonly width: number;
  /** Fraction bits (p − 1): 23 or 52. */
  readonly fracBits: number;
  /** Exponent bias: 127 or 1023; emax = bias, emin = 1 − bias. */
  readonly bias: number;
  /** All-ones exponent field: 0xff or 0x7ff. */
  readonly expMax: number;
  readonly fracMask: bigint;
  /** fracBits as a bigint shift count, the exponent field's mask, 2^fracBits (the hidden bit). */
  readonly fracShift: bigint;
  readonly expMaxBig: bigint;
  readonly hiddenBit: bigint;
  /** 2^p: a rounded significand that reached it carried into the next binade. */
  readonly carryBit: bigint;
  readonly signBit: bigint;
  /** RISC-V's canonical NaN: positive, quiet, fraction 100…0. */
  readonly defaultNaN: bigint;
}

function format(width: number, fracBits: number, expFieldBits: number): Format {
  const bias = (1 << (expFieldBits - 1)) - 1;
  return {
    width,
    fracBits,
    bias,
    expMax: (1 << expFieldBits) - 1,
    fracMask: (1n << BigInt(fracBits)) - 1n,
    fracShift: BigInt(fracBits),
    expMaxBig: BigInt((1 << expFieldBits) - 1),
    hiddenBit: 1n << BigInt(fracBits),
    carryBit: 2n << BigInt(fracBits),
    signBit: 1n << BigInt(width - 1),
    defaultNaN: (BigInt((1 << expFieldBits) - 1) << BigInt(fracBits)) | (1n << BigInt(fracBits - 1)),
  };
}

export const F32: Format = format(32, 23, 8);
export const F64: Format = format(64, 52, 11);

export function signOf(fmt: Format, ui: bigint): number {
  return (ui & fmt.signBit) !== 0n ? 1 : 0;
}

export function expOf(fmt: Format, ui: bigint): number {
  return Number((ui >> fmt.fracShift) & fmt.expMaxBig);
}

export function fracOf(fmt: Format, ui: bigint): bigint {
  return ui & fmt.fracMask;
}

export function isNaNUI(fmt: Format, ui: bigint): boolean {
  return expOf(fmt, ui) === fmt.expMax && fracOf(fmt, ui) !== 0n;
}

/** A NaN whose fraction's top bit is clear (IEEE 754-2008 6.2.1, as RISC-V uses it). */
export function isSignalingNaNUI(fmt: Format, ui: bigint): boolean {
  return isNaNUI(fmt, ui) && ((ui >> BigInt(fmt.fracBits - 1)) & 1n) === 0n;
}

export function isInfUI(fmt: Format, ui: bigint): boolean {
  return expOf(fmt, ui) === fmt.expMax && fracOf(fmt, ui) === 0n;
}

export function isZeroUI(fmt: Format, ui: bigint): boolean {
  return (ui & ~fmt.signBit) === 0n;
}

export function packInf(fmt: Format, sign: number): bigint {
  return (sign ? fmt.signBit : 0n) | (fmt.expMaxBig << fmt.fracShift);
}

export function packZero(fmt: Format, sign: number): bigint {
  return sign ? fmt.signBit : 0n;
}

/** A finite value's significand, exact: the value is (−1)^sign · sig · 2^exp. */
export function sigOf(fmt: Format, ui: bigint): bigint {
  const e = expOf(fmt, ui);
  const frac = fracOf(fmt, ui);
  return e === 0 ? frac : frac | fmt.hiddenBit;
}

/** The exponent of sigOf's least significant bit (subnormals share emin's). */
export function sigExpOf(fmt: Format, ui: bigint): number {
  const e = expOf(fmt, ui);
  return (e === 0 ? 1 : e) - fmt.bias - fmt.fracBits;
}
