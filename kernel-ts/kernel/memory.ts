// A process's pages, as Linux's mm/memory.c: the page-fault path (handle_mm_fault →
// do_anonymous_page for a page never touched, do_wp_page for a write to a write-protected page:
// wp_page_reuse when the frame's refcount says nobody else holds it, wp_page_copy otherwise),
// copy_page_range for fork (both sides write-protected, the frame's refcount raised),
// zap_page_range for munmap and exit, change_protection for mprotect, and the process page
// table itself (pgd_alloc with the kernel's half shared, free_pgtables).

import { type u64, load64, store64, sfence_vma, NULL } from '../runtime/intrinsics.js';
import { PAGE_SIZE, PAGE_MASK, PAGE_SHIFT } from './layout.js';
import {
  _PAGE_PRESENT, _PAGE_READ, _PAGE_WRITE, _PAGE_EXEC, _PAGE_USER, _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_TABLE,
  pgtable_l4, pgd_offset_pgd, pud_offset, pmd_offset, pte_offset, pte_phys, pfn_pte,
  __pgd_populate, __pud_populate, __pmd_populate, pgd_addr_end, pud_addr_end, pmd_addr_end, pgd_index, pud_index, PUD_SHIFT, PMD_SIZE, PMD_MASK,
} from './pgtable.js';
import { mm_struct, vm_area_struct, VM_READ, VM_WRITE, VM_EXEC, VM_GROWSDOWN, USER_START, TASK_SIZE, STACK_TOP, STACK_LIMIT, STACK_GUARD_GAP } from './mm_types.js';
import { find_vma, expand_stack } from './mmap.js';
import { phys_to_page, page_to_phys } from './page.js';
import { alloc_pages, __free_pages, GFP_KERNEL } from './page_alloc.js';
import { pgtable_alloc, frame_put, zero_frame } from './frame.js';

/** handle_mm_fault's answers: what it did, or why the access cannot be allowed (the process dies). */
export const VM_FAULT_DEMAND_ZERO = 1n;      // a fresh zeroed page mapped
export const VM_FAULT_COW_COPY = 2n;         // a shared page copied for the writer
export const VM_FAULT_COW_REUSE = 3n;        // the writer held the last reference: made writable in place
export const VM_FAULT_SPURIOUS = 4n;         // already mapped as needed (a stale TLB entry): fenced
export const VM_FAULT_NO_VMA = 16n;          // the address is in no VMA
export const VM_FAULT_ACCESS = 17n;          // in a VMA whose permissions forbid the access
export const VM_FAULT_STACK_LIMIT = 18n;     // below the stack, beyond RLIMIT_STACK
export const VM_FAULT_OOM = 19n;             // no frame for the page or a page table

/** The access that faulted. */
export const FAULT_FLAG_READ = 0n;
export const FAULT_FLAG_WRITE = 1n;
export const FAULT_FLAG_INSTRUCTION = 2n;

let grew_stack: u64 = 0n;
let last_vma: vm_area_struct = NULL;
/** Whether the last handle_mm_fault grew the stack VMA. */
export function fault_grew_stack(): u64 { return grew_stack; }
/** The VMA the last handle_mm_fault looked at (for the kill report), or NULL. */
export function fault_vma(): vm_area_struct { return last_vma; }

export function mm_asid(mm: mm_struct): u64 { return mm.context_id & 0xffffn; }

/** Every TLB entry of one ASID: after fork write-protects the parent. (A constant 0 compiles to x0,
 *  so this is `sfence.vma zero, asid` — all addresses — not the page at 0.) */
export function flush_tlb_mm_asid(asid: u64): void {
  sfence_vma(0n, asid);
}

/** A user PTE for vm_flags: V U A D and R/W/X (W alone is reserved: W implies R). A and D are set so
 *  that the pages work whatever the board's A/D policy. */
export function vm_get_page_prot(vm_flags: u64): u64 {
  let prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
  if ((vm_flags & (VM_READ | VM_WRITE)) != 0n) prot = prot | _PAGE_READ;
  if ((vm_flags & VM_WRITE) != 0n) prot = prot | _PAGE_WRITE;
  if ((vm_flags & VM_EXEC) != 0n) prot = prot | _PAGE_EXEC;
  return prot;
}

/** A new page-table page for mm (counted in nr_ptes), or 0. */
function pte_alloc_one(mm: mm_struct): u64 {
  const t = pgtable_alloc(0n);
  if (t != 0n) mm.nr_ptes++;
  return t;
}

/** The PTE slot for addr in mm's table, allocating the missing tables when alloc; 0 when a table is
 *  missing (or could not be allocated). Only for user addresses: the kernel half holds block leaves. */
export function walk_pte(mm: mm_struct, addr: u64, alloc: boolean): u64 {
  const pgdp = pgd_offset_pgd(mm.pgd, addr);
  if (pgtable_l4() != 0n && load64(pgdp) == 0n) {
    if (!alloc) return 0n;
    const t = pte_alloc_one(mm);
    if (t == 0n) return 0n;
    __pgd_populate(pgdp, t);
  }
  const pudp = pud_offset(pgdp, addr);
  if (load64(pudp) == 0n) {
    if (!alloc) return 0n;
    const t = pte_alloc_one(mm);
    if (t == 0n) return 0n;
    __pud_populate(pudp, t);
  }
  const pmdp = pmd_offset(pudp, addr);
  if (load64(pmdp) == 0n) {
    if (!alloc) return 0n;
    const t = pte_alloc_one(mm);
    if (t == 0n) return 0n;
    __pmd_populate(pmdp, t);
  }
  return pte_offset(pmdp, addr);
}

/** The first present PTE in [addr, end): [its address, its slot], or [end, 0]. Missing tables are
 *  skipped whole, so a sparse 64 MiB VMA costs a few steps, not 16384. */
export function next_present_pte(mm: mm_struct, addr: u64, end: u64): [u64, u64] {
  while (addr < end) {
    const pgdp = pgd_offset_pgd(mm.pgd, addr);
    if (pgtable_l4() != 0n && load64(pgdp) == 0n) { addr = pgd_addr_end(addr, end); continue; }
    const pudp = pud_offset(pgdp, addr);
    if (load64(pudp) == 0n) { addr = pud_addr_end(addr, end); continue; }
    const pmdp = pmd_offset(pudp, addr);
    if (load64(pmdp) == 0n) { addr = pmd_addr_end(addr, end); continue; }
    // Inside one PTE table: scan its slots without walking from the root again.
    const tend = pmd_addr_end(addr, end);
    let ptep = pte_offset(pmdp, addr);
    while (addr < tend) {
      if (load64(ptep) != 0n) return [addr, ptep];
      addr = addr + PAGE_SIZE;
      ptep = ptep + 8n;
    }
  }
  return [end, 0n];
}

/** A frame for a user page (refcount 1), zeroed unless the caller overwrites all of it; or 0. */
function alloc_user_page(zero: boolean): u64 {
  const p = alloc_pages(GFP_KERNEL, 0n);
  if (p === NULL) return 0n;
  const pa = page_to_phys(p);
  if (zero) zero_frame(pa);
  return pa;
}

/** put_page on the frame a PTE maps. */
function put_user_page(pte: u64): void { __free_pages(phys_to_page(pte_phys(pte)), 0n); }

/** copy_page (a user page or a whole table): 64 bytes an iteration, so the loop's own instructions are an eighth of a dword loop's. */
function copy_page(to: u64, from: u64): void {
  for (let off = 0n; off < PAGE_SIZE; off += 64n) {
    const s = from + off;
    const d = to + off;
    store64(d, load64(s));
    store64(d + 8n, load64(s + 8n));
    store64(d + 16n, load64(s + 16n));
    store64(d + 24n, load64(s + 24n));
    store64(d + 32n, load64(s + 32n));
    store64(d + 40n, load64(s + 40n));
    store64(d + 48n, load64(s + 48n));
    store64(d + 56n, load64(s + 56n));
  }
}

/** A page never touched: a zeroed frame mapped with the VMA's permissions. */
function do_anonymous_page(mm: mm_struct, vma: vm_area_struct, addr: u64, ptep: u64): u64 {
  const pa = alloc_user_page(true);
  if (pa == 0n) return VM_FAULT_OOM;
  store64(ptep, pfn_pte(pa >> PAGE_SHIFT, vm_get_page_prot(vma.vm_flags)));
  mm.rss++;
  sfence_vma(addr, mm_asid(mm));
  return VM_FAULT_DEMAND_ZERO;
}

/** A write to a present, write-protected page of a writable VMA: copy-on-write. The frame's
 *  refcount decides (as Linux since 5.8): 1 means only this mapping holds it — reuse it; more
 *  means others share it — copy, and drop this mapping's reference to the shared frame. */
function do_wp_page(mm: mm_struct, vma: vm_area_struct, addr: u64, ptep: u64, pte: u64): u64 {
  const old = phys_to_page(pte_phys(pte));
  if (old._refcount == 1n) {
    store64(ptep, pte | _PAGE_WRITE | _PAGE_DIRTY);           // wp_page_reuse
    sfence_vma(addr, mm_asid(mm));
    return VM_FAULT_COW_REUSE;
  }
  const pa = alloc_user_page(false);                           // wp_page_copy: every byte copied
  if (pa == 0n) return VM_FAULT_OOM;
  copy_page(pa, pte_phys(pte));
  store64(ptep, pfn_pte(pa >> PAGE_SHIFT, vm_get_page_prot(vma.vm_flags)));
  sfence_vma(addr, mm_asid(mm));
  __free_pages(old, 0n);
  return VM_FAULT_COW_COPY;
}

/** The page fault at addr in mm, resolved from its VMAs: a VM_FAULT_* answer. */
export function handle_mm_fault(mm: mm_struct, addr: u64, flags: u64): u64 {
  grew_stack = 0n;
  let vma = find_vma(mm, addr);
  last_vma = vma;
  if (vma === NULL || addr < USER_START || addr >= TASK_SIZE) { last_vma = NULL; return VM_FAULT_NO_VMA; }
  if (addr < vma.vm_start) {
    // Below a VMA: only the stack grows down, and only a fault near it is the stack's (Linux's
    // stack_guard_gap); one far below is simply outside every VMA.
    if ((vma.vm_flags & VM_GROWSDOWN) == 0n || addr < STACK_TOP - STACK_LIMIT - STACK_GUARD_GAP) { last_vma = NULL; return VM_FAULT_NO_VMA; }
    if (expand_stack(mm, vma, addr) != 0n) return VM_FAULT_STACK_LIMIT;
    grew_stack = 1n;
  }
  // As Linux riscv's access_error: a load is allowed by R or W (a W-only page is mapped RW: W alone is reserved).
  const need = flags == FAULT_FLAG_WRITE ? VM_WRITE : flags == FAULT_FLAG_INSTRUCTION ? VM_EXEC : VM_READ | VM_WRITE;
  if ((vma.vm_flags & need) == 0n) return VM_FAULT_ACCESS;
  const ptep = walk_pte(mm, addr, true);
  if (ptep == 0n) return VM_FAULT_OOM;
  const va = addr & PAGE_MASK;
  const pte = load64(ptep);
  if (pte == 0n) return do_anonymous_page(mm, vma, va, ptep);
  if (flags == FAULT_FLAG_WRITE && (pte & _PAGE_WRITE) == 0n) return do_wp_page(mm, vma, va, ptep, pte);
  sfence_vma(va, mm_asid(mm));
  return VM_FAULT_SPURIOUS;
}

/** Unmaps every page of [start, end): clears the PTEs, fences, drops the frames' references.
 *  Returns how many pages were mapped. */
export function zap_page_range(mm: mm_struct, start: u64, end: u64): u64 {
  let n = 0n;
  let addr = start;
  while (true) {
    const [at, ptep] = next_present_pte(mm, addr, end);
    if (ptep == 0n) break;
    const pte = load64(ptep);
    store64(ptep, 0n);
    sfence_vma(at, mm_asid(mm));
    put_user_page(pte);
    mm.rss--;
    n++;
    addr = at + PAGE_SIZE;
  }
  return n;
}

/** munmap's free_pgtables: the PTE tables whose whole 2 MiB lie in [start, end) — a range no VMA
 *  covers any more, so they are empty — go back to the allocator, and their PMD entries are cleared.
 *  Tables shared with a VMA outside the range stay (Linux's floor/ceiling). Returns how many. */
export function free_pte_tables(mm: mm_struct, start: u64, end: u64): u64 {
  let n = 0n;
  let addr = (start + PMD_SIZE - 1n) & PMD_MASK;
  while (addr < end && addr + PMD_SIZE <= end) {
    const pgdp = pgd_offset_pgd(mm.pgd, addr);
    if (pgtable_l4() != 0n && load64(pgdp) == 0n) { addr = pgd_addr_end(addr, end); continue; }
    const pudp = pud_offset(pgdp, addr);
    if (load64(pudp) == 0n) { addr = pud_addr_end(addr, end); continue; }
    const pmdp = pmd_offset(pudp, addr);
    const pmd = load64(pmdp);
    if (pmd != 0n) {
      store64(pmdp, 0n);
      frame_put(pte_phys(pmd));
      mm.nr_ptes--;
      n++;
    }
    addr = addr + PMD_SIZE;
  }
  // A hart may cache the pointers it walked: fence the ASID once.
  if (n != 0n) flush_tlb_mm_asid(mm_asid(mm));
  return n;
}

/** mprotect's PTE side: present pages take vm_flags' permissions; W only where the frame is not
 *  shared (a shared one stays write-protected, and its write fault copies it). */
export function change_protection(mm: mm_struct, start: u64, end: u64, vm_flags: u64): void {
  const prot = vm_get_page_prot(vm_flags);
  let addr = start;
  while (true) {
    const [at, ptep] = next_present_pte(mm, addr, end);
    if (ptep == 0n) break;
    const pte = load64(ptep);
    let next = (pte & ~(_PAGE_READ | _PAGE_WRITE | _PAGE_EXEC) & 0xffffffffffffffffn) | (prot & (_PAGE_READ | _PAGE_EXEC));
    if ((prot & _PAGE_WRITE) != 0n && phys_to_page(pte_phys(pte))._refcount == 1n) next = next | _PAGE_WRITE;
    store64(ptep, next);
    sfence_vma(at, mm_asid(mm));
    addr = at + PAGE_SIZE;
  }
}

/** fork: the child maps every present page of vma as the parent does, both write-protected when the
 *  VMA is writable (copy-on-write), each frame's refcount raised. Returns the pages now shared, or
 *  all ones when a page table could not be allocated. The caller flushes the parent's TLB. */
export function copy_page_range(dst: mm_struct, src: mm_struct, vma: vm_area_struct): u64 {
  let n = 0n;
  let addr = vma.vm_start;
  while (true) {
    const [at, sptep] = next_present_pte(src, addr, vma.vm_end);
    if (sptep == 0n) break;
    let pte = load64(sptep);
    if ((vma.vm_flags & VM_WRITE) != 0n) {
      pte = pte & ~_PAGE_WRITE & 0xffffffffffffffffn;
      store64(sptep, pte);
    }
    const dptep = walk_pte(dst, at, true);
    if (dptep == 0n) return 0xffffffffffffffffn;
    store64(dptep, pte);
    const p = phys_to_page(pte_phys(pte));
    p._refcount = p._refcount + 1n;
    dst.rss++;
    n++;
    addr = at + PAGE_SIZE;
  }
  return n;
}

/** Maps a frame the caller filled (execve's copy of a segment) at addr with vm_flags. 0, or 1 without memory. */
export function install_user_page(mm: mm_struct, addr: u64, pa: u64, vm_flags: u64): u64 {
  const ptep = walk_pte(mm, addr, true);
  if (ptep == 0n) return 1n;
  store64(ptep, pfn_pte(pa >> PAGE_SHIFT, vm_get_page_prot(vm_flags)));
  mm.rss++;
  return 0n;
}

/** A fresh zeroed user frame (execve fills it). */
export function alloc_user_frame(): u64 { return alloc_user_page(true); }

// ---- the page table itself ---------------------------------------------------------------------

let kernel_pgd: u64 = 0n;
/** The kernel's root table, whose entries every process table copies (set before the first pgd_alloc). */
export function set_kernel_pgd(pgd: u64): void { kernel_pgd = pgd; }
export function get_kernel_pgd(): u64 { return kernel_pgd; }


/** A process's root table: the kernel's half shared by copying the kernel's root entries (they point
 *  at the kernel's own lower tables, never changed while processes run, and are not U, so U-mode
 *  cannot touch them). In Sv48 one root entry covers 512 GiB, kernel and user alike: that entry
 *  gets a private PUD table holding copies of the kernel's PUD entries. 0 without memory. */
export function pgd_alloc(mm: mm_struct): u64 {
  const pgd = pgtable_alloc(0n);
  if (pgd == 0n) return 0n;
  copy_page(pgd, kernel_pgd);
  if (pgtable_l4() != 0n) {
    const pud = pgtable_alloc(0n);
    if (pud == 0n) { frame_put(pgd); return 0n; }
    const shared = pgd + pgd_index(USER_START) * 8n;
    if (load64(shared) != 0n) copy_page(pud, pte_phys(load64(shared)));
    store64(shared, pfn_pte(pud >> PAGE_SHIFT, _PAGE_TABLE));
  }
  mm.pgd = pgd;
  return pgd;
}

/** Frees the PMD table at pmd_table's entries' PTE tables, then itself. Returns tables freed. */
function free_pmd_range(pmd_table: u64): u64 {
  let n = 0n;
  // Eight entries tested at once: a process's PMD tables are almost empty.
  for (let g = pmd_table; g < pmd_table + PAGE_SIZE; g += 64n) {
    if ((load64(g) | load64(g + 8n) | load64(g + 16n) | load64(g + 24n) | load64(g + 32n) | load64(g + 40n) | load64(g + 48n) | load64(g + 56n)) == 0n) continue;
    for (let e = g; e < g + 64n; e += 8n) {
      if (load64(e) != 0n) { frame_put(pte_phys(load64(e))); n++; }
    }
  }
  frame_put(pmd_table);
  return n + 1n;
}

/** free_pgtables + pgd_free: every table of the user half (the PUD entries in [USER_START, TASK_SIZE)),
 *  then the root. The kernel's tables are never touched. Returns how many tables were freed. */
export function free_pgtables(mm: mm_struct): u64 {
  let n = 0n;
  if (pgtable_l4() != 0n) {
    const pud = pte_phys(load64(mm.pgd + pgd_index(USER_START) * 8n));
    for (let i = pud_index(USER_START); i <= pud_index(TASK_SIZE - 1n); i++) {
      const e = load64(pud + i * 8n);
      if (e != 0n) { n += free_pmd_range(pte_phys(e)); store64(pud + i * 8n, 0n); }
    }
    frame_put(pud);
    n++;
  } else {
    for (let i = USER_START >> PUD_SHIFT; i <= (TASK_SIZE - 1n) >> PUD_SHIFT; i++) {
      const e = load64(mm.pgd + i * 8n);
      if (e != 0n) { n += free_pmd_range(pte_phys(e)); store64(mm.pgd + i * 8n, 0n); }
    }
  }
  frame_put(mm.pgd);
  mm.nr_ptes = 0n;
  mm.pgd = 0n;
  return n + 1n;
}
