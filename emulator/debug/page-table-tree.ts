// The page table under a satp, as a tree of the table pages the walk can reach: one reader for `info
// mem` and the drawings. Every PTE read is the walk's own (ptePlace: PMP- and PMA-checked as an
// S-level read, so a table the walker may not read holds nothing) and every PTE is judged by the
// walk's own classifyPte/misalignedSuperpage, so what is shown is what the hardware would use.

import type { Bus } from '../board/bus.js';
import { LOAD } from '../mmu/access.js';
import type { Mmu } from '../mmu/mmu.js';
import { pagingModeOf, type PagingMode } from '../mmu/modes.js';
import { PTE_G, pteN, ptePpn } from '../mmu/pte.js';
import { classifyPte, misalignedSuperpage, ptePlace, PTE_INVALID, PTE_LEAF, PTE_POINTER, type PteClass } from '../mmu/walk.js';

/** What the tree needs of a machine. */
export interface MemView { readonly bus: Bus; readonly mmu: Mmu }

export interface PtEntry {
  /** The index in its table: VPN[level] of every VA it covers. */
  index: number;
  pteAddr: number;
  pte: bigint;
  /** classifyPte's verdict (PTE_POINTER, PTE_LEAF or a fault); a misaligned leaf is `misaligned`. */
  cls: PteClass;
  misaligned: boolean;
  /** First VA covered (canonical) and the bytes covered (the page size at this level). */
  va: bigint;
  span: bigint;
  /** PTE bits 7..0, with G from any global pointer above. */
  flags: number;
  /** The leaf's PA (PTE.PPN << 12; for a NAPOT leaf, with PPN[0][3:0] taken from VPN[0]), or the
   *  next table's address. */
  pa: bigint;
  /** A Svnapot NAPOT leaf: one of the 16 PTEs of a 64 KiB run. */
  napot: boolean;
  /** A pointer's table (absent when the budget ran out before it). */
  child?: PtTable;
}

export interface PtTable {
  addr: number;
  level: number;
  /** Entries other than V=0 ones, in index order. */
  entries: PtEntry[];
}

export interface PageTableTree {
  mode: PagingMode | undefined;
  satp: bigint;
  root: PtTable | undefined;
  /** How many tables were read. */
  tables: number;
  /** More tables than TABLE_BUDGET were reachable: the tree stops there. */
  truncated: boolean;
}

/** Tables read at most (a page table of 64 Ki tables maps far more than any RAM here holds). */
export const TABLE_BUDGET = 65536;

/** Sign-extends a VA from VALEN bits (canonical form). */
function canonical(va: bigint, mode: PagingMode): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(mode.vaBits, va));
}

export function readPageTable(m: MemView, satp = m.mmu.getSatp()): PageTableTree {
  const mode = pagingModeOf(Number(satp >> 60n));
  if (!mode) return { mode, satp, root: undefined, tables: 0, truncated: false };
  // The levels bound the depth (a table may be reached again, as a self-map does, and is then read
  // at the lower level, as the walk would); the budget bounds the breadth of a hostile table.
  let budget = TABLE_BUDGET, tables = 0;
  const read = (addr: number, level: number, vaBase: bigint, global: number): PtTable => {
    tables++;
    const table: PtTable = { addr, level, entries: [] };
    const span = 1n << BigInt(12 + 9 * level);
    for (let index = 0; index < 512; index++) {
      const pteAddr = addr + index * 8;
      const mem = ptePlace(m.mmu, pteAddr, LOAD, null);
      if (!mem) continue; // the walker could not read it: it translates nothing
      const lo = mem.view.getUint32(pteAddr - mem.base, true), hi = mem.view.getUint32(pteAddr - mem.base + 4, true);
      const cls = classifyPte(lo, hi, level, m.mmu.svnapot);
      if (cls === PTE_INVALID) continue;
      const napot = cls === PTE_LEAF && pteN(hi) !== 0;
      const ppn = napot ? ptePpn(lo, hi) - (ptePpn(lo, hi) % 16) + (index % 16) : ptePpn(lo, hi), va = vaBase | (BigInt(index) * span);
      const e: PtEntry = {
        index, pteAddr, pte: (BigInt(hi) << 32n) | BigInt(lo), cls, misaligned: cls === PTE_LEAF && misalignedSuperpage(ppn, level),
        va: canonical(va, mode), span, flags: (lo & 0xff) | global, pa: BigInt(ppn) << 12n, napot,
      };
      if (cls === PTE_POINTER && budget-- > 0) e.child = read(ppn * 4096, level - 1, va, global | (lo & PTE_G));
      table.entries.push(e);
    }
    return table;
  };
  const root = read(Number((satp & ((1n << 44n) - 1n)) << 12n), mode.levels - 1, 0n, 0);
  return { mode, satp, root, tables, truncated: budget < 0 };
}

/** The leaves the walk would use (aligned ones), in VA order of the tree. */
export function* leaves(t: PtTable | undefined): Generator<PtEntry & { level: number }> {
  if (!t) return;
  for (const e of t.entries) {
    if (e.cls === PTE_LEAF && !e.misaligned) yield { ...e, level: t.level };
    else if (e.child) yield* leaves(e.child);
  }
}
