// Traps from U-mode (uentry in proc_entry.ts calls do_user_trap with the saved registers): system
// calls, page faults resolved from the VMAs, the timer's preemption; anything a process cannot be
// allowed to do ends that process with a one-line report — never the kernel.

import { type u64, csrr, struct_at } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { pt_regs } from '../lib/ptrace.js';
import { get_current, scheduler_tick } from './sched.js';
import { do_syscall } from './syscall.js';
import { do_page_fault, count_kill } from './fault.js';
import { do_exit } from './exit.js';
import { FAULT_FLAG_READ, FAULT_FLAG_WRITE, FAULT_FLAG_INSTRUCTION } from './memory.js';
import { trap_cause_name, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT } from './trap.js';

const INTERRUPT_BIT = 0x8000000000000000n;
const IRQ_S_TIMER = 5n;
const CAUSE_USER_ECALL = 8n;
/** The exit status of a killed process: 128 + SIGSEGV, as a shell reports it. */
export const KILLED_STATUS = 139n;

export function do_user_trap(regs_addr: u64): void {
  const regs = struct_at(pt_regs, regs_addr);
  const scause = csrr("scause");
  const stval = csrr("stval");
  const t = get_current();
  if ((scause & INTERRUPT_BIT) != 0n) {
    if ((scause & 0xffn) == IRQ_S_TIMER) { scheduler_tick(); return; }
    printk("kernel: unexpected interrupt %#lx from U-mode (pid %lu)\n", scause, t.pid);
    return;
  }
  if (scause == CAUSE_USER_ECALL) { do_syscall(regs); return; }
  if (scause == CAUSE_LOAD_PAGE_FAULT || scause == CAUSE_STORE_PAGE_FAULT || scause == CAUSE_FETCH_PAGE_FAULT) {
    const flags = scause == CAUSE_STORE_PAGE_FAULT ? FAULT_FLAG_WRITE : scause == CAUSE_FETCH_PAGE_FAULT ? FAULT_FLAG_INSTRUCTION : FAULT_FLAG_READ;
    if (do_page_fault(t, t.mm, stval, flags, trap_cause_name(scause), true) == 0n) return;
  } else {
    printk("kernel: killed pid %lu (%s): %s at pc %#lx, stval %#lx\n", t.pid, t.comm, trap_cause_name(scause), regs.epc, stval);
  }
  count_kill();
  do_exit(KILLED_STATUS);
}
