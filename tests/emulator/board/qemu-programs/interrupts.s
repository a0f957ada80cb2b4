# Interrupts: machine timer (mtimecmp), machine software (msip), supervisor software delegated to S,
# vectored mtvec, WFI wake-up. Each handler prints a letter and the cause.
  .globl _start
_start:
  li sp, 0x80100000
  la t0, mvec
  ori t0, t0, 1            # vectored
  csrw mtvec, t0
  # timer: mtimecmp = mtime + 500
  li t0, 0x200bff8
  ld t1, 0(t0)
  addi t1, t1, 500
  li t0, 0x2004000
  sd t1, 0(t0)
  li t0, 0x80
  csrw mie, t0
  csrsi mstatus, 8
  wfi
  li a0, 'a'; call putc
  # software interrupt
  li t0, 0x8
  csrw mie, t0
  li t0, 0x2000000
  li t1, 1
  sw t1, 0(t0)
  li a0, 'b'; call putc
  # supervisor software, delegated, from S-mode
  csrci mstatus, 8
  li t0, 0x2
  csrw mideleg, t0
  csrw mie, t0
  la t0, svec
  csrw stvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, smode
  csrw mepc, t0
  mret
smode:
  csrsi sstatus, 2
  csrsi sip, 2
  li a0, 'c'; call putc
  li a0, '\n'; call putc
  li a0, 0
  j exit

svec:
  li a0, 'S'; call putc
  csrr a0, scause; call puthex
  csrci sip, 2
  sret

  .align 4
mvec:
  j mexc
  j mexc
  j mexc
  j msoft
  j mexc
  j mexc
  j mexc
  j mtimer
mexc:
  li a0, 'X'; call putc
  csrr a0, mcause; call puthex
  li a0, 1
  j exit
msoft:
  li a0, 'M'; call putc
  csrr a0, mcause; call puthex
  li t0, 0x2000000
  sw zero, 0(t0)
  mret
mtimer:
  li a0, 'T'; call putc
  csrr a0, mcause; call puthex
  li t0, 0x2004000
  li t1, -1
  sd t1, 0(t0)
  mret
