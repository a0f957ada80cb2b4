// Creating tasks and address spaces, as Linux's kernel/fork.c: the task_struct and mm_struct slab
// caches (fork_init), mm_alloc/mmput, and fork: copy_process gives the child a kernel stack, a copy
// of the parent's user registers (a0 = 0 in the child) and dup_mm — every VMA copied and every
// present page shared copy-on-write (dup_mmap → copy_page_range).

import { type u64, struct_at, addr_of, sizeof, NULL } from '../runtime/intrinsics.js';
import { list_add_tail, list_del, INIT_LIST_HEAD } from '../lib/list.js';
import { kmem_cache, kmem_cache_create_noctor, kmem_cache_alloc, kmem_cache_free } from './slab.js';
import { alloc_pages, __free_pages, GFP_KERNEL } from './page_alloc.js';
import { page_to_phys, phys_to_page } from './page.js';
import { mm_struct, vm_area_struct } from './mm_types.js';
import { vma_init, vm_area_alloc, __vma_link, exit_mmap } from './mmap.js';
import { pgd_alloc, free_pgtables, copy_page_range, flush_tlb_mm_asid, mm_asid } from './memory.js';
import { task_struct, task_list, get_current, wake_up_process, task_pt_regs, TASK_RUNNING, THREAD_ORDER } from './sched.js';
import { load64, store64, sym } from '../runtime/intrinsics.js';

let task_cachep: kmem_cache = NULL;
let mm_cachep: kmem_cache = NULL;
let next_pid: u64 = 1n;
let nr_forks: u64 = 0n;
let nr_shared: u64 = 0n;

export function fork_init(): void {
  task_cachep = kmem_cache_create_noctor("task_struct", sizeof(task_struct), 8n, 0n);
  mm_cachep = kmem_cache_create_noctor("mm_struct", sizeof(mm_struct), 8n, 0n);
  vma_init();
}
export function task_cache(): kmem_cache { return task_cachep; }
export function mm_cache(): kmem_cache { return mm_cachep; }
export function fork_count(): u64 { return nr_forks; }
/** Pages shared copy-on-write by every fork so far. */
export function fork_shared_pages(): u64 { return nr_shared; }
let last_shared: u64 = 0n;
/** Pages the latest fork shared. */
export function fork_last_shared(): u64 { return last_shared; }

/** An empty address space with its own page table (the kernel's half shared), or NULL. */
export function mm_alloc(): mm_struct {
  const a = kmem_cache_alloc(mm_cachep, GFP_KERNEL);
  if (a == 0n) return NULL;
  for (let off = 0n; off < sizeof(mm_struct); off += 8n) store64(a + off, 0n);
  const mm = struct_at(mm_struct, a);
  if (pgd_alloc(mm) == 0n) { kmem_cache_free(mm_cachep, a); return NULL; }
  return mm;
}

/** mmput (the last user): pages, VMAs, page tables and the mm itself given back. Returns the tables freed. */
export function mmput(mm: mm_struct): u64 {
  exit_mmap(mm);
  const tables = free_pgtables(mm);
  kmem_cache_free(mm_cachep, addr_of(mm));
  return tables;
}

/** A task with a kernel stack, pid, and no mm yet (NULL without memory). */
export function alloc_task(comm: string): task_struct {
  const a = kmem_cache_alloc(task_cachep, GFP_KERNEL);
  if (a == 0n) return NULL;
  for (let off = 0n; off < sizeof(task_struct); off += 8n) store64(a + off, 0n);
  const t = struct_at(task_struct, a);
  const stack = alloc_pages(GFP_KERNEL, THREAD_ORDER);
  if (stack === NULL) { kmem_cache_free(task_cachep, a); return NULL; }
  t.stack = page_to_phys(stack);
  t.pid = next_pid;
  next_pid++;
  t.state = TASK_RUNNING;
  t.comm = comm;
  INIT_LIST_HEAD(t.run_list);
  list_add_tail(t.tasks, task_list);
  // The first __switch_to to t "returns" into ret_from_fork with sp at its pt_regs.
  t.thread.ra = sym("ret_from_fork");
  t.thread.sp = task_pt_regs(t);
  return t;
}

/** Gives back what alloc_task took (release_task, after wait reaped it). */
export function free_task(t: task_struct): void {
  __free_pages(phys_to_page(t.stack), THREAD_ORDER);
  kmem_cache_free(task_cachep, addr_of(t));
}

/** dup_mmap: each VMA copied in order, each present page shared copy-on-write. Returns the shared
 *  pages, or all ones without memory. */
export function dup_mmap(mm: mm_struct, oldmm: mm_struct): u64 {
  let shared = 0n;
  let prev: vm_area_struct = NULL;
  for (let v = oldmm.mmap; v !== NULL; v = v.vm_next) {
    const n = vm_area_alloc(mm);
    if (n === NULL) return 0xffffffffffffffffn;
    n.vm_start = v.vm_start;
    n.vm_end = v.vm_end;
    n.vm_flags = v.vm_flags;
    __vma_link(mm, n, prev);
    prev = n;
    const r = copy_page_range(mm, oldmm, v);
    if (r == 0xffffffffffffffffn) return r;
    shared += r;
  }
  // The parent's writable pages just lost W: its TLB may still allow the write.
  flush_tlb_mm_asid(mm_asid(oldmm));
  return shared;
}

/** fork: the child's pid, or 0 without memory (the caller answers -ENOMEM). */
export function do_fork(): u64 {
  const parent = get_current();
  const oldmm = parent.mm;
  const t = alloc_task(parent.comm);
  if (t === NULL) return 0n;
  const mm = mm_alloc();
  if (mm === NULL) { list_del(t.tasks); free_task(t); return 0n; }
  mm.start_code = oldmm.start_code; mm.end_code = oldmm.end_code;
  mm.start_data = oldmm.start_data; mm.end_data = oldmm.end_data;
  mm.start_brk = oldmm.start_brk; mm.brk = oldmm.brk;
  mm.start_stack = oldmm.start_stack; mm.mmap_base = oldmm.mmap_base;
  mm.exe_name = oldmm.exe_name;
  const shared = dup_mmap(mm, oldmm);
  if (shared == 0xffffffffffffffffn) {
    // Out of memory half way: what was copied (VMAs, shared pages' references, tables) goes back.
    mmput(mm);
    list_del(t.tasks);
    free_task(t);
    return 0n;
  }
  t.mm = mm;
  t.shared_at_fork = shared;
  nr_shared += shared;
  last_shared = shared;
  nr_forks++;
  t.parent = parent;
  // The child returns from the same ecall with a0 = 0.
  const from = task_pt_regs(parent);
  const to = task_pt_regs(t);
  for (let off = 0n; off < 256n; off += 8n) store64(to + off, load64(from + off));
  store64(to + 80n, 0n);
  wake_up_process(t);
  return t.pid;
}
