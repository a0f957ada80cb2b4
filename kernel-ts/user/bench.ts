// bench: run as pid 1 instead of init when the kernel's command line says proc-bench=N (for
// tests/bench/kernel-proc.ts). Times, with the time CSR (one tick per retired instruction under
// rvhart's default --time-source insns, so ticks are guest instructions, kernel and user alike):
// N fork+exit+wait round trips, N demand-zero faults, N copy-on-write copies (in a child, every
// page still shared) and N copy-on-write reuses (in the parent, once the child is gone).

import { type u64, csrr, store64 } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { fork, exit, wait, mmap, munmap } from './ulib.js';
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS } from '../lib/unistd.js';

const PAGE = 4096n;

function touch(a: u64, n: u64, v: u64): u64 {
  const t0 = csrr("time");
  for (let i = 0n; i < n; i++) store64(a + i * PAGE, v + i);
  return csrr("time") - t0;
}

export function main(n: u64): u64 {
  if (n == 0n) n = 16n;
  let t0 = csrr("time");
  for (let i = 0n; i < n; i++) {
    if (fork() == 0n) exit(0n);
    wait();
  }
  const round_trip = (csrr("time") - t0) / n;
  printk("proc-bench: fork+exit+wait %lu instructions per round trip (%lu rounds)\n", round_trip, n);

  const a = mmap(0n, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  printk("proc-bench: demand-zero fault %lu instructions per page (%lu pages)\n", touch(a, n, 1n) / n, n);
  if (fork() == 0n) {
    printk("proc-bench: COW copy fault %lu instructions per page (%lu pages)\n", touch(a, n, 2n) / n, n);
    exit(0n);
  }
  wait();
  printk("proc-bench: COW reuse fault %lu instructions per page (%lu pages)\n", touch(a, n, 3n) / n, n);
  munmap(a, n * PAGE);
  return 0n;
}
