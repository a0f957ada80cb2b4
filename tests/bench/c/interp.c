/* Real-code benchmark: a small register-machine bytecode interpreter (a switch over 17 opcodes,
   compiled to a jump table) running a program that sieves the primes below 3000, counts them, and
   sums the Collatz path lengths of 1..300. The same instructions every iteration. */
#include "rt.h"

const char bench_name[] = "interp";

enum { LI, MOV, ADD, SUB, MUL, ADDI, ANDI, SRLI, LD, ST, BLT, BGE, BEQZ, BNEZ, JMP, XOR, HALT };

typedef struct { uint8_t op, a, b, c; int32_t imm; } Insn;

#define M 3000
#define K 300

/* r0 = 0, r2 = M, r7 = 1; r6 = prime count, r8 = Collatz total. */
static const Insn program[] = {
  /* 0 */ { LI, 1, 0, 0, 2 },
  /* 1 */ { LI, 2, 0, 0, M },
  /* 2 */ { LI, 7, 0, 0, 1 },
  /* 3 */ { LI, 3, 0, 0, 0 },
  /* 4 */ { ST, 0, 3, 0, 0 },          /* mem[r3] = r0 */
  /* 5 */ { ADDI, 3, 3, 0, 1 },
  /* 6 */ { BLT, 3, 2, 0, 4 },
  /* 7 */ { MUL, 4, 1, 1, 0 },         /* sieve: r4 = i*i */
  /* 8 */ { BGE, 4, 2, 0, 16 },
  /* 9 */ { LD, 5, 1, 0, 0 },          /* r5 = mem[i] */
  /* 10 */ { BNEZ, 5, 0, 0, 14 },
  /* 11 */ { ST, 7, 4, 0, 0 },         /* mem[r4] = 1 */
  /* 12 */ { ADD, 4, 4, 1, 0 },
  /* 13 */ { BLT, 4, 2, 0, 11 },
  /* 14 */ { ADDI, 1, 1, 0, 1 },
  /* 15 */ { JMP, 0, 0, 0, 7 },
  /* 16 */ { LI, 3, 0, 0, 2 },         /* count */
  /* 17 */ { LI, 6, 0, 0, 0 },
  /* 18 */ { LD, 5, 3, 0, 0 },
  /* 19 */ { BNEZ, 5, 0, 0, 21 },
  /* 20 */ { ADDI, 6, 6, 0, 1 },
  /* 21 */ { ADDI, 3, 3, 0, 1 },
  /* 22 */ { BLT, 3, 2, 0, 18 },
  /* 23 */ { LI, 8, 0, 0, 0 },         /* Collatz */
  /* 24 */ { LI, 9, 0, 0, 1 },
  /* 25 */ { LI, 10, 0, 0, K },
  /* 26 */ { MOV, 11, 9, 0, 0 },       /* x = n */
  /* 27 */ { BGE, 7, 11, 0, 36 },      /* while (1 < x) */
  /* 28 */ { ANDI, 13, 11, 0, 1 },
  /* 29 */ { BEQZ, 13, 0, 0, 33 },
  /* 30 */ { ADD, 14, 11, 11, 0 },     /* x = 3x + 1 */
  /* 31 */ { ADD, 11, 14, 11, 0 },
  /* 32 */ { ADDI, 11, 11, 0, 1 },
  /* 33 */ { SRLI, 11, 11, 0, 1 },     /* x /= 2 (an odd x: (3x+1)/2 in one step) */
  /* 34 */ { ADDI, 8, 8, 0, 1 },
  /* 35 */ { JMP, 0, 0, 0, 27 },
  /* 36 */ { ADDI, 9, 9, 0, 1 },
  /* 37 */ { BGE, 10, 9, 0, 26 },      /* while (n <= K) */
  /* 38 */ { XOR, 1, 6, 8, 0 },
  /* 39 */ { HALT, 0, 0, 0, 0 },
};

static int64_t mem[M];

static int64_t run(const Insn *pc0, int64_t *r) {
  const Insn *pc = pc0;
  for (;;) {
    const Insn *i = pc++;
    switch (i->op) {
    case LI: r[i->a] = i->imm; break;
    case MOV: r[i->a] = r[i->b]; break;
    case ADD: r[i->a] = r[i->b] + r[i->c]; break;
    case SUB: r[i->a] = r[i->b] - r[i->c]; break;
    case MUL: r[i->a] = r[i->b] * r[i->c]; break;
    case ADDI: r[i->a] = r[i->b] + i->imm; break;
    case ANDI: r[i->a] = r[i->b] & i->imm; break;
    case SRLI: r[i->a] = (int64_t)((uint64_t)r[i->b] >> i->imm); break;
    case LD: r[i->a] = mem[r[i->b]]; break;
    case ST: mem[r[i->b]] = r[i->a]; break;
    case BLT: if (r[i->a] < r[i->b]) pc = pc0 + i->imm; break;
    case BGE: if (r[i->a] >= r[i->b]) pc = pc0 + i->imm; break;
    case BEQZ: if (!r[i->a]) pc = pc0 + i->imm; break;
    case BNEZ: if (r[i->a]) pc = pc0 + i->imm; break;
    case JMP: pc = pc0 + i->imm; break;
    case XOR: r[i->a] = r[i->b] ^ (r[i->c] << 20); break;
    case HALT: return r[1];
    default: rt_fail("bad opcode");
    }
  }
}

uint64_t bench_run(uint64_t iterations) {
  uint64_t acc = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    int64_t r[16] = { 0 };
    int64_t v = run(program, r);
    if (r[6] != 430) rt_fail("wrong prime count");
    acc = acc * 31 + (uint64_t)v + it;
    BARRIER();
  }
  return acc;
}
