// execer: replaces itself with hello through execve (same pid, a new address space).

import { type u64 } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { getpid, execve } from './ulib.js';

export function main(arg: u64): u64 {
  printk("execer[%lu]: execve(\"hello\", 42)\n", getpid());
  execve("hello", 42n);
  printk("execer: execve returned\n");
  return 1n;
}
