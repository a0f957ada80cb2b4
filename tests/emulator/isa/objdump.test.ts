// Our disassembler against GNU objdump -d, line for line (address, bytes, text), on:
//  - a hand-written corpus using every instruction and every alias, assembled with and without RVC;
//  - every 16-bit encoding (all 49152 of them, legal or not);
//  - every 32-bit table entry over the operand spread.
// Each corpus is one `as` run and one `objdump` run.

import { describe, expect, it } from 'vitest';
import { disassemble, newDisasmState } from '../../../emulator/isa/disasm.js';
import { CSR_NAMES } from '../../../emulator/isa/csrs.js';
import { decode } from '../../../emulator/isa/decode.js';
import { encode } from '../../../emulator/isa/encode.js';
import { TABLE } from '../../../emulator/isa/table.js';
import { fetchInsn, gnuAssemble, haveBinutils, MARCH, NOT_IN_BINUTILS_2_40, symbolizer } from './gnu.js';
import { spread } from './spread.js';

const have = haveBinutils();

/** Walks .text with our disassembler and compares every line with objdump's. */
function compare(source: string): { lines: number; mismatches: string[] } {
  const { text, listing, symbols } = gnuAssemble(source, { march: MARCH });
  const sym = symbolizer(symbols);
  const state = newDisasmState(symbols.get('__global_pointer$'));
  const mismatches: string[] = [];
  let off = 0, line = 0;
  while (off < text.length) {
    const bits = fetchInsn(text, off);
    const ours = disassemble(bits, BigInt(off), sym, state);
    const bytes = ours.size === 4 ? bits.toString(16).padStart(8, '0') : bits.toString(16).padStart(4, '0');
    const mine = `${off.toString(16)}: ${bytes} ${ours.text}`;
    const g = listing[line];
    // Zicond and Zihintntl postdate binutils 2.40, which prints them as .4byte / add / c.add.
    const ext = decode(bits)?.base.ext;
    if (ext !== undefined && NOT_IN_BINUTILS_2_40.has(ext)) { off += ours.size; line++; continue; }
    const theirs = g ? `${g.addr.toString(16)}: ${g.bytes} ${g.text}` : '(objdump listing ended)';
    if (mine !== theirs && mismatches.length < 40) mismatches.push(`ours  ${JSON.stringify(mine)}\ngnu   ${JSON.stringify(theirs)}`);
    off += ours.size;
    line++;
  }
  if (line !== listing.length) mismatches.push(`objdump printed ${listing.length} lines, we printed ${line}`);
  return { lines: line, mismatches };
}

/** Every mnemonic and alias we print, in assembly GNU as accepts. */
const CORPUS = `
_start:
  lui a0, 0x12345
  lui t6, 0xfffff
  auipc sp, 0x80000
  auipc zero, 0
  jal _start
  jal zero, fwd
  jal t0, fwd
  j fwd
  jalr a0
  jalr t0, a0
  jalr t0, 12(a0)
  jalr ra, -2048(s1)
  jalr x0, 2047(a1)
  jr a5
  jr 8(a5)
  ret
fwd:
  beq a0, a1, fwd
  beq a0, zero, fwd
  beqz s1, back
  bne a2, a3, back
  bnez a4, back
  blt a0, a1, back
  bltz a0, back
  bgtz a1, back
  bgt a1, a2, back
  bge a0, a1, back
  bgez a0, back
  blez a1, back
  ble a1, a2, back
  bltu a0, a1, back
  bgtu a0, a1, back
  bgeu a0, a1, back
  bleu a0, a1, back
back:
  lb a0, -2048(sp)
  lh a1, 2047(s0)
  lw a2, 0(a3)
  ld a3, 8(sp)
  lbu a4, 1(a5)
  lhu a5, 2(a6)
  lwu a6, 4(a7)
  sb a0, -1(t0)
  sh a1, 2(t1)
  sw a2, 4(sp)
  sd a3, 8(sp)
  sw s1, 4(s0)
  sd s1, 8(s0)
  lw s1, 4(s0)
  ld s1, 8(s0)
  addi a0, a0, 1
  addi a0, a1, -2048
  addi sp, sp, -16
  addi sp, sp, 496
  addi a0, sp, 1020
  addi zero, zero, 0
  nop
  li a0, 0
  li a0, -1
  li t0, 2047
  li s2, -2048
  mv a0, a1
  mv s2, s3
  slti a0, a1, -5
  sltiu a0, a1, 7
  seqz a0, a1
  xori a0, a1, 0x55
  not a0, a1
  ori a0, a1, -1
  andi a0, a1, 15
  andi s0, s0, -32
  zext.b a0, a1
  slli a0, a1, 63
  slli a0, a0, 1
  srli a0, a1, 32
  srli s0, s0, 5
  srai a0, a1, 1
  srai s1, s1, 63
  add a0, a1, a2
  add a0, a0, a2
  sub a0, a1, a2
  sub s0, s0, a5
  neg a0, a1
  sll a0, a1, a2
  slt a0, a1, a2
  sltz a0, a1
  sgtz a0, a1
  sltu a0, a1, a2
  snez a0, a1
  xor a0, a1, a2
  xor s0, s0, s1
  srl a0, a1, a2
  sra a0, a1, a2
  or a0, a1, a2
  or a5, a5, a4
  and a0, a1, a2
  and a5, a5, s0
  addiw a0, a1, -1
  addiw a0, a0, 31
  sext.w a0, a1
  sext.w a0, a0
  slliw a0, a1, 31
  srliw a0, a1, 1
  sraiw a0, a1, 17
  addw a0, a1, a2
  addw s0, s0, a0
  subw a0, a1, a2
  subw a2, a2, a3
  negw a0, a1
  sllw a0, a1, a2
  srlw a0, a1, a2
  sraw a0, a1, a2
  fence
  fence iorw, iorw
  fence rw, rw
  fence r, w
  fence i, o
  fence.tso
  pause
  fence.i
  ecall
  ebreak
  unimp
  csrrw a0, mstatus, a1
  csrrs a0, satp, a1
  csrrc a0, sie, a1
  csrrwi a0, mtvec, 1
  csrrsi a0, mie, 31
  csrrci a0, mip, 0
  csrr a0, mhartid
  csrr a0, 0x7c0
  csrw stvec, a0
  csrs sstatus, a0
  csrc sstatus, a0
  csrwi sscratch, 5
  csrsi sstatus, 2
  csrci sstatus, 2
  rdcycle a0
  rdtime a1
  rdinstret a2
  csrr a0, stimecmp
  csrr a0, pmpaddr63
  csrr a0, mhpmcounter31
  sret
  mret
  wfi
  sfence.vma
  sfence.vma a0
  sfence.vma zero, a1
  sfence.vma a0, a1
  mul a0, a1, a2
  mulh a0, a1, a2
  mulhsu a0, a1, a2
  mulhu a0, a1, a2
  div a0, a1, a2
  divu a0, a1, a2
  rem a0, a1, a2
  remu a0, a1, a2
  mulw a0, a1, a2
  divw a0, a1, a2
  divuw a0, a1, a2
  remw a0, a1, a2
  remuw a0, a1, a2
  lr.w a0, (a1)
  lr.w.aq a0, (a1)
  lr.d.aqrl a0, (a1)
  sc.w a0, a2, (a1)
  sc.d.rl a0, a2, (a1)
  amoswap.w a0, a2, (a1)
  amoadd.w.aq a0, a2, (a1)
  amoxor.w.rl a0, a2, (a1)
  amoand.w.aqrl a0, a2, (a1)
  amoor.w a0, a2, (a1)
  amomin.w a0, a2, (a1)
  amomax.w a0, a2, (a1)
  amominu.w a0, a2, (a1)
  amomaxu.w a0, a2, (a1)
  amoswap.d a0, a2, (a1)
  amoadd.d a0, a2, (a1)
  amoxor.d a0, a2, (a1)
  amoand.d a0, a2, (a1)
  amoor.d a0, a2, (a1)
  amomin.d a0, a2, (a1)
  amomax.d a0, a2, (a1)
  amominu.d a0, a2, (a1)
  amomaxu.d.aqrl a0, a2, (a1)
  sh1add a0, a1, a2
  sh2add a0, a1, a2
  sh3add.uw a0, a1, a2
  add.uw a0, a1, a2
  zext.w a0, a1
  slli.uw a0, a1, 31
  andn a0, a1, a2
  orn a0, a1, a2
  xnor a0, a1, a2
  clz a0, a1
  ctzw a0, a1
  cpop a0, a1
  max a0, a1, a2
  minu a0, a1, a2
  sext.b a0, a1
  sext.h a0, a1
  zext.h a0, a1
  rol a0, a1, a2
  rorw a0, a1, a2
  rori a0, a1, 63
  ror a0, a1, 7
  roriw a0, a1, 1
  orc.b a0, a1
  rev8 a0, a1
  bset a0, a1, a2
  bseti a0, a1, 63
  bclr a0, a1, 3
  binvi a0, a1, 0
  bext a0, a1, a2
  bexti a0, a1, 40
  cbo.clean (a0)
  cbo.flush 0(a1)
  cbo.inval (a2)
  cbo.zero (a3)
  prefetch.i 64(a0)
  prefetch.r -2048(sp)
  prefetch.w 0(a1)
  flw fa0, 8(a0)
  fsw ft11, -4(sp)
  fld fs0, 112(a0)
  fsd fs0, 112(a0)
  fld ft0, 8(sp)
  fsd fs11, 504(sp)
  fld fa5, 248(a5)
  fadd.s fa0, fa1, fa2
  fadd.s fa0, fa1, fa2, rtz
  fsub.d ft0, ft1, ft2, rne
  fmul.d fa0, fa1, fa2, rdn
  fdiv.s fa0, fa1, fa2, rup
  fsqrt.d fa0, fa1, rmm
  fsqrt.s fa0, fa1, dyn
  fmadd.s fa0, fa1, fa2, fa3
  fmsub.d fa0, fa1, fa2, fa3, rtz
  fnmsub.s ft0, ft1, ft2, ft3
  fnmadd.d fs0, fs1, fs2, fs3, rne
  fsgnj.s fa0, fa1, fa2
  fsgnjn.d fa0, fa1, fa2
  fsgnjx.s fa0, fa1, fa2
  fmv.s fa0, fa1
  fneg.d fa0, fa1
  fabs.s fa0, fa1
  fmin.s fa0, fa1, fa2
  fmax.d fa0, fa1, fa2
  fcvt.w.s a0, fa0, rtz
  fcvt.wu.d a0, fa0
  fcvt.l.d a0, fa0, rtz
  fcvt.lu.s a0, fa0, rup
  fcvt.s.w fa0, a0
  fcvt.s.lu fa0, a0, rtz
  fcvt.d.w fa0, a0
  fcvt.d.wu fa0, a0
  fcvt.d.l fa0, a0
  fcvt.s.d fa0, fa1
  fcvt.s.d fa0, fa1, rne
  fcvt.d.s fa0, fa1
  fmv.x.w a0, fa0
  fmv.w.x fa0, a0
  fmv.x.d a0, fa0
  fmv.d.x fa0, a0
  fclass.s a0, fa0
  fclass.d a0, fa0
  feq.s a0, fa0, fa1
  flt.d a0, fa0, fa1
  fle.s a0, fa0, fa1
  fgt.d a0, fa0, fa1
  fge.s a0, fa0, fa1
  frcsr a0
  fscsr a1
  fscsr a0, a1
  frrm a0
  fsrm a1
  fsrm a0, a1
  frflags a0
  fsflags a1
  fsflags a0, a1
  fsrmi 3
  fsrmi a0, 1
  fsflagsi 31
  fsflagsi a0, 0
  csrr a0, fcsr
  csrwi fcsr, 1
  csrs fflags, a0
addr:
  auipc a0, 0
  addi a0, a0, 16
  auipc a1, 0
  ld a2, 8(a1)
  auipc a1, 0
  sd a2, -8(a1)
  auipc t1, 0
  jalr ra, 12(t1)
  auipc t1, 0
  jalr t1
  lui a3, 0x80000
  addiw a3, a3, -4
  lui a3, 0x1
  addi a3, a3, 0
  lui a4, 0x1
  addi a4, a4, 4
  addi a4, a4, 4
  ld a0, 16(zero)
  sd a0, 16(tp)
  addi a5, tp, 8
  jr 4(zero)
  lw a0, 0(gp)
  lui a1, 0x12345
  fld fa0, 8(a1)
  auipc a2, 0
  fsw fa0, -8(a2)
end:
  j _start
`;

describe('disassembler against objdump -d', () => {
  it.skipIf(!have)('matches on the instruction and alias corpus with RVC', () => {
    const r = compare(`.option rvc\n${CORPUS}`);
    expect(r.mismatches).toEqual([]);
    expect(r.lines).toBeGreaterThan(200);
  });

  it.skipIf(!have)('matches on the instruction and alias corpus without RVC', () => {
    const r = compare(`.option norvc\n${CORPUS}`);
    expect(r.mismatches).toEqual([]);
  });

  it.skipIf(!have)('matches on every 16-bit encoding', () => {
    let src = '_start:\n';
    for (let x = 0; x < 0x10000; x++) if ((x & 3) !== 3) src += `.insn 2, 0x${x.toString(16)}\n`;
    const r = compare(src);
    expect(r.mismatches).toEqual([]);
    expect(r.lines).toBe(49152);
  });

  it.skipIf(!have)('matches on every 32-bit table entry over the operand spread', () => {
    let src = '_start:\n';
    let n = 0;
    for (const def of TABLE) {
      if (def.size !== 4) continue;
      for (const v of spread(def)) {
        src += `.insn 4, 0x${encode(def, v).toString(16)}\n`;
        n++;
      }
    }
    const r = compare(src);
    expect(r.mismatches).toEqual([]);
    expect(r.lines).toBe(n);
  });

  it.skipIf(!have)('matches on 32-bit words around every entry (random operands, one mask bit flipped in a quarter)', () => {
    // Deterministic: a fixed-seed xorshift, so a failure reproduces.
    let s = 0x2545f491;
    const rnd = (): number => {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      return s >>> 0;
    };
    const wide = TABLE.filter((d) => d.size === 4);
    let src = '_start:\n';
    for (let n = 0; n < 30000; n++) {
      const d = wide[rnd() % wide.length]!;
      let w = ((d.match & d.mask) | (rnd() & ~d.mask)) >>> 0;
      if (rnd() % 4 === 0) w = (w ^ (1 << (2 + (rnd() % 30)))) >>> 0;
      if ((w & 0x1f) === 0x1f) continue; // a 48-bit or longer encoding, not ours
      // Known differences, left out: CSRs objdump names that csrs.ts does not (hypervisor, debug,
      // F, stateen, RV32 high halves) print as numbers; uret, hret and sfence.vm (withdrawn from the
      // privileged spec) are not instructions of ours.
      const dec = decode(w);
      if (dec?.def.mnemonic.startsWith('csr') && !CSR_NAMES.has(dec.csr)) continue;
      if (w === 0x00200073 || w === 0x20200073 || (w & 0xfff07fff) === 0x10400073) continue;
      src += `.insn 4, 0x${w.toString(16)}\n`;
    }
    const r = compare(src);
    expect(r.mismatches).toEqual([]);
  });

  it('prints without symbols or state', () => {
    expect(disassemble(0x00a50533, 0n).text).toBe('add\ta0,a0,a0');
    expect(disassemble(0x0000006f, 0x80000000n).text).toBe('j\t80000000');
    expect(disassemble(0x0000006f, 0x80000000n, (a) => (a === 0x80000000n ? 'loop' : undefined)).text).toBe('j\t80000000 <loop>');
    expect(disassemble(0x8082, 0n)).toEqual({ text: 'ret', size: 2 });
    expect(disassemble(0x0000, 0n)).toEqual({ text: 'unimp', size: 2 });
    expect(disassemble(0x6081, 0n)).toEqual({ text: '.2byte\t0x6081', size: 2 });
    expect(disassemble(0x0000701b, 0n)).toEqual({ text: '.4byte\t0x701b', size: 4 });
  });
});
