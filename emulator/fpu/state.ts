// The F/D state the operations read and write: 32 registers of 64 bits as (lo, hi) Int32 pairs,
// with Float64/Float32 views on the same bytes so the fast paths read values without bit
// twiddling, the fflags accumulator and frm. Everything is in this object so an operation has no
// hidden module state; `scratch` is only for reinterpreting a value's bits inside one call.

/** fflags bits, as fcsr holds them (and as SoftFloat's exception flags are numbered). */
export const NX = 1; // inexact
export const UF = 2; // underflow
export const OF = 4; // overflow
export const DZ = 8; // divide by zero
export const NV = 16; // invalid

/** Rounding modes, the instruction's rm field values. */
export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;
/** rm = 7: use frm. */
export const DYN = 7;

export interface FpuState {
  /** f0..f31: register i is f[2i] (bits 31..0) and f[2i+1] (bits 63..32). */
  readonly f: Int32Array;
  /** The same bytes as doubles: f64[i] is register i (little-endian hosts: every browser and Node target). */
  readonly f64: Float64Array;
  /** The same bytes as floats: f32[2i] is the low word of register i. */
  readonly f32: Float32Array;
  /** Accrued exceptions (NX|UF|OF|DZ|NV); operations only OR into it. */
  fflags: number;
  /** The dynamic rounding mode (fcsr bits 7..5); any 3-bit value may be stored, resolveRm checks it. */
  frm: number;
  /** Bit reinterpretation inside one operation (never carries a value between calls). */
  readonly scratchF64: Float64Array;
  readonly scratchI32: Int32Array;
  readonly scratchF32: Float32Array;
}

export function createFpuState(): FpuState {
  const regs = new ArrayBuffer(32 * 8);
  const scratch = new ArrayBuffer(8);
  return {
    f: new Int32Array(regs),
    f64: new Float64Array(regs),
    f32: new Float32Array(regs),
    fflags: 0,
    frm: 0,
    scratchF64: new Float64Array(scratch),
    scratchI32: new Int32Array(scratch),
    scratchF32: new Float32Array(scratch),
  };
}

/**
 * The rounding mode an instruction uses: its rm field, or frm when rm is DYN. Returns -1 when
 * the result is reserved (5, 6, or frm holding one of 5..7): the instruction is illegal.
 */
export function resolveRm(st: FpuState, rm: number): number {
  const mode = rm === DYN ? st.frm : rm;
  return mode <= RMM ? mode : -1;
}
