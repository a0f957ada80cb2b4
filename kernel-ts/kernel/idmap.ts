// The kernel's page tables (rooted at idmap_pg_dir): identity maps of the firmware region, the
// kernel image (4 KiB pages so each section gets its own permissions), the rest of RAM (2 MiB /
// 1 GiB blocks where aligned), the devices (read/write, never executable), and a high alias of RAM
// that is one 1 GiB block. Each mapping is checked page by page with la2pa and reported with the
// levels its leaves sit at.

import { u64, cstr, load64, staticBuffer, struct_at, sizeof } from '../runtime/intrinsics.js';
import { PAGE_MASK, page_align } from './layout.js';
import { pgtable_l4, pte_napot } from './pgtable.js';
import { __create_pgd_mapping } from './mmu.js';
import { pgtable_alloc } from './frame.js';
import { la2pa, level_size, LA2PA_FAULT } from './la2pa.js';
import { putsize, putperm } from './console.js';
import { printk } from '../lib/printk.js';

export const MAX_REGIONS = 16n;
/** A mapping the kernel made, kept so it can be re-walked once paging is on. */
export class region {
  virt = u64;
  phys = u64;
  size = u64;
  prot = u64;
  flags = u64;
  name = cstr;
}
const regions = staticBuffer(MAX_REGIONS * sizeof(region), 8n);
let nr_regions: u64 = 0n;
let pgdir: u64 = 0n;

export function idmap_init(pgd: u64): void { pgdir = pgd; nr_regions = 0n; }
export function region_count(): u64 { return nr_regions; }
function region_at(i: u64): region { return struct_at(region, regions + i * sizeof(region)); }

/** Name of the table level a leaf at `level` sits in. */
export function level_name(level: u64): string {
  if (level == 0n) return "PTE";
  if (level == 1n) return "PMD";
  if (level == 2n) return pgtable_l4() != 0n ? "PUD" : "PGD";
  return "PGD";
}

/** Walks region i with la2pa; prints the leaf counts per level when `report`; returns the number of mismatches. */
function verify_region(i: u64, report: u64): u64 {
  const r = region_at(i);
  const virt = r.virt;
  const phys = r.phys;
  const prot = r.prot;
  let va = virt & PAGE_MASK;
  const end = page_align(virt + r.size);
  let bad = 0n;
  let n0 = 0n;
  let napot = 0n;                  // level-0 pages in Svnapot runs (16 per run)
  let n1 = 0n;
  let n2 = 0n;
  let n3 = 0n;
  while (va < end) {
    const [pa, level, ptep] = la2pa(pgdir, va);
    if (pa == LA2PA_FAULT) { bad = bad + 1n; va = va + 0x1000n; continue; }
    if (pa != (phys & PAGE_MASK) + (va - (virt & PAGE_MASK)) || (load64(ptep) & 0xffn) != prot) bad = bad + 1n;
    // A Svnapot run must be whole: 16 PTEs, all the same (checked where the run starts).
    if (level == 0n && pte_napot(load64(ptep)) && (va & 0xffffn) == 0n) {
      for (let k = 1n; k < 16n; k++) if (load64(ptep + k * 8n) != load64(ptep)) bad = bad + 1n;
    }
    if (level == 0n && pte_napot(load64(ptep))) napot = napot + 1n;
    else if (level == 0n) n0 = n0 + 1n;
    else if (level == 1n) n1 = n1 + 1n;
    else if (level == 2n) n2 = n2 + 1n;
    else n3 = n3 + 1n;
    // On to the next leaf: the end of this one (va may sit inside a block another region made).
    va = (va | (level_size(level) - 1n)) + 1n;
  }
  if (report != 0n) {
    let sep = "";
    if (n0 != 0n) { printk("%lu %s of 4 KiB (%s)", n0, n0 == 1n ? "page" : "pages", level_name(0n)); sep = " + "; }
    if (napot != 0n) { printk("%s%lu %s of 64 KiB (16 Svnapot PTEs each)", sep, napot >> 4n, napot == 16n ? "run" : "runs"); sep = " + "; }
    if (n1 != 0n) { printk("%s%lu %s of 2 MiB (%s)", sep, n1, n1 == 1n ? "block" : "blocks", level_name(1n)); sep = " + "; }
    if (n2 != 0n) { printk("%s%lu %s of 1 GiB (%s)", sep, n2, n2 == 1n ? "block" : "blocks", level_name(2n)); sep = " + "; }
    if (n3 != 0n) printk("%s%lu blocks of 512 GiB (PGD)", sep, n3);
  }
  return bad;
}

/** Maps [virt, virt + size) → phys with prot through __create_pgd_mapping, checks it with la2pa and
 *  prints one line. Returns the number of pages/blocks that did not translate as meant. */
export function map_region(name: string, virt: u64, phys: u64, size: u64, prot: u64, flags: u64): u64 {
  if (size == 0n || nr_regions == MAX_REGIONS) return 0n;
  __create_pgd_mapping(pgdir, phys, virt, size, prot, pgtable_alloc, flags);
  const r = region_at(nr_regions);
  r.virt = virt;
  r.phys = phys;
  r.size = size;
  r.prot = prot;
  r.flags = flags;
  r.name = name;
  nr_regions = nr_regions + 1n;
  printk("  %s: %#lx..%#lx -> %#lx ", name, virt & PAGE_MASK, page_align(virt + size), phys & PAGE_MASK);
  putperm(prot);
  printk(" (");
  putsize(page_align(virt + size) - (virt & PAGE_MASK));
  printk("): ");
  const bad = verify_region(nr_regions - 1n, 1n);
  printk(bad == 0n ? "; la2pa ok\n" : "; la2pa MISMATCH\n");
  return bad;
}

/** Re-walks every region (after satp is live, nothing may have changed). Returns mismatches. */
export function verify_all(): u64 {
  let bad = 0n;
  let i = 0n;
  while (i < nr_regions) { bad = bad + verify_region(i, 0n); i = i + 1n; }
  return bad;
}
