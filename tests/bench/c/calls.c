/* Real-code benchmark: call-heavy code that crosses pages on every call and return — 64 small
   functions, each alone on its own 4 KiB page, calling one another through a table (as virtual
   calls do) in a binary tree of depth 11 chosen by the data. The same calls every iteration. */
#include "rt.h"

const char bench_name[] = "calls";

typedef uint64_t (*fn)(uint64_t, int);
extern fn const table[64];

#define F(k)                                                                                   \
  __attribute__((noinline, aligned(4096))) static uint64_t f##k(uint64_t x, int d) {           \
    x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull + (k);                                         \
    if (d == 0) return x ^ (x >> 29);                                                          \
    uint64_t l = table[x >> 58](x, d - 1);                                                     \
    return l + table[(x >> 52) & 63](l ^ (k), d - 1);                                          \
  }
/* 64 functions named f10..f17, f20..f27, ..., f80..f87 (two digits so the names paste). */
#define F8(b) F(b##0) F(b##1) F(b##2) F(b##3) F(b##4) F(b##5) F(b##6) F(b##7)
F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7) F8(8)

#define T8(b) f##b##0, f##b##1, f##b##2, f##b##3, f##b##4, f##b##5, f##b##6, f##b##7
fn const table[64] = { T8(1), T8(2), T8(3), T8(4), T8(5), T8(6), T8(7), T8(8) };

uint64_t bench_run(uint64_t iterations) {
  uint64_t acc = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    acc = acc * 31 + table[it & 63](0x0123456789abcdefull, 11);
    BARRIER();
  }
  return acc;
}
