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
