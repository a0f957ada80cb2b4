// The GNU comparison corpus: every TABLE entry with a spread of operand values (extremes included),
// every pseudo-instruction and directive of issue 2, li constants, relaxed branches and alignment.
// Not a test file itself; gnu-compare.test.ts assembles it with both assemblers.

import { TABLE, type InsnDef } from '../../../emulator/isa/table.js';
import { FIELDS, type FieldName } from '../../../emulator/isa/fields.js';
import { ABI_NAMES, FP_ABI_NAMES } from '../../../emulator/isa/csrs.js';

/** Sample values of a field: extremes, zero/one, and something in between, all encodable. */
function samples(name: FieldName): string[] {
  const k = FIELDS[name];
  if (k.syntax === 'reg') {
    const regs = k.prime ? [8, 15, 10, 9] : [10, 0, 31, 2, 1, 5];
    return regs.filter((r) => !(k.nonzero && r === 0) && !k.exclude?.includes(r)).map((r) => ABI_NAMES[r]!);
  }
  if (k.syntax === 'freg') return (k.prime ? [8, 15, 10, 9] : [10, 0, 31, 2, 1, 5]).map((r) => FP_ABI_NAMES[r]!);
  if (k.syntax === 'rm') return ['rne', 'rtz', 'dyn', 'rmm', 'rup', 'rdn'];
  if (k.syntax === 'csr') return ['mstatus', 'satp', '0x340', 'cycle', '0xfff'];
  if (k.syntax === 'fence') return ['iorw', 'rw', 'w', 'io', 'r'];
  if (name === 'uimm20') return ['0', '0xfffff', '0x12345', '1', '0x80000'];
  if (name === 'c_nzimm18') return ['1', '31', '0xfffe0', '0xfffff', '4'];
  let covered = 0;
  for (const [h, l, vlo] of k.segments) covered |= ((1 << (h - l + 1)) - 1) << vlo;
  const step = covered & -covered;
  const lo = k.signed ? -(2 ** (k.width - 1)) : 0;
  const hi = (k.signed ? 2 ** (k.width - 1) : 2 ** k.width) - step;
  // GNU refuses shifts by 0 in explicit c.slli/c.srli/c.srai (HINTs).
  const noZero = k.nonzero || name === 'c_shamt6';
  const vals = [lo, hi, step, k.signed ? -step : 2 * step, 0].filter((v) => !(noZero && v === 0));
  return vals.map(String);
}

function lines(def: InsnDef): string[] {
  if (def.syntax === '') return [def.mnemonic];
  const names: FieldName[] = def.fields.filter((f) => f !== 'aqrl');
  const out: string[] = [];
  for (let v = 0; v < 5; v++) {
    const ops = def.syntax.replace(/[a-z_0-9]+/g, (tok) => {
      if (!(tok in FIELDS)) return tok;
      const f = tok as FieldName;
      if (FIELDS[f].syntax === 'offset') return v % 2 ? '1b' : '2f';
      const s = samples(f);
      return s[(v + names.indexOf(f)) % s.length]!;
    });
    const sfx = def.format === 'AMO' ? ['', '.aq', '.rl', '.aqrl', ''][v]! : '';
    out.push(`1: ${def.mnemonic}${sfx} ${ops}\n2:`);
  }
  return out;
}

/** Every table entry, several operand spreads each. C entries only when RVC is on (GNU refuses them otherwise). */
export function tableCorpus(rvc: boolean): string {
  // Zicond and Zihintntl postdate binutils 2.40 (the reference).
  const newer = (d: InsnDef): boolean => ['Zicond', 'Zihintntl'].includes(d.ext) || (d.expand?.base.startsWith('ntl.') ?? false);
  return TABLE.filter((d) => (rvc || d.ext !== 'C') && !newer(d)).flatMap(lines).join('\n') + '\n';
}

const LI_VALUES = [
  '0', '1', '-1', '31', '-32', '32', '2047', '-2048', '2048', '-2049', '0x1000', '0x7ffff000', '0x7fffffff',
  '0x80000000', '-0x80000000', '0xffffffff', '0x100000000', '0x123456789abcdef0', '0x8000000000000000',
  '0x7fffffffffffffff', '-0x7fffffffffffffff', '0xfffffffffffff800', '0x10000000000', '0x12345', '0x800',
  '0xfffff000', '0x1f000', '0x20000', '0xffffffff80000000', '0xdeadbeef', '0x0000123400005678', '4096', '-4096',
];

export const HANDWRITTEN = `
  .file "corpus.s"
  .equ   BIG, 0x1234
  .set   SMALL, 3
  COUNT = 4 * (SMALL + 1) - 2
  .globl start, ext_data, galias
  .weak  weak_ext, weak_def
  .set   alias_start, start + 2
  .equ   galias, start
  .set   alias_fwd, data_word + 4
  .set   alias_ext, ext_func + 8
  .type  start, @function
  .text
  zext.w a0, a1
  ror a0, a1, 3
  rorw a0, a1, 3
  bset a0, a1, 63
  bclr a0, a1, 0
  binv a0, a1, 5
  bext a0, a1, 7
  fmv.s fa0, fa1
  fneg.s fa0, fa1
  fabs.d fs0, fs1
  fgt.s a0, fa0, fa1
  fge.d a0, fa0, fa1
  fmv.x.s a0, fa0
  fmv.s.x fa0, a0
  fadd.d fa0, fa1, fa2
  fcvt.w.d a0, fa0, rtz
  fld ft0, 8(sp)
  fsd fa0, 0(s0)
  fld fa0, 0(a0)
  frcsr a0
  fscsr a1
  fscsr a0, a1
  frrm a0
  fsrm a0, a1
  frflags a0
  fsflags a1
  fsrmi 1
  fsflagsi a0, 2
start:
  nop
${LI_VALUES.map((v) => `  li a0, ${v}\n  li s2, ${v}\n  li t0, ${v}`).join('\n')}
  li zero, 0
  li sp, 0x1000
  li a5, BIG + COUNT
  la a0, start
  lla a1, data_word
  la a2, ext_data
  la a3, data_word + 8
  call start
  call ext_func
  call t0, ext_func
  tail start
  tail ext_func
  ret
  j start
  j 3f
  jr a0
  jr ra
  jalr a1
  jalr ra, a2
  jalr a3, 8(a4)
  jalr 4(a5)
  jal start
  jal ext_func
  mv a0, a1
  mv sp, a0
  mv a0, zero
  mv zero, a1
  mv a0, a0
  not a0, a1
  neg a0, a1
  negw s1, s2
  sext.w a0, a0
  sext.w a0, a1
  seqz a0, a1
  snez a0, a1
  sltz a0, a1
  sgtz a0, a1
3:
  beqz a0, 3b
  beqz t0, 3b
  bnez a5, 3b
  bnez s2, 3b
  blez a0, 3b
  bgez a0, 3b
  bltz a0, 3b
  bgtz a0, 3b
  bgt a0, a1, 3b
  ble a0, a1, 3b
  bgtu a0, a1, 3b
  bleu a0, a1, 3b
  beq a0, zero, 3b
  bne s0, x0, 3b
  beqz a0, ext_func
  bnez t1, ext_func
  beq a0, a1, 4f
  .zero 300
4:
  bnez a0, 5f
  bnez t2, 5f
  j 5f
  .zero 3000
5:
  beqz a0, 4b
  beqz a6, 4b
  j 4b
  j 6f
  .zero 2100
6:
  csrr a0, mstatus
  csrr t0, satp
  csrw mtvec, a0
  csrs mie, a1
  csrc mip, a2
  csrwi mscratch, 5
  csrsi sstatus, 2
  csrci sstatus, 31
  csrw 0x340, a0
  csrs sie, 8
  csrrw a0, 0x7a0, a1
  fence
  fence rw, rw
  fence.i
  fence.tso
  sfence.vma
  sfence.vma a0
  sfence.vma a0, a1
  lui a0, %hi(data_word)
  addi a0, a0, %lo(data_word)
  lw a1, %lo(data_word+4)(a0)
  sd a1, %lo(ext_data)(a0)
  lui t0, %hi(ext_data + 0x1800)
7: auipc a0, %pcrel_hi(data_word)
  addi a0, a0, %pcrel_lo(7b)
  ld a1, %pcrel_lo(7b)(a0)
  sd a1, %pcrel_lo(7b)(a0)
  addi a0, a0, SMALL * 2; addi a1, a1, -COUNT   # two statements on one line
  add a0, a1, a0   # commuted
  add a0, a1, x0
  and a0, a1, a0
  or s0, a5, s0
  xor a2, a3, a2
  addw a4, a5, a4
  sub a0, a1, a0
  addi sp, sp, -16
  addi sp, sp, -512
  addi a0, sp, 16
  addi x0, x0, 0
  addi a0, x0, 0
  slli a0, a0, 0
  andi a0, a0, 0
  # GNU's immediate forms of register-form names (objdump 2.40 prints them), and zext.b, unimp
  add a0, a0, 1
  add a0, a0, 0
  add a0, a1, 0
  add a0, zero, 5
  add zero, zero, 1
  add sp, sp, 16
  add sp, sp, -512
  add a0, sp, 16
  add a0, a1, -2048
  add a0, a1, %lo(data_word)
  and s0, s0, -1
  and a0, a1, 0
  or a0, a1, 2047
  xor s1, s1, -1
  sll a0, a0, 63
  sll s0, s0, 1
  srl s0, s0, 1
  sra a5, a5, 32
  srl a0, a1, 0
  addw a0, a0, 0
  addw a0, a0, -32
  addw a0, a1, 31
  sllw a0, a0, 31
  srlw a0, a1, 1
  sraw a0, a0, 0
  csrrw a0, mstatus, 31
  csrrs zero, sie, 1
  csrrc a0, 0x7a0, 0
  csrrw a0, mstatus, a1
  zext.b a0, a0
  zext.b s0, a1
  unimp
  # absolute branch and jump targets (relocated against *ABS*), weak symbols, .set aliases
  j 0x100
  beqz a0, 0x20
  beq a0, a1, 0x100
  jal 0x104
  jal a0, 0x40
  call 0x100
  tail 0x200
weak_def:
  j weak_def
  beqz a0, weak_def
  bne a0, a1, weak_def
  call weak_ext
  j alias_start
  beqz a0, alias_start
  call alias_start
  call galias
  call alias_ext
  la a0, alias_fwd
  .word alias_start - start
  .dword alias_fwd, alias_ext
  lw a0, (a1)
  ld s0, 0(sp)
  sd ra, 504(sp)
  ebreak
  ecall
  .byte 1
  .align 2
  .byte 2, 3
  .p2align 3
  .balign 16
  .p2align 4,,6
  .balign 8, 0xff
  addi a0, a0, (1 << 4) | 3 ^ ~0 & 7
  .half 0x1234, -1
  .short 7
  .word 0xdeadbeef, COUNT % 3, 100 / 7, 1 << 31 >> 4
  .long -2
  .dword 0x123456789abcdef0
  .quad ext_data + 16
  .word data_word
  .ascii "abc\\n\\t\\"\\\\"
  .asciz "z"
  .string "yes", "no"
  .zero 3
  .space 5, 0xaa
  .skip 2
  .byte 'a', '\\n'
  .option push
  .option norvc
  addi a0, a0, 1
  .option pop
  addi a0, a0, 1
  .option relax
  .option norelax
  .size start, . - start
1: .word 1b - start, 2f - 1b
2:
  .data
  .align 3
data_word: .word 1, 2
  .dword start
  .local lonely
lonely: .byte 9
  .section .rodata
  .asciz "read only"
  .align 4
  .byte 1
  .section .text.boot, "ax", @progbits
  addi a0, a0, 1
  .option push
  .option rvc
  c.nop
  c.nop 1
  c.nop -32
  c.nop 31
  c.unimp
  unimp
  c.slli64 a0
  c.slli64 zero
  c.srli64 s0
  c.srai64 a5
  c.j 0x100
  c.beqz s0, 0x10
  c.j far_boot
  c.bnez a0, far_boot
  .zero 4096
far_boot:
  .option pop
  .balign 8
  .section .mydata, "aw"
  .word 5
  .bss
  .zero 64
  .section .mybss, "aw", @nobits
  .skip 16
`;
