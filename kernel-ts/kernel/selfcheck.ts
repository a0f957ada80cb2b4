// Every claim the transcript makes is also a self-check; the run passes only if all of them did.

import { type u64, str } from '../runtime/intrinsics.js';
import { puts, nl } from './console.js';

let passed: u64 = 0n;
let failed: u64 = 0n;

/** Records one check; a failure prints "SELF-CHECK FAILED: <what>". Returns ok. */
export function check(ok: u64, what: u64): u64 {
  if (ok != 0n) { passed = passed + 1n; return 1n; }
  failed = failed + 1n;
  puts(str("SELF-CHECK FAILED: "));
  puts(what);
  nl();
  return 0n;
}

export function checks_passed(): u64 { return passed; }
export function checks_failed(): u64 { return failed; }
