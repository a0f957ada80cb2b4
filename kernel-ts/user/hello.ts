// hello: run by execer's execve; prints its pid (execer's) and the argument, and its maps; then forks
// a child that yields a few times and outlives it — an orphan, given to init, which reaps it.

import { type u64 } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { getpid, meminfo, fork, sched_yield } from './ulib.js';

export function main(arg: u64): u64 {
  printk("hello[%lu]: argument %lu, running in the address space execve built\n", getpid(), arg);
  meminfo();
  const child = fork();
  if (child == 0n) {
    for (let i = 0n; i < 4n; i++) sched_yield();
    printk("hello[%lu]: the child, still running after its parent exited\n", getpid());
    return 0n;
  }
  printk("hello[%lu]: forked %lu, exiting without waiting for it\n", getpid(), child);
  return 0n;
}
