// The F extension's arithmetic instructions: fadd.s … fnmadd.s. RNE tries the double fast path
// first (fast-f32.ts); everything else, and whatever it refuses, is the exact path.
// rm is already resolved (0..4): the caller maps DYN through frm and traps on 5/6 (resolveRm).

import type { FpuState } from './state.js';
import { RNE } from './state.js';
import { F32 } from './format.js';
import { readF32UI, readF32Value, writeF32UI, writeF32Value } from './regs.js';
import { fastAdd32, fastDiv32, fastMul32, fastMulAdd32, fastSqrt32 } from './fast-f32.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { div } from './div.js';
import { sqrt } from './sqrt.js';
import { mulAdd } from './mul-add.js';

export function fadd_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastAdd32(st, readF32Value(st, rs1), readF32Value(st, rs2));
    if (r === r) { writeF32Value(st, rd, r); return; }
  }
  writeF32UI(st, rd, add(st, F32, readF32UI(st, rs1), readF32UI(st, rs2), 0, rm));
}

export function fsub_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastAdd32(st, readF32Value(st, rs1), -readF32Value(st, rs2));
    if (r === r) { writeF32Value(st, rd, r); return; }
  }
  writeF32UI(st, rd, add(st, F32, readF32UI(st, rs1), readF32UI(st, rs2), 1, rm));
}

export function fmul_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastMul32(st, readF32Value(st, rs1), readF32Value(st, rs2));
    if (r === r) { writeF32Value(st, rd, r); return; }
  }
  writeF32UI(st, rd, mul(st, F32, readF32UI(st, rs1), readF32UI(st, rs2), rm));
}

export function fdiv_s(st: FpuState, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RNE) {
    const r = fastDiv32(st, readF32Value(st, rs1), readF32Value(st, rs2));
    if (r === r) { writeF32Value(st, rd, r); return; }
  }
  writeF32UI(st, rd, div(st, F32, readF32UI(st, rs1), readF32UI(st, rs2), rm));
}

export function fsqrt_s(st: FpuState, rd: number, rs1: number, rm: number): void {
  if (rm === RNE) {
    const r = fastSqrt32(st, readF32Value(st, rs1));
    if (r === r) { writeF32Value(st, rd, r); return; }
  }
  writeF32UI(st, rd, sqrt(st, F32, readF32UI(st, rs1), rm));
}

/** The four fused forms: negProd negates a·b, negC negates c. */
function fused(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, negProd: number, negC: number, rm: number): void {
  if (rm === RNE) {
    const a = readF32Value(st, rs1);
    const c = readF32Value(st, rs3);
    const r = fastMulAdd32(st, negProd ? -a : a, readF32Value(st, rs2), negC ? -c : c);
    if (r === r) { writeF32Value(st, rd, r); return; }
  }
  writeF32UI(st, rd, mulAdd(st, F32, readF32UI(st, rs1), readF32UI(st, rs2), readF32UI(st, rs3), negProd, negC, rm));
}

/** rs1·rs2 + rs3 */
export function fmadd_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 0, 0, rm);
}

/** rs1·rs2 − rs3 */
export function fmsub_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 0, 1, rm);
}

/** −(rs1·rs2) + rs3 */
export function fnmsub_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 1, 0, rm);
}

/** −(rs1·rs2) − rs3 */
export function fnmadd_s(st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number): void {
  fused(st, rd, rs1, rs2, rs3, 1, 1, rm);
}
