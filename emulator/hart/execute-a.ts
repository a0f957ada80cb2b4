// A: load-reserved/store-conditional and atomic memory operations (unprivileged spec chapter 14).
// Addresses must be naturally aligned (misaligned → address-misaligned exception: LR a load, SC and
// AMOs stores). The MMU is asked with atomic = true so PMA refuses atomics outside RAM.
// Reservation: one physical address; cleared by any SC, by a store that overlaps it, and by traps
// and xRET (hart.ts), as the spec allows.

import { LOAD, STORE } from '../mmu/access.js';
import { CAUSE, Trap } from './trap.js';
import type { Hart } from './hart.js';
import { storePa } from './memory.js';
import { toBig, toBigU } from './int64.js';

export const enum A {
  lr_w, sc_w, amoswap_w, amoadd_w, amoxor_w, amoand_w, amoor_w, amomin_w, amomax_w, amominu_w, amomaxu_w,
  lr_d, sc_d, amoswap_d, amoadd_d, amoxor_d, amoand_d, amoor_d, amomin_d, amomax_d, amominu_d, amomaxu_d,
}

export const A_MNEMONICS: readonly string[] = [
  'lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w', 'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w',
  'lr.d', 'sc.d', 'amoswap.d', 'amoadd.d', 'amoxor.d', 'amoand.d', 'amoor.d', 'amomin.d', 'amomax.d', 'amominu.d', 'amomaxu.d',
];

/** Operation of an AMO code, independent of width: 0 swap, 1 add, 2 xor, 3 and, 4 or, 5 min, 6 max, 7 minu, 8 maxu. */
const SWAP = 0, ADD = 1, XOR = 2, AND = 3, OR = 4, MIN = 5, MAX = 6, MINU = 7, MAXU = 8;

function ramOffset(h: Hart, pa: number, size: number, cause: number, lo: number, hi: number): number {
  const o = pa - h.ramBase;
  if (o < 0 || o + size > h.bus.ram.size) throw new Trap(cause, BigInt.asUintN(64, toBig(lo, hi)));
  return o;
}

export function executeA(h: Hart, k: number, rd: number, rs1: number, rs2: number): void {
  const xl = h.xl, xh = h.xh;
  const wide = k >= A.lr_d;
  const size = wide ? 8 : 4;
  const op = wide ? k - A.lr_d : k;
  const lo = xl[rs1], hi = xh[rs1];
  const isLr = op === A.lr_w;
  if ((lo & (size - 1)) !== 0) {
    throw new Trap(isLr ? CAUSE.LOAD_MISALIGNED : CAUSE.STORE_MISALIGNED, BigInt.asUintN(64, toBig(lo, hi)));
  }
  const v = h.bus.ram.view; // any chunk of RAM; AMOs are off the fast path
  if (h.loadObserver !== undefined && op !== A.sc_w) h.loadObserver(lo, hi, size); // LR and AMOs read
  if (isLr) {
    const pa = h.mmu.translate(lo, hi, size, LOAD, true);
    const o = ramOffset(h, pa, size, CAUSE.LOAD_ACCESS_FAULT, lo, hi);
    const vlo = v.getInt32(o, true);
    xh[rd] = wide ? v.getInt32(o + 4, true) : vlo >> 31;
    xl[rd] = vlo;
    h.resValid = true;
    h.resAddr = pa;
    return;
  }
  const pa = h.mmu.translate(lo, hi, size, STORE, true);
  const o = ramOffset(h, pa, size, CAUSE.STORE_ACCESS_FAULT, lo, hi);
  const bl = xl[rs2], bh = wide ? xh[rs2] : xl[rs2] >> 31;
  if (op === A.sc_w) {
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
  let nl: number, nh: number;
  switch (op - A.amoswap_w) {
    case SWAP: nl = bl; nh = bh; break;
    case ADD: { const s = (al >>> 0) + (bl >>> 0); nl = s | 0; nh = (ah + bh + (s > 0xffffffff ? 1 : 0)) | 0; break; }
    case XOR: nl = al ^ bl; nh = ah ^ bh; break;
    case AND: nl = al & bl; nh = ah & bh; break;
    case OR: nl = al | bl; nh = ah | bh; break;
    case MIN: case MAX: {
      const less = ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
      const pickA = (op - A.amoswap_w === MIN) === less;
      nl = pickA ? al : bl; nh = pickA ? ah : bh;
      break;
    }
    case MINU: case MAXU: {
      const less = (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
      const pickA = (op - A.amoswap_w === MINU) === less;
      nl = pickA ? al : bl; nh = pickA ? ah : bh;
      break;
    }
    default: throw new Error(`executeA: unknown code ${k}`);
  }
  if (h.storeObserver !== undefined) h.storeObserver(lo, hi, size, BigInt.asUintN(size * 8, toBigU(nl, nh)));
  storePa(h, pa, size, nl, nh);
  xl[rd] = al; xh[rd] = ah;
}
