# CSR WARL rules as QEMU's virt CPU implements them (only fields both implement are printed).
  .globl _start
_start:
  li sp, 0x80100000
  li s0, -1
  csrw mideleg, s0
  csrr a0, mideleg
  li t0, 0xaaa              # QEMU with H also has VS bits
  and a0, a0, t0; call puthex
  csrw mie, s0
  csrr a0, mie
  li t0, 0x2aa
  and a0, a0, t0; call puthex
  csrw mie, zero
  csrr a0, misa
  li t0, 0x141105          # A C I M S U
  and a0, a0, t0; call puthex
  srli a0, a0, 0
  csrr a0, misa
  srli a0, a0, 62; call puthex
  la t0, 0x80001000
  csrw mtvec, t0
  csrw mtvec, s0           # reserved mode 3: ignored
  csrr a0, mtvec; call puthex
  li t0, 0x80001001
  csrw mtvec, t0
  csrr a0, mtvec; call puthex
  li t0, 0x80000006
  csrw mepc, t0
  csrr a0, mepc; call puthex
  li t0, 0x1000            # MPP = 2 (reserved) after MPP = 1
  li t1, 0x800
  csrw mstatus, t1
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3; call puthex
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 0xf; call puthex   # UXL, SXL
  li t0, 0x222
  csrw mideleg, t0
  li t0, 0x2
  csrs mip, t0             # SSIP
  csrr a0, sip; call puthex
  csrc mip, t0
  csrr a0, sip; call puthex
  csrr a0, mhartid; call puthex
  csrr a0, mcountinhibit; call puthex
  csrr a0, mhpmcounter3; call puthex
  csrw sscratch, s0
  csrr a0, sscratch; call puthex
  li t0, 0x80000
  csrw sstatus, t0         # MXR via sstatus
  csrr a0, mstatus
  li t1, 0xc0122           # MXR SUM SPP SPIE SIE
  and a0, a0, t1; call puthex
  li a0, 0
  j exit
