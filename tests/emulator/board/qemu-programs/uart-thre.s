# The UART's transmit-empty interrupt as xv6 uses it (uart.c): IER.THRI on and never cleared (the
# handler reads LSR and RHR, never IIR), through the PLIC (source 10, context 0). On QEMU 7.2 the
# PLIC sets pending each time the UART drives its line, and completion re-samples nothing: one
# interrupt when THRI is enabled, one more per character written. A level-triggered gateway would
# take it again at every completion (xv6 livelocks). Prints the interrupts taken after each step.
  .equ UART, 0x10000000
  .equ PLIC, 0x0c000000
  .equ COUNT, 0x80100000
  .globl _start
_start:
  li sp, 0x80200000
  la t0, trap
  csrw mtvec, t0
  li t0, COUNT; sd zero, 0(t0)
  li t0, PLIC + 40; li t1, 1; sw t1, 0(t0)            # priority of source 10
  li t0, PLIC + 0x2000; li t1, 1 << 10; sw t1, 0(t0)  # enable for context 0
  li t0, PLIC + 0x200000; sw zero, 0(t0)              # threshold 0
  li t0, 0x800; csrs mie, t0
  csrsi mstatus, 8
  li t0, UART; li t1, 3; sb t1, 1(t0)                 # IER: RX and THRI
  call spin
  call report
  li t0, UART; li t1, 'A'; sb t1, 0(t0)               # a character: THR empties again
  call spin
  call report
  li t0, UART; li t1, 'B'; sb t1, 0(t0)
  call spin                                           # (QEMU takes an interrupt at the end of a block)
  li t0, UART; li t1, 'C'; sb t1, 0(t0)
  call spin
  call report
  li t0, UART; sb zero, 1(t0)                         # IER off
  li a0, 0; call exit

spin:                                                 # a while with interrupts on
  li t0, 20000
1:addi t0, t0, -1
  bnez t0, 1b
  ret

report:                                               # prints the count with interrupts off
  addi sp, sp, -16
  sd ra, 0(sp)
  csrci mstatus, 8
  li a0, '\n'; call putc
  li t0, COUNT; ld a0, 0(t0); call puthex
  csrsi mstatus, 8
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .align 2
trap:                                                 # claim, read LSR (and RHR if data), complete
  addi sp, sp, -32
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  li t0, PLIC + 0x200004
  lw t1, 0(t0)
  li t2, UART
  lbu t2, 5(t2)
  andi t2, t2, 1
  beqz t2, 1f
  li t2, UART
  lbu t2, 0(t2)
1:sw t1, 0(t0)
  li t0, COUNT; ld t1, 0(t0); addi t1, t1, 1; sd t1, 0(t0)
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  addi sp, sp, 32
  mret
