// The end of a task, as Linux's kernel/exit.c: do_exit gives the address space back at once
// (exit_mm → mmput: pages, VMAs, page tables, the mm), hands its children to init, becomes a zombie
// holding only its task_struct and kernel stack, wakes its parent and schedules away for good;
// do_wait (wait4) reaps a zombie child — release_task frees that stack and task_struct.

import { type u64, list_entry, NULL } from '../runtime/intrinsics.js';
import { list_del } from '../lib/list.js';
import { printk } from '../lib/printk.js';
import { proc_verbose, show_maps } from './proc_report.js';
import { task_struct, task_list, init_task, get_current, schedule, wake_up_process, TASK_INTERRUPTIBLE, EXIT_ZOMBIE } from './sched.js';
import { mmput, free_task } from './fork.js';
import { switch_to_kernel_mm } from './asid.js';
import { get_kernel_pgd } from './memory.js';

let child_reaper: task_struct = NULL;
let nr_exits: u64 = 0n;
let tables_freed: u64 = 0n;

/** init: orphans are given to it (the idle task once init itself is gone). */
export function set_child_reaper(t: task_struct): void { child_reaper = t; }
export function exit_count(): u64 { return nr_exits; }
export function exit_tables_freed(): u64 { return tables_freed; }

/** The current task ends with code (status for wait). Never returns. */
export function do_exit(code: u64): void {
  const t = get_current();
  const mm = t.mm;
  if (mm !== NULL) {
    const pages = mm.rss;
    const vmas = mm.map_count;
    // What it held, as /proc/PID/maps showed it last: the transcript's view of every process.
    if (proc_verbose()) { printk("maps of pid %lu (%s) at exit:\n", t.pid, t.comm); show_maps(t); }
    // Off this mm's table before it is freed: the kernel's own (its half is the same in every table).
    switch_to_kernel_mm(get_kernel_pgd());
    t.mm = NULL;
    const tables = mmput(mm);
    tables_freed += tables;
    if (proc_verbose()) printk("exit: pid %lu (%s) status %lu: unmapped %lu pages, freed %lu VMAs and %lu page tables;", t.pid, t.comm, code, pages, vmas, tables);
    if (proc_verbose()) printk(" its faults: %lu demand-zero, %lu COW copy, %lu COW reuse, %lu stack growth\n", t.min_flt, t.cow_copy, t.cow_reuse, t.stack_grow);
  }
  // forget_original_parent: children go to init, or to idle when init is the one exiting.
  const reaper = t === child_reaper ? init_task : child_reaper;
  for (let c = list_entry(task_list.next, task_struct, 'tasks'); c.tasks !== task_list; c = list_entry(c.tasks.next, task_struct, 'tasks')) {
    if (c.parent === t) {
      c.parent = reaper;
      if (proc_verbose()) printk("exit: pid %lu's child %lu (%s) given to pid %lu (%s)\n", t.pid, c.pid, c.comm, reaper.pid, reaper.comm);
      if (c.state == EXIT_ZOMBIE && reaper.state == TASK_INTERRUPTIBLE) wake_up_process(reaper);
    }
  }
  if (t === child_reaper) child_reaper = init_task;
  t.exit_code = code;
  t.state = EXIT_ZOMBIE;
  nr_exits++;
  const parent = t.parent;
  if (parent.state == TASK_INTERRUPTIBLE) wake_up_process(parent);
  schedule();
  while (true) { /* a zombie is never scheduled again */ }
}

/** A zombie child of parent, or NULL; has_children says whether it has any child at all. */
function find_zombie(parent: task_struct): [task_struct, boolean] {
  let any = false;
  for (let c = list_entry(task_list.next, task_struct, 'tasks'); c.tasks !== task_list; c = list_entry(c.tasks.next, task_struct, 'tasks')) {
    if (c.parent !== parent) continue;
    any = true;
    if (c.state == EXIT_ZOMBIE) return [c, true];
  }
  return [NULL, any];
}

/** release_task: the zombie's last resources (its kernel stack is not in use: it switched away). */
export function release_task(t: task_struct): void {
  list_del(t.tasks);
  free_task(t);
}

/** Reaps a zombie child of the current task without blocking: [pid, status], or [0, 0] if none
 *  has exited yet; pid all ones when there is no child at all. */
export function reap_child(parent: task_struct): [u64, u64] {
  const [z, any] = find_zombie(parent);
  if (z === NULL) return [any ? 0n : 0xffffffffffffffffn, 0n];
  const pid = z.pid;
  const code = z.exit_code;
  release_task(z);
  return [pid, code];
}

/** wait4(-1): blocks until a child exits. [pid, status], or pid = -ECHILD when there is no child. */
export function do_wait(): [u64, u64] {
  const t = get_current();
  while (true) {
    const [pid, code] = reap_child(t);
    if (pid != 0n) return [pid == 0xffffffffffffffffn ? 0xfffffffffffffff6n : pid, code];
    t.state = TASK_INTERRUPTIBLE;
    schedule();
  }
  return [0n, 0n];
}
