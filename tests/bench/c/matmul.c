/* Real-code benchmark: a 64x64 integer matrix multiply (i-k-j order, 32-bit wrapping) then a
   transposed-B variant, each iteration on the same matrices plus the iteration number on the
   diagonal. The same instructions every iteration. */
#include "rt.h"

const char bench_name[] = "matmul";

#define D 64
static uint32_t A[D][D], B[D][D], BT[D][D], C[D][D], C2[D][D];

uint64_t bench_run(uint64_t iterations) {
  uint32_t s = 123456789u;
  for (int i = 0; i < D; i++)
    for (int j = 0; j < D; j++) { A[i][j] = xorshift32(&s) & 0xffff; B[i][j] = xorshift32(&s) & 0xffff; }
  uint64_t acc = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    for (int i = 0; i < D; i++) A[i][i] += (uint32_t)it;
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) C[i][j] = 0;
      for (int k = 0; k < D; k++) {
        uint32_t a = A[i][k];
        for (int j = 0; j < D; j++) C[i][j] += a * B[k][j];
      }
    }
    for (int i = 0; i < D; i++)
      for (int j = 0; j < D; j++) BT[j][i] = B[i][j];
    for (int i = 0; i < D; i++)
      for (int j = 0; j < D; j++) {
        uint32_t sum = 0;
        for (int k = 0; k < D; k++) sum += A[i][k] * BT[j][k];
        C2[i][j] = sum;
      }
    uint64_t h = 0;
    for (int i = 0; i < D; i++)
      for (int j = 0; j < D; j++) {
        if (C[i][j] != C2[i][j]) rt_fail("the two products disagree");
        h = h * 1099511628211ull + C[i][j];
      }
    acc ^= h + it;
    BARRIER();
  }
  return acc;
}
