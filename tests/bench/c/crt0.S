/* Start-up for the real-code benchmarks (tests/bench/real-code.ts): entered in M-mode at
   0x80000000 with -bios none on QEMU virt and on rvhart; sets gp and sp, clears .bss, calls
   bench_main (rt.c), which prints the checksum and powers off through the syscon. */
  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  call bench_main
3:
  wfi
  j 3b
