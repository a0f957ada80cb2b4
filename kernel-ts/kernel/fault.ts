// The user page-fault path's bookkeeping: every fault a process takes (from U-mode, or from the
// kernel touching user memory on its behalf) goes through do_page_fault, which asks handle_mm_fault
// and counts the answer by kind, per task and in total, for the transcript; a fault that cannot be
// resolved is reported in one line (pid, address, cause, the VMA or "no VMA") and kills the process.

import { type u64, NULL } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { mm_struct, vm_area_struct, VM_READ, VM_WRITE, VM_EXEC } from './mm_types.js';
import {
  handle_mm_fault, fault_grew_stack, fault_vma, VM_FAULT_DEMAND_ZERO, VM_FAULT_COW_COPY, VM_FAULT_COW_REUSE,
  VM_FAULT_NO_VMA, VM_FAULT_ACCESS, VM_FAULT_STACK_LIMIT, VM_FAULT_OOM,
} from './memory.js';
import { task_struct } from './sched.js';

let nr_demand_zero: u64 = 0n;
let nr_cow_copy: u64 = 0n;
let nr_cow_reuse: u64 = 0n;
let nr_stack_grow: u64 = 0n;
let nr_killed: u64 = 0n;
let nr_spurious: u64 = 0n;

export function faults_demand_zero(): u64 { return nr_demand_zero; }
export function faults_cow_copy(): u64 { return nr_cow_copy; }
export function faults_cow_reuse(): u64 { return nr_cow_reuse; }
export function faults_stack_grow(): u64 { return nr_stack_grow; }
export function faults_killed(): u64 { return nr_killed; }
export function faults_spurious(): u64 { return nr_spurious; }
export function count_kill(): void { nr_killed++; }

function fault_reason(r: u64): string {
  if (r == VM_FAULT_ACCESS) return "not allowed by";
  if (r == VM_FAULT_STACK_LIMIT) return "below the stack's limit,";
  return "out of memory in";
}

/** One VMA as /proc/PID/maps prints its range and permissions. */
export function print_vma_brief(v: vm_area_struct): void {
  printk("%lx-%lx %c%c%cp", v.vm_start, v.vm_end, (v.vm_flags & VM_READ) != 0n ? 0x72n : 0x2dn,
    (v.vm_flags & VM_WRITE) != 0n ? 0x77n : 0x2dn, (v.vm_flags & VM_EXEC) != 0n ? 0x78n : 0x2dn);
}

/** The fault at addr for t (its mm): 0 when resolved, 1 when the access cannot be allowed — then, if
 *  report (a fault from U-mode, which kills), the one-line report; `what` names the access. */
export function do_page_fault(t: task_struct, mm: mm_struct, addr: u64, flags: u64, what: string, report: boolean): u64 {
  const r = handle_mm_fault(mm, addr, flags);
  if (fault_grew_stack() != 0n) { nr_stack_grow++; t.stack_grow++; }
  if (r == VM_FAULT_DEMAND_ZERO) { nr_demand_zero++; t.min_flt++; return 0n; }
  if (r == VM_FAULT_COW_COPY) { nr_cow_copy++; t.cow_copy++; return 0n; }
  if (r == VM_FAULT_COW_REUSE) { nr_cow_reuse++; t.cow_reuse++; return 0n; }
  if (r < VM_FAULT_NO_VMA) { nr_spurious++; return 0n; }
  if (!report) return 1n;
  printk("kernel: killed pid %lu (%s): %s at %#lx: ", t.pid, t.comm, what, addr);
  const v = fault_vma();
  if (v === NULL || r == VM_FAULT_NO_VMA) printk("no VMA\n");
  else { printk("%s VMA ", fault_reason(r)); print_vma_brief(v); printk("\n"); }
  return 1n;
}

/** For the report when the kernel kills for another reason. */
export function fault_oom(): u64 { return VM_FAULT_OOM; }
