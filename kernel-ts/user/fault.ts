// fault: faults on purpose, so the kernel can show it kills the process and not itself.
// main(1): a load from 0x1000 (no VMA); main(2): a store into its own text (a VMA without write);
// main(3): recursion without end (the stack VMA grows to its limit, then the fault is below it).

import { type u64, load64, store64, sym } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { getpid } from './ulib.js';

function deeper(n: u64): u64 {
  return deeper(n + 1n) + 1n;
}

export function main(arg: u64): u64 {
  printk("fault[%lu]: kind %lu\n", getpid(), arg);
  if (arg == 1n) return load64(0x1000n);
  if (arg == 2n) store64(sym("_start"), 0n);
  if (arg == 3n) return deeper(0n);
  printk("fault[%lu]: still alive\n", getpid());
  return 1n;
}
