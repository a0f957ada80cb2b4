// S-mode traps: page faults in lazy areas are served (allocate, zero, map, fence, return); the
// access fault of probe_read64 is recorded and skipped; the timer and software interrupts used by
// the SBI demonstrations are acknowledged; anything else is reported with scause, stval, sepc (and
// the vm area, if any) and ends the run through SBI with a failure code.

import { type u64, csrr, csrw, csrc, sym, NULL } from '../runtime/intrinsics.js';
import { handle_lazy_fault, find_vm_area, FAULT_HANDLED, FAULT_NO_AREA, FAULT_NO_MEMORY } from './vma.js';
import { printk } from '../lib/printk.js';
import { sbi_set_timer, sbi_system_reset, SRST_SHUTDOWN, SRST_REASON_FAILURE } from './sbi.js';

export const CAUSE_FETCH_ACCESS = 1n;
export const CAUSE_LOAD_ACCESS = 5n;
export const CAUSE_STORE_ACCESS = 7n;
export const CAUSE_FETCH_PAGE_FAULT = 12n;
export const CAUSE_LOAD_PAGE_FAULT = 13n;
export const CAUSE_STORE_PAGE_FAULT = 15n;
const INTERRUPT_BIT = 0x8000000000000000n;
const IRQ_S_SOFT = 1n;
const IRQ_S_TIMER = 5n;
const SIP_SSIP = 0x2n;

let probe_cause: u64 = 0n;
let probe_tval: u64 = 0n;
let timer_irqs: u64 = 0n;
/** Traps being handled: a second one inside the handler means the handler itself faulted. */
let trap_depth: u64 = 0n;
let soft_irqs: u64 = 0n;

export function probe_last_cause(): u64 { return probe_cause; }
export function probe_last_tval(): u64 { return probe_tval; }
export function probe_reset(): void { probe_cause = 0n; probe_tval = 0n; }
export function timer_irq_count(): u64 { return timer_irqs; }
export function soft_irq_count(): u64 { return soft_irqs; }

function cause_name(scause: u64): string {
  if (scause == 0n) return "instruction address misaligned";
  if (scause == CAUSE_FETCH_ACCESS) return "instruction access fault";
  if (scause == 2n) return "illegal instruction";
  if (scause == 3n) return "breakpoint";
  if (scause == 4n) return "load address misaligned";
  if (scause == CAUSE_LOAD_ACCESS) return "load access fault";
  if (scause == 6n) return "store/AMO address misaligned";
  if (scause == CAUSE_STORE_ACCESS) return "store/AMO access fault";
  if (scause == 8n) return "environment call from U-mode";
  if (scause == CAUSE_FETCH_PAGE_FAULT) return "instruction page fault";
  if (scause == CAUSE_LOAD_PAGE_FAULT) return "load page fault";
  if (scause == CAUSE_STORE_PAGE_FAULT) return "store/AMO page fault";
  return "unknown cause";
}
export function trap_cause_name(scause: u64): string { return cause_name(scause); }

function fatal(scause: u64, stval: u64, sepc: u64, why: string): void {
  printk("kernel: unexpected trap: scause %#lx (%s) stval %#lx sepc %#lx", scause, cause_name(scause), stval, sepc);
  const vma = find_vm_area(stval);
  if (vma !== NULL) printk(" in vm area %#lx..%#lx", vma.vm_start, vma.vm_end);
  else if (scause == CAUSE_LOAD_PAGE_FAULT || scause == CAUSE_STORE_PAGE_FAULT) printk(" (in no vm area)");
  printk(": %s\n", why);
  sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_FAILURE);
  while (true) { /* SRST does not return */ }
}

/** Called by kernel_trap_entry with the saved registers (x[i] at regs + 8i). */
export function handle_trap(regs: u64): void {
  trap_depth = trap_depth + 1n;
  if (trap_depth > 1n) {
    // No printing: the console itself may be what faults. Stop with the failure code.
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_FAILURE);
  }
  dispatch(regs);
  trap_depth = trap_depth - 1n;
}

function dispatch(regs: u64): void {
  const scause = csrr("scause");
  const stval = csrr("stval");
  const sepc = csrr("sepc");
  if ((scause & INTERRUPT_BIT) != 0n) {
    const irq = scause & 0xffn;
    if (irq == IRQ_S_TIMER) { timer_irqs = timer_irqs + 1n; sbi_set_timer(0xffffffffffffffffn); return; }
    if (irq == IRQ_S_SOFT) { soft_irqs = soft_irqs + 1n; csrc("sip", SIP_SSIP); return; }
    fatal(scause, stval, sepc, "interrupt not expected");
    return;
  }
  if (scause == CAUSE_LOAD_PAGE_FAULT || scause == CAUSE_STORE_PAGE_FAULT) {
    const r = handle_lazy_fault(stval, scause == CAUSE_STORE_PAGE_FAULT ? 1n : 0n);
    if (r == FAULT_HANDLED) return;
    if (r == FAULT_NO_AREA) fatal(scause, stval, sepc, "not in any vm area");
    if (r == FAULT_NO_MEMORY) fatal(scause, stval, sepc, "out of frames");
    fatal(scause, stval, sepc, "permission fault");
    return;
  }
  if ((scause == CAUSE_LOAD_ACCESS || scause == CAUSE_STORE_ACCESS) && sepc == sym("probe_read64_insn")) {
    probe_cause = scause;
    probe_tval = stval;
    csrw("sepc", sym("probe_read64_fixup"));
    return;
  }
  fatal(scause, stval, sepc, "no handler");
}
