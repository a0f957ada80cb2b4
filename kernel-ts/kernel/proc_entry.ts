// The assembly of processes: the trap entry used while U-mode runs (stvec points here only then:
// sscratch holds the task's kernel stack top, swapped with the user sp), the return to U-mode, the
// first return of a new task (ret_from_fork) and __switch_to, which swaps the callee-saved
// registers of two tasks (struct thread_struct at the start of task_struct), as Linux's entry.S.
// The frame is struct pt_regs at the top of the kernel stack: x[i] at 8i, sepc in slot 0.

import { type u64, naked } from '../runtime/intrinsics.js';

export function user_trap_entry(): void {
  naked`
    .balign 4
    .globl uentry
uentry:
    csrrw sp, sscratch, sp
    addi sp, sp, -256
    sd x1, 8(sp)
    sd x3, 24(sp)
    sd x4, 32(sp)
    sd x5, 40(sp)
    sd x6, 48(sp)
    sd x7, 56(sp)
    sd x8, 64(sp)
    sd x9, 72(sp)
    sd x10, 80(sp)
    sd x11, 88(sp)
    sd x12, 96(sp)
    sd x13, 104(sp)
    sd x14, 112(sp)
    sd x15, 120(sp)
    sd x16, 128(sp)
    sd x17, 136(sp)
    sd x18, 144(sp)
    sd x19, 152(sp)
    sd x20, 160(sp)
    sd x21, 168(sp)
    sd x22, 176(sp)
    sd x23, 184(sp)
    sd x24, 192(sp)
    sd x25, 200(sp)
    sd x26, 208(sp)
    sd x27, 216(sp)
    sd x28, 224(sp)
    sd x29, 232(sp)
    sd x30, 240(sp)
    sd x31, 248(sp)
    csrr t0, sscratch
    sd t0, 16(sp)
    csrr t0, sepc
    sd t0, 0(sp)
    la t0, kernel_trap_entry
    csrw stvec, t0
    mv s0, zero
    mv a0, sp
    call do_user_trap
    j ret_to_user
  `;
}

/** sp = the task's pt_regs (the top of its kernel stack): back to U-mode with those registers. */
export function ret_to_user_asm(): void {
  naked`
    .globl ret_to_user
ret_to_user:
    addi t0, sp, 256
    csrw sscratch, t0
    la t0, uentry
    csrw stvec, t0
    li t0, 0x100
    csrc sstatus, t0
    li t0, 0x20
    csrs sstatus, t0
    ld t0, 0(sp)
    csrw sepc, t0
    ld x1, 8(sp)
    ld x3, 24(sp)
    ld x4, 32(sp)
    ld x5, 40(sp)
    ld x6, 48(sp)
    ld x7, 56(sp)
    ld x8, 64(sp)
    ld x9, 72(sp)
    ld x10, 80(sp)
    ld x11, 88(sp)
    ld x12, 96(sp)
    ld x13, 104(sp)
    ld x14, 112(sp)
    ld x15, 120(sp)
    ld x16, 128(sp)
    ld x17, 136(sp)
    ld x18, 144(sp)
    ld x19, 152(sp)
    ld x20, 160(sp)
    ld x21, 168(sp)
    ld x22, 176(sp)
    ld x23, 184(sp)
    ld x24, 192(sp)
    ld x25, 200(sp)
    ld x26, 208(sp)
    ld x27, 216(sp)
    ld x28, 224(sp)
    ld x29, 232(sp)
    ld x30, 240(sp)
    ld x31, 248(sp)
    ld x2, 16(sp)
    sret
  `;
}

/** Where a new task's first __switch_to returns: thread.sp is its pt_regs. */
export function ret_from_fork(): void {
  naked`
    j ret_to_user
  `;
}

/** __switch_to(prev, next): saves ra, sp, s0..s11 in prev's thread_struct, loads next's, returns as next. */
export function __switch_to(prev: u64, next: u64): void {
  naked`
    sd ra, 0(a0)
    sd sp, 8(a0)
    sd s0, 16(a0)
    sd s1, 24(a0)
    sd s2, 32(a0)
    sd s3, 40(a0)
    sd s4, 48(a0)
    sd s5, 56(a0)
    sd s6, 64(a0)
    sd s7, 72(a0)
    sd s8, 80(a0)
    sd s9, 88(a0)
    sd s10, 96(a0)
    sd s11, 104(a0)
    ld ra, 0(a1)
    ld sp, 8(a1)
    ld s0, 16(a1)
    ld s1, 24(a1)
    ld s2, 32(a1)
    ld s3, 40(a1)
    ld s4, 48(a1)
    ld s5, 56(a1)
    ld s6, 64(a1)
    ld s7, 72(a1)
    ld s8, 80(a1)
    ld s9, 88(a1)
    ld s10, 96(a1)
    ld s11, 104(a1)
    ret
  `;
}
