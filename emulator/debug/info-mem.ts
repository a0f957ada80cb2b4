// `info mem`: every leaf of the current page table that the walk would use (visited from satp.PPN with
// the walk's own PTE reads and rules, changing nothing), merged into ranges where virtual and physical
// addresses are contiguous and the page size and attributes equal; block (superpage) mappings are marked.

import type { Bus } from '../board/bus.js';
import type { Mmu } from '../mmu/mmu.js';
import { pagingModeOf, pageSizeName, type PagingMode } from '../mmu/modes.js';
import { LOAD } from '../mmu/access.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_W, PTE_X, ptePpn } from '../mmu/pte.js';
import { classifyPte, misalignedSuperpage, ptePlace, PTE_LEAF, PTE_POINTER } from '../mmu/walk.js';

export interface Mapping {
  va: bigint;
  pa: bigint;
  size: bigint;
  /** Size of each page in the range and how many. */
  pageSize: number;
  pages: number;
  /** Leaf bits 7..0 (plus G from any pointer above). */
  flags: number;
}

/** QEMU's attribute letters: rwxugad, '-' where clear. */
export function attrText(flags: number): string {
  return [[PTE_R, 'r'], [PTE_W, 'w'], [PTE_X, 'x'], [PTE_U, 'u'], [PTE_G, 'g'], [PTE_A, 'a'], [PTE_D, 'd']]
    .map(([b, c]) => (flags & (b as number) ? c : '-')).join('');
}

/** Sign-extends a VA from VALEN bits (canonical form). */
function canonical(va: bigint, mode: PagingMode): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(mode.vaBits, va));
}

/** Tables visited at most (a page table of 64 Ki tables maps far more than any RAM here holds). */
const TABLE_BUDGET = 65536;

export interface PageTableMappings {
  mode: PagingMode | undefined;
  root: bigint;
  mappings: Mapping[];
  /** More tables than TABLE_BUDGET were reachable: the list stops there. */
  truncated: boolean;
}

/** What the walk needs of a machine. */
export interface MemView { readonly bus: Bus; readonly mmu: Mmu }

/**
 * Every leaf the walk would use, found by visiting the tables as the walk does: each PTE read is the
 * walk's own (ptePlace: PMP- and PMA-checked, so a table the walker may not read maps nothing) and
 * each PTE is judged by the walk's own classifyPte/misalignedSuperpage.
 */
export function pageTableMappings(m: MemView, satp = m.mmu.getSatp()): PageTableMappings {
  const mode = pagingModeOf(Number(satp >> 60n));
  const root = (satp & ((1n << 44n) - 1n)) << 12n;
  const out: Mapping[] = [];
  if (!mode) return { mode, root, mappings: out, truncated: false };
  // The levels bound the depth (a table may be reached again, as a self-map does, and is then read
  // at the lower level, as the walk would); a budget bounds the breadth of a hostile table.
  let budget = TABLE_BUDGET;
  const visit = (table: number, level: number, vaBase: bigint, global: number): void => {
    if (budget-- <= 0) return;
    for (let idx = 0; idx < 512; idx++) {
      const pteAddr = table + idx * 8;
      const mem = ptePlace(m.mmu, pteAddr, LOAD, null);
      if (!mem) continue;
      const lo = mem.view.getUint32(pteAddr - mem.base, true), hi = mem.view.getUint32(pteAddr - mem.base + 4, true);
      const c = classifyPte(lo, hi, level), ppn = ptePpn(lo, hi);
      const va = vaBase | (BigInt(idx) << BigInt(12 + 9 * level));
      if (c === PTE_LEAF && !misalignedSuperpage(ppn, level)) {
        const pageSize = mode.pageSizes[level]!;
        const pa = BigInt(ppn) << 12n, vaC = canonical(va, mode), flags = (lo & 0xff) | global, size = BigInt(pageSize);
        const last = out[out.length - 1];
        if (last && last.pageSize === pageSize && last.flags === flags && last.va + last.size === vaC && last.pa + last.size === pa) {
          last.size += size; last.pages++;
        } else out.push({ va: vaC, pa, size, pageSize, pages: 1, flags });
      } else if (c === PTE_POINTER) {
        visit(ppn * 4096, level - 1, va, global | (lo & PTE_G));
      }
    }
  };
  visit(Number(root), mode.levels - 1, 0n, 0);
  return { mode, root, mappings: out, truncated: budget < 0 };
}

export function formatMappings(m: MemView, describe: (a: bigint) => string | undefined): string[] {
  const satp = m.mmu.getSatp();
  const { mode, root, mappings, truncated } = pageTableMappings(m, satp);
  if (!mode) return ['satp.MODE is Bare: no page table (virtual = physical).'];
  const h16 = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
  const lines = [
    `${mode.name.toUpperCase().replace('SV', 'Sv')} page table at ${h16(root)} (satp 0x${satp.toString(16)}, ASID ${(satp >> 44n) & 0xffffn}):`,
    `${'vaddr'.padEnd(39)} ${'paddr'.padEnd(18)} ${'size'.padStart(9)}  attr     pages`,
  ];
  for (const r of mappings) {
    const sym = describe(r.va);
    const pages = r.pageSize > 4096 ? `${pageSizeName(r.pageSize)} block${r.pages > 1 ? ` x${r.pages}` : ''}` : `4 KiB page${r.pages > 1 ? `s x${r.pages}` : ''}`;
    lines.push(`${h16(r.va)}-${h16(r.va + r.size - 1n)} ${h16(r.pa)} ${sizeText(r.size).padStart(9)}  ${attrText(r.flags)}  ${pages}${sym ? `  <${sym}>` : ''}`);
  }
  if (mappings.length === 0) lines.push('(no valid mappings)');
  if (truncated) lines.push(`(stopped after ${TABLE_BUDGET} tables: the table reaches more than that)`);
  return lines;
}

function sizeText(n: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (n >= 1024n && n % 1024n === 0n && u < units.length - 1) { n /= 1024n; u++; }
  return `${n} ${units[u]}`;
}
