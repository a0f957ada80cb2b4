# Shared by the QEMU comparison programs: UART output and syscon exit, bare metal in M-mode.
  .text
putc:                       # a0 = byte; waits for THR empty (LSR.THRE) as a driver must
  li t6, 0x10000000
1:lbu t2, 5(t6)
  andi t2, t2, 0x20
  beqz t2, 1b
  sb a0, 0(t6)
  ret
puts:                       # a0 = NUL-terminated string
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s11, 8(sp)
  mv s11, a0
1:lbu a0, 0(s11)
  beqz a0, 2f
  call putc
  addi s11, s11, 1
  j 1b
2:ld ra, 0(sp)
  ld s11, 8(sp)
  addi sp, sp, 16
  ret
puthex:                     # a0 = value: 16 hex digits and a newline
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s10, 8(sp)
  sd s11, 16(sp)
  mv s11, a0
  li s10, 60
1:srl a0, s11, s10
  andi a0, a0, 15
  li t3, 10
  blt a0, t3, 2f
  addi a0, a0, 'a' - 10 - '0'
2:addi a0, a0, '0'
  call putc
  addi s10, s10, -4
  bgez s10, 1b
  li a0, '\n'
  call putc
  ld ra, 0(sp)
  ld s10, 8(sp)
  ld s11, 16(sp)
  addi sp, sp, 32
  ret
exit:                       # a0 = code (0 pass)
  li t6, 0x100000
  bnez a0, 1f
  li t5, 0x5555
  sw t5, 0(t6)
1:slli a0, a0, 16
  li t5, 0x3333
  or a0, a0, t5
  sw a0, 0(t6)
2:j 2b
