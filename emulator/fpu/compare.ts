// feq/flt/fle for both formats: 1 or 0, for the caller to write to x[rd]. feq is a quiet
// comparison (NV only for a signaling NaN); flt and fle are signaling (NV for any NaN). A NaN
// operand compares false. Doubles compare exactly in JS, −0 = +0 included.

import type { FpuState } from './state.js';
import { NV } from './state.js';
import { isSignalingNaNF32Bits, isSignalingNaNF64Words, readF32Bits, readF32Value } from './regs.js';

function signalingF64(st: FpuState, i: number): boolean {
  return isSignalingNaNF64Words(st.f[2 * i], st.f[2 * i + 1]);
}

function signalingF32(st: FpuState, i: number): boolean {
  return isSignalingNaNF32Bits(readF32Bits(st, i));
}

export function feq_d(st: FpuState, rs1: number, rs2: number): number {
  const a = st.f64[rs1];
  const b = st.f64[rs2];
  if (a !== a || b !== b) {
    if (signalingF64(st, rs1) || signalingF64(st, rs2)) st.fflags |= NV;
    return 0;
  }
  return a === b ? 1 : 0;
}

export function flt_d(st: FpuState, rs1: number, rs2: number): number {
  const a = st.f64[rs1];
  const b = st.f64[rs2];
  if (a !== a || b !== b) { st.fflags |= NV; return 0; }
  return a < b ? 1 : 0;
}

export function fle_d(st: FpuState, rs1: number, rs2: number): number {
  const a = st.f64[rs1];
  const b = st.f64[rs2];
  if (a !== a || b !== b) { st.fflags |= NV; return 0; }
  return a <= b ? 1 : 0;
}

export function feq_s(st: FpuState, rs1: number, rs2: number): number {
  const a = readF32Value(st, rs1);
  const b = readF32Value(st, rs2);
  if (a !== a || b !== b) {
    if (signalingF32(st, rs1) || signalingF32(st, rs2)) st.fflags |= NV;
    return 0;
  }
  return a === b ? 1 : 0;
}

export function flt_s(st: FpuState, rs1: number, rs2: number): number {
  const a = readF32Value(st, rs1);
  const b = readF32Value(st, rs2);
  if (a !== a || b !== b) { st.fflags |= NV; return 0; }
  return a < b ? 1 : 0;
}

export function fle_s(st: FpuState, rs1: number, rs2: number): number {
  const a = readF32Value(st, rs1);
  const b = readF32Value(st, rs2);
  if (a !== a || b !== b) { st.fflags |= NV; return 0; }
  return a <= b ? 1 : 0;
}

export { signalingF32, signalingF64 };
