// M: multiply and divide (unprivileged spec chapter 13). mul and the W forms on 32-bit halves; the
// high products and 64-bit division through bigint. Division by zero gives all ones and remainder =
// dividend; INT_MIN / -1 gives INT_MIN and remainder 0 (table 13.1): no trap, ever.

import type { Semantics } from './semantics.js';

const A = 'toBig(xl[rs1], xh[rs1])', AU = 'toBigU(xl[rs1], xh[rs1])';
const B = 'toBig(xl[rs2], xh[rs2])', BU = 'toBigU(xl[rs2], xh[rs2])';

/** 64-bit signed division or remainder (q: quotient). */
const div = (q: boolean): Semantics => ({
  run: `const a = ${A}, b = ${B};
    $set64(b === 0n ? ${q ? '-1n' : 'a'} : a === -(1n << 63n) && b === -1n ? ${q ? 'a' : '0n'} : a ${q ? '/' : '%'} b)`,
});
const divu = (q: boolean): Semantics => ({
  run: `const a = ${AU}, b = ${BU};
    $set64(b === 0n ? ${q ? '-1n' : 'a'} : a ${q ? '/' : '%'} b)`,
});

export const M: Readonly<Record<string, Semantics>> = {
  mul: {
    run: `const al = xl[rs1], ah = xh[rs1], bl = xl[rs2], bh = xh[rs2];
    const hi = (((mulhu32(al, bl) + Math.imul(ah, bl)) | 0) + Math.imul(al, bh)) | 0; // each sum wraps: an int32 add, never an overflow check
    xl[rd] = Math.imul(al, bl); xh[rd] = hi;`,
  },
  mulh: { run: `$set64((${A} * ${B}) >> 64n)` },
  mulhsu: { run: `$set64((${A} * ${BU}) >> 64n)` },
  mulhu: { run: `$set64((${AU} * ${BU}) >> 64n)` },
  div: div(true),
  divu: divu(true),
  rem: div(false),
  remu: divu(false),
  mulw: { run: '$setw(Math.imul(xl[rs1], xl[rs2]))' },
  // INT32_MIN / -1 = 2^31 wraps to INT32_MIN; JS % truncates like RISC-V.
  divw: { run: 'const b = xl[rs2]; $setw(b === 0 ? -1 : Math.trunc(xl[rs1] / b))' },
  divuw: { run: 'const b = xl[rs2] >>> 0; $setw(b === 0 ? -1 : Math.trunc((xl[rs1] >>> 0) / b))' },
  remw: { run: 'const a = xl[rs1], b = xl[rs2]; $setw(b === 0 ? a : a % b)' },
  remuw: { run: 'const a = xl[rs1] >>> 0, b = xl[rs2] >>> 0; $setw(b === 0 ? a : a % b)' },
};
