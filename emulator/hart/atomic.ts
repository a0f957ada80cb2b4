// A: load-reserved/store-conditional and atomic memory operations (unprivileged spec chapter 14),
// the helper semantics/a.ts calls. Addresses must be naturally aligned (misaligned → address-
// misaligned exception: LR a load, SC and AMOs stores). The MMU is asked with atomic = true so PMA
// refuses atomics outside RAM. Reservation: one physical address; cleared by any SC, by a store
// that overlaps it (this hart's or, through the page's MARK_RESERVED, another's: memory.ts), and by
// traps and xRET (hart.ts), as the spec allows.

import { LOAD, STORE } from '../mmu/access.js';
import { CAUSE, Trap } from '../isa/trap.js';
import type { Hart } from './hart.js';
import { storePa } from './memory.js';
import { MARK_RESERVED } from './decode-cache.js';
import { lt, ltu, toBig, toBigU } from './int64.js';

/** The operations, independent of width. */
export const AMO_LR = 0, AMO_SC = 1, AMO_SWAP = 2, AMO_ADD = 3, AMO_XOR = 4, AMO_AND = 5, AMO_OR = 6,
  AMO_MIN = 7, AMO_MAX = 8, AMO_MINU = 9, AMO_MAXU = 10;

function ramOffset(h: Hart, pa: number, size: number, cause: number, lo: number, hi: number): number {
  const o = pa - h.ramBase;
  if (o < 0 || o + size > h.bus.ram.size) throw new Trap(cause, BigInt.asUintN(64, toBig(lo, hi)));
  return o;
}

/** Executes LR, SC or an AMO of `size` (4 or 8) bytes at x[rs1] with source x[rs2] into x[rd]. */
export function amo(h: Hart, size: number, op: number, rd: number, rs1: number, rs2: number): void {
  const xl = h.xl, xh = h.xh, wide = size === 8;
  const lo = xl[rs1]!, hi = xh[rs1]!;
  if ((lo & (size - 1)) !== 0) {
    throw new Trap(op === AMO_LR ? CAUSE.LOAD_MISALIGNED : CAUSE.STORE_MISALIGNED, BigInt.asUintN(64, toBig(lo, hi)));
  }
  const v = h.bus.ram.view; // any chunk of RAM (the pieces' fast path takes the first chunk only)
  if (h.loadObserver !== undefined && op !== AMO_SC) h.loadObserver(lo, hi, size); // LR and AMOs read
  if (op === AMO_LR) {
    const pa = h.mmu.translate(lo, hi, size, LOAD, true);
    const o = ramOffset(h, pa, size, CAUSE.LOAD_ACCESS_FAULT, lo, hi);
    const vlo = v.getInt32(o, true);
    xh[rd] = wide ? v.getInt32(o + 4, true) : vlo >> 31;
    xl[rd] = vlo;
    h.resValid = true;
    h.resAddr = pa;
    if (h.peers.length > 1) h.code.marks[Math.floor(o / 4096)] |= MARK_RESERVED; // other harts' stores look
    return;
  }
  const pa = h.mmu.translate(lo, hi, size, STORE, true);
  const o = ramOffset(h, pa, size, CAUSE.STORE_ACCESS_FAULT, lo, hi);
  const bl = xl[rs2]!, bh = wide ? xh[rs2]! : bl >> 31;
  if (op === AMO_SC) {
    const ok = h.resValid && h.resAddr === pa;
    h.resValid = false;
    if (ok) {
      if (h.storeObserver !== undefined) h.storeObserver(lo, hi, size, BigInt.asUintN(size * 8, toBigU(bl, bh)));
      storePa(h, pa, size, bl, bh);
    }
    xl[rd] = ok ? 0 : 1; xh[rd] = 0;
    return;
  }
  const al = v.getInt32(o, true), ah = wide ? v.getInt32(o + 4, true) : al >> 31;
  const nl = amoValue(h, op, al, ah, bl, bh), nh = h.amoHi;
  if (h.storeObserver !== undefined) h.storeObserver(lo, hi, size, BigInt.asUintN(size * 8, toBigU(nl, nh)));
  storePa(h, pa, size, nl, nh);
  xl[rd] = al; xh[rd] = ah;
}

/**
 * What an AMO (not LR/SC) stores: `op` of memory's old value (al, ah) and the source (bl, bh), both
 * as 64-bit halves (a word sign-extended). Returns the low half, the high half in h.amoHi. The one
 * definition of the operations: amo() above and the pieces' fast path (semantics/a.ts) both use it.
 */
export function amoValue(h: Hart, op: number, al: number, ah: number, bl: number, bh: number): number {
  let nl: number, nh: number;
  switch (op) {
    case AMO_SWAP: nl = bl; nh = bh; break;
    case AMO_ADD: { const s = (al >>> 0) + (bl >>> 0); nl = s | 0; nh = (ah + bh + (s > 0xffffffff ? 1 : 0)) | 0; break; }
    case AMO_XOR: nl = al ^ bl; nh = ah ^ bh; break;
    case AMO_AND: nl = al & bl; nh = ah & bh; break;
    case AMO_OR: nl = al | bl; nh = ah | bh; break;
    default: {
      const less = op === AMO_MIN || op === AMO_MAX ? lt(ah, al, bh, bl) : ltu(ah, al, bh, bl);
      const pickA = (op === AMO_MIN || op === AMO_MINU) === less;
      nl = pickA ? al : bl; nh = pickA ? ah : bh;
    }
  }
  h.amoHi = nh;
  return nl;
}
