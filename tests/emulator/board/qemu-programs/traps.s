# Exceptions: each is taken by an M-mode handler that prints mcause, mtval and the epc offset,
# then skips the instruction: ebreak, illegal instructions, unimplemented CSR, access fault, ecall.
  .globl _start
_start:
  li sp, 0x80100000
  la t0, mhandler
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  ebreak
  .word 0                   # illegal (all zeros)
  csrr a0, 0x7c0            # unimplemented CSR
  li t0, 0x1234
  ld t1, 0(t0)              # load from a hole: access fault
  ld t1, 3(sp)              # misaligned load to RAM: performed, no trap
  ecall
  li a0, 0
  j exit

  .align 2
mhandler:
  addi sp, sp, -16
  sd ra, 0(sp)
  csrr a0, mcause; call puthex
  csrr a0, mtval; call puthex
  csrr a0, mepc
  la t0, _start
  sub a0, a0, t0; call puthex
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3; call puthex     # MPP
  csrr t0, mepc
  lhu t1, 0(t0)
  andi t1, t1, 3
  li t2, 3
  addi t0, t0, 2
  bne t1, t2, 1f
  addi t0, t0, 2
1:csrw mepc, t0
  ld ra, 0(sp)
  addi sp, sp, 16
  mret

