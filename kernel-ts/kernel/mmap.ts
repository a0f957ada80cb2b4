// The VMAs of a process, as Linux's mm/mmap.c and mm/mprotect.c: find_vma, insertion in address
// order, vma_merge of neighbours that touch and agree, split_vma, and the system calls built on
// them — mmap (anonymous, private), munmap, mprotect, brk — plus expand_stack for the fault handler.
// The structure (a sorted list with a last-hit cache) and why: mm_types.ts.

import { type u64, struct_at, sizeof, addr_of, NULL } from '../runtime/intrinsics.js';
import { PAGE_MASK, page_align } from './layout.js';
import { mm_struct, vm_area_struct, VM_READ, VM_WRITE, VM_EXEC, VM_GROWSDOWN, VM_ACCESS_FLAGS, STACK_TOP, STACK_LIMIT, TASK_SIZE, USER_START } from './mm_types.js';
import { kmem_cache, kmem_cache_create_noctor, kmem_cache_alloc, kmem_cache_free } from './slab.js';
import { GFP_KERNEL } from './page_alloc.js';
import { zap_page_range, change_protection, free_pte_tables } from './memory.js';
import { PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED, EINVAL, ENOMEM } from '../lib/unistd.js';

let vm_area_cachep: kmem_cache = NULL;
let nr_merges: u64 = 0n;
let nr_splits: u64 = 0n;
let cache_hits: u64 = 0n;
let cache_misses: u64 = 0n;

export function vma_init(): void {
  vm_area_cachep = kmem_cache_create_noctor("vm_area_struct", sizeof(vm_area_struct), 8n, 0n);
}
export function vma_cache(): kmem_cache { return vm_area_cachep; }
export function vma_merge_count(): u64 { return nr_merges; }
export function vma_split_count(): u64 { return nr_splits; }
export function vma_cache_hits(): u64 { return cache_hits; }
export function vma_cache_misses(): u64 { return cache_misses; }

/** -errno as a u64. */
export function neg(errno: u64): u64 { return 0n - errno & 0xffffffffffffffffn; }

export function vm_area_alloc(mm: mm_struct): vm_area_struct {
  const a = kmem_cache_alloc(vm_area_cachep, GFP_KERNEL);
  if (a == 0n) return NULL;
  const v = struct_at(vm_area_struct, a);
  v.vm_start = 0n;
  v.vm_end = 0n;
  v.vm_next = NULL;
  v.vm_prev = NULL;
  v.vm_mm = mm;
  v.vm_flags = 0n;
  return v;
}

export function vm_area_free(v: vm_area_struct): void { kmem_cache_free(vm_area_cachep, addr_of(v)); }

/** prot (PROT_*) as vm_flags. */
export function calc_vm_prot_bits(prot: u64): u64 {
  return ((prot & PROT_READ) != 0n ? VM_READ : 0n) | ((prot & PROT_WRITE) != 0n ? VM_WRITE : 0n) | ((prot & PROT_EXEC) != 0n ? VM_EXEC : 0n);
}

/** The first VMA that ends above addr (it may start above addr too), or NULL — Linux's find_vma. */
export function find_vma(mm: mm_struct, addr: u64): vm_area_struct {
  const c = mm.mmap_cache;
  if (c !== NULL && c.vm_start <= addr && addr < c.vm_end) { cache_hits++; return c; }
  cache_misses++;
  for (let v = mm.mmap; v !== NULL; v = v.vm_next) {
    if (addr < v.vm_end) {
      if (v.vm_start <= addr) mm.mmap_cache = v;
      return v;
    }
  }
  return NULL;
}

/** Links vma after prev (prev NULL: first). */
export function __vma_link(mm: mm_struct, vma: vm_area_struct, prev: vm_area_struct): void {
  const next = prev === NULL ? mm.mmap : prev.vm_next;
  vma.vm_prev = prev;
  vma.vm_next = next;
  if (prev === NULL) mm.mmap = vma;
  else prev.vm_next = vma;
  if (next !== NULL) next.vm_prev = vma;
  vma.vm_mm = mm;
  mm.map_count++;
}

export function __vma_unlink(mm: mm_struct, vma: vm_area_struct): void {
  const prev = vma.vm_prev;
  const next = vma.vm_next;
  if (prev === NULL) mm.mmap = next;
  else prev.vm_next = next;
  if (next !== NULL) next.vm_prev = prev;
  if (mm.mmap_cache === vma) mm.mmap_cache = NULL;
  mm.map_count--;
}

/** Inserts vma in address order: 0, or 1 if it overlaps a VMA (nothing changes then). */
export function insert_vm_struct(mm: mm_struct, vma: vm_area_struct): u64 {
  let prev: vm_area_struct = NULL;
  let v = mm.mmap;
  while (v !== NULL && v.vm_end <= vma.vm_start) { prev = v; v = v.vm_next; }
  if (v !== NULL && v.vm_start < vma.vm_end) return 1n;
  __vma_link(mm, vma, prev);
  return 0n;
}

/** Two VMAs merge when they touch and agree on every flag (no file or anon_vma to compare here);
 *  the stack never merges, so its VMA stays the one that grows. */
export function can_vma_merge(a: vm_area_struct, b: vm_area_struct): boolean {
  return a.vm_end == b.vm_start && a.vm_flags == b.vm_flags && (a.vm_flags & VM_GROWSDOWN) == 0n;
}

/** vma_merge over [start, end): every pair of neighbours in or next to the range that can merge does. */
export function merge_around(mm: mm_struct, start: u64, end: u64): void {
  let v = find_vma(mm, start);
  if (v === NULL) return;
  if (v.vm_prev !== NULL) v = v.vm_prev;
  while (v !== NULL && v.vm_next !== NULL && v.vm_start <= end) {
    const next = v.vm_next;
    if (can_vma_merge(v, next)) {
      v.vm_end = next.vm_end;
      __vma_unlink(mm, next);
      vm_area_free(next);
      nr_merges++;
    } else {
      v = next;
    }
  }
}

/** Cuts vma at addr (page-aligned, strictly inside): the new VMA takes the part below addr when
 *  new_below, else the part above. 0, or -ENOMEM. */
export function split_vma(mm: mm_struct, vma: vm_area_struct, addr: u64, new_below: boolean): u64 {
  const n = vm_area_alloc(mm);
  if (n === NULL) return neg(ENOMEM);
  n.vm_flags = vma.vm_flags;
  if (new_below) {
    n.vm_start = vma.vm_start;
    n.vm_end = addr;
    vma.vm_start = addr;
    __vma_link(mm, n, vma.vm_prev);
  } else {
    n.vm_start = addr;
    n.vm_end = vma.vm_end;
    vma.vm_end = addr;
    __vma_link(mm, n, vma);
  }
  nr_splits++;
  return 0n;
}

/** Splits the VMAs at start and end so that [start, end) is made of whole VMAs. 0 or -ENOMEM. */
function split_range(mm: mm_struct, start: u64, end: u64): u64 {
  const first = find_vma(mm, start);
  if (first !== NULL && first.vm_start < start && start < first.vm_end) {
    if (split_vma(mm, first, start, false) != 0n) return neg(ENOMEM);
  }
  const last = find_vma(mm, end - 1n);
  if (last !== NULL && last.vm_start < end && end < last.vm_end) {
    if (split_vma(mm, last, end, true) != 0n) return neg(ENOMEM);
  }
  return 0n;
}

function range_ok(start: u64, len: u64): boolean {
  // len is checked before page_align, which would wrap a length near 2^64 to 0.
  return (start & ~PAGE_MASK & 0xfffn) == 0n && len != 0n && len <= TASK_SIZE && start >= USER_START && start < TASK_SIZE && page_align(len) <= TASK_SIZE - start;
}

/** munmap: every page of [start, start + len) unmapped and its VMAs cut away. 0 or -errno. */
export function do_munmap(mm: mm_struct, start: u64, len: u64): u64 {
  if (!range_ok(start, len)) return neg(EINVAL);
  const end = start + page_align(len);
  const r = split_range(mm, start, end);
  if (r != 0n) return r;
  let v = find_vma(mm, start);
  while (v !== NULL && v.vm_start < end) {
    const next = v.vm_next;
    zap_page_range(mm, v.vm_start, v.vm_end);
    __vma_unlink(mm, v);
    vm_area_free(v);
    v = next;
  }
  free_pte_tables(mm, start, end);
  return 0n;
}

/** The lowest gap of len bytes at or above mm.mmap_base (bottom-up, as Linux's legacy layout), or 0. */
export function get_unmapped_area(mm: mm_struct, len: u64): u64 {
  let addr = mm.mmap_base;
  for (let v = mm.mmap; v !== NULL; v = v.vm_next) {
    if (v.vm_end <= addr) continue;
    if (addr + len <= v.vm_start) break;
    addr = v.vm_end;
  }
  if (addr + len > STACK_TOP - STACK_LIMIT) return 0n;
  return addr;
}

/** mmap of anonymous private memory: the address, or -errno. Nothing is mapped until touched. */
export function do_mmap(mm: mm_struct, addr: u64, len: u64, prot: u64, flags: u64): u64 {
  if ((flags & (MAP_PRIVATE | MAP_ANONYMOUS)) != (MAP_PRIVATE | MAP_ANONYMOUS) || len == 0n) return neg(EINVAL);
  if (len > TASK_SIZE) return neg(ENOMEM);
  len = page_align(len);
  if ((flags & MAP_FIXED) != 0n) {
    if (!range_ok(addr, len)) return neg(EINVAL);
    const r = do_munmap(mm, addr, len);
    if (r != 0n) return r;
  } else {
    addr = get_unmapped_area(mm, len);
    if (addr == 0n) return neg(ENOMEM);
  }
  const vma = vm_area_alloc(mm);
  if (vma === NULL) return neg(ENOMEM);
  vma.vm_start = addr;
  vma.vm_end = addr + len;
  vma.vm_flags = calc_vm_prot_bits(prot);
  if (insert_vm_struct(mm, vma) != 0n) { vm_area_free(vma); return neg(ENOMEM); }
  merge_around(mm, addr, addr + len);
  return addr;
}

/** mprotect: [start, start + len) must be mapped without holes. 0 or -errno. */
export function do_mprotect(mm: mm_struct, start: u64, len: u64, prot: u64): u64 {
  if (!range_ok(start, len)) return neg(EINVAL);
  const end = start + page_align(len);
  // Every byte covered (Linux answers -ENOMEM for a hole), checked before anything changes.
  let at = start;
  for (let v = find_vma(mm, start); v !== NULL && at < end; v = v.vm_next) {
    if (v.vm_start > at) break;
    at = v.vm_end;
  }
  if (at < end) return neg(ENOMEM);
  const r = split_range(mm, start, end);
  if (r != 0n) return r;
  const newflags = calc_vm_prot_bits(prot);
  for (let v = find_vma(mm, start); v !== NULL && v.vm_start < end; v = v.vm_next) {
    v.vm_flags = (v.vm_flags & ~VM_ACCESS_FLAGS & 0xffffffffffffffffn) | newflags;
    change_protection(mm, v.vm_start, v.vm_end, v.vm_flags);
  }
  merge_around(mm, start, end);
  return 0n;
}

/** brk: moves the break (the heap's end); the heap VMA grows or shrinks with it. Returns the break
 *  now in force (the old one when the request is refused), as Linux's. */
export function do_brk(mm: mm_struct, newbrk: u64): u64 {
  if (newbrk < mm.start_brk) return mm.brk;
  const old_end = page_align(mm.brk);
  const new_end = page_align(newbrk);
  if (new_end < old_end) {
    if (do_munmap(mm, new_end, old_end - new_end) != 0n) return mm.brk;
  } else if (new_end > old_end) {
    const next = find_vma(mm, old_end);
    if (next !== NULL && next.vm_start < new_end) return mm.brk;      // would run into a mapping
    const heap = old_end > mm.start_brk ? find_vma(mm, old_end - 1n) : NULL;
    if (heap !== NULL && heap.vm_end == old_end && heap.vm_start >= mm.start_brk) {
      heap.vm_end = new_end;
    } else {
      const vma = vm_area_alloc(mm);
      if (vma === NULL) return mm.brk;
      vma.vm_start = old_end;
      vma.vm_end = new_end;
      vma.vm_flags = VM_READ | VM_WRITE;
      if (insert_vm_struct(mm, vma) != 0n) { vm_area_free(vma); return mm.brk; }
    }
  }
  mm.brk = newbrk;
  return newbrk;
}

/** Grows the stack VMA down to cover addr: 0, or 1 when that would pass RLIMIT_STACK or reach the VMA below. */
export function expand_stack(mm: mm_struct, vma: vm_area_struct, addr: u64): u64 {
  addr = addr & PAGE_MASK;
  if (addr < STACK_TOP - STACK_LIMIT) return 1n;
  const prev = vma.vm_prev;
  if (prev !== NULL && prev.vm_end > addr) return 1n;
  vma.vm_start = addr;
  return 0n;
}

/** Pages of all VMAs (total_vm). */
export function mm_total_vm(mm: mm_struct): u64 {
  let n = 0n;
  for (let v = mm.mmap; v !== NULL; v = v.vm_next) n += (v.vm_end - v.vm_start) >> 12n;
  return n;
}

/** exit_mmap: every page unmapped, every VMA freed. */
export function exit_mmap(mm: mm_struct): void {
  let v = mm.mmap;
  while (v !== NULL) {
    const next = v.vm_next;
    zap_page_range(mm, v.vm_start, v.vm_end);
    vm_area_free(v);
    v = next;
  }
  mm.mmap = NULL;
  mm.mmap_cache = NULL;
  mm.map_count = 0n;
}
