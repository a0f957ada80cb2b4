// The kernel's assembly: _start (first in .text.boot, so at 0x80200000), the S-mode trap entry that
// saves every register in a frame for handle_trap, and probe_read64 — a load whose access fault the
// trap handler turns into a return value (the exception-table idea), for the PMP demonstration.
// Trap frame: x[i] at sp + 8i (x0's slot unused), 256 bytes, on the interrupted kernel stack.

import { type u64, naked } from '../runtime/intrinsics.js';

/** From the firmware: S-mode, a0 = hartid, a1 = DTB, satp = 0. */
export function _start_boot(): void {
  naked`
    .section .text.boot, "ax"
    .globl _start
_start:
    la sp, boot_stack_top
    mv s0, zero
    csrw sie, zero
    la t0, kernel_trap_entry
    csrw stvec, t0
    call kmain
1:  wfi
    j 1b
    .text
  `;
}

/** stvec (direct): save x1..x31, call handle_trap(frame), restore, sret. */
export function kernel_trap_entry(): void {
  naked`
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
    addi t0, sp, 256
    sd t0, 16(sp)
    mv a0, sp
    call handle_trap
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
    addi sp, sp, 256
    sret
  `;
}

/** Loads the dword at addr. If the load traps with an access fault, handle_trap records the fault
 *  (probe_last_cause/probe_last_tval in trap.ts) and resumes at probe_read64_fixup, which returns
 *  all ones instead. */
export function probe_read64(addr: u64): u64 {
  return naked`
    .globl probe_read64_insn
probe_read64_insn:
    ld a0, 0(a0)
    ret
    .globl probe_read64_fixup
probe_read64_fixup:
    li a0, -1
    ret
  `;
}
