// System calls from U-mode (ecall, scause 8), as Linux's RISC-V ABI: a7 = number (lib/unistd.ts),
// a0..a5 = arguments, a0 = result or -errno (wait4 gives the status in a1). sepc moves past the
// ecall first, so a forked child and a rescheduled caller both resume after it.

import { type u64, struct_at, NULL } from '../runtime/intrinsics.js';
import { pt_regs } from '../lib/ptrace.js';
import {
  __NR_write, __NR_exit, __NR_sched_yield, __NR_getpid, __NR_brk, __NR_munmap, __NR_clone, __NR_execve,
  __NR_mmap, __NR_mprotect, __NR_wait4, __NR_meminfo, ENOENT, ENOMEM, EFAULT, ENOSYS,
} from '../lib/unistd.js';
import { load8, staticBuffer, store8 } from '../runtime/intrinsics.js';
import { get_current, schedule } from './sched.js';
import { do_brk, do_mmap, do_munmap, do_mprotect, neg } from './mmap.js';
import { do_fork, fork_last_shared } from './fork.js';
import { printk } from '../lib/printk.js';
import { exec_task, find_user_program } from './exec.js';
import { do_exit, do_wait } from './exit.js';
import { user_to_phys, BAD_ADDR } from './uaccess.js';
import { show_meminfo, proc_verbose } from './proc_report.js';
import { putc } from './console.js';

const NAME_MAX = 32n;
const name_buf = staticBuffer(NAME_MAX, 8n);
let nr_syscalls: u64 = 0n;
export function syscall_count(): u64 { return nr_syscalls; }

/** write(fd, buf, len) to the console (every fd is the console). */
function sys_write(buf: u64, len: u64): u64 {
  for (let i = 0n; i < len; i++) {
    const pa = user_to_phys(buf + i, false);
    if (pa == BAD_ADDR) return neg(EFAULT);
    putc(load8(pa));
  }
  return len;
}

/** execve(name, arg): the name copied in (at most NAME_MAX bytes), the program looked up. */
function sys_execve(name: u64, arg: u64): u64 {
  let i = 0n;
  while (true) {
    if (i == NAME_MAX) return neg(ENOENT);
    const pa = user_to_phys(name + i, false);
    if (pa == BAD_ADDR) return neg(EFAULT);
    const c = load8(pa);
    store8(name_buf + i, c);
    if (c == 0n) break;
    i++;
  }
  const prog = find_user_program(name_buf);
  if (prog === NULL) return neg(ENOENT);
  const t = get_current();
  if (exec_task(t, prog, arg) != 0n) return neg(ENOMEM);
  if (proc_verbose()) printk("execve: pid %lu runs %s(%lu): %lu VMAs, %lu pages copied from the image\n", t.pid, prog.name, arg, t.mm.map_count, t.mm.rss);
  return arg;                            // becomes a0: main's argument in the new program
}

export function do_syscall(regs: pt_regs): void {
  regs.epc = regs.epc + 4n;
  nr_syscalls++;
  const t = get_current();
  const nr = regs.a7;
  let ret = neg(ENOSYS);
  if (nr == __NR_write) ret = sys_write(regs.a1, regs.a2);
  else if (nr == __NR_getpid) ret = t.pid;
  else if (nr == __NR_brk) ret = do_brk(t.mm, regs.a0);
  else if (nr == __NR_mmap) ret = do_mmap(t.mm, regs.a0, regs.a1, regs.a2, regs.a3);
  else if (nr == __NR_munmap) ret = do_munmap(t.mm, regs.a0, regs.a1);
  else if (nr == __NR_mprotect) ret = do_mprotect(t.mm, regs.a0, regs.a1, regs.a2);
  else if (nr == __NR_clone) {
    const pid = do_fork();
    ret = pid == 0n ? neg(ENOMEM) : pid;
    if (pid != 0n && proc_verbose()) printk("fork: pid %lu (%s) -> pid %lu: %lu VMAs copied, %lu pages shared copy-on-write\n", t.pid, t.comm, pid, t.mm.map_count, fork_last_shared());
  }
  else if (nr == __NR_execve) ret = sys_execve(regs.a0, regs.a1);
  else if (nr == __NR_exit) do_exit(regs.a0 & 0xffn);
  else if (nr == __NR_wait4) { const [pid, status] = do_wait(); ret = pid; regs.a1 = status; }
  else if (nr == __NR_sched_yield) { t.nvcsw++; schedule(); ret = 0n; }
  else if (nr == __NR_meminfo) ret = show_meminfo(t);
  regs.a0 = ret;
}
