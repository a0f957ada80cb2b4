// fmin/fmax as F/D 2.2 define them (IEEE 754-2019 minimumNumber/maximumNumber): a NaN operand
// yields the other operand, two NaNs the canonical NaN, NV for any signaling NaN, and −0 < +0.

import type { FpuState } from './state.js';
import { NV } from './state.js';
import { DEFAULT_NAN_F32, readF32Value, writeF32Bits, writeF32Value } from './regs.js';
import { signalingF32, signalingF64 } from './compare.js';

/** The chosen operand of two non-NaN values; on equal values the sign decides (±0). */
function pick(a: number, b: number, max: boolean): number {
  if (a !== b) return (a < b) !== max ? a : b;
  const aNegative = 1 / a < 0 || a < 0;
  return aNegative !== max ? a : b;
}

function minMaxD(st: FpuState, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = st.f64[rs1];
  const b = st.f64[rs2];
  if (a !== a || b !== b) {
    if (signalingF64(st, rs1) || signalingF64(st, rs2)) st.fflags |= NV;
    if (a !== a && b !== b) {
      st.f[2 * rd] = 0;
      st.f[2 * rd + 1] = 0x7ff80000;
    } else {
      st.f64[rd] = a !== a ? b : a;
    }
    return;
  }
  st.f64[rd] = pick(a, b, max);
}

function minMaxS(st: FpuState, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = readF32Value(st, rs1);
  const b = readF32Value(st, rs2);
  if (a !== a || b !== b) {
    if (signalingF32(st, rs1) || signalingF32(st, rs2)) st.fflags |= NV;
    if (a !== a && b !== b) writeF32Bits(st, rd, DEFAULT_NAN_F32);
    else writeF32Value(st, rd, a !== a ? b : a);
    return;
  }
  writeF32Value(st, rd, pick(a, b, max));
}

export function fmin_d(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxD(st, rd, rs1, rs2, false); }
export function fmax_d(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxD(st, rd, rs1, rs2, true); }
export function fmin_s(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxS(st, rd, rs1, rs2, false); }
export function fmax_s(st: FpuState, rd: number, rs1: number, rs2: number): void { minMaxS(st, rd, rs1, rs2, true); }
