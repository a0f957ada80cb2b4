// ASIDs for processes, after Linux's arch/riscv/mm/context.c: an mm keeps its ASID for as long as
// the ASID's generation is current, so switching satp between processes needs no TLB flush; when the
// ASIDs run out the generation advances, the whole TLB is flushed once, and every mm takes a new
// ASID the next time it runs. NR_ASIDS is deliberately small (the hart has 16 bits) so that a short
// run shows a rollover.

import { type u64, csrw, sfence_vma } from '../runtime/intrinsics.js';
import { mm_struct } from './mm_types.js';
import { satp_mode } from './pgtable.js';
import { KERNEL_ASID } from './layout.js';

export const NR_ASIDS = 16n;
export const FIRST_USER_ASID = KERNEL_ASID + 1n;
const ASID_BITS = 16n;
const ASID_MASK = 0xffffn;

let asid_generation: u64 = 1n << ASID_BITS;
let next_asid: u64 = FIRST_USER_ASID;
let nr_rollovers: u64 = 0n;
let nr_assigned: u64 = 0n;
let nr_switches: u64 = 0n;

export function asid_rollovers(): u64 { return nr_rollovers; }
export function asid_assigned(): u64 { return nr_assigned; }
export function satp_switches(): u64 { return nr_switches; }

/** A new ASID for mm in the current generation; a rollover first when none is left. */
function new_context(mm: mm_struct): void {
  if (next_asid >= NR_ASIDS) {
    asid_generation = asid_generation + (1n << ASID_BITS);
    next_asid = FIRST_USER_ASID;
    sfence_vma();                      // every old-generation translation goes, once
    nr_rollovers++;
  }
  mm.context_id = asid_generation | next_asid;
  next_asid++;
  nr_assigned++;
}

/** satp for mm: its root table and its ASID (assigned now if its generation is stale). */
export function switch_mm(mm: mm_struct): void {
  if ((mm.context_id & ~ASID_MASK & 0xffffffffffffffffn) != asid_generation) new_context(mm);
  csrw("satp", (satp_mode() << 60n) | ((mm.context_id & ASID_MASK) << 44n) | (mm.pgd >> 12n));
  nr_switches++;
}

/** The kernel's own table (ASID 1): for the idle task, and before an mm's tables are freed. */
export function switch_to_kernel_mm(pgd: u64): void {
  csrw("satp", (satp_mode() << 60n) | (KERNEL_ASID << 44n) | (pgd >> 12n));
}
