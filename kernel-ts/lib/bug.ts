// BUG_ON(cond) and assert(cond) (runtime/intrinsics.ts) compile to a branch around a call of __bug
// with the place of the check — "BUG at kernel-ts/kernel/frame.ts:97" — as Linux prints "kernel BUG
// at mm/page_alloc.c:123!". kernel-ts has no exceptions: the report is counted and the code goes on,
// so the kernel's self-check can fail the run. The compiler links this module when either is used.
import { type u64 } from '../runtime/intrinsics.js';
import { printk } from './printk.js';

let reports: u64 = 0n;

export function __bug(file: string, line: u64): void {
  reports++;
  printk("BUG at %s:%d\n", file, line);
}

/** How many BUG_ON/assert checks have failed. */
export function bug_reports(): u64 { return reports; }
