// fsgnj/fsgnjn/fsgnjx: rs1's magnitude with a sign from rs2 (itself, inverted, xor'ed). Pure bit
// operations: no flags, NaNs pass through unchanged (except an unboxed single, which reads as the
// canonical NaN). fmv.s/fneg.s/fabs.s and their .d forms are these.

import type { FpuState } from './state.js';
import { readF32Bits, writeF32Bits } from './regs.js';

const SIGN = 0x80000000 | 0;

/** mode 0: sign of rs2; 1: its inverse; 2: rs1's sign xor rs2's. */
function signOf(mode: number, s1: number, s2: number): number {
  return mode === 0 ? s2 & SIGN : mode === 1 ? ~s2 & SIGN : (s1 ^ s2) & SIGN;
}

function injectD(st: FpuState, rd: number, rs1: number, rs2: number, mode: number): void {
  const hi1 = st.f[2 * rs1 + 1];
  const lo1 = st.f[2 * rs1];
  const hi2 = st.f[2 * rs2 + 1];
  st.f[2 * rd] = lo1;
  st.f[2 * rd + 1] = (hi1 & 0x7fffffff) | signOf(mode, hi1, hi2);
}

function injectS(st: FpuState, rd: number, rs1: number, rs2: number, mode: number): void {
  const b1 = readF32Bits(st, rs1);
  const b2 = readF32Bits(st, rs2);
  writeF32Bits(st, rd, (b1 & 0x7fffffff) | signOf(mode, b1, b2));
}

export function fsgnj_d(st: FpuState, rd: number, rs1: number, rs2: number): void { injectD(st, rd, rs1, rs2, 0); }
export function fsgnjn_d(st: FpuState, rd: number, rs1: number, rs2: number): void { injectD(st, rd, rs1, rs2, 1); }
export function fsgnjx_d(st: FpuState, rd: number, rs1: number, rs2: number): void { injectD(st, rd, rs1, rs2, 2); }
export function fsgnj_s(st: FpuState, rd: number, rs1: number, rs2: number): void { injectS(st, rd, rs1, rs2, 0); }
export function fsgnjn_s(st: FpuState, rd: number, rs1: number, rs2: number): void { injectS(st, rd, rs1, rs2, 1); }
export function fsgnjx_s(st: FpuState, rd: number, rs1: number, rs2: number): void { injectS(st, rd, rs1, rs2, 2); }
