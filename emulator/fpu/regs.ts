// Register access by bits. A single value lives NaN-boxed in a 64-bit register (bits 63..32 all
// ones); one that is not properly boxed reads as the canonical NaN (F 2.2, "NaN boxing"). The
// exact paths take bits as bigints; the fast paths read st.f64 / st.f32 directly.

import type { FpuState } from './state.js';
import { F32 } from './format.js';

/** The canonical single NaN as a register's low word. */
export const DEFAULT_NAN_F32 = 0x7fc00000;

export function isBoxed(st: FpuState, i: number): boolean {
  return st.f[2 * i + 1] === -1;
}

/** A single's bits (int32), the canonical NaN when not boxed. */
export function readF32Bits(st: FpuState, i: number): number {
  return st.f[2 * i + 1] === -1 ? st.f[2 * i] : DEFAULT_NAN_F32;
}

export function writeF32Bits(st: FpuState, i: number, bits: number): void {
  st.f[2 * i] = bits;
  st.f[2 * i + 1] = -1;
}

export function readF64UI(st: FpuState, i: number): bigint {
  return (BigInt(st.f[2 * i + 1] >>> 0) << 32n) | BigInt(st.f[2 * i] >>> 0);
}

export function writeF64UI(st: FpuState, i: number, ui: bigint): void {
  st.f[2 * i] = Number(BigInt.asIntN(32, ui));
  st.f[2 * i + 1] = Number(BigInt.asIntN(32, ui >> 32n));
}

export function readF32UI(st: FpuState, i: number): bigint {
  return st.f[2 * i + 1] === -1 ? BigInt(st.f[2 * i] >>> 0) : F32.defaultNaN;
}

export function writeF32UI(st: FpuState, i: number, ui: bigint): void {
  writeF32Bits(st, i, Number(BigInt.asIntN(32, ui)));
}

/** Whether a double register holds a NaN (any payload), from its high word and low word. */
export function isNaNF64Words(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

export function isSignalingNaNF64Words(lo: number, hi: number): boolean {
  return isNaNF64Words(lo, hi) && (hi & 0x80000) === 0;
}

export function isNaNF32Bits(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
}

export function isSignalingNaNF32Bits(bits: number): boolean {
  return isNaNF32Bits(bits) && (bits & 0x400000) === 0;
}

/** A single's value as a double (exact), NaN when not boxed; for the fast paths. */
export function readF32Value(st: FpuState, i: number): number {
  return st.f[2 * i + 1] === -1 ? st.f32[2 * i] : NaN;
}

/** Writes a non-NaN binary32 value (a double that Math.fround leaves alone), boxed. */
export function writeF32Value(st: FpuState, i: number, v: number): void {
  st.f32[2 * i] = v;
  st.f[2 * i + 1] = -1;
}
