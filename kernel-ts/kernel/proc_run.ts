// The processes' part of the transcript: init started from the image, the scheduler run until the
// last process has exited (kmain is the idle task meanwhile, reaping what init leaves it), then
// the totals — faults by kind, forks, pages shared and copied, context switches, ASIDs and their
// rollovers — and the leak check: every slab object back, the caches shrunk, and the buddy free
// lists identical to their state before the first process started.

import { type u64, sym, csrr, csrs, NULL } from '../runtime/intrinsics.js';
import { list_empty } from '../lib/list.js';
import { printk } from '../lib/printk.js';
import { check } from './selfcheck.js';
import { free_area_snapshot, free_area_diff, nr_free_pages } from './page_alloc.js';
import { kmem_cache_shrink } from './slab.js';
import { set_kernel_pgd } from './memory.js';
import { sched_init, init_task, task_list, schedule, wake_up_process, runqueue_empty, timer_start, timer_stop, context_switches, timer_ticks, TIME_SLICE } from './sched.js';
import { fork_init, alloc_task, task_cache, mm_cache, fork_count, fork_shared_pages } from './fork.js';
import { exec_task, find_user_program, nr_user_programs, user_program_at, exec_count } from './exec.js';
import { reap_child, set_child_reaper, exit_count, exit_tables_freed } from './exit.js';
import { vma_cache, vma_merge_count, vma_split_count, vma_cache_hits, vma_cache_misses } from './mmap.js';
import { faults_demand_zero, faults_cow_copy, faults_cow_reuse, faults_stack_grow, faults_killed, faults_spurious } from './fault.js';
import { asid_rollovers, asid_assigned, satp_switches, NR_ASIDS } from './asid.js';
import { syscall_count } from './syscall.js';
import { set_proc_verbose } from './proc_report.js';
import { STACK_LIMIT, USER_TEXT } from './mm_types.js';
import { fdt_has_sstc } from './fdt.js';

/** Runs the processes: init, or with bench != 0 (proc-bench=N) the bench program as pid 1 with N. */
const SCOUNTEREN_TM = 0x2n;

export function proc_run(pgd: u64, bench: u64): void {
  set_kernel_pgd(pgd);
  sched_init();
  fork_init();
  printk("processes: %lu user programs in the image:", nr_user_programs());
  for (let i = 0n; i < nr_user_programs(); i++) printk(" %s (%lu bytes)", user_program_at(i).name, user_program_at(i).size);
  printk("\nprocesses: linked at %#lx; stack limit %lu KiB; time slice %lu ticks (%s); %lu ASIDs for processes\n",
    USER_TEXT, STACK_LIMIT >> 10n, TIME_SLICE, fdt_has_sstc() != 0n ? "Sstc stimecmp" : "SBI set_timer, no Sstc", NR_ASIDS - 2n);

  set_proc_verbose(bench == 0n);
  free_area_snapshot();
  const free_before = nr_free_pages();
  const init = alloc_task("init");
  const prog = find_user_program(bench != 0n ? sym("user_program_name_bench") : sym("user_program_name_init"));
  if (init === NULL || prog === NULL || exec_task(init, prog, bench) != 0n) {
    printk("processes: cannot start init\n");
    check(false, "init started");
    return;
  }
  init.parent = init_task;
  set_child_reaper(init);
  // rdtime in U-mode (the bench program reads it).
  csrs("scounteren", SCOUNTEREN_TM);
  printk("processes: %s is pid %lu; %lu pages free before it started\n", prog.name, init.pid, free_before);
  wake_up_process(init);

  const t0 = csrr("time");
  timer_start(fdt_has_sstc());
  let deadlock = false;
  while (!list_empty(task_list)) {
    while (true) {
      const [pid, status] = reap_child(init_task);
      if (pid == 0n || pid == 0xffffffffffffffffn) break;
      printk("idle: reaped pid %lu, status %lu\n", pid, status);
    }
    if (list_empty(task_list)) break;
    if (runqueue_empty()) { deadlock = true; break; }
    schedule();
  }
  timer_stop();
  const ticks = csrr("time") - t0;
  check(!deadlock, "no process left blocked with nothing runnable");

  printk("processes: all exited after %lu ticks: %lu forks, %lu execs, %lu exits, %lu system calls, %lu context switches, %lu timer preemptions\n",
    ticks, fork_count(), exec_count(), exit_count(), syscall_count(), context_switches(), timer_ticks());
  printk("faults: %lu demand-zero, %lu COW copy, %lu COW reuse, %lu stack growth, %lu killed, %lu spurious\n",
    faults_demand_zero(), faults_cow_copy(), faults_cow_reuse(), faults_stack_grow(), faults_killed(), faults_spurious());
  printk("fork: %lu pages shared copy-on-write, %lu of them copied on a write, %lu written in place (last holder)\n",
    fork_shared_pages(), faults_cow_copy(), faults_cow_reuse());
  printk("vma: %lu merges, %lu splits; find_vma cache %lu hits, %lu misses\n", vma_merge_count(), vma_split_count(), vma_cache_hits(), vma_cache_misses());
  printk("asid: %lu assigned, %lu rollovers (one full TLB flush each), %lu satp switches without a flush\n",
    asid_assigned(), asid_rollovers(), satp_switches() - asid_rollovers());

  // Leak check: no object left in the process caches, their empty slabs shrunk back to the buddy
  // allocator, and the free lists exactly as before init.
  const objs = task_cache().active_objs + mm_cache().active_objs + vma_cache().active_objs;
  const slabs = kmem_cache_shrink(task_cache()) + kmem_cache_shrink(mm_cache()) + kmem_cache_shrink(vma_cache());
  const diff = free_area_diff();
  printk("leak check: %lu task_struct/mm_struct/vm_area_struct objects left, %lu empty slabs shrunk, %lu page tables freed at exit; %lu pages free (%lu before init); buddy free lists %s\n",
    objs, slabs, exit_tables_freed(), nr_free_pages(), free_before, diff == 0n ? "identical to before the first process" : "DIFFERENT from before the first process");
  check(objs == 0n, "every task_struct, mm_struct and vm_area_struct freed");
  check(diff == 0n && nr_free_pages() == free_before, "buddy free lists identical after the last process exited");
  if (bench == 0n) check(faults_killed() == 3n, "the three faulting processes killed, and only they");
}
