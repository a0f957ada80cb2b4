// init (pid 1): forks the children that exercise the kernel's memory management, each running an
// embedded program through execve, then reaps every child (orphans included) and exits last.

import { type u64, slt } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { getpid, fork, execve, exit, wait } from './ulib.js';

function spawn(name: string, arg: u64): u64 {
  const pid = fork();
  if (pid == 0n) {
    execve(name, arg);
    printk("init: execve %s failed\n", name);
    exit(127n);
  }
  return pid;
}

export function main(arg: u64): u64 {
  printk("init: pid %lu, starting the children\n", getpid());
  spawn("hog", 1n);           // heap growth and stack growth
  spawn("hog", 2n);           // a big mmap touched sparsely, split by mprotect/munmap, merged
  spawn("hog", 3n);           // a copy-on-write fork tree
  spawn("fault", 1n);         // a load outside every VMA
  spawn("fault", 2n);         // a store into its own text
  spawn("fault", 3n);         // unbounded recursion: the stack reaches its limit
  spawn("execer", 0n);        // execs hello
  let n = 0n;
  while (true) {
    const [pid, status] = wait();
    if (slt(pid, 0n)) break;
    printk("init: child %lu exited, status %lu\n", pid, status);
    n++;
  }
  printk("init: %lu children reaped, exiting\n", n);
  return 0n;
}
