/* Real-code benchmark: an LZ77 compressor in the LZ4 style (a 4096-entry hash of 4-byte
   sequences, greedy matches of 4 or more bytes within 64 KiB, tokens of literal run + match) and
   its decompressor, over 16 KiB of pseudo-random text made of 32 words; the round trip is checked.
   The same input, so the same instructions, every iteration. */
#include "rt.h"

const char bench_name[] = "lz";

#define LEN 16384
#define HBITS 12
static uint8_t text[LEN], packed[LEN + LEN / 8 + 64], back[LEN];
static uint32_t table[1 << HBITS];

static const char *const words[32] = {
  "the", "page", "table", "walk", "of", "a", "hart", "reads", "each", "level", "and", "checks",
  "permission", "bits", "before", "it", "fills", "TLB", "entry", "for", "virtual", "address",
  "translation", "kernel", "maps", "memory", "with", "leaf", "entries", "at", "every", "fault",
};

static inline uint32_t read32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t hash4(uint32_t v) { return (v * 2654435761u) >> (32 - HBITS); }

static uint8_t *put_len(uint8_t *o, size_t n) { /* continuation bytes of 255, as LZ4 */
  while (n >= 255) { *o++ = 255; n -= 255; }
  *o++ = (uint8_t)n;
  return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  memset(table, 0, sizeof table);
  uint8_t *o = out;
  size_t i = 0, anchor = 0;
  while (i + 4 <= n) {
    uint32_t v = read32(in + i), h = hash4(v);
    size_t cand = table[h];
    table[h] = (uint32_t)i + 1;
    if (cand && i - (cand - 1) <= 0xffff && read32(in + cand - 1) == v) {
      size_t m = cand - 1, len = 4;
      while (i + len < n && in[m + len] == in[i + len]) len++;
      size_t lit = i - anchor;
      uint8_t *tok = o++;
      *tok = (uint8_t)((lit < 15 ? lit : 15) << 4 | (len - 4 < 15 ? len - 4 : 15));
      if (lit >= 15) o = put_len(o, lit - 15);
      memcpy(o, in + anchor, lit); o += lit;
      size_t off = i - m;
      *o++ = (uint8_t)off; *o++ = (uint8_t)(off >> 8);
      if (len - 4 >= 15) o = put_len(o, len - 4 - 15);
      i += len; anchor = i;
    } else {
      i++;
    }
  }
  size_t lit = n - anchor;
  *o++ = (uint8_t)((lit < 15 ? lit : 15) << 4);
  if (lit >= 15) o = put_len(o, lit - 15);
  memcpy(o, in + anchor, lit); o += lit;
  return (size_t)(o - out);
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  const uint8_t *p = in, *end = in + n;
  uint8_t *o = out;
  for (;;) {
    uint8_t tok = *p++;
    size_t lit = tok >> 4;
    if (lit == 15) { uint8_t b; do { b = *p++; lit += b; } while (b == 255); }
    memcpy(o, p, lit); o += lit; p += lit;
    if (p >= end) break;
    size_t off = p[0] | (size_t)p[1] << 8; p += 2;
    size_t len = (tok & 15) + 4;
    if ((tok & 15) == 15) { uint8_t b; do { b = *p++; len += b; } while (b == 255); }
    const uint8_t *m = o - off;
    while (len--) *o++ = *m++; /* may overlap */
  }
  return (size_t)(o - out);
}

uint64_t bench_run(uint64_t iterations) {
  uint32_t s = 362436069u;
  size_t k = 0;
  while (k < LEN) {
    const char *w = words[xorshift32(&s) & 31];
    while (*w && k < LEN) text[k++] = (uint8_t)*w++;
    if (k < LEN) text[k++] = (xorshift32(&s) & 7) ? ' ' : '\n';
  }
  uint64_t acc = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    size_t c = compress(text, LEN, packed);
    size_t d = decompress(packed, c, back);
    if (d != LEN || memcmp(back, text, LEN)) rt_fail("round trip differs");
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < c; i++) { h ^= packed[i]; h *= 0x100000001b3ull; }
    acc ^= (h + it) * 0x9E3779B97F4A7C15ull + c;
    BARRIER();
  }
  return acc;
}
