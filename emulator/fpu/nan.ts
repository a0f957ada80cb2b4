// RISC-V's NaN rule: every NaN result is the canonical NaN (no payload propagation), and NV is
// raised when an operand is a signaling NaN (SoftFloat's RISCV specialization).

import type { FpuState } from './state.js';
import { NV } from './state.js';
import type { Format } from './format.js';
import { isSignalingNaNUI } from './format.js';

export function propagateNaN(st: FpuState, fmt: Format, uiA: bigint, uiB: bigint, uiC: bigint = 0n): bigint {
  if (isSignalingNaNUI(fmt, uiA) || isSignalingNaNUI(fmt, uiB) || isSignalingNaNUI(fmt, uiC)) st.fflags |= NV;
  return fmt.defaultNaN;
}

/** An invalid operation (∞ − ∞, 0 · ∞, 0/0, √−x …): NV and the canonical NaN. */
export function invalid(st: FpuState, fmt: Format): bigint {
  st.fflags |= NV;
  return fmt.defaultNaN;
}
