/* Real-code benchmark: a small kernel's page work, as xv6-riscv does it (where usertests spends
   about three quarters of its instructions): pages zeroed by a byte-wise memset (kalloc, uvmalloc),
   copied by a byte-wise memmove (fork's uvmcopy, copyin/copyout), and compared (a page checked
   after a copy); 64 KiB of pages, the same instructions every iteration. */
#include "rt.h"

const char bench_name[] = "pages";

#define PGSIZE 4096
#define NPAGES 16
static uint8_t pool[NPAGES][PGSIZE] __attribute__((aligned(PGSIZE)));

uint64_t bench_run(uint64_t iterations) {
  uint64_t sum = 0;
  uint32_t seed = 0x2545f491u;
  for (uint64_t it = 0; it < iterations; it++) {
    /* A fresh page filled with junk (kalloc's 5s), then zeroed as uvmalloc does. */
    memset(pool[0], 5, PGSIZE);
    memset(pool[0], 0, PGSIZE);
    for (int i = 0; i < 64; i++) pool[0][(xorshift32(&seed) & (PGSIZE - 1))] = (uint8_t)i;
    /* fork: each page copied from the one before. */
    for (int p = 1; p < NPAGES; p++) memmove(pool[p], pool[p - 1], PGSIZE);
    if (memcmp(pool[NPAGES - 1], pool[0], PGSIZE) != 0) rt_fail("pages differ after the copies");
    /* copyout of a short string into the middle of a page, overlapping moves as exec's ustack does. */
    memmove(pool[1] + 100, pool[1] + 37, 2000);
    memmove(pool[2] + 37, pool[2] + 100, 2000);
    for (int p = 0; p < NPAGES; p++) sum = sum * 31 + pool[p][(it * 131 + p * 17) & (PGSIZE - 1)];
    BARRIER();
  }
  return sum;
}
