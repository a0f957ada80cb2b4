// The hart's fast path: fetch from the physical decode cache and execute, RV64I inline. One function,
// one switch on a small-integer opcode, the pc kept as (VA of the fetch page, offset in it) so
// straight-line code and branches within a page do integer arithmetic only, and the fetch
// translation is redone only when the pc leaves the page. M, A and SYSTEM run out of line.
//
// Exactness: this.pc and this.retired are written back before anything that can throw a Trap or
// look at them (translation, devices, CSRs), and the loop returns after any instruction that raised
// an event (interrupt pending, stop, WFI) and after every SYSTEM instruction, so `Hart.run` takes
// interrupts and debugger stops at the precise boundary, and sees every change of the MMU's
// generation (satp, sfence.vma, PMP, privilege) before the next fetch.
//
// The opcodes below are this loop's own numbering for RV64I; M, A and SYSTEM instructions are the
// group's base plus their executor's code. I_MNEMONICS maps the RV64I codes to the ISA table by name.

import { LOAD, STORE } from '../mmu/access.js';
import type { Hart } from './hart.js';
import { executeM } from './execute-m.js';
import { executeA } from './execute-a.js';
import { executeSystem } from './execute-system.js';
import { load, loadHi, loadPa, store, storeMarked, storePa } from './memory.js';
import { CAUSE, Trap } from './trap.js';

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

/** Opcode bases of the groups executed out of line (opcode = base + the executor's code). */
export const OP_M = 64, OP_A = 96, OP_SYS = 128, OP_ILLEGAL = 255;

const TWO32 = 4294967296;

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
 * Runs instructions until `end` have retired in total, an event is raised, or a SYSTEM instruction
 * ran; throws the Trap of a faulting instruction (with h.pc and h.retired at that instruction).
 * The caller (Hart.run) has handled pending events and guarantees h.retired < end.
 */
export function runFast(h: Hart, end: number): void {
  const xl = h.xl, xh = h.xh, mmu = h.mmu, code = h.code, marks = code.marks;
  // RAM's first chunk (all of RAM up to 1 GiB); memory.ts takes the rest of RAM and the devices.
  const ram = h.lowView, ramBase = h.ramBase, lowSize = h.lowSize;
  let retired = h.retired;
  if (!(h.pc - h.fetchVa >= 0 && h.pc - h.fetchVa < 4096) || mmu.generation !== h.fetchGen) h.refillFetch(h.pc);
  let page = h.fetchPage, info = page.info, imms = page.imm, vpage = h.fetchVa;
  /** pc = vpage + off; off leaves 0..4095 only by a jump or by running off the page. */
  let off = (h.pc - vpage) | 0;
  for (;;) {
    if (off < 0 || off >= 4096) {
      const pc = vpage + off;
      h.pc = pc; h.retired = retired;
      h.refillFetch(pc);
      page = h.fetchPage; info = page.info; imms = page.imm; vpage = h.fetchVa;
      off = (pc - vpage) | 0;
    }
    let idx = off >> 1, w = info[idx]!;
    if (w === 0) {
      h.pc = vpage + off; h.retired = retired;
      idx = code.fill(h, page, idx, h.pc);
      w = info[idx]!;
    }
    const op = w & 0xff, rd = (w >>> 8) & 0x3f, rs1 = (w >>> 14) & 0x1f, rs2 = (w >>> 19) & 0x1f;
    const im = imms[idx]!, len = 2 + ((w >>> 26) & 2);
    /** How far the pc moves: len, or a taken branch's or jump's offset. */
    let d = len;
    switch (op) {
      case I.lui: xl[rd] = im; xh[rd] = im >> 31; break;
      case I.auipc: { const v = vpage + off + im; xl[rd] = v | 0; xh[rd] = Math.floor(v / TWO32) | 0; break; }
      case I.jal: { const v = vpage + off + len; xl[rd] = v | 0; xh[rd] = Math.floor(v / TWO32) | 0; d = im; break; }
      case I.jalr: {
        const s = (xl[rs1]! >>> 0) + (im >>> 0);
        const lo = (s | 0) & ~1, hi = (xh[rs1]! + (im >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
        const pc = vpage + off, link = pc + len;
        xl[rd] = link | 0; xh[rd] = Math.floor(link / TWO32) | 0;
        if (hi < -0x200000 || hi >= 0x200000) { h.pc = pc; h.retired = retired; h.jumpTo(lo, hi); }
        const dist = hi * TWO32 + (lo >>> 0) - pc;
        if (dist > -0x40000000 && dist < 0x40000000) { d = dist | 0; break; }
        h.pc = pc + dist; h.retired = retired + 1; // far away: re-enter through Hart.run
        return;
      }
      case I.beq: if (xl[rs1] === xl[rs2] && xh[rs1] === xh[rs2]) d = im; break;
      case I.bne: if (xl[rs1] !== xl[rs2] || xh[rs1] !== xh[rs2]) d = im; break;
      case I.blt: if (lt(xh[rs1]!, xl[rs1]!, xh[rs2]!, xl[rs2]!)) d = im; break;
      case I.bge: if (!lt(xh[rs1]!, xl[rs1]!, xh[rs2]!, xl[rs2]!)) d = im; break;
      case I.bltu: if (ltu(xh[rs1]!, xl[rs1]!, xh[rs2]!, xl[rs2]!)) d = im; break;
      case I.bgeu: if (!ltu(xh[rs1]!, xl[rs1]!, xh[rs2]!, xl[rs2]!)) d = im; break;

      case I.lb: case I.lh: case I.lw: case I.ld: case I.lbu: case I.lhu: case I.lwu: {
        const s = (xl[rs1]! >>> 0) + (im >>> 0), lo = s | 0, hi = (xh[rs1]! + (im >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
        const size = 1 << ((op - I.lb) & 3), signed = op <= I.ld;
        h.pc = vpage + off; h.retired = retired;
        if (h.loadObserver !== undefined || (lo & 0xfff) > 4096 - size) { xl[rd] = load(h, lo, hi, size, signed); xh[rd] = loadHi; break; }
        const pa = mmu.translate(lo, hi, size, LOAD), o = pa - ramBase;
        if (!(o >= 0 && o <= lowSize - size)) { xl[rd] = loadPa(h, pa, size, signed); xh[rd] = loadHi; break; }
        switch (op) {
          case I.ld: xl[rd] = ram.getInt32(o, true); xh[rd] = ram.getInt32(o + 4, true); break;
          case I.lw: { const x = ram.getInt32(o, true); xl[rd] = x; xh[rd] = x >> 31; break; }
          case I.lwu: xl[rd] = ram.getInt32(o, true); xh[rd] = 0; break;
          case I.lh: { const x = ram.getInt16(o, true); xl[rd] = x; xh[rd] = x >> 31; break; }
          case I.lhu: xl[rd] = ram.getUint16(o, true); xh[rd] = 0; break;
          case I.lb: { const x = ram.getInt8(o); xl[rd] = x; xh[rd] = x >> 31; break; }
          default: xl[rd] = ram.getUint8(o); xh[rd] = 0; break;
        }
        break;
      }
      case I.sb: case I.sh: case I.sw: case I.sd: {
        const s = (xl[rs1]! >>> 0) + (im >>> 0), lo = s | 0, hi = (xh[rs1]! + (im >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
        const size = 1 << (op - I.sb), vlo = xl[rs2]!, vhi = xh[rs2]!;
        h.pc = vpage + off; h.retired = retired;
        if (h.storeObserver !== undefined || (lo & 0xfff) > 4096 - size) { store(h, lo, hi, size, vlo, vhi); break; }
        const pa = mmu.translate(lo, hi, size, STORE), o = pa - ramBase;
        if (!(o >= 0 && o <= lowSize - size)) { storePa(h, pa, size, vlo, vhi); break; }
        if (h.resValid && pa < h.resAddr + 8 && pa + size > h.resAddr) h.resValid = false;
        switch (op) {
          case I.sd: ram.setInt32(o, vlo, true); ram.setInt32(o + 4, vhi, true); break;
          case I.sw: ram.setInt32(o, vlo, true); break;
          case I.sh: ram.setInt16(o, vlo, true); break;
          default: ram.setInt8(o, vlo); break;
        }
        if (marks[o >>> 12] !== 0) storeMarked(h, pa, size);
        break;
      }

      case I.addi: {
        const s = (xl[rs1]! >>> 0) + (im >>> 0);
        xh[rd] = (xh[rs1]! + (im >> 31) + (s > 0xffffffff ? 1 : 0)) | 0; xl[rd] = s | 0;
        break;
      }
      case I.slti: xl[rd] = lt(xh[rs1]!, xl[rs1]!, im >> 31, im) ? 1 : 0; xh[rd] = 0; break;
      case I.sltiu: xl[rd] = ltu(xh[rs1]!, xl[rs1]!, im >> 31, im) ? 1 : 0; xh[rd] = 0; break;
      case I.xori: xh[rd] = xh[rs1]! ^ (im >> 31); xl[rd] = xl[rs1]! ^ im; break;
      case I.ori: xh[rd] = xh[rs1]! | (im >> 31); xl[rd] = xl[rs1]! | im; break;
      case I.andi: xh[rd] = xh[rs1]! & (im >> 31); xl[rd] = xl[rs1]! & im; break;
      case I.slli: shl(xl, xh, rd, xl[rs1]!, xh[rs1]!, im & 63); break;
      case I.srli: shr(xl, xh, rd, xl[rs1]!, xh[rs1]!, im & 63); break;
      case I.srai: sar(xl, xh, rd, xl[rs1]!, xh[rs1]!, im & 63); break;

      case I.add: {
        const s = (xl[rs1]! >>> 0) + (xl[rs2]! >>> 0);
        xh[rd] = (xh[rs1]! + xh[rs2]! + (s > 0xffffffff ? 1 : 0)) | 0; xl[rd] = s | 0;
        break;
      }
      case I.sub: {
        const a = xl[rs1]!, b = xl[rs2]!;
        xh[rd] = (xh[rs1]! - xh[rs2]! - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; xl[rd] = (a - b) | 0;
        break;
      }
      case I.sll: shl(xl, xh, rd, xl[rs1]!, xh[rs1]!, xl[rs2]! & 63); break;
      case I.slt: xl[rd] = lt(xh[rs1]!, xl[rs1]!, xh[rs2]!, xl[rs2]!) ? 1 : 0; xh[rd] = 0; break;
      case I.sltu: xl[rd] = ltu(xh[rs1]!, xl[rs1]!, xh[rs2]!, xl[rs2]!) ? 1 : 0; xh[rd] = 0; break;
      case I.xor: xh[rd] = xh[rs1]! ^ xh[rs2]!; xl[rd] = xl[rs1]! ^ xl[rs2]!; break;
      case I.srl: shr(xl, xh, rd, xl[rs1]!, xh[rs1]!, xl[rs2]! & 63); break;
      case I.sra: sar(xl, xh, rd, xl[rs1]!, xh[rs1]!, xl[rs2]! & 63); break;
      case I.or: xh[rd] = xh[rs1]! | xh[rs2]!; xl[rd] = xl[rs1]! | xl[rs2]!; break;
      case I.and: xh[rd] = xh[rs1]! & xh[rs2]!; xl[rd] = xl[rs1]! & xl[rs2]!; break;

      // W forms: 32-bit result, sign-extended to 64.
      case I.addiw: { const v = (xl[rs1]! + im) | 0; xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.slliw: { const v = xl[rs1]! << (im & 31); xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.srliw: { const v = (xl[rs1]! >>> (im & 31)) | 0; xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.sraiw: { const v = xl[rs1]! >> (im & 31); xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.addw: { const v = (xl[rs1]! + xl[rs2]!) | 0; xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.subw: { const v = (xl[rs1]! - xl[rs2]!) | 0; xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.sllw: { const v = xl[rs1]! << (xl[rs2]! & 31); xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.srlw: { const v = (xl[rs1]! >>> (xl[rs2]! & 31)) | 0; xl[rd] = v; xh[rd] = v >> 31; break; }
      case I.sraw: { const v = xl[rs1]! >> (xl[rs2]! & 31); xl[rd] = v; xh[rd] = v >> 31; break; }

      // One hart, in order: fences order nothing more than program order already does.
      case I.fence: case I.fence_tso: case I.pause: break;

      default: {
        if (op < OP_A) { executeM(xl, xh, op - OP_M, rd, rs1, rs2); break; }
        const pc = vpage + off;
        h.pc = pc; h.retired = retired;
        if (op < OP_SYS) { executeA(h, op - OP_A, rd, rs1, rs2); break; }
        if (op === OP_ILLEGAL) throw new Trap(CAUSE.ILLEGAL_INSN, BigInt(page.bits[idx]! >>> 0));
        // SYSTEM may change privilege, satp, interrupts or the pc: always re-enter through Hart.run.
        h.pc = pc + executeSystem(h, op - OP_SYS, rd, rs1, rs2, im, len, page.bits[idx]!);
        h.retired = retired + 1;
        return;
      }
    }
    off += d;
    if (++retired >= end || h.events !== 0) break;
  }
  h.pc = vpage + off;
  h.retired = retired;
}
