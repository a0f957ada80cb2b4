/* Real-code benchmark: FNV-1a and an XXH64-style hash (four lanes of multiply-rotate, then the
   avalanche) over a 16 KiB buffer, each iteration seeded differently; the same instructions every
   iteration. */
#include "rt.h"

const char bench_name[] = "hash";

#define LEN 16384
static uint64_t words[LEN / 8];

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ull ^ seed;
  for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
  return h;
}

static inline uint64_t round64(uint64_t acc, uint64_t in) {
  acc += in * P2;
  acc = rotl(acc, 31);
  return acc * P1;
}

static inline uint64_t merge64(uint64_t acc, uint64_t v) {
  acc ^= round64(0, v);
  return acc * P1 + P4;
}

static uint64_t xx64(const uint64_t *p, size_t nwords, uint64_t seed) {
  uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
  for (size_t i = 0; i + 4 <= nwords; i += 4) {
    v1 = round64(v1, p[i]);
    v2 = round64(v2, p[i + 1]);
    v3 = round64(v3, p[i + 2]);
    v4 = round64(v4, p[i + 3]);
  }
  uint64_t h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
  h = merge64(h, v1); h = merge64(h, v2); h = merge64(h, v3); h = merge64(h, v4);
  h += nwords * 8;
  h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
  return h;
}

uint64_t bench_run(uint64_t iterations) {
  uint32_t s = 2463534242u;
  for (size_t i = 0; i < LEN / 8; i++) words[i] = ((uint64_t)xorshift32(&s) << 32) | xorshift32(&s);
  uint64_t acc = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    acc ^= fnv1a((const uint8_t *)words, LEN, it);
    acc = rotl(acc, 7) + xx64(words, LEN / 8, acc);
    BARRIER();
  }
  return acc;
}
