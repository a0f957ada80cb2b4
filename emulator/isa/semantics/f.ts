// F (unprivileged spec chapter 20): the operations are emulator/fpu's, exact to the bit and flag;
// this file only wires operands to them and keeps the architectural rules around them:
//  - mstatus.FS = Off makes every F/D instruction illegal (checked first, before any access);
//  - rm: the instruction's field, DYN (7) reading frm; 5, 6 or a reserved frm is illegal (the fpu's
//    resolveRm gives -1);
//  - any write to an f register or to fflags sets FS = Dirty (the kernel's lazy save depends on it).
// Operands: rd/rs1/rs2 number f or x registers as the table's fields say (an f rd is never the x0
// sink); for FR and R4 entries `im` is rm | rs3 << 3 (decode-cache.ts). F = h.fpu (an FpuState).
//
// The builders are shared with d.ts: `x` is the format letter (s or d) in the fpu's function names.

import { RESERVATION, type Semantics } from './semantics.js';

const ILLEGAL = '{ $sync throw new Trap(CAUSE.ILLEGAL_INSN, BigInt(bits >>> 0)); }';
/** FS = Off: illegal. Names F for the rest of the piece. */
export const FS_ON = `if ((h.mstatus & 0x6000) === 0) ${ILLEGAL} const F = h.fpu;`;
/** The resolved rounding mode as `rm`, or illegal. */
export const RM = `const rm = FPU.resolveRm(F, im & 7); if (rm < 0) ${ILLEGAL}`;
/** FS = Dirty. */
export const DIRTY = 'h.mstatus |= 0x6000;';

/** An operation writing f[rd] (and maybe fflags), with the rounding mode when `rounded`. */
export const toF = (call: string, rounded: boolean): Semantics =>
  ({ run: `${FS_ON} ${rounded ? RM : ''} ${call}; ${DIRTY}` });

/** An operation writing x[rd] from a 32-bit result (sign-extended), fflags maybe. */
export const toX32 = (call: string, rounded: boolean): Semantics =>
  ({ run: `${FS_ON} ${rounded ? RM : ''} const r = ${call}; xl[rd] = r; xh[rd] = r >> 31; ${DIRTY}` });

/** An operation that writes x[rd] itself (fcvt.l*, fmv.x.d); fcvt may set fflags. */
export const writesX = (call: string, rounded: boolean, dirty: boolean): Semantics =>
  ({ run: `${FS_ON} ${rounded ? RM : ''} ${call}; ${dirty ? DIRTY : ''}` });

/**
 * An FP load of `size` bytes into f[rd], as rv64i.ts's loads: the RAM fast window, else memory.ts
 * into the x sink (x32) and moved from there. A single is NaN-boxed.
 */
export const fload = (size: 4 | 8): Semantics => {
  const fromSink = `F.f[2 * rd] = xl[32]; F.f[2 * rd + 1] = ${size === 4 ? '-1' : 'xh[32]'}; ${DIRTY}`;
  return {
    run: `${FS_ON} $ea
    $window(${size}, LOAD)
    $slow(load(h, lo, hi, ${size}, true, 32); ${fromSink})
    F.f[2 * rd] = ram.getInt32(o, true); F.f[2 * rd + 1] = ${size === 4 ? '-1' : 'ram.getInt32(o + 4, true)'}; ${DIRTY}`,
  };
};

/** An FP store of the low `size` bytes of f[rs2], as rv64i.ts's stores. */
export const fstore = (size: 4 | 8): Semantics => ({
  run: `${FS_ON} $ea
    const vlo = F.f[2 * rs2], vhi = ${size === 4 ? '0' : 'F.f[2 * rs2 + 1]'};
    $window(${size}, STORE)
    $slow(store(h, lo, hi, ${size}, vlo, vhi);)
    ${RESERVATION(size)}
    ram.setInt32(o, vlo, true);${size === 8 ? ' ram.setInt32(o + 4, vhi, true);' : ''}
    $stored(${size})`,
});

/** Everything F and D have alike, for format letter x; `mv` is fmv's integer-side letter (w, d). */
export function common(x: 's' | 'd'): Record<string, Semantics> {
  const fn = (name: string): string => `FPU.${name}_${x}`;
  const out: Record<string, Semantics> = {};
  for (const op of ['fadd', 'fsub', 'fmul', 'fdiv']) out[`${op}.${x}`] = toF(`${fn(op)}(F, rd, rs1, rs2, rm)`, true);
  out[`fsqrt.${x}`] = toF(`${fn('fsqrt')}(F, rd, rs1, rm)`, true);
  for (const op of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) out[`${op}.${x}`] = toF(`${fn(op)}(F, rd, rs1, rs2, im >>> 3, rm)`, true);
  for (const op of ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax']) out[`${op}.${x}`] = toF(`${fn(op)}(F, rd, rs1, rs2)`, false);
  // Compares set NV (signaling NaN, or any NaN for flt/fle): fflags may change, so Dirty.
  for (const op of ['feq', 'flt', 'fle']) out[`${op}.${x}`] = toX32(`${fn(op)}(F, rs1, rs2)`, false);
  out[`fclass.${x}`] = { run: `${FS_ON} const r = ${fn('fclass')}(F, rs1); xl[rd] = r; xh[rd] = 0;` };
  out[`fcvt.w.${x}`] = toX32(`FPU.fcvt_w_${x}(F, rs1, rm)`, true);
  out[`fcvt.wu.${x}`] = toX32(`FPU.fcvt_wu_${x}(F, rs1, rm)`, true);
  out[`fcvt.l.${x}`] = writesX(`FPU.fcvt_l_${x}(F, xl, xh, rd, rs1, rm)`, true, true);
  out[`fcvt.lu.${x}`] = writesX(`FPU.fcvt_lu_${x}(F, xl, xh, rd, rs1, rm)`, true, true);
  out[`fcvt.${x}.l`] = toF(`FPU.fcvt_${x}_l(F, rd, xl[rs1], xh[rs1], rm)`, true);
  out[`fcvt.${x}.lu`] = toF(`FPU.fcvt_${x}_lu(F, rd, xl[rs1], xh[rs1], rm)`, true);
  return out;
}

export const F_EXT: Readonly<Record<string, Semantics>> = {
  flw: fload(4),
  fsw: fstore(4),
  ...common('s'),
  'fcvt.s.w': toF('FPU.fcvt_s_w(F, rd, xl[rs1], rm)', true),
  'fcvt.s.wu': toF('FPU.fcvt_s_wu(F, rd, xl[rs1], rm)', true),
  'fmv.x.w': { run: `${FS_ON} const r = FPU.fmv_x_w(F, rs1); xl[rd] = r; xh[rd] = r >> 31;` },
  'fmv.w.x': toF('FPU.fmv_w_x(F, rd, xl[rs1])', false),
};
