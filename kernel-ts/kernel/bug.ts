// BUG_ON for the memory-management code. kernel-ts has no exceptions, so a broken invariant is
// recorded (count, first reason, first address) and the caller returns; the kernel's self-check
// reports it and the run ends with a failure code. Natively, tests read the same record.

import type { u64 } from '../runtime/intrinsics.js';

/** Reasons, numbered so the transcript can name them (bug_name). */
export const BUG_MISALIGNED_PHYS = 1n;     // (phys ^ virt) & ~PAGE_MASK != 0
export const BUG_PGTABLE_ALLOC = 2n;       // alloc_pgtable returned 0
export const BUG_SECT_UNDER_TABLE = 3n;    // a table was needed where a block mapping is
export const BUG_BAD_TABLE = 4n;           // a non-leaf entry that is not a valid pointer
export const BUG_UNSAFE_CHANGE = 5n;       // a live entry changed other than in its permissions
export const BUG_FRAME = 6n;               // frame allocator misuse (double free, foreign frame)

let nr_bugs: u64 = 0n;
let first_reason: u64 = 0n;
let first_addr: u64 = 0n;

export function bug(reason: u64, addr: u64): void {
  if (nr_bugs == 0n) {
    first_reason = reason;
    first_addr = addr;
  }
  nr_bugs = nr_bugs + 1n;
}

export function bug_count(): u64 { return nr_bugs; }
export function bug_first_reason(): u64 { return first_reason; }
export function bug_first_addr(): u64 { return first_addr; }

export function bug_reset(): void {
  nr_bugs = 0n;
  first_reason = 0n;
  first_addr = 0n;
}
