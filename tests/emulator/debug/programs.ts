// Assembly programs the shell tests drive.

/** M-mode: nested calls with frame records, a data word to watch, then ecall (→ handler → exit). */
export const CALLS = `
  .text
  .globl _start
_start:
  la sp, stack_top
  la t0, handler
  csrw mtvec, t0
  li s0, 0
  call outer
  la t1, counter
  ld t2, 0(t1)
  ecall
1: j 1b

outer:
  addi sp, sp, -16
  sd ra, 8(sp)
  sd s0, 0(sp)
  addi s0, sp, 16
  call inner
  addi a0, a0, 1
  ld ra, 8(sp)
  ld s0, 0(sp)
  addi sp, sp, 16
  ret

inner:
  addi sp, sp, -16
  sd ra, 8(sp)
  sd s0, 0(sp)
  addi s0, sp, 16
  la t1, counter
  li t2, 7
  sd t2, 0(t1)
  sd t2, 0(t1)
  li t2, 9
  sd t2, 0(t1)
  li a0, 41
  ld ra, 8(sp)
  ld s0, 0(sp)
  addi sp, sp, 16
  ret

  .balign 4
handler:
  csrr a5, mcause
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
2: j 2b

  .data
  .balign 8
counter: .dword 0
  .bss
  .balign 16
stack: .zero 4096
stack_top:
`;

/**
 * Sv39 in S-mode: a 1 GiB identity block for RAM (root[2]), a 2 MiB block VA 0x40000000 →
 * PA 0x80200000 (through a level-1 table), then a store through it and a load from the unmapped
 * 0x40200000 (load page fault, taken in M: exit with code = mcause).
 */
export const PAGING = `
  .text
  .globl _start
_start:
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, mhandler
  csrw mtvec, t0
  la t0, root_pt
  li t1, 0x200000cf
  sd t1, 16(t0)
  la t2, l1_pt
  srli t2, t2, 12
  slli t2, t2, 10
  ori t2, t2, 1
  sd t2, 8(t0)
  la t3, l1_pt
  li t1, 0x200800c7
  sd t1, 0(t3)
  la t0, root_pt
  srli t0, t0, 12
  li t1, 8
  slli t1, t1, 60
  or t0, t0, t1
set_satp:
  csrw satp, t0
  sfence.vma
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, smain
  csrw mepc, t0
  mret
smain:
  li a0, 0x40000000
  li a1, 42
  sd a1, 0(a0)
  li a2, 0x40200000
lazy_load:
  ld a3, 0(a2)
  j .
  .balign 4
mhandler:
  csrr a4, mcause
  slli a4, a4, 16
  li t0, 0x3333
  or a4, a4, t0
  li t0, 0x100000
  sw a4, 0(t0)
  j .

  .bss
  .balign 4096
root_pt: .zero 4096
l1_pt: .zero 4096
`;

/**
 * Four harts, each branching on mhartid (all start at the boot ROM, as on QEMU). Hart 0 releases
 * the others (`go`) and then spins counting in s1 forever; hart 1 enters S-mode with its own Sv39
 * table (RAM identity-mapped by root[2], and VA 0x40000000 → PA 0x80000000 by root[1]: `magic` is
 * also at magic - 0x40000000), loads through the alias and spins at s_park; hart 2 calls h2fn (a
 * frame record) and parks in WFI; hart 3 stores 33 to `counter` and parks in WFI.
 */
export const SMP = `
  .text
  .globl _start
_start:
  csrr t0, mhartid
  la sp, stacks
  addi t1, t0, 1
  slli t1, t1, 10
  add sp, sp, t1
  li s0, 0
  la t1, mhandler
  csrw mtvec, t1
  beqz t0, primary
  li t1, 1
  beq t0, t1, hart1
  li t1, 2
  beq t0, t1, hart2
  j hart3

primary:
  la t1, go
  li t2, 1
  sd t2, 0(t1)
  li s1, 0
p_loop:
  addi s1, s1, 1
  j p_loop

wait_go:
  la t1, go
1:ld t2, 0(t1)
  beqz t2, 1b
  ret

hart1:
  call wait_go
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, s_entry
  csrw mepc, t0
  mret
s_entry:
  la t0, root_pt
  srli t0, t0, 12
  li t1, 8
  slli t1, t1, 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  la t0, magic
  li t1, 0x40000000
  sub t0, t0, t1
  ld a1, 0(t0)
s_park:
  j s_park

hart2:
  call wait_go
  call h2fn
h2_park:
  wfi
  j h2_park

h2fn:
  addi sp, sp, -16
  sd ra, 8(sp)
  sd s0, 0(sp)
  addi s0, sp, 16
  li a0, 2
  ld ra, 8(sp)
  ld s0, 0(sp)
  addi sp, sp, 16
  ret

hart3:
  call wait_go
  la t1, counter
  li t2, 33
  sd t2, 0(t1)
h3_park:
  wfi
  j h3_park

  .balign 4
mhandler:
  csrr a5, mcause
  j mhandler

  .data
  .balign 8
go: .dword 0
counter: .dword 0
magic: .dword 0x1122334455667788
  .balign 4096
root_pt:
  .dword 0
  .dword 0x200000cf
  .dword 0x200000cf
  .zero 4096 - 24
  .bss
  .balign 16
stacks: .zero 4096
`;
