// Zicbom/Zicboz (the CMO spec 1.0) on a board without caches: the management operations have
// nothing to write back or discard, so they only check that the access is permitted and that
// menvcfg/senvcfg enable them; cbo.zero zeroes the 64-byte block through the normal store path.

import { LOAD, STORE } from '../mmu/access.js';
import { CAUSE, Trap } from '../isa/trap.js';
import type { Hart } from './hart.js';
import { store } from './memory.js';
import { PRV_M, PRV_U } from './mstatus.js';

/** The cache-block size the device tree announces (riscv,cbom-block-size / riscv,cboz-block-size). */
export const CBO_BLOCK = 64;

export const CBO_INVAL = 0, CBO_CLEAN = 1, CBO_FLUSH = 2, CBO_ZERO = 4;

/** An envcfg's enable for the operation: CBZE (bit 7), CBCFE (bit 6), CBIE (bits 5:4, 00 = off). */
function enabled(envcfg: bigint, op: number): boolean {
  if (op === CBO_ZERO) return (envcfg & 0x80n) !== 0n;
  if (op === CBO_INVAL) return (envcfg & 0x30n) !== 0n;
  return (envcfg & 0x40n) !== 0n;
}

/**
 * Executes cbo.inval/clean/flush/zero on x[rs1]. Below M, menvcfg (and in U senvcfg too) must
 * enable it, else illegal instruction. The management operations are permitted where a load or
 * a store would be; otherwise the fault is the store's (CMO 2.5.1).
 */
export function cbo(h: Hart, op: number, rs1: number, bits: number): void {
  if (h.priv !== PRV_M && (!enabled(h.menvcfg, op) || (h.priv === PRV_U && !enabled(h.senvcfg, op)))) {
    throw new Trap(CAUSE.ILLEGAL_INSN, BigInt(bits >>> 0));
  }
  const lo = h.xl[rs1]!, hi = h.xh[rs1]!;
  if (op === CBO_ZERO) {
    const base = lo & ~(CBO_BLOCK - 1);
    for (let i = 0; i < CBO_BLOCK; i += 8) store(h, base | i, hi, 8, 0, 0);
    return;
  }
  try {
    h.mmu.translate(lo, hi, 1, LOAD);
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    h.mmu.translate(lo, hi, 1, STORE);
  }
}
