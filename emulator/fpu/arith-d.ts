// The D extension's arithmetic instructions: fadd.d … fnmadd.d. RNE tries the double fast path
// first (fast-f64.ts); everything else, and whatever it refuses, is the exact path.
// rm is already resolved (0..4): the caller maps DYN through frm and traps on 5/6 (resolveRm).

import type { FpuState } from './state.js';
import { RNE } from './state.js';
import { F64 } from './format.js';
import { readF64UI, writeF64UI } from './regs.js';
import { fastAdd64, fastDiv64, fastMul64, fastMulAdd64, fastSqrt64 } from './fast-f64.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { div } from './div.js';
import { sqrt } from './sqrt.js';
import { mulAdd } from './mul-add.js';

export function fadd_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastAdd64(st, st.f64[rs1], st.f64[rs2]);
    if (r === r) { st.f64[rd] = r; return; }
  }
  writeF64UI(st, rd, add(st, F64, readF64UI(st, rs1), readF64UI(st, rs2), 0, rm));
}

export function fsub_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastAdd64(st, st.f64[rs1], -st.f64[rs2]);
    if (r === r) { st.f64[rd] = r; return; }
  }
  writeF64UI(st, rd, add(st, F64, readF64UI(st, rs1), readF64UI(st, rs2), 1, rm));
}

export function fmul_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastMul64(st, st.f64[rs1], st.f64[rs2]);
    if (r === r) { st.f64[rd] = r; return; }
  }
  writeF64UI(st, rd, mul(st, F64, readF64UI(st, rs1), readF64UI(st, rs2), rm));
}

export function fdiv_d(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastDiv64(st, st.f64[rs1], st.f64[rs2]);
    if (r === r) { st.f64[rd] = r; return; }
  }
  writeF64UI(st, rd, div(st, F64, readF64UI(st, rs1), readF64UI(st, rs2), rm));
}

export function fsqrt_d(st: FpuState, rd: number, rs1: number, rm: number): void {
  if (rm === RNE) {
    const r = fastSqrt64(st, st.f64[rs1]);
    if (r === r) { st.f64[rd] = r; return; }
  }
  writeF64UI(st, rd, sqrt(st, F64, readF64UI(st, rs1), rm));
}

/** The four fused forms: negProd negates a·b, negC negates c. */
function fused(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, negProd: number, negC: number, rm: number): void {
  if (rm === RNE) {
    const a = st.f64[rs1];
    const c = st.f64[rs3];
    const r = fastMulAdd64(st, negProd ? -a : a, st.f64[rs2], negC ? -c : c);
    if (r === r) { st.f64[rd] = r; return; }
  }
  writeF64UI(st, rd, mulAdd(st, F64, readF64UI(st, rs1), readF64UI(st, rs2), readF64UI(st, rs3), negProd, negC, rm));
}

/** rs1·rs2 + rs3 */
export function fmadd_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 0, 0, rm);
}

/** rs1·rs2 − rs3 */
export function fmsub_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 0, 1, rm);
}

/** −(rs1·rs2) + rs3 */
export function fnmsub_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 1, 0, rm);
}

/** −(rs1·rs2) − rs3 */
export function fnmadd_d(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 1, 1, rm);
}
