# Arithmetic edge cases: division by zero, overflow, high products, W forms, masked shifts.
  .globl _start
_start:
  li sp, 0x80100000
  li s0, -1
  li s1, 1
  slli s1, s1, 63          # INT64_MIN
  li s2, 0x80000000        # as 64-bit 0x80000000 (li sign-extends? no: 0x80000000 is positive)
  div a0, s1, s0;  call puthex
  rem a0, s1, s0;  call puthex
  div a0, s1, zero; call puthex
  rem a0, s1, zero; call puthex
  divu a0, s0, zero; call puthex
  remu a0, s1, zero; call puthex
  sext.w s3, s2
  divw a0, s3, s0; call puthex
  remw a0, s3, s0; call puthex
  divuw a0, s3, zero; call puthex
  remuw a0, s3, zero; call puthex
  mulh a0, s1, s1; call puthex
  mulhu a0, s0, s0; call puthex
  mulhsu a0, s1, s0; call puthex
  mulhsu a0, s0, s1; call puthex
  mul a0, s0, s1; call puthex
  mulw a0, s2, s2; call puthex
  addw a0, s2, s2; call puthex
  li t0, 65
  sll a0, s0, t0; call puthex
  sra a0, s1, t0; call puthex
  li t0, 33
  srlw a0, s0, t0; call puthex
  sraw a0, s3, t0; call puthex
  addiw a0, s2, -1; call puthex
  li a0, 0
  j exit
