// System call numbers shared by the kernel (kernel/syscall.ts) and the user runtime (user/ulib.ts):
// Linux's asm-generic/unistd.h numbers where Linux has the call, so a trace reads like strace.
// The ABI is Linux's on RISC-V: a7 = number, a0..a5 = arguments, a0 = result (a negative errno).

export const __NR_write = 64n;
export const __NR_exit = 93n;
export const __NR_sched_yield = 124n;
export const __NR_getpid = 172n;
export const __NR_brk = 214n;
export const __NR_munmap = 215n;
export const __NR_clone = 220n;          // fork: clone(SIGCHLD) in Linux, no flags here
export const __NR_execve = 221n;         // a0 = name of an embedded program, a1 = one argument for main
export const __NR_mmap = 222n;
export const __NR_mprotect = 226n;
export const __NR_wait4 = 260n;          // a0 = pid (-1: any); result pid, a1 = exit status
/** Not Linux: prints the caller's maps and fault counts (as /proc/PID/maps and /proc/PID/status would) and returns its resident pages. */
export const __NR_meminfo = 1000n;

/** mmap/mprotect prot bits and mmap flags, Linux's values. */
export const PROT_NONE = 0n;
export const PROT_READ = 1n;
export const PROT_WRITE = 2n;
export const PROT_EXEC = 4n;
export const MAP_PRIVATE = 0x02n;
export const MAP_FIXED = 0x10n;
export const MAP_ANONYMOUS = 0x20n;

/** errno values (returned negated). */
export const ENOENT = 2n;
export const ECHILD = 10n;
export const EAGAIN = 11n;
export const ENOMEM = 12n;
export const EFAULT = 14n;
export const EINVAL = 22n;
export const ENOSYS = 38n;
