/* Real-code benchmark: quicksort (median of three, insertion sort below 16) and a top-down
   mergesort of the same 4096 pseudo-random ints each iteration; both results checked sorted and
   equal. The same instructions every iteration. */
#include "rt.h"

const char bench_name[] = "sort";

#define N 4096
static int32_t orig[N], qa[N], ma[N], tmp[N];

static void insertion(int32_t *v, long lo, long hi) {
  for (long i = lo + 1; i <= hi; i++) {
    int32_t x = v[i];
    long j = i - 1;
    while (j >= lo && v[j] > x) { v[j + 1] = v[j]; j--; }
    v[j + 1] = x;
  }
}

static void swap(int32_t *a, int32_t *b) { int32_t t = *a; *a = *b; *b = t; }

static void quicksort(int32_t *v, long lo, long hi) {
  while (hi - lo >= 16) {
    long mid = lo + (hi - lo) / 2;
    if (v[mid] < v[lo]) swap(&v[mid], &v[lo]);
    if (v[hi] < v[lo]) swap(&v[hi], &v[lo]);
    if (v[hi] < v[mid]) swap(&v[hi], &v[mid]);
    int32_t pivot = v[mid];
    long i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (v[i] < pivot);
      do j--; while (v[j] > pivot);
      if (i >= j) break;
      swap(&v[i], &v[j]);
    }
    /* recurse into the smaller half, loop on the larger */
    if (j - lo < hi - j) { quicksort(v, lo, j); lo = j + 1; }
    else { quicksort(v, j + 1, hi); hi = j; }
  }
  insertion(v, lo, hi);
}

static void mergesort(int32_t *v, int32_t *t, long n) {
  if (n < 2) return;
  long h = n / 2;
  mergesort(v, t, h);
  mergesort(v + h, t, n - h);
  long i = 0, j = h, k = 0;
  while (i < h && j < n) t[k++] = v[i] <= v[j] ? v[i++] : v[j++];
  while (i < h) t[k++] = v[i++];
  while (j < n) t[k++] = v[j++];
  for (k = 0; k < n; k++) v[k] = t[k];
}

uint64_t bench_run(uint64_t iterations) {
  uint32_t s = 88172645u;
  for (long i = 0; i < N; i++) orig[i] = (int32_t)xorshift32(&s) >> 4;
  uint64_t acc = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    memcpy(qa, orig, sizeof qa);
    memcpy(ma, orig, sizeof ma);
    quicksort(qa, 0, N - 1);
    mergesort(ma, tmp, N);
    uint64_t sum = 0;
    for (long i = 0; i < N; i++) {
      if (qa[i] != ma[i]) rt_fail("quicksort and mergesort disagree");
      if (i && qa[i - 1] > qa[i]) rt_fail("not sorted");
      sum = sum * 31 + (uint32_t)qa[i];
    }
    acc = (acc << 1 | acc >> 63) ^ sum ^ it;
    BARRIER();
  }
  return acc;
}
