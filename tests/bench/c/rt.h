/* The real-code benchmarks' freestanding runtime (rt.c): the iteration count the bench patches
   into the ELF, console output on the virt UART, and the entry each program defines. */
#ifndef RT_H
#define RT_H
#include <stdint.h>
#include <stddef.h>

/* Each program defines these two. */
extern const char bench_name[];
uint64_t bench_run(uint64_t iterations);

/* A 32-bit xorshift, for the programs' pseudo-random inputs. */
static inline uint32_t xorshift32(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  return *s = x;
}

/* Keeps the compiler from moving work across iterations. */
#define BARRIER() __asm__ volatile("" ::: "memory")

void rt_puts(const char *s);
void rt_puthex(uint64_t v);
void rt_fail(const char *why); /* prints "FAIL: why" and powers off with status 1 */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif
