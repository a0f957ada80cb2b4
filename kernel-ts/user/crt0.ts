// _start for user programs (the ELF entry, first in .text): the kernel's execve leaves sp at the top
// of the stack VMA and a0 = the one argument; main's result is the exit status.

import { naked } from '../runtime/intrinsics.js';

export function _start_user(): void {
  naked`
    .section .text.entry, "ax"
    .globl _start
_start:
    mv s1, a0
    call ulib_init
    mv a0, s1
    call main
    li a7, 93
    ecall
1:  j 1b
    .text
  `;
}
