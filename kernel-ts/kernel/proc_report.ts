// What a process holds, as the transcript shows it: its VMAs in /proc/PID/maps form (with the
// resident pages of each, as smaps' Rss) and its fault counts by kind — the meminfo system call.

import { type u64, NULL } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { PAGE_SIZE, page_align } from './layout.js';
import { mm_struct, vm_area_struct, VM_GROWSDOWN } from './mm_types.js';
import { next_present_pte } from './memory.js';
import { mm_total_vm } from './mmap.js';
import { task_struct } from './sched.js';
import { print_vma_brief } from './fault.js';

let verbose = true;
/** Whether fork, execve and exit print their lines (proc-bench=N turns them off: printing is slow). */
export function proc_verbose(): boolean { return verbose; }
export function set_proc_verbose(on: boolean): void { verbose = on; }

/** Pages of [start, end) mapped in mm. */
export function resident_pages(mm: mm_struct, start: u64, end: u64): u64 {
  let n = 0n;
  let addr = start;
  while (true) {
    const [at, ptep] = next_present_pte(mm, addr, end);
    if (ptep == 0n) break;
    n++;
    addr = at + PAGE_SIZE;
  }
  return n;
}

/** The name /proc/PID/maps gives a VMA: the program for its ELF segments, [heap], [stack], or none. */
function vma_name(mm: mm_struct, v: vm_area_struct): string {
  if ((v.vm_flags & VM_GROWSDOWN) != 0n) return "[stack]";
  if (v.vm_start >= mm.start_brk && v.vm_end <= page_align(mm.brk) && mm.brk > mm.start_brk) return "[heap]";
  // Linux leaves the bss unnamed (anonymous); named here so the transcript says what it is.
  if (mm.end_data != 0n && v.vm_start >= page_align(mm.end_data) && v.vm_end <= mm.start_brk - PAGE_SIZE) return "[bss]";
  if (v.vm_end <= mm.start_brk - PAGE_SIZE && v.vm_start < mm.start_brk) return mm.exe_name;
  return "";
}

/** /proc/PID/maps, one line per VMA, each with its resident pages. */
export function show_maps(t: task_struct): void {
  const mm = t.mm;
  for (let v = mm.mmap; v !== NULL; v = v.vm_next) {
    printk("  [%lu] ", t.pid);
    print_vma_brief(v);
    printk(" %6lu kB %5lu resident  %s\n", (v.vm_end - v.vm_start) >> 10n, resident_pages(mm, v.vm_start, v.vm_end), vma_name(mm, v));
  }
}

/** The meminfo system call: a summary line, then the maps. Returns the resident pages. */
export function show_meminfo(t: task_struct): u64 {
  const mm = t.mm;
  printk("meminfo: pid %lu (%s): %lu VMAs, %lu pages virtual, %lu resident, %lu page tables;", t.pid, t.comm, mm.map_count, mm_total_vm(mm), mm.rss, mm.nr_ptes);
  printk(" faults: %lu demand-zero, %lu COW copy, %lu COW reuse, %lu stack growth\n", t.min_flt, t.cow_copy, t.cow_reuse, t.stack_grow);
  show_maps(t);
  return mm.rss;
}
