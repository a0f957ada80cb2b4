// The firmware's assembly: the reset entry (first in .text.boot, so at 0x80000000), which every hart
// runs at once, the M-mode trap entry/exit that saves every register in a frame for fw_trap, and the
// final mret into S-mode. Each hart has its own M-mode stack (scratch.ts's hart_stacks, by mhartid),
// and mscratch holds its top while the hart is outside M-mode.
// Trap frame: x[i] at sp + 8i (x0's slot unused), 256 bytes, on the stack mscratch points at.

import { type u64, naked } from '../runtime/intrinsics.js';
import { SBI_HARTS_MAX, HART_STACK_SIZE } from './scratch.js';

/**
 * Reset, on every hart: a0 = hartid, a1 = DTB, a2 = fw_dynamic_info (boot ROM contract); they reach
 * fw_main untouched. sp = mscratch = the top of this hart's stack. A hart the firmware has no stack
 * for (mhartid ≥ SBI_HARTS_MAX) stays here, asleep: it never takes an interrupt (mie = 0).
 */
export function _start_boot(): void {
  naked`
    .section .text.boot, "ax"
    .globl _start
_start:
    csrw mie, zero
    csrw mip, zero
    csrr t0, mhartid
    li t1, ${SBI_HARTS_MAX}
    bgeu t0, t1, 2f
    addi t0, t0, 1
    li t1, ${HART_STACK_SIZE}
    mul t0, t0, t1
    la sp, hart_stacks
    add sp, sp, t0
    csrw mscratch, sp
    mv s0, zero
    la t0, fw_trap_entry
    csrw mtvec, t0
    call fw_main
1:  wfi
    j 1b
2:  wfi
    j 2b
    .text
  `;
}

/** mtvec (direct): swap to the trap stack, save x1..x31, call fw_trap(frame), restore, mret. */
export function fw_trap_entry(): void {
  naked`
    csrrw sp, mscratch, sp
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
    csrr t0, mscratch
    sd t0, 16(sp)
    addi t0, sp, 256
    csrw mscratch, t0
    mv a0, sp
    mv s0, zero
    call fw_trap
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
    ld sp, 16(sp)
    mret
  `;
}

/** mret with a0 = hartid, a1 = DTB or the opaque of hart_start/hart_suspend (already in a0/a1 as this
 *  call's arguments); mepc/mstatus set by the caller. The M-mode stack below mscratch is abandoned. */
export function enter_supervisor(hartid: u64, arg1: u64): void {
  naked`
    mret
  `;
}
