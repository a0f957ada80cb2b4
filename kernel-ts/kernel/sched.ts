// Tasks and the scheduler, as Linux's include/linux/sched.h and kernel/sched (reduced to one run
// queue, round robin): struct task_struct (pid, state, the saved callee registers, mm, parent, exit
// code, fault counters), the idle task (pid 0: kmain itself, running the kernel's table), and
// schedule(), called on a timer interrupt from U-mode (preemption, Sstc's stimecmp), on yield, and
// when a task blocks in wait or exits. The kernel itself is not preemptible: sstatus.SIE stays 0,
// and S-mode interrupts reach the kernel only from U-mode.

import { u64, embed, ptr, cstr, struct_at, sizeof, addr_of, list_entry, csrr, csrw, csrs, csrc, staticBuffer, NULL } from '../runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add_tail, list_del_init, list_empty } from '../lib/list.js';
import { mm_struct } from './mm_types.js';
import { switch_mm, switch_to_kernel_mm } from './asid.js';
import { __switch_to } from './proc_entry.js';
import { get_kernel_pgd } from './memory.js';
import { sbi_set_timer } from './sbi.js';

export class thread_struct {
  ra = u64; sp = u64;
  s0 = u64; s1 = u64; s2 = u64; s3 = u64; s4 = u64; s5 = u64; s6 = u64; s7 = u64; s8 = u64; s9 = u64; s10 = u64; s11 = u64;
}

export class task_struct {
  thread = embed(thread_struct);         // first: __switch_to is given the task's address
  pid = u64;
  state = u64;
  exit_code = u64;
  mm = ptr(mm_struct);
  parent = ptr(task_struct);
  tasks = embed(list_head);              // on task_list (every task but idle)
  run_list = embed(list_head);           // on the run queue while runnable and not running
  stack = u64;                           // kernel stack (THREAD_SIZE), pt_regs at its top
  comm = cstr;                           // the program it runs
  min_flt = u64;                         // demand-zero faults
  cow_copy = u64;
  cow_reuse = u64;
  stack_grow = u64;
  nvcsw = u64;                           // switches away by yield or blocking
  nivcsw = u64;                          // switches away by the timer (preemption)
  shared_at_fork = u64;                  // pages shared with the parent when it forked this task
}

/** state values (Linux's). */
export const TASK_RUNNING = 0n;
export const TASK_INTERRUPTIBLE = 1n;
export const EXIT_ZOMBIE = 16n;

export const THREAD_ORDER = 2n;          // 16 KiB kernel stacks, as the boot stack
export const THREAD_SIZE = 0x4000n;
/** The time slice, in timer ticks (one per instruction under --time-source insns). */
export const TIME_SLICE = 20000n;
const SIE_STIE = 0x20n;
const SSTATUS_SIE = 0x2n;

export const init_task_buf = staticBuffer(sizeof(task_struct), 8n);
export const task_list_buf = staticBuffer(sizeof(list_head), 8n);
export const runqueue_buf = staticBuffer(sizeof(list_head), 8n);
/** The idle task: kmain's own context. */
export const init_task = struct_at(task_struct, init_task_buf);
/** Every task but idle, in creation order (what `ps` and the debugger's `info proc` walk). */
export const task_list = struct_at(list_head, task_list_buf);
const runqueue = struct_at(list_head, runqueue_buf);

let current: task_struct = NULL;
let nr_switches: u64 = 0n;
let nr_ticks: u64 = 0n;

export function get_current(): task_struct { return current; }
export function context_switches(): u64 { return nr_switches; }
export function timer_ticks(): u64 { return nr_ticks; }

export function sched_init(): void {
  INIT_LIST_HEAD(task_list);
  INIT_LIST_HEAD(runqueue);
  init_task.pid = 0n;
  init_task.state = TASK_RUNNING;
  init_task.mm = NULL;
  init_task.parent = NULL;
  init_task.comm = "swapper";
  INIT_LIST_HEAD(init_task.tasks);
  INIT_LIST_HEAD(init_task.run_list);
  current = init_task;
}

/** The task's saved user registers (struct pt_regs at the top of its kernel stack). */
export function task_pt_regs(t: task_struct): u64 { return t.stack + THREAD_SIZE - 256n; }

/** Makes t runnable (at the tail of the run queue). */
export function wake_up_process(t: task_struct): void {
  t.state = TASK_RUNNING;
  if (t !== current && list_empty(t.run_list)) list_add_tail(t.run_list, runqueue);
}

export function runqueue_empty(): boolean { return list_empty(runqueue); }

/** Round robin: the running task goes to the tail if still runnable; the head runs next, or idle. */
export function schedule(): void {
  const prev = current;
  if (prev !== init_task && prev.state == TASK_RUNNING && list_empty(prev.run_list)) list_add_tail(prev.run_list, runqueue);
  let next = init_task;
  if (!list_empty(runqueue)) {
    next = list_entry(runqueue.next, task_struct, 'run_list');
    list_del_init(next.run_list);
  }
  if (next === prev) return;
  nr_switches++;
  if (next.mm !== NULL) switch_mm(next.mm);
  else switch_to_kernel_mm(get_kernel_pgd());
  current = next;
  __switch_to(addr_of(prev), addr_of(next));
}

let have_sstc: u64 = 0n;
export function sched_has_sstc(): u64 { return have_sstc; }

/** The S-mode timer's next event: stimecmp itself with Sstc, else SBI set_timer (the firmware's
 *  mtimecmp, forwarded as STIP). Either way writing it clears a pending STIP. */
function set_next_event(when: u64): void {
  if (have_sstc != 0n) csrw("stimecmp", when);
  else sbi_set_timer(when);
}

/** Preemption on: the S-mode timer interrupts U-mode every TIME_SLICE ticks. */
export function timer_start(sstc: u64): void {
  have_sstc = sstc;
  csrc("sstatus", SSTATUS_SIE);
  set_next_event(csrr("time") + TIME_SLICE);
  csrs("sie", SIE_STIE);
}
export function timer_stop(): void {
  csrc("sie", SIE_STIE);
  set_next_event(0xffffffffffffffffn);
}
/** The timer interrupt: the next slice programmed (which clears STIP), then someone else's turn. */
export function scheduler_tick(): void {
  nr_ticks++;
  set_next_event(csrr("time") + TIME_SLICE);
  current.nivcsw++;
  schedule();
}
