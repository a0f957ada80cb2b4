/* float and double on bare metal (picolibc, rv64gc/lp64d): IEEE results as bits in every rounding
 * mode, fused multiply-add, libm, printf's conversions, integer conversions, NaNs and the accrued
 * flags, printed on the virt board's UART. tests/emulator/hart/float-c.test.ts runs it on rvhart
 * and compares with what QEMU (SoftFloat) prints: expected.txt. */
#include <stdio.h>
#include <math.h>
#include <stdint.h>
#include <fenv.h>
#include <string.h>

static int uart_putc(char c, FILE *f) { (void)f; *(volatile uint8_t *)0x10000000 = (uint8_t)c; return (unsigned char)c; }
static FILE uart = FDEV_SETUP_STREAM(uart_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &uart;
FILE *const stderr = &uart;

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
volatile double vd[] = { 1.0, -0.0, 0.1, 1e308, 4.9e-324, 2.2250738585072014e-308, 3.0, 1e-300, 123456789.125, -7.5 };
volatile float vf[] = { 1.0f, 0.1f, 3.4e38f, 1.4e-45f, -2.5f, 16777217.0f, 1e-30f };

/* The virt board's syscon (sifive,test): 0x5555 powers off; both QEMU and rvhart exit with 0. */
static void poweroff(void) { *(volatile uint32_t *)0x100000 = 0x5555; for (;;) ; }

int main(void) {
  double acc = 0;
  for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) {
    double a = vd[i], b = vd[j];
    printf("%d %d %016llx %016llx %016llx %016llx\n", i, j, (unsigned long long)bits(a + b), (unsigned long long)bits(a * b),
      (unsigned long long)bits(a / b), (unsigned long long)bits(fma(a, b, acc)));
    acc += a * 0.5 - b;
  }
  for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) {
    float a = vf[i], b = vf[j];
    printf("f %d %d %08lx %08lx %08lx %08lx\n", i, j, (unsigned long)fbits(a + b), (unsigned long)fbits(a * b), (unsigned long)fbits(a / b), (unsigned long)fbits(fmaf(a, b, b)));
  }
  for (int m = 0; m < 4; m++) {
    int modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
    fesetround(modes[m]);
    volatile double x = 1.0, y = 3.0;
    volatile float fx = 2.0f, fy = 7.0f;
    printf("rm %d %016llx %08lx %ld %ld %016llx\n", m, (unsigned long long)bits(x / y), (unsigned long)fbits(fx / fy),
      (long)lrint(-2.5), (long)lrint(2.5), (unsigned long long)bits(sqrt(y)));
  }
  fesetround(FE_TONEAREST);
  printf("sqrt(2)=%.17g sin(1)=%.17g exp(1)=%.17g log(10)=%.17g pow(2,0.5)=%.17g\n", sqrt(2.0), sin(1.0), exp(1.0), log(10.0), pow(2.0, 0.5));
  printf("sinf(1)=%.9g expf(1)=%.9g atan2=%.17g cbrt=%.17g\n", (double)sinf(1.0f), (double)expf(1.0f), atan2(1.0, -2.0), cbrt(27.5));
  printf("%.3f %e %g %a\n", 3.14159265358979, 6.02214076e23, 1e-5, 0.1);
  printf("conv %ld %lu %d %u %lld\n", (long)(double)-1e18, (unsigned long)(double)1.8e19, (int)-2.9, (unsigned)3.99f, (long long)(float)1e10f);
  printf("nan %016llx %08lx inf %016llx\n", (unsigned long long)bits(0.0 / vd[1] * 0 + sqrt(-vd[0])), (unsigned long)fbits(sqrtf(-vf[0])), (unsigned long long)bits(vd[3] * 10));
  printf("flags %x\n", fetestexcept(FE_ALL_EXCEPT));
  poweroff();
  return 0;
}
