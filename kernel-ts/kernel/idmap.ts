// The kernel's page tables (rooted at idmap_pg_dir): identity maps of the firmware region, the
// kernel image (4 KiB pages so each section gets its own permissions), the rest of RAM (2 MiB /
// 1 GiB blocks where aligned), the devices (read/write, never executable), and a high alias of RAM
// that is one 1 GiB block. Each mapping is checked page by page with la2pa and reported with the
// levels its leaves sit at.

import { type u64, load64, store64, staticBuffer, str } from '../runtime/intrinsics.js';
import { PAGE_MASK, page_align } from './layout.js';
import { pgtable_l4 } from './pgtable.js';
import { __create_pgd_mapping } from './mmu.js';
import { pgtable_alloc } from './frame.js';
import { la2pa, la2pa_level, la2pa_pte, level_size, LA2PA_FAULT } from './la2pa.js';
import { puts, puthex, putdec, putsize, putperm, nl } from './console.js';

export const MAX_REGIONS = 16n;
const REGION_BYTES = 48n;                  // virt, phys, size, prot, flags, name
const regions = staticBuffer(MAX_REGIONS * REGION_BYTES, 8n);
let nr_regions: u64 = 0n;
let pgdir: u64 = 0n;

export function idmap_init(pgd: u64): void { pgdir = pgd; nr_regions = 0n; }
export function region_count(): u64 { return nr_regions; }
function region(i: u64): u64 { return regions + i * REGION_BYTES; }

/** Name of the table level a leaf at `level` sits in. */
export function level_name(level: u64): u64 {
  if (level == 0n) return str("PTE");
  if (level == 1n) return str("PMD");
  if (level == 2n) return pgtable_l4() != 0n ? str("PUD") : str("PGD");
  return str("PGD");
}

/** Walks region i with la2pa; prints the leaf counts per level when `report`; returns the number of mismatches. */
function verify_region(i: u64, report: u64): u64 {
  const r = region(i);
  const virt = load64(r);
  const phys = load64(r + 8n);
  const prot = load64(r + 24n);
  let va = virt & PAGE_MASK;
  const end = page_align(virt + load64(r + 16n));
  let bad = 0n;
  let n0 = 0n;
  let n1 = 0n;
  let n2 = 0n;
  let n3 = 0n;
  while (va < end) {
    const pa = la2pa(pgdir, va);
    if (pa == LA2PA_FAULT) { bad = bad + 1n; va = va + 0x1000n; continue; }
    const level = la2pa_level();
    if (pa != (phys & PAGE_MASK) + (va - (virt & PAGE_MASK)) || (la2pa_pte() & 0xffn) != prot) bad = bad + 1n;
    if (level == 0n) n0 = n0 + 1n;
    else if (level == 1n) n1 = n1 + 1n;
    else if (level == 2n) n2 = n2 + 1n;
    else n3 = n3 + 1n;
    // On to the next leaf: the end of this one (va may sit inside a block another region made).
    va = (va | (level_size(level) - 1n)) + 1n;
  }
  if (report != 0n) {
    let first = 1n;
    if (n0 != 0n) { putdec(n0); puts(n0 == 1n ? str(" page of 4 KiB (") : str(" pages of 4 KiB (")); puts(level_name(0n)); puts(str(")")); first = 0n; }
    if (n1 != 0n) { if (first == 0n) puts(str(" + ")); putdec(n1); puts(n1 == 1n ? str(" block of 2 MiB (") : str(" blocks of 2 MiB (")); puts(level_name(1n)); puts(str(")")); first = 0n; }
    if (n2 != 0n) { if (first == 0n) puts(str(" + ")); putdec(n2); puts(n2 == 1n ? str(" block of 1 GiB (") : str(" blocks of 1 GiB (")); puts(level_name(2n)); puts(str(")")); first = 0n; }
    if (n3 != 0n) { if (first == 0n) puts(str(" + ")); putdec(n3); puts(str(" blocks of 512 GiB (PGD)")); }
  }
  return bad;
}

/** Maps [virt, virt + size) → phys with prot through __create_pgd_mapping, checks it with la2pa and
 *  prints one line. Returns the number of pages/blocks that did not translate as meant. */
export function map_region(name: u64, virt: u64, phys: u64, size: u64, prot: u64, flags: u64): u64 {
  if (size == 0n || nr_regions == MAX_REGIONS) return 0n;
  __create_pgd_mapping(pgdir, phys, virt, size, prot, pgtable_alloc, flags);
  const r = region(nr_regions);
  store64(r, virt);
  store64(r + 8n, phys);
  store64(r + 16n, size);
  store64(r + 24n, prot);
  store64(r + 32n, flags);
  store64(r + 40n, name);
  nr_regions = nr_regions + 1n;
  puts(str("  "));
  puts(name);
  puts(str(": "));
  puthex(virt & PAGE_MASK);
  puts(str(".."));
  puthex(page_align(virt + size));
  puts(str(" -> "));
  puthex(phys & PAGE_MASK);
  puts(str(" "));
  putperm(prot);
  puts(str(" ("));
  putsize(page_align(virt + size) - (virt & PAGE_MASK));
  puts(str("): "));
  const bad = verify_region(nr_regions - 1n, 1n);
  puts(bad == 0n ? str("; la2pa ok") : str("; la2pa MISMATCH"));
  nl();
  return bad;
}

/** Re-walks every region (after satp is live, nothing may have changed). Returns mismatches. */
export function verify_all(): u64 {
  let bad = 0n;
  let i = 0n;
  while (i < nr_regions) { bad = bad + verify_region(i, 0n); i = i + 1n; }
  return bad;
}
