// `info mem`: every leaf of the current page table that the walk would use (page-table-tree.ts: the
// walk's own PTE reads and rules, changing nothing), merged into ranges where virtual and physical
// addresses are contiguous and the page size and attributes equal; block (superpage) mappings are marked.

import { pageSizeName, type PagingMode } from '../mmu/modes.js';
import { sizeText } from './format.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_W, PTE_X } from '../mmu/pte.js';
import { leaves, readPageTable, TABLE_BUDGET, type MemView } from './page-table-tree.js';

export type { MemView } from './page-table-tree.js';

export interface Mapping {
  va: bigint;
  pa: bigint;
  size: bigint;
  /** Size of each page in the range and how many. */
  pageSize: number;
  pages: number;
  /** Leaf bits 7..0 (plus G from any pointer above). */
  flags: number;
  /** Svnapot NAPOT leaves (16 PTEs to a 64 KiB run). */
  napot: boolean;
}

/** QEMU's attribute letters: rwxugad, '-' where clear. */
export function attrText(flags: number): string {
  return [[PTE_R, 'r'], [PTE_W, 'w'], [PTE_X, 'x'], [PTE_U, 'u'], [PTE_G, 'g'], [PTE_A, 'a'], [PTE_D, 'd']]
    .map(([b, c]) => (flags & (b as number) ? c : '-')).join('');
}

export interface PageTableMappings {
  mode: PagingMode | undefined;
  root: bigint;
  mappings: Mapping[];
  /** More tables than TABLE_BUDGET were reachable: the list stops there. */
  truncated: boolean;
}

/** Every leaf the walk would use (readPageTable), merged into ranges. */
export function pageTableMappings(m: MemView, satp = m.mmu.getSatp()): PageTableMappings {
  const tree = readPageTable(m, satp);
  const root = (satp & ((1n << 44n) - 1n)) << 12n;
  const out: Mapping[] = [];
  for (const e of leaves(tree.root)) {
    const pageSize = Number(e.span), flags = e.flags & 0xff;
    const last = out[out.length - 1];
    if (last && last.pageSize === pageSize && last.flags === flags && last.napot === e.napot && last.va + last.size === e.va && last.pa + last.size === e.pa) {
      last.size += e.span; last.pages++;
    } else out.push({ va: e.va, pa: e.pa, size: e.span, pageSize, pages: 1, flags, napot: e.napot });
  }
  return { mode: tree.mode, root, mappings: out, truncated: tree.truncated };
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
    const pages = (r.pageSize > 4096 ? `${pageSizeName(r.pageSize)} block${r.pages > 1 ? ` x${r.pages}` : ''}` : `4 KiB page${r.pages > 1 ? `s x${r.pages}` : ''}`) +
      (r.napot ? ' (Svnapot 64 KiB)' : '');
    lines.push(`${h16(r.va)}-${h16(r.va + r.size - 1n)} ${h16(r.pa)} ${sizeText(r.size).padStart(9)}  ${attrText(r.flags)}  ${pages}${sym ? `  <${sym}>` : ''}`);
  }
  if (mappings.length === 0) lines.push('(no valid mappings)');
  if (truncated) lines.push(`(stopped after ${TABLE_BUDGET} tables: the table reaches more than that)`);
  return lines;
}
