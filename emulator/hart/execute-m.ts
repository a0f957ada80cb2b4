// M: integer multiply and divide (unprivileged spec chapter 13). mul and the W forms stay on 32-bit
// halves; the high products and 64-bit division go through bigint (off the hottest path).
// Division by zero gives quotient all ones and remainder = dividend; INT_MIN / -1 gives quotient
// INT_MIN and remainder 0 (spec table 13.1): no trap, ever.

import { hiOf, loOf, mulhu32, toBig, toBigU } from './int64.js';

export const enum M {
  mul, mulh, mulhsu, mulhu, div, divu, rem, remu, mulw, divw, divuw, remw, remuw,
}

export const M_MNEMONICS: readonly string[] = [
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw',
];

const INT64_MIN = -(1n << 63n);

function set(xl: Int32Array, xh: Int32Array, rd: number, v: bigint): void {
  xl[rd] = loOf(v);
  xh[rd] = hiOf(v);
}

function setW(xl: Int32Array, xh: Int32Array, rd: number, v: number): void {
  xl[rd] = v | 0;
  xh[rd] = (v | 0) >> 31;
}

export function executeM(xl: Int32Array, xh: Int32Array, k: number, rd: number, rs1: number, rs2: number): void {
  switch (k) {
    case M.mul: {
      const al = xl[rs1], ah = xh[rs1], bl = xl[rs2], bh = xh[rs2];
      const hi = (mulhu32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
      xl[rd] = Math.imul(al, bl); xh[rd] = hi;
      return;
    }
    case M.mulh: set(xl, xh, rd, (toBig(xl[rs1], xh[rs1]) * toBig(xl[rs2], xh[rs2])) >> 64n); return;
    case M.mulhsu: set(xl, xh, rd, (toBig(xl[rs1], xh[rs1]) * toBigU(xl[rs2], xh[rs2])) >> 64n); return;
    case M.mulhu: set(xl, xh, rd, (toBigU(xl[rs1], xh[rs1]) * toBigU(xl[rs2], xh[rs2])) >> 64n); return;
    case M.div: case M.rem: {
      const a = toBig(xl[rs1], xh[rs1]), b = toBig(xl[rs2], xh[rs2]);
      let q: bigint, r: bigint;
      if (b === 0n) { q = -1n; r = a; } else if (a === INT64_MIN && b === -1n) { q = a; r = 0n; } else { q = a / b; r = a % b; }
      set(xl, xh, rd, k === M.div ? q : r);
      return;
    }
    case M.divu: case M.remu: {
      const a = toBigU(xl[rs1], xh[rs1]), b = toBigU(xl[rs2], xh[rs2]);
      const q = b === 0n ? -1n : a / b, r = b === 0n ? a : a % b;
      set(xl, xh, rd, k === M.divu ? q : r);
      return;
    }
    case M.mulw: setW(xl, xh, rd, Math.imul(xl[rs1], xl[rs2])); return;
    case M.divw: {
      const a = xl[rs1], b = xl[rs2];
      setW(xl, xh, rd, b === 0 ? -1 : Math.trunc(a / b)); // INT32_MIN / -1 = 2^31 wraps to INT32_MIN
      return;
    }
    case M.divuw: {
      const a = xl[rs1] >>> 0, b = xl[rs2] >>> 0;
      setW(xl, xh, rd, b === 0 ? -1 : Math.trunc(a / b));
      return;
    }
    case M.remw: {
      const a = xl[rs1], b = xl[rs2];
      setW(xl, xh, rd, b === 0 ? a : a % b); // JS % truncates like RISC-V; INT32_MIN % -1 = -0 → 0
      return;
    }
    case M.remuw: {
      const a = xl[rs1] >>> 0, b = xl[rs2] >>> 0;
      setW(xl, xh, rd, b === 0 ? a : a % b);
      return;
    }
  }
  throw new Error(`executeM: unknown code ${k}`);
}
