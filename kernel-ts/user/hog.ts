// hog: the memory-hungry child. main(1): the heap grows by sbrk (demand-zero pages) and shrinks by
// brk, and a deep recursion grows the stack; main(2): a 64 MiB anonymous mmap touched once per MiB,
// split by mprotect and munmap and merged again; main(3): a fork tree of four processes writing the
// same heap pages (copy-on-write: three copies and one reuse per page).

import { type u64, load64, store64, slt, staticBuffer } from '../runtime/intrinsics.js';
import { printk } from '../lib/printk.js';
import { getpid, sbrk, brk, mmap, munmap, mprotect, fork, wait, meminfo, exit } from './ulib.js';
import { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS } from '../lib/unistd.js';

const PAGE = 4096n;
const MB = 0x100000n;

/** Writes seed + i at the start of each page i. */
function fill(addr: u64, pages: u64, stride: u64, seed: u64): void {
  for (let i = 0n; i < pages; i++) store64(addr + i * stride, seed + i);
}
/** How many pages do not hold what fill wrote. */
function check(addr: u64, pages: u64, stride: u64, seed: u64): u64 {
  let bad = 0n;
  for (let i = 0n; i < pages; i++) if (load64(addr + i * stride) != seed + i) bad++;
  return bad;
}

function recurse(n: u64): u64 {
  if (n == 0n) return 0n;
  return recurse(n - 1n) + 1n;
}

/** 16 pages of bss: a VMA of its own, demand-zero like the heap. */
const table = staticBuffer(16n * PAGE, 8n);

function heap_phase(pid: u64): u64 {
  let zeros = 0n;
  for (let i = 0n; i < 16n; i++) if (load64(table + i * PAGE + 8n) == 0n) zeros++;
  fill(table, 16n, PAGE, 0x9000n);
  printk("hog[%lu]: bss %#lx: 16 pages read as zeros (%lu) and written: %lu wrong\n", pid, table, zeros, check(table, 16n, PAGE, 0x9000n));
  const start = sbrk(0n);
  for (let i = 0n; i < 8n; i++) {
    const p = sbrk(8n * PAGE);
    fill(p, 8n, PAGE, 0x1000n * i);
  }
  let bad = 0n;
  for (let i = 0n; i < 8n; i++) bad += check(start + i * 8n * PAGE, 8n, PAGE, 0x1000n * i);
  printk("hog[%lu]: heap grew %#lx..%#lx by sbrk, 64 pages touched, %lu wrong\n", pid, start, sbrk(0n), bad);
  const depth = recurse(1500n);
  printk("hog[%lu]: recursion %lu deep: the stack grew\n", pid, depth);
  meminfo();
  brk(start + 16n * PAGE);
  printk("hog[%lu]: brk back to %#lx: 48 pages given back\n", pid, sbrk(0n));
  return bad;
}

function mmap_phase(pid: u64): u64 {
  const len = 64n * MB;
  const a = mmap(0n, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  fill(a, 64n, MB, 0x5000n);
  let bad = check(a, 64n, MB, 0x5000n);
  printk("hog[%lu]: mmap 64 MiB at %#lx, one page per MiB touched (64), %lu wrong\n", pid, a, bad);
  mprotect(a + 16n * MB, 16n * MB, PROT_READ);
  munmap(a + 40n * MB, 8n * MB);
  printk("hog[%lu]: mprotect(+16M, 16M, R) and munmap(+40M, 8M) split it:\n", pid);
  meminfo();
  bad += check(a, 40n, MB, 0x5000n);
  mprotect(a + 16n * MB, 16n * MB, PROT_READ | PROT_WRITE);
  printk("hog[%lu]: mprotect(+16M, 16M, RW) merged it again:\n", pid);
  meminfo();
  munmap(a, len);
  const b = mmap(0n, 4n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  const c = mmap(0n, 4n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  printk("hog[%lu]: two mmaps of 16 KiB at %#lx and %#lx: adjacent, one VMA\n", pid, b, c);
  meminfo();
  return bad;
}

function cow_phase(pid: u64): u64 {
  const pages = 32n;
  const buf = sbrk(pages * PAGE);
  fill(buf, pages, PAGE, 0x7000n);
  const left = fork();
  const right = fork();
  const rank = (left == 0n ? 2n : 0n) + (right == 0n ? 1n : 0n);
  // Each of the four writes every page: the first three writers of a page copy it, the last reuses it.
  let bad = check(buf, pages, PAGE, 0x7000n);
  fill(buf, pages, PAGE, 0x10000n * (rank + 1n));
  bad += check(buf, pages, PAGE, 0x10000n * (rank + 1n));
  printk("hog[%lu]: fork tree rank %lu wrote its 32 shared pages, %lu wrong\n", getpid(), rank, bad);
  if (right == 0n) exit(bad);
  const [, status1] = wait();
  bad += status1;
  if (left == 0n) exit(bad);
  const [, status2] = wait();
  return bad + status2;
}

export function main(arg: u64): u64 {
  const pid = getpid();
  printk("hog[%lu]: phase %lu\n", pid, arg);
  let bad = 0n;
  if (arg == 1n) bad = heap_phase(pid);
  else if (arg == 2n) bad = mmap_phase(pid);
  else if (arg == 3n) bad = cow_phase(pid);
  if (slt(0n, bad)) printk("hog[%lu]: %lu WRONG\n", pid, bad);
  return bad;
}
