// MMU counters shown by `--stats` and the shell.

export interface MmuStats {
  /** Accesses served without a page walk (the fast per-page cache or a TLB entry). In Bare mode and
   *  M-mode these are hits of the cached PMP/PMA verdict. */
  hits: number;
  /** TLB lookups that found no entry (each is followed by a walk). */
  misses: number;
  /** Page-table walks performed (misses, plus re-walks to set D or re-check a refused permission). */
  walks: number;
  /** Faults raised by the MMU, per cause (1, 5, 7, 12, 13, 15). */
  faults: Record<number, number>;
}

export function newStats(): MmuStats {
  return { hits: 0, misses: 0, walks: 0, faults: {} };
}

/** TLB flushes by kind, for `--stats` (issue 21): what each SFENCE.VMA named and what each satp write
 *  did to the TLB. Counted in `Mmu.sfence` and `Mmu.setSatp` (not on the translate path); plain number
 *  fields of one object made once, so counting allocates nothing. Kept apart from MmuStats, whose
 *  counters the debugger's side-effect-free translate must leave at zero. */
export interface FlushStats {
  /** sfence.vma x0, x0: every entry. */
  sfenceAll: number;
  /** sfence.vma x0, rs2: one ASID's non-global entries. */
  sfenceAsid: number;
  /** sfence.vma rs1, x0: one page, every ASID. */
  sfenceVa: number;
  /** sfence.vma rs1, rs2: one page of one ASID. */
  sfenceVaAsid: number;
  /** satp writes that changed MODE (the whole TLB flushed). */
  satpAll: number;
  /** satp writes of the current ASID with a new root (that ASID's entries flushed). */
  satpAsid: number;
  /** satp writes that kept the TLB (another ASID, or the same ASID and root). WARL-ignored writes
   *  (an unsupported MODE) are not counted. */
  satpKept: number;
}

export function newFlushStats(): FlushStats {
  return { sfenceAll: 0, sfenceAsid: 0, sfenceVa: 0, sfenceVaAsid: 0, satpAll: 0, satpAsid: 0, satpKept: 0 };
}
