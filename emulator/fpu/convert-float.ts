// fcvt.s.d (rounds: RNE via Math.fround when the result is normal or exact, else round-pack) and
// fcvt.d.s (exact). A NaN becomes the canonical NaN, NV when it was signaling.

import type { FpuState } from './state.js';
import { NV, NX, RNE } from './state.js';
import { F32, F64, isInfUI, isNaNUI, packInf, sigExpOf, sigOf, signOf } from './format.js';
import { propagateNaN } from './nan.js';
import { roundPack } from './round-pack.js';
import {
  isSignalingNaNF32Bits, readF32Bits, readF32Value, readF64UI, writeF32UI, writeF32Value,
} from './regs.js';

const MIN_NORMAL_F32 = 2 ** -126;

export function fcvt_s_d(st: FpuState, rd: number, rs1: number, rm: number): void {
  const x = st.f64[rs1];
  if (rm === RNE && x === x) {
    const r = Math.fround(x);
    if (r === x) { writeF32Value(st, rd, r); return; }
    if (Math.abs(r) > MIN_NORMAL_F32 && Math.abs(r) < Infinity) {
      st.fflags |= NX;
      writeF32Value(st, rd, r);
      return;
    }
  }
  const ui = readF64UI(st, rs1);
  let z: bigint;
  if (isNaNUI(F64, ui)) { propagateNaN(st, F64, ui, 0n); z = F32.defaultNaN; }
  else if (isInfUI(F64, ui)) z = packInf(F32, signOf(F64, ui));
  else z = roundPack(st, F32, signOf(F64, ui), sigExpOf(F64, ui), sigOf(F64, ui), rm);
  writeF32UI(st, rd, z);
}

/** Exact; rm is ignored (the instruction has the field, no rounding can occur). */
export function fcvt_d_s(st: FpuState, rd: number, rs1: number): void {
  const bits = readF32Bits(st, rs1);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    if (isSignalingNaNF32Bits(bits)) st.fflags |= NV;
    st.f[2 * rd] = 0;
    st.f[2 * rd + 1] = 0x7ff80000;
    return;
  }
  st.f64[rd] = readF32Value(st, rs1);
}
