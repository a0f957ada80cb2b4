// `info mem`: every valid leaf of the current page table (walked from satp.PPN, reading PTEs
// physically and changing nothing), merged into ranges where virtual and physical addresses are
// contiguous and the page size and attributes equal; block (superpage) mappings are marked.

import type { Bus } from '../board/bus.js';
import type { Mmu } from '../mmu/mmu.js';
import { pagingModeOf, pageSizeName, type PagingMode } from '../mmu/modes.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../mmu/pte.js';

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

/** What the walk needs of a machine. */
export interface MemView { readonly bus: Bus; readonly mmu: Mmu }

export function pageTableMappings(m: MemView, satp = m.mmu.getSatp()): { mode: PagingMode | undefined; root: bigint; mappings: Mapping[] } {
  const mode = pagingModeOf(Number(satp >> 60n));
  const root = (satp & ((1n << 44n) - 1n)) << 12n;
  const out: Mapping[] = [];
  if (!mode) return { mode, root, mappings: out };
  const ram = m.bus.ram;
  const visit = (table: bigint, level: number, vaBase: bigint, global: number, depthGuard: Set<bigint>): void => {
    if (table >= 1n << 53n || !ram.contains(Number(table), 4096) || depthGuard.has(table)) return;
    depthGuard.add(table);
    const base = Number(table) - ram.base;
    for (let idx = 0; idx < 512; idx++) {
      const lo = ram.view.getUint32(base + idx * 8, true), hi = ram.view.getUint32(base + idx * 8 + 4, true);
      if (!(lo & PTE_V) || (lo & (PTE_R | PTE_W)) === PTE_W || (hi >>> 22) !== 0) continue; // invalid or reserved
      const ppn = BigInt(hi & 0x3fffff) << 22n | BigInt(lo >>> 10);
      const va = vaBase | (BigInt(idx) << BigInt(12 + 9 * level));
      if (lo & (PTE_R | PTE_X)) {
        const pageSize = mode.pageSizes[level]!;
        if (level > 0 && ppn % (1n << BigInt(9 * level)) !== 0n) continue; // misaligned superpage: never translates
        const pa = ppn << 12n, vaC = canonical(va, mode), flags = (lo & 0xff) | global, size = BigInt(pageSize);
        const last = out[out.length - 1];
        if (last && last.pageSize === pageSize && last.flags === flags && last.va + last.size === vaC && last.pa + last.size === pa) {
          last.size += size; last.pages++;
        } else out.push({ va: vaC, pa, size, pageSize, pages: 1, flags });
      } else if (level > 0 && !(lo & (PTE_D | PTE_A | PTE_U))) {
        visit(ppn << 12n, level - 1, va, global | (lo & PTE_G), depthGuard);
      }
    }
    depthGuard.delete(table);
  };
  visit(root, mode.levels - 1, 0n, 0, new Set());
  return { mode, root, mappings: out };
}

export function formatMappings(m: MemView, describe: (a: bigint) => string | undefined): string[] {
  const satp = m.mmu.getSatp();
  const { mode, root, mappings } = pageTableMappings(m, satp);
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
  return lines;
}

function sizeText(n: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (n >= 1024n && n % 1024n === 0n && u < units.length - 1) { n /= 1024n; u++; }
  return `${n} ${units[u]}`;
}
