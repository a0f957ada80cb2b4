// The user runtime: system-call wrappers (ecall with a7 = the number, as Linux's RISC-V ABI) and a
// line-buffered printk, so a user program prints with the same checked formats as the kernel. Every
// user program links this and crt0.ts; nothing here runs in S-mode.

import { type u64, ecall, ecall_value, store8, staticBuffer, str } from '../runtime/intrinsics.js';
import { printk_set_output } from '../lib/printk.js';
import {
  __NR_write, __NR_exit, __NR_sched_yield, __NR_getpid, __NR_brk, __NR_munmap, __NR_clone, __NR_execve,
  __NR_mmap, __NR_mprotect, __NR_wait4, __NR_meminfo,
} from '../lib/unistd.js';

export function write(fd: u64, buf: u64, len: u64): u64 { return ecall(__NR_write, 0n, fd, buf, len); }
export function exit(status: u64): void { ecall(__NR_exit, 0n, status); }
export function sched_yield(): u64 { return ecall(__NR_sched_yield, 0n); }
export function getpid(): u64 { return ecall(__NR_getpid, 0n); }
export function brk(addr: u64): u64 { return ecall(__NR_brk, 0n, addr); }
export function munmap(addr: u64, len: u64): u64 { return ecall(__NR_munmap, 0n, addr, len); }
export function fork(): u64 { return ecall(__NR_clone, 0n); }
export function execve(name: string, arg: u64): u64 { return ecall(__NR_execve, 0n, str(name), arg); }
export function mmap(addr: u64, len: u64, prot: u64, flags: u64): u64 { return ecall(__NR_mmap, 0n, addr, len, prot, flags, 0xffffffffffffffffn, 0n); }
export function mprotect(addr: u64, len: u64, prot: u64): u64 { return ecall(__NR_mprotect, 0n, addr, len, prot); }
/** wait4(-1): [pid, exit status] of a child that exited (pid negative: no child). */
export function wait(): [u64, u64] {
  const pid = ecall(__NR_wait4, 0n, 0xffffffffffffffffn);
  return [pid, ecall_value()];
}
export function meminfo(): u64 { return ecall(__NR_meminfo, 0n); }

/** sbrk on top of brk, as libc's: returns the old break. */
export function sbrk(increment: u64): u64 {
  const old = brk(0n);
  const now = brk(old + increment);
  return now == old + increment ? old : 0xffffffffffffffffn;
}

const LINE = 256n;
const line = staticBuffer(LINE, 8n);
let line_len: u64 = 0n;

/** printk's output: a line at a time through write(1), so lines of processes never interleave. */
function uputc(c: u64): void {
  store8(line + line_len, c);
  line_len++;
  if (c == 10n || line_len == LINE) { write(1n, line, line_len); line_len = 0n; }
}

/** Called by _start before main. */
export function ulib_init(): void {
  line_len = 0n;
  printk_set_output(uputc);
}
