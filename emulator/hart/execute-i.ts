// RV64I: the base integer instructions (unprivileged spec chapters 2 and 4), on 32-bit halves.
// Returns the next pc. The codes below are this executor's own numbering (a literal switch is a
// jump table); I_MNEMONICS maps them to the ISA table by name, checked when the cache is built.

import type { Hart } from './hart.js';
import { load, loadHi, store } from './memory.js';

export const enum I {
  lui, auipc, jal, jalr, beq, bne, blt, bge, bltu, bgeu,
  lb, lh, lw, ld, lbu, lhu, lwu, sb, sh, sw, sd,
  addi, slti, sltiu, xori, ori, andi, slli, srli, srai,
  add, sub, sll, slt, sltu, xor, srl, sra, or, and,
  addiw, slliw, srliw, sraiw, addw, subw, sllw, srlw, sraw,
  fence, fence_tso, pause,
}

export const I_MNEMONICS: readonly string[] = [
  'lui', 'auipc', 'jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
  'lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd',
  'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'addiw', 'slliw', 'srliw', 'sraiw', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'fence', 'fence.tso', 'pause',
];

const TWO32 = 4294967296;

/** Writes the exact integer JS number v (|v| ≤ 2^53) to x[rd]. */
function setNum(xl: Int32Array, xh: Int32Array, rd: number, v: number): void {
  xl[rd] = v | 0;
  xh[rd] = Math.floor(v / TWO32) | 0;
}

/** Signed 64-bit a < b on halves. */
function lt(ah: number, al: number, bh: number, bl: number): boolean {
  return ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
}
/** Unsigned 64-bit a < b on halves. */
function ltu(ah: number, al: number, bh: number, bl: number): boolean {
  return (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
}

/** x[rd] = (ah:al) << s, s in 0..63. */
function shl(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, s: number): void {
  if (s === 0) { xl[rd] = al; xh[rd] = ah; } else if (s < 32) { xh[rd] = (ah << s) | (al >>> (32 - s)); xl[rd] = al << s; } else { xh[rd] = al << (s - 32); xl[rd] = 0; }
}
/** x[rd] = (ah:al) >>u s. */
function shr(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, s: number): void {
  if (s === 0) { xl[rd] = al; xh[rd] = ah; } else if (s < 32) { xl[rd] = (al >>> s) | (ah << (32 - s)); xh[rd] = ah >>> s; } else { xl[rd] = ah >>> (s - 32); xh[rd] = 0; }
}
/** x[rd] = (ah:al) >>s s. */
function sar(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, s: number): void {
  if (s === 0) { xl[rd] = al; xh[rd] = ah; } else if (s < 32) { xl[rd] = (al >>> s) | (ah << (32 - s)); xh[rd] = ah >> s; } else { xl[rd] = ah >> (s - 32); xh[rd] = ah >> 31; }
}

/**
 * Executes an RV64I instruction and returns how far the pc moves (len, or the branch/jump offset):
 * a small integer, so the call allocates nothing (the pc itself, above 2^31, would be a heap number).
 */
export function executeI(h: Hart, xl: Int32Array, xh: Int32Array, k: number, rd: number, rs1: number, rs2: number,
  imm: number, len: number): number {
  switch (k) {
    case I.lui: xl[rd] = imm; xh[rd] = imm >> 31; return len;
    case I.auipc: setNum(xl, xh, rd, h.pc + imm); return len;
    case I.jal: setNum(xl, xh, rd, h.pc + len); return imm;
    case I.jalr: {
      const a = xl[rs1], s = (a >>> 0) + (imm >>> 0);
      const lo = (s | 0) & ~1, hi = (xh[rs1] + (imm >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
      const pc = h.pc;
      setNum(xl, xh, rd, pc + len);
      return h.jumpTo(lo, hi) - pc;
    }
    case I.beq: return xl[rs1] === xl[rs2] && xh[rs1] === xh[rs2] ? imm : len;
    case I.bne: return xl[rs1] !== xl[rs2] || xh[rs1] !== xh[rs2] ? imm : len;
    case I.blt: return lt(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? imm : len;
    case I.bge: return !lt(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? imm : len;
    case I.bltu: return ltu(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? imm : len;
    case I.bgeu: return !ltu(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? imm : len;

    case I.lb: case I.lh: case I.lw: case I.ld: case I.lbu: case I.lhu: case I.lwu: {
      const a = xl[rs1], s = (a >>> 0) + (imm >>> 0);
      const hi = (xh[rs1] + (imm >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
      const size = k === I.lb || k === I.lbu ? 1 : k === I.lh || k === I.lhu ? 2 : k === I.ld ? 8 : 4;
      const v = load(h, s | 0, hi, size, k <= I.ld);
      xl[rd] = v; xh[rd] = loadHi;
      return len;
    }
    case I.sb: case I.sh: case I.sw: case I.sd: {
      const a = xl[rs1], s = (a >>> 0) + (imm >>> 0);
      const hi = (xh[rs1] + (imm >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
      store(h, s | 0, hi, 1 << (k - I.sb), xl[rs2], xh[rs2]);
      return len;
    }

    case I.addi: {
      const a = xl[rs1], s = (a >>> 0) + (imm >>> 0);
      xh[rd] = (xh[rs1] + (imm >> 31) + (s > 0xffffffff ? 1 : 0)) | 0; xl[rd] = s | 0;
      return len;
    }
    case I.slti: xl[rd] = lt(xh[rs1], xl[rs1], imm >> 31, imm) ? 1 : 0; xh[rd] = 0; return len;
    case I.sltiu: xl[rd] = ltu(xh[rs1], xl[rs1], imm >> 31, imm) ? 1 : 0; xh[rd] = 0; return len;
    case I.xori: xh[rd] = xh[rs1] ^ (imm >> 31); xl[rd] = xl[rs1] ^ imm; return len;
    case I.ori: xh[rd] = xh[rs1] | (imm >> 31); xl[rd] = xl[rs1] | imm; return len;
    case I.andi: xh[rd] = xh[rs1] & (imm >> 31); xl[rd] = xl[rs1] & imm; return len;
    case I.slli: shl(xl, xh, rd, xl[rs1], xh[rs1], imm & 63); return len;
    case I.srli: shr(xl, xh, rd, xl[rs1], xh[rs1], imm & 63); return len;
    case I.srai: sar(xl, xh, rd, xl[rs1], xh[rs1], imm & 63); return len;

    case I.add: {
      const a = xl[rs1], b = xl[rs2], s = (a >>> 0) + (b >>> 0);
      xh[rd] = (xh[rs1] + xh[rs2] + (s > 0xffffffff ? 1 : 0)) | 0; xl[rd] = s | 0;
      return len;
    }
    case I.sub: {
      const a = xl[rs1], b = xl[rs2];
      xh[rd] = (xh[rs1] - xh[rs2] - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; xl[rd] = (a - b) | 0;
      return len;
    }
    case I.sll: shl(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63); return len;
    case I.slt: xl[rd] = lt(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? 1 : 0; xh[rd] = 0; return len;
    case I.sltu: xl[rd] = ltu(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? 1 : 0; xh[rd] = 0; return len;
    case I.xor: xh[rd] = xh[rs1] ^ xh[rs2]; xl[rd] = xl[rs1] ^ xl[rs2]; return len;
    case I.srl: shr(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63); return len;
    case I.sra: sar(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63); return len;
    case I.or: xh[rd] = xh[rs1] | xh[rs2]; xl[rd] = xl[rs1] | xl[rs2]; return len;
    case I.and: xh[rd] = xh[rs1] & xh[rs2]; xl[rd] = xl[rs1] & xl[rs2]; return len;

    // W forms: 32-bit result, sign-extended to 64.
    case I.addiw: { const v = (xl[rs1] + imm) | 0; xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.slliw: { const v = xl[rs1] << (imm & 31); xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.srliw: { const v = (xl[rs1] >>> (imm & 31)) | 0; xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.sraiw: { const v = xl[rs1] >> (imm & 31); xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.addw: { const v = (xl[rs1] + xl[rs2]) | 0; xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.subw: { const v = (xl[rs1] - xl[rs2]) | 0; xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.sllw: { const v = xl[rs1] << (xl[rs2] & 31); xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.srlw: { const v = (xl[rs1] >>> (xl[rs2] & 31)) | 0; xl[rd] = v; xh[rd] = v >> 31; return len; }
    case I.sraw: { const v = xl[rs1] >> (xl[rs2] & 31); xl[rd] = v; xh[rd] = v >> 31; return len; }

    // One hart, in order: fences order nothing more than program order already does.
    case I.fence: case I.fence_tso: case I.pause: return len;
  }
  throw new Error(`executeI: unknown code ${k}`);
}
