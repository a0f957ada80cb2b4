// Every claim the transcript makes is also a self-check; the run passes only if all of them did.

import { type u64 } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';

let passed: u64 = 0n;
let failed: u64 = 0n;

/** Records one check; a failure prints "SELF-CHECK FAILED: <what>". Returns ok. */
export function check(ok: boolean, what: string): boolean {
  if (ok) { passed = passed + 1n; return true; }
  failed = failed + 1n;
  printk("SELF-CHECK FAILED: %s\n", what);
  return false;
}

export function checks_passed(): u64 { return passed; }
export function checks_failed(): u64 { return failed; }
