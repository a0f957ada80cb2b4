// Pseudo-instructions of GNU as, expanded into base instructions. `li` follows binutils'
// load_const exactly (lui/addiw for 32-bit values; for wider ones the upper part recursively, then
// slli and addi), so the instruction sequence equals GNU's; each resulting instruction is then
// compressed where GNU would.

import { asExpr, asMemory, asRegister, OperandError, type RawOperand } from './operands.js';
import { fpRegisterNumber } from '../../emulator/isa/csrs.js';
import type { Assembler, Compressible } from './assemble.js';
import type { Token } from './lexer.js';

type Handler = (a: Assembler, ops: readonly RawOperand[], at: Token) => void;

interface Pseudo {
  /** Operand counts this pseudo takes; other counts fall through to the table entry of the same name. */
  readonly counts: readonly number[];
  /** A further condition on the operands, with the same fall-through. */
  readonly when?: (ops: readonly RawOperand[]) => boolean;
  readonly run: Handler;
}

const RA = 1, T1 = 6, ZERO = 0;

function reg(op: RawOperand): number {
  const r = asRegister(op);
  if (r === undefined) throw new OperandError(op.at, `expected a register, found '${op.toks.map((t) => t.text).join('')}'`);
  return r;
}

/** binutils gas load_const: the instruction sequence GNU as emits for `li reg, value`. */
export function loadConst(a: Assembler, rd: number, value: bigint, at: Token): void {
  const v = BigInt.asIntN(64, value);
  const lower = BigInt.asIntN(12, v);
  let upper = BigInt.asIntN(64, v - lower);
  if (v !== BigInt.asIntN(32, v)) {
    // Reduce to a signed 32-bit constant using SLLI and ADDI.
    let shift = 12n;
    while (((upper >> shift) & 1n) === 0n) shift++;
    upper = upper >> shift;
    loadConst(a, rd, upper, at);
    a.emit('slli', { rd, rs1: rd, imm: Number(shift) }, at, true);
    if (lower !== 0n) a.emit('addi', { rd, rs1: rd, imm: Number(lower) }, at, true);
    return;
  }
  let hiReg = ZERO;
  if (upper !== 0n) {
    a.emit('lui', { rd, imm: Number((BigInt.asUintN(32, upper) >> 12n) & 0xfffffn) }, at, true);
    hiReg = rd;
  }
  if (lower !== 0n || hiReg === 0) a.emit('addiw', { rd, rs1: hiReg, imm: Number(lower) }, at, true);
}

/** `li`: a 12-bit value is one addi (c.li when it fits), anything else goes through load_const. */
function li(a: Assembler, rd: number, value: bigint, at: Token): void {
  const v = BigInt.asIntN(64, value);
  // GNU's `li rd, imm12` entry compresses only to c.li (so `li zero, 0` stays addi).
  if (v >= -2048n && v <= 2047n) a.emit('addi', { rd, rs1: 0, imm: Number(v) }, at, rd !== 0);
  else loadConst(a, rd, v, at);
}

function freg(op: RawOperand): number {
  const r = op.toks.length === 1 && op.toks[0]!.kind === 'ident' ? fpRegisterNumber(op.toks[0]!.text) : undefined;
  if (r === undefined) throw new OperandError(op.at, `expected a floating-point register, found '${op.toks.map((t) => t.text).join('')}'`);
  return r;
}

/** fmv.s/fneg.s/fabs.s (and .d): sign injection with both sources the same register. */
const fsgnjAlias = (base: string): Pseudo => ({
  counts: [2],
  run: (a, ops, at) => { const s = freg(ops[1]!); a.emit(base, { rd: freg(ops[0]!), rs1: s, rs2: s }, at, false); },
});
/** fgt/fge: flt/fle with the sources swapped. */
const fcmpSwap = (base: string): Pseudo => ({
  counts: [3],
  run: (a, ops, at) => a.emit(base, { rd: reg(ops[0]!), rs1: freg(ops[2]!), rs2: freg(ops[1]!) }, at, false),
});
/** The F CSR aliases: frcsr/frrm/frflags rd; fscsr/fsrm/fsflags [rd,] rs; fsrmi/fsflagsi [rd,] imm. */
const fcsrRead = (csr: number): Pseudo => ({
  counts: [1], run: (a, ops, at) => a.emit('csrrs', { rd: reg(ops[0]!), csr, rs1: 0 }, at, false),
});
const fcsrWrite = (csr: number): Pseudo => ({
  counts: [1, 2],
  run: (a, ops, at) => a.emit('csrrw', ops.length === 1 ? { rd: 0, csr, rs1: reg(ops[0]!) } : { rd: reg(ops[0]!), csr, rs1: reg(ops[1]!) }, at, false),
});
const fcsrWriteImm = (csr: number): Pseudo => ({
  counts: [1, 2],
  run: (a, ops, at) => a.emit('csrrwi', ops.length === 1
    ? { rd: 0, csr, imm: a.constField(ops[0]!, 'zimm5') }
    : { rd: reg(ops[0]!), csr, imm: a.constField(ops[1]!, 'zimm5') }, at, false),
});
const FFLAGS = 1, FRM = 2, FCSR = 3;

const r2 = (base: string, f: (d: number, s: number) => Record<string, number>, compressible: Compressible = false): Pseudo => ({
  counts: [2],
  run: (a, ops, at) => a.emit(base, f(reg(ops[0]!), reg(ops[1]!)), at, compressible),
});

const branchZ = (op: string, swap: boolean): Pseudo => ({
  counts: [2],
  run: (a, ops, at) => {
    const r = reg(ops[0]!);
    a.branch(op, swap ? 0 : r, swap ? r : 0, asExpr(ops[1]!), at);
  },
});
const branchSwap = (op: string): Pseudo => ({
  counts: [3],
  run: (a, ops, at) => a.branch(op, reg(ops[1]!), reg(ops[0]!), asExpr(ops[2]!), at),
});

/** csrr/csrw/... : the csr operand is a name or a number; a non-register source selects the `i` form. */
function csrOp(a: Assembler, op: RawOperand): number { return a.csrNumber(op); }
const csrWrite = (regForm: string, immForm: string): Pseudo => ({
  counts: [2],
  run: (a, ops, at) => {
    const csr = csrOp(a, ops[0]!);
    const r = asRegister(ops[1]!);
    if (r !== undefined) a.emit(regForm, { rd: 0, csr, rs1: r }, at, false);
    else a.emit(immForm, { rd: 0, csr, imm: a.constField(ops[1]!, 'zimm5') }, at, false);
  },
});
const csrImm = (immForm: string): Pseudo => ({
  counts: [2],
  run: (a, ops, at) => a.emit(immForm, { rd: 0, csr: csrOp(a, ops[0]!), imm: a.constField(ops[1]!, 'zimm5') }, at, false),
});

/** call/tail: auipc + jalr with R_RISCV_CALL_PLT on the auipc, never compressed (GNU 2.40). */
function callSeq(a: Assembler, rd: number, tmp: number, target: RawOperand, at: Token): void {
  a.emitFixed('auipc', { rd: tmp, imm: 0 }, at, { type: 'R_RISCV_CALL_PLT', target: a.jumpTarget(asExpr(target)) });
  a.emit('jalr', { rd, rs1: tmp, imm: 0 }, at, false);
}

/** la/lla (non-PIC: the same): auipc with PCREL_HI20, addi with PCREL_LO12_I naming the auipc's label. */
function loadAddress(a: Assembler, ops: readonly RawOperand[], at: Token): void {
  const rd = reg(ops[0]!);
  const value = a.evalAt(asExpr(ops[1]!));
  if (value.sym === undefined) { li(a, rd, value.add, at); return; }
  const label = a.internalLabel('.Lpcrel_hi');
  a.emitFixed('auipc', { rd, imm: 0 }, at, { type: 'R_RISCV_PCREL_HI20', target: value });
  a.emitFixed('addi', { rd, rs1: rd, imm: 0 }, at, { type: 'R_RISCV_PCREL_LO12_I', target: { sym: label, add: 0n } });
}

/**
 * `add rd, rs, imm` is addi, `csrrw rd, csr, imm` csrrwi, ...: the third operand is not a register.
 * GNU compresses them as their immediate forms, except that `add` lists only c.addi (any
 * immediate, 0 included), c.addi4spn and c.addi16sp, not c.li or c.mv.
 */
const immForm = (target: string, compressible: Compressible = true): Pseudo => ({
  counts: [3],
  when: (ops) => asRegister(ops[2]!) === undefined,
  run: (a, ops, at) => a.asTable(target, ops, at, compressible),
});

const FENCE_ALL = 0xf;

export const PSEUDOS: Readonly<Record<string, Pseudo>> = {
  nop: { counts: [0], run: (a, _o, at) => a.emit('addi', { rd: 0, rs1: 0, imm: 0 }, at, true) },
  li: {
    counts: [2],
    run: (a, ops, at) => {
      const rd = reg(ops[0]!);
      const v = a.evalAt(asExpr(ops[1]!));
      if (v.sym !== undefined) throw new OperandError(ops[1]!.at, `li needs a constant, '${v.sym}' is a symbol (use la)`);
      li(a, rd, v.add, at);
    },
  },
  la: { counts: [2], run: loadAddress },
  lla: { counts: [2], run: loadAddress },
  call: {
    counts: [1, 2],
    // `call rd, sym` links into rd through t1, as GNU does.
    run: (a, ops, at) => ops.length === 1 ? callSeq(a, RA, RA, ops[0]!, at) : callSeq(a, reg(ops[0]!), T1, ops[1]!, at),
  },
  tail: { counts: [1], run: (a, ops, at) => callSeq(a, 0, T1, ops[0]!, at) },
  ret: { counts: [0], run: (a, _o, at) => a.emit('jalr', { rd: 0, rs1: RA, imm: 0 }, at, true) },
  j: { counts: [1], run: (a, ops, at) => a.branch('jal', 0, 0, asExpr(ops[0]!), at) },
  jal: { counts: [1], run: (a, ops, at) => a.jal(RA, asExpr(ops[0]!), at) },
  jr: {
    counts: [1, 2],
    run: (a, ops, at) => {
      if (ops.length === 2) { a.emit('jalr', { rd: 0, rs1: reg(ops[0]!), imm: a.constField(ops[1]!, 'imm12') }, at, false); return; }
      const mem = asMemory(ops[0]!);
      if (mem) a.emit('jalr', { rd: 0, rs1: mem.reg, imm: mem.offset ? a.constExpr(mem.offset, 'imm12', ops[0]!.at) : 0 }, at, false);
      else a.emit('jalr', { rd: 0, rs1: reg(ops[0]!), imm: 0 }, at, true);
    },
  },
  jalr: {
    // The table's form is `jalr rd, imm(rs1)`; GNU also takes `jalr rs`, `jalr imm(rs)`, `jalr rd, rs`.
    counts: [1, 2, 3],
    run: (a, ops, at) => {
      if (ops.length === 3) { a.emit('jalr', { rd: reg(ops[0]!), rs1: reg(ops[1]!), imm: a.constField(ops[2]!, 'imm12') }, at, false); return; }
      if (ops.length === 2) {
        const mem = asMemory(ops[1]!);
        if (mem) a.emit('jalr', { rd: reg(ops[0]!), rs1: mem.reg, imm: mem.offset ? a.constExpr(mem.offset, 'imm12', ops[1]!.at) : 0 }, at, false);
        else a.emit('jalr', { rd: reg(ops[0]!), rs1: reg(ops[1]!), imm: 0 }, at, false);
        return;
      }
      const mem = asMemory(ops[0]!);
      if (mem) a.emit('jalr', { rd: RA, rs1: mem.reg, imm: mem.offset ? a.constExpr(mem.offset, 'imm12', ops[0]!.at) : 0 }, at, false);
      else a.emit('jalr', { rd: RA, rs1: reg(ops[0]!), imm: 0 }, at, true);
    },
  },
  // GNU's mv compresses only to c.mv (`mv a0, zero` stays addi, not c.li).
  mv: r2('addi', (d, s) => ({ rd: d, rs1: s, imm: 0 }), ['c.mv']),
  not: r2('xori', (d, s) => ({ rd: d, rs1: s, imm: -1 })),
  neg: r2('sub', (d, s) => ({ rd: d, rs1: 0, rs2: s })),
  negw: r2('subw', (d, s) => ({ rd: d, rs1: 0, rs2: s })),
  'sext.w': r2('addiw', (d, s) => ({ rd: d, rs1: s, imm: 0 }), true),
  seqz: r2('sltiu', (d, s) => ({ rd: d, rs1: s, imm: 1 })),
  snez: r2('sltu', (d, s) => ({ rd: d, rs1: 0, rs2: s })),
  sltz: r2('slt', (d, s) => ({ rd: d, rs1: s, rs2: 0 })),
  sgtz: r2('slt', (d, s) => ({ rd: d, rs1: 0, rs2: s })),
  'zext.b': r2('andi', (d, s) => ({ rd: d, rs1: s, imm: 255 })),
  sgt: { counts: [3], run: (a, ops, at) => a.emit('slt', { rd: reg(ops[0]!), rs1: reg(ops[2]!), rs2: reg(ops[1]!) }, at, false) },
  sgtu: { counts: [3], run: (a, ops, at) => a.emit('sltu', { rd: reg(ops[0]!), rs1: reg(ops[2]!), rs2: reg(ops[1]!) }, at, false) },
  beqz: branchZ('beq', false),
  bnez: branchZ('bne', false),
  blez: branchZ('bge', true),
  bgez: branchZ('bge', false),
  bltz: branchZ('blt', false),
  bgtz: branchZ('blt', true),
  bgt: branchSwap('blt'),
  ble: branchSwap('bge'),
  bgtu: branchSwap('bltu'),
  bleu: branchSwap('bgeu'),
  csrr: { counts: [2], run: (a, ops, at) => a.emit('csrrs', { rd: reg(ops[0]!), csr: csrOp(a, ops[1]!), rs1: 0 }, at, false) },
  csrw: csrWrite('csrrw', 'csrrwi'),
  csrs: csrWrite('csrrs', 'csrrsi'),
  csrc: csrWrite('csrrc', 'csrrci'),
  csrwi: csrImm('csrrwi'),
  csrsi: csrImm('csrrsi'),
  csrci: csrImm('csrrci'),
  rdcycle: { counts: [1], run: (a, ops, at) => a.emit('csrrs', { rd: reg(ops[0]!), csr: 0xc00, rs1: 0 }, at, false) },
  rdtime: { counts: [1], run: (a, ops, at) => a.emit('csrrs', { rd: reg(ops[0]!), csr: 0xc01, rs1: 0 }, at, false) },
  rdinstret: { counts: [1], run: (a, ops, at) => a.emit('csrrs', { rd: reg(ops[0]!), csr: 0xc02, rs1: 0 }, at, false) },
  // GNU's unimp is c.unimp (0x0000) with RVC, else csrrw zero, cycle, zero.
  unimp: { counts: [0], run: (a, _o, at) => a.opts.rvc ? a.bytes(new Uint8Array(2), at, true) : a.emit('csrrw', { rd: 0, csr: 0xc00, rs1: 0 }, at, false) },
  'c.unimp': { counts: [0], run: (a, _o, at) => a.bytes(new Uint8Array(2), at, true) },
  // The RVC HINTs GNU as writes explicitly: c.nop with an immediate, shifts by 0.
  'c.nop': { counts: [1], run: (a, ops, at) => a.emit('c.addi', { rdrs1: 0, imm: a.constField(ops[0]!, 'c_nzimm6') }, at, false) },
  'c.slli64': { counts: [1], run: (a, ops, at) => a.emit('c.slli', { rdrs1: reg(ops[0]!), imm: 0 }, at, false) },
  'c.srli64': { counts: [1], run: (a, ops, at) => a.emit('c.srli', { rdrs1: reg(ops[0]!), imm: 0 }, at, false) },
  'c.srai64': { counts: [1], run: (a, ops, at) => a.emit('c.srai', { rdrs1: reg(ops[0]!), imm: 0 }, at, false) },
  // Register-form names with an immediate (GNU's alias entries; objdump 2.40 prints them so).
  add: immForm('addi', ['c.addi', 'c.addi4spn', 'c.addi16sp']),
  and: immForm('andi'), or: immForm('ori'), xor: immForm('xori'),
  sll: immForm('slli'), srl: immForm('srli'), sra: immForm('srai'),
  addw: immForm('addiw'), sllw: immForm('slliw'), srlw: immForm('srliw'), sraw: immForm('sraiw'),
  csrrw: immForm('csrrwi', false), csrrs: immForm('csrrsi', false), csrrc: immForm('csrrci', false),
  // Zba/Zbb/Zbs aliases GNU as takes
  'zext.w': r2('add.uw', (d, s) => ({ rd: d, rs1: s, rs2: 0 })),
  ror: immForm('rori'), rorw: immForm('roriw'),
  bset: immForm('bseti'), bclr: immForm('bclri'), binv: immForm('binvi'), bext: immForm('bexti'),
  // F and D aliases
  'fmv.s': fsgnjAlias('fsgnj.s'), 'fneg.s': fsgnjAlias('fsgnjn.s'), 'fabs.s': fsgnjAlias('fsgnjx.s'),
  'fmv.d': fsgnjAlias('fsgnj.d'), 'fneg.d': fsgnjAlias('fsgnjn.d'), 'fabs.d': fsgnjAlias('fsgnjx.d'),
  'fgt.s': fcmpSwap('flt.s'), 'fge.s': fcmpSwap('fle.s'), 'fgt.d': fcmpSwap('flt.d'), 'fge.d': fcmpSwap('fle.d'),
  'fmv.x.s': { counts: [2], run: (a, ops, at) => a.emit('fmv.x.w', { rd: reg(ops[0]!), rs1: freg(ops[1]!) }, at, false) },
  'fmv.s.x': { counts: [2], run: (a, ops, at) => a.emit('fmv.w.x', { rd: freg(ops[0]!), rs1: reg(ops[1]!) }, at, false) },
  frcsr: fcsrRead(FCSR), frrm: fcsrRead(FRM), frflags: fcsrRead(FFLAGS),
  fscsr: fcsrWrite(FCSR), fsrm: fcsrWrite(FRM), fsflags: fcsrWrite(FFLAGS),
  fsrmi: fcsrWriteImm(FRM), fsflagsi: fcsrWriteImm(FFLAGS),
  fence: { counts: [0], run: (a, _o, at) => a.emit('fence', { pred: FENCE_ALL, succ: FENCE_ALL }, at, false) },
  'sfence.vma': {
    counts: [0, 1],
    run: (a, ops, at) => a.emit('sfence.vma', { rs1: ops.length ? reg(ops[0]!) : 0, rs2: 0 }, at, false),
  },
};

