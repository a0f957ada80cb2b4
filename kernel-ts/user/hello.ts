// hello: run by execer's execve; prints its pid (execer's) and the argument, and its maps.

import { type u64 } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { getpid, meminfo } from './ulib.js';

export function main(arg: u64): u64 {
  printk("hello[%lu]: argument %lu, running in the address space execve built\n", getpid(), arg);
  meminfo();
  return 0n;
}
