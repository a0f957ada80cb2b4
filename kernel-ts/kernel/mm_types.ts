// A process's address space, as Linux's include/linux/mm_types.h: struct mm_struct (its page table,
// its VMAs, the layout marks start_code..start_stack) and struct vm_area_struct (one region with one
// set of permissions). The user address layout the kernel gives every process is here too.
//
// Where the VMAs live: a sorted doubly linked list (vm_next/vm_prev from mm.mmap) plus a one-entry
// cache of the last VMA found (mm.mmap_cache, Linux's before vmacache). A process here holds about
// ten VMAs; walking ten entries costs less than keeping a tree balanced, faults in a sweep hit the
// cache, and the list is the order /proc/PID/maps, fork and exit walk anyway. A process with
// thousands of VMAs would want Linux's rbtree (or maple tree) instead.

import { u64, ptr, cstr } from '../runtime/intrinsics.js';

export class mm_struct {
  mmap = ptr(vm_area_struct);            // first VMA (lowest address)
  mmap_cache = ptr(vm_area_struct);      // the last VMA find_vma returned
  map_count = u64;
  pgd = u64;                             // root page table (physical = virtual in the kernel)
  context_id = u64;                      // ASID | generation << 16 (asid.ts)
  start_code = u64; end_code = u64;
  start_data = u64; end_data = u64;
  start_brk = u64; brk = u64;
  start_stack = u64;
  mmap_base = u64;                       // where get_unmapped_area starts looking (bottom-up)
  rss = u64;                             // pages mapped (resident), shared or not
  nr_ptes = u64;                         // page-table pages beyond the root
  exe_name = cstr;
}

export class vm_area_struct {
  vm_start = u64;
  vm_end = u64;                          // one past the last byte
  vm_next = ptr(vm_area_struct);
  vm_prev = ptr(vm_area_struct);
  vm_mm = ptr(mm_struct);
  vm_flags = u64;
}

/** vm_flags (Linux's values). */
export const VM_READ = 0x1n;
export const VM_WRITE = 0x2n;
export const VM_EXEC = 0x4n;
export const VM_SHARED = 0x8n;
export const VM_GROWSDOWN = 0x100n;
export const VM_ACCESS_FLAGS = 0x7n;

/** The user half every process has, the same in Sv39 and Sv48: above the kernel's identity map of
 *  RAM and devices, below Sv39's 256 GiB limit. Programs are linked at USER_TEXT (linker/scripts/user.ld). */
export const USER_START = 0x2000000000n;
export const USER_TEXT = 0x2000000000n;
export const TASK_SIZE = 0x4000000000n;
export const TASK_UNMAPPED_BASE = 0x3000000000n;
/** The stack's top; a guard page lies above it. */
export const STACK_TOP = 0x3ffffff000n;
/** RLIMIT_STACK: how far the stack VMA may grow down. */
export const STACK_LIMIT = 0x20000n;
/** A fault this far below the stack's limit still counts as the stack overflowing (Linux's stack_guard_gap, 256 pages). */
export const STACK_GUARD_GAP = 0x100000n;
