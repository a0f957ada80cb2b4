// D (unprivileged spec chapter 21): f.ts's builders for the double format, plus what only D has —
// the 64-bit moves, the exact conversions from int32 and from single (no rounding; a reserved rm
// is still illegal, as Spike and QEMU decide) and fcvt.s.d.

import type { Semantics } from './semantics.js';
import { common, fload, fstore, toF, writesX } from './f.js';

export const D_EXT: Readonly<Record<string, Semantics>> = {
  fld: fload(8),
  fsd: fstore(8),
  ...common('d'),
  'fcvt.d.w': toF('FPU.fcvt_d_w(F, rd, xl[rs1])', true),
  'fcvt.d.wu': toF('FPU.fcvt_d_wu(F, rd, xl[rs1])', true),
  'fcvt.s.d': toF('FPU.fcvt_s_d(F, rd, rs1, rm)', true),
  'fcvt.d.s': toF('FPU.fcvt_d_s(F, rd, rs1)', true),
  'fmv.x.d': writesX('FPU.fmv_x_d(F, xl, xh, rd, rs1)', false, false),
  'fmv.d.x': toF('FPU.fmv_d_x(F, rd, xl[rs1], xh[rs1])', false),
};
