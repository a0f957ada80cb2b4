// THE instruction table of rvhart: RV64I, M, A, C, Zicsr, Zifencei, the privileged instructions,
// F, D, Zba, Zbb, Zbs, Zicond, Zicbom, Zicboz, Zicbop, Zihintpause and Zihintntl.
// Decoder, compressed expansion, disassembler, the assembler's encoder and (through each entry's
// semantics, attached from semantics/ by mnemonic) the hart's interpreter are all derived from it;
// there is no second list of instructions anywhere in the project.
//
// An instruction matches when (bits & mask) === match and every field marked `nonzero` is nonzero.
// Entries that must win over a more general one (c.nop before c.addi, pause before fence, ...) come
// first: the decoder tries entries in table order.

import { FIELDS, type FieldName } from './fields.js';
import type { Semantics } from './semantics/semantics.js';
import { SEMANTICS } from './semantics/index.js';

export type Extension = 'I' | 'M' | 'A' | 'F' | 'D' | 'C' | 'Zicsr' | 'Zifencei' | 'Priv'
  | 'Zba' | 'Zbb' | 'Zbs' | 'Zicond' | 'Zicbom' | 'Zicboz' | 'Zicbop' | 'Zihintpause' | 'Zihintntl';
export type Format =
  | 'R' | 'I' | 'S' | 'B' | 'U' | 'J' | 'AMO' | 'FENCE' | 'SYS'
  /** F/D: OP-FP (opcode 0x53; rm in funct3 where it is not fixed) and the fused multiply-adds (rs3). */
  | 'FR' | 'R4'
  | 'CR' | 'CI' | 'CSS' | 'CIW' | 'CL' | 'CS' | 'CA' | 'CB' | 'CJ';

/** Registers an expansion fixes, in base-instruction roles (c.lwsp reads sp, c.j writes x0, ...). */
export interface Fixed { readonly rd?: number; readonly rs1?: number; readonly rs2?: number; readonly imm?: number }

export interface InsnDef {
  readonly mnemonic: string;
  readonly ext: Extension;
  readonly format: Format;
  readonly size: 2 | 4;
  readonly mask: number;
  readonly match: number;
  /**
   * Assembly operand syntax in field names, as GNU as writes it: 'rd, rs1, imm12', 'rd, imm12(rs1)',
   * 'rd, rs2, (rs1)'. Fixed registers of compressed forms appear as register names ('sp').
   */
  readonly syntax: string;
  /** The fields this encoding has, in syntax order (aqrl is written as a mnemonic suffix). */
  readonly fields: readonly FieldName[];
  /** Compressed only: the base instruction this expands to and the operands the encoding implies. */
  readonly expand?: { readonly base: string; readonly fixed: Fixed };
  /** What it does (semantics/): every entry that is not a compressed form has exactly one. */
  readonly exec?: Semantics;
}

// --- builders: each computes mask/match from the spec's opcode/funct fields -------------------------

const isField = (t: string): t is FieldName => t in FIELDS;
function parseFields(syntax: string): FieldName[] {
  const tokens: string[] = syntax.match(/[a-z_0-9]+/g) ?? [];
  return tokens.filter(isField);
}

function def(mnemonic: string, ext: Extension, format: Format, mask: number, match: number, syntax: string,
  expand?: InsnDef['expand']): InsnDef {
  const size = (match & 3) === 3 ? 4 : 2;
  const fields = parseFields(syntax);
  if (format === 'AMO') fields.push('aqrl');
  return { mnemonic, ext, format, size, mask: mask >>> 0, match: match >>> 0, syntax, fields, expand };
}

const OPC = 0x7f, F3 = 0x7000, F7 = 0xfe000000 | 0, F6 = 0xfc000000 | 0;
const r = (m: string, ext: Extension, opcode: number, f3: number, f7: number) =>
  def(m, ext, 'R', OPC | F3 | F7, opcode | (f3 << 12) | (f7 << 25), 'rd, rs1, rs2');
const i = (m: string, ext: Extension, opcode: number, f3: number, syntax = 'rd, rs1, imm12') =>
  def(m, ext, 'I', OPC | F3, opcode | (f3 << 12), syntax);
const s = (m: string, f3: number) => def(m, 'I', 'S', OPC | F3, 0x23 | (f3 << 12), 'rs2, simm12(rs1)');
const b = (m: string, f3: number) => def(m, 'I', 'B', OPC | F3, 0x63 | (f3 << 12), 'rs1, rs2, bimm13');
const shift = (m: string, opcode: number, f3: number, f6: number, word: boolean, ext: Extension = 'I') => word
  ? def(m, ext, 'I', OPC | F3 | F7, opcode | (f3 << 12) | (f6 << 26), 'rd, rs1, shamt5')
  : def(m, ext, 'I', OPC | F3 | F6, opcode | (f3 << 12) | (f6 << 26), 'rd, rs1, shamt6');
/** One source register, the rs2 field (and funct7) fixed: clz, sext.b, rev8, zext.h, ... */
const unary = (m: string, ext: Extension, bits: number) => def(m, ext, 'I', 0xfff0707f, bits, 'rd, rs1');
/** Zicbom/Zicboz: the operation in imm[11:0], rd = 0. */
const cbo = (m: string, ext: Extension, op: number) => def(m, ext, 'I', 0xfff07fff, 0x200f | (op << 20), '(rs1)');
/** Zicbop: ori with rd = 0 and the rs2 field selecting i (0), r (1) or w (3). */
const prefetch = (m: string, sel: number) =>
  def(m, 'Zicbop', 'I', OPC | F3 | (0x1f << 20) | (0x1f << 7), 0x6013 | (sel << 20), 'pimm12(rs1)');
/** Zihintntl: add x0, x0, x2..x5. */
const ntl = (m: string, r: number) => def(m, 'Zihintntl', 'R', 0xffffffff, 0x33 | (r << 20), '');
const amo = (m: string, f5: number, f3: number) =>
  def(m, 'A', 'AMO', OPC | F3 | (0x1f << 27), 0x2f | (f3 << 12) | (f5 << 27), 'rd, rs2, (rs1)');
const sys = (m: string, ext: Extension, bits: number) => def(m, ext, 'SYS', 0xffffffff, bits, '');
const csr = (m: string, f3: number, src: 'rs1' | 'zimm5') => def(m, 'Zicsr', 'I', OPC | F3, 0x73 | (f3 << 12), `rd, csr, ${src}`);

// F and D: fmt (bits 26:25) is 0 for S, 1 for D; OP-FP's funct7 includes it. Fields below the
// funct7 are pinned by `rs2` (the fcvt source/target selector) and `f3` (a funct3 that is not rm).
const RS2 = 0x1f << 20;
const fload = (m: string, ext: Extension, f3: number) => def(m, ext, 'I', OPC | F3, 0x07 | (f3 << 12), 'frd, imm12(rs1)');
const fstore = (m: string, ext: Extension, f3: number) => def(m, ext, 'S', OPC | F3, 0x27 | (f3 << 12), 'frs2, simm12(rs1)');
const fma = (m: string, ext: Extension, opcode: number) =>
  def(m, ext, 'R4', OPC | (3 << 25), opcode | ((ext === 'D' ? 1 : 0) << 25), 'frd, frs1, frs2, frs3, rm');
const fp = (m: string, ext: Extension, f7: number, syntax: string, pin: { rs2?: number; f3?: number } = {}) =>
  def(m, ext, 'FR', OPC | F7 | (pin.rs2 !== undefined ? RS2 : 0) | (pin.f3 !== undefined ? F3 : 0),
    0x53 | (f7 << 25) | ((pin.rs2 ?? 0) << 20) | ((pin.f3 ?? 0) << 12), syntax);
/** Every F (fmt 0) or D (fmt 1) OP-FP and fused entry; `x` is the letter of the format (s, d). */
function fpEntries(ext: 'F' | 'D'): InsnDef[] {
  const f = ext === 'D' ? 1 : 0, x = ext === 'D' ? 'd' : 's';
  return [
    fma(`fmadd.${x}`, ext, 0x43), fma(`fmsub.${x}`, ext, 0x47), fma(`fnmsub.${x}`, ext, 0x4b), fma(`fnmadd.${x}`, ext, 0x4f),
    fp(`fadd.${x}`, ext, 0x00 | f, 'frd, frs1, frs2, rm'), fp(`fsub.${x}`, ext, 0x04 | f, 'frd, frs1, frs2, rm'),
    fp(`fmul.${x}`, ext, 0x08 | f, 'frd, frs1, frs2, rm'), fp(`fdiv.${x}`, ext, 0x0c | f, 'frd, frs1, frs2, rm'),
    fp(`fsqrt.${x}`, ext, 0x2c | f, 'frd, frs1, rm', { rs2: 0 }),
    fp(`fsgnj.${x}`, ext, 0x10 | f, 'frd, frs1, frs2', { f3: 0 }), fp(`fsgnjn.${x}`, ext, 0x10 | f, 'frd, frs1, frs2', { f3: 1 }),
    fp(`fsgnjx.${x}`, ext, 0x10 | f, 'frd, frs1, frs2', { f3: 2 }),
    fp(`fmin.${x}`, ext, 0x14 | f, 'frd, frs1, frs2', { f3: 0 }), fp(`fmax.${x}`, ext, 0x14 | f, 'frd, frs1, frs2', { f3: 1 }),
    fp(`fcvt.w.${x}`, ext, 0x60 | f, 'rd, frs1, rm', { rs2: 0 }), fp(`fcvt.wu.${x}`, ext, 0x60 | f, 'rd, frs1, rm', { rs2: 1 }),
    fp(`fcvt.l.${x}`, ext, 0x60 | f, 'rd, frs1, rm', { rs2: 2 }), fp(`fcvt.lu.${x}`, ext, 0x60 | f, 'rd, frs1, rm', { rs2: 3 }),
    // fcvt.d.w and fcvt.d.wu are exact: GNU writes no rm (it encodes 0); any rm decodes.
    fp(`fcvt.${x}.w`, ext, 0x68 | f, ext === 'D' ? 'frd, rs1' : 'frd, rs1, rm', { rs2: 0 }),
    fp(`fcvt.${x}.wu`, ext, 0x68 | f, ext === 'D' ? 'frd, rs1' : 'frd, rs1, rm', { rs2: 1 }),
    fp(`fcvt.${x}.l`, ext, 0x68 | f, 'frd, rs1, rm', { rs2: 2 }), fp(`fcvt.${x}.lu`, ext, 0x68 | f, 'frd, rs1, rm', { rs2: 3 }),
    fp(`fmv.x.${ext === 'D' ? 'd' : 'w'}`, ext, 0x70 | f, 'rd, frs1', { rs2: 0, f3: 0 }),
    fp(`fclass.${x}`, ext, 0x70 | f, 'rd, frs1', { rs2: 0, f3: 1 }),
    fp(`fmv.${ext === 'D' ? 'd' : 'w'}.x`, ext, 0x78 | f, 'frd, rs1', { rs2: 0, f3: 0 }),
    fp(`feq.${x}`, ext, 0x50 | f, 'rd, frs1, frs2', { f3: 2 }), fp(`flt.${x}`, ext, 0x50 | f, 'rd, frs1, frs2', { f3: 1 }),
    fp(`fle.${x}`, ext, 0x50 | f, 'rd, frs1, frs2', { f3: 0 }),
  ];
}

// Compressed: op = bits 1:0, funct3 = bits 15:13, plus whatever extra bits the encoding pins down.
const c = (m: string, format: Format, op: number, f3: number, extraMask: number, extraMatch: number,
  syntax: string, base: string, fixed: Fixed = {}) =>
  def(m, 'C', format, 0xe003 | extraMask, op | (f3 << 13) | extraMatch, syntax, { base, fixed });

const ENTRIES: readonly InsnDef[] = [
  // ---- RV64I ----
  def('lui', 'I', 'U', OPC, 0x37, 'rd, uimm20'),
  def('auipc', 'I', 'U', OPC, 0x17, 'rd, uimm20'),
  def('jal', 'I', 'J', OPC, 0x6f, 'rd, jimm21'),
  i('jalr', 'I', 0x67, 0, 'rd, imm12(rs1)'),
  b('beq', 0), b('bne', 1), b('blt', 4), b('bge', 5), b('bltu', 6), b('bgeu', 7),
  i('lb', 'I', 0x03, 0, 'rd, imm12(rs1)'), i('lh', 'I', 0x03, 1, 'rd, imm12(rs1)'),
  i('lw', 'I', 0x03, 2, 'rd, imm12(rs1)'), i('ld', 'I', 0x03, 3, 'rd, imm12(rs1)'),
  i('lbu', 'I', 0x03, 4, 'rd, imm12(rs1)'), i('lhu', 'I', 0x03, 5, 'rd, imm12(rs1)'),
  i('lwu', 'I', 0x03, 6, 'rd, imm12(rs1)'),
  s('sb', 0), s('sh', 1), s('sw', 2), s('sd', 3),
  i('addi', 'I', 0x13, 0), i('slti', 'I', 0x13, 2), i('sltiu', 'I', 0x13, 3),
  // Zicbop's prefetches are HINTs in ori's space (rd = x0): they precede ori.
  prefetch('prefetch.i', 0), prefetch('prefetch.r', 1), prefetch('prefetch.w', 3),
  i('xori', 'I', 0x13, 4), i('ori', 'I', 0x13, 6), i('andi', 'I', 0x13, 7),
  shift('slli', 0x13, 1, 0x00, false), shift('srli', 0x13, 5, 0x00, false), shift('srai', 0x13, 5, 0x10, false),
  // Zihintntl's hints are add x0, x0, x2..x5: they precede add.
  ntl('ntl.p1', 2), ntl('ntl.pall', 3), ntl('ntl.s1', 4), ntl('ntl.all', 5),
  r('add', 'I', 0x33, 0, 0x00), r('sub', 'I', 0x33, 0, 0x20), r('sll', 'I', 0x33, 1, 0x00),
  r('slt', 'I', 0x33, 2, 0x00), r('sltu', 'I', 0x33, 3, 0x00), r('xor', 'I', 0x33, 4, 0x00),
  r('srl', 'I', 0x33, 5, 0x00), r('sra', 'I', 0x33, 5, 0x20), r('or', 'I', 0x33, 6, 0x00),
  r('and', 'I', 0x33, 7, 0x00),
  i('addiw', 'I', 0x1b, 0),
  shift('slliw', 0x1b, 1, 0x00, true), shift('srliw', 0x1b, 5, 0x00, true), shift('sraiw', 0x1b, 5, 0x10, true),
  r('addw', 'I', 0x3b, 0, 0x00), r('subw', 'I', 0x3b, 0, 0x20), r('sllw', 'I', 0x3b, 1, 0x00),
  r('srlw', 'I', 0x3b, 5, 0x00), r('sraw', 'I', 0x3b, 5, 0x20),
  // fence.tso and pause are fences with fixed fm/pred/succ; they precede the general fence.
  def('fence.tso', 'I', 'FENCE', 0xfff0707f, 0x8330000f, ''),
  def('pause', 'Zihintpause', 'FENCE', 0xffffffff, 0x0100000f, ''),
  def('fence', 'I', 'FENCE', OPC | F3, 0x0f, 'pred, succ'),
  sys('ecall', 'I', 0x00000073), sys('ebreak', 'I', 0x00100073),

  // ---- Zifencei ----
  def('fence.i', 'Zifencei', 'I', OPC | F3, 0x100f, ''),

  // ---- Zicsr ----
  csr('csrrw', 1, 'rs1'), csr('csrrs', 2, 'rs1'), csr('csrrc', 3, 'rs1'),
  csr('csrrwi', 5, 'zimm5'), csr('csrrsi', 6, 'zimm5'), csr('csrrci', 7, 'zimm5'),

  // ---- Privileged ----
  sys('sret', 'Priv', 0x10200073), sys('mret', 'Priv', 0x30200073), sys('wfi', 'Priv', 0x10500073),
  def('sfence.vma', 'Priv', 'R', F7 | 0x7fff, 0x12000073, 'rs1, rs2'),

  // ---- M ----
  r('mul', 'M', 0x33, 0, 1), r('mulh', 'M', 0x33, 1, 1), r('mulhsu', 'M', 0x33, 2, 1), r('mulhu', 'M', 0x33, 3, 1),
  r('div', 'M', 0x33, 4, 1), r('divu', 'M', 0x33, 5, 1), r('rem', 'M', 0x33, 6, 1), r('remu', 'M', 0x33, 7, 1),
  r('mulw', 'M', 0x3b, 0, 1), r('divw', 'M', 0x3b, 4, 1), r('divuw', 'M', 0x3b, 5, 1),
  r('remw', 'M', 0x3b, 6, 1), r('remuw', 'M', 0x3b, 7, 1),

  // ---- A ----
  def('lr.w', 'A', 'AMO', OPC | F3 | (0x1f << 27) | (0x1f << 20), 0x2f | (2 << 12) | (0x02 << 27), 'rd, (rs1)'),
  amo('sc.w', 0x03, 2), amo('amoswap.w', 0x01, 2), amo('amoadd.w', 0x00, 2), amo('amoxor.w', 0x04, 2),
  amo('amoand.w', 0x0c, 2), amo('amoor.w', 0x08, 2), amo('amomin.w', 0x10, 2), amo('amomax.w', 0x14, 2),
  amo('amominu.w', 0x18, 2), amo('amomaxu.w', 0x1c, 2),
  def('lr.d', 'A', 'AMO', OPC | F3 | (0x1f << 27) | (0x1f << 20), 0x2f | (3 << 12) | (0x02 << 27), 'rd, (rs1)'),
  amo('sc.d', 0x03, 3), amo('amoswap.d', 0x01, 3), amo('amoadd.d', 0x00, 3), amo('amoxor.d', 0x04, 3),
  amo('amoand.d', 0x0c, 3), amo('amoor.d', 0x08, 3), amo('amomin.d', 0x10, 3), amo('amomax.d', 0x14, 3),
  amo('amominu.d', 0x18, 3), amo('amomaxu.d', 0x1c, 3),

  // ---- F ----
  fload('flw', 'F', 2), fstore('fsw', 'F', 2),
  ...fpEntries('F'),

  // ---- D ----
  fload('fld', 'D', 3), fstore('fsd', 'D', 3),
  ...fpEntries('D'),
  fp('fcvt.s.d', 'D', 0x20, 'frd, frs1, rm', { rs2: 1 }),
  fp('fcvt.d.s', 'D', 0x21, 'frd, frs1', { rs2: 0 }), // exact: no rm written, any decodes

  // ---- Zba ----
  r('sh1add', 'Zba', 0x33, 2, 0x10), r('sh2add', 'Zba', 0x33, 4, 0x10), r('sh3add', 'Zba', 0x33, 6, 0x10),
  r('add.uw', 'Zba', 0x3b, 0, 0x04),
  r('sh1add.uw', 'Zba', 0x3b, 2, 0x10), r('sh2add.uw', 'Zba', 0x3b, 4, 0x10), r('sh3add.uw', 'Zba', 0x3b, 6, 0x10),
  shift('slli.uw', 0x1b, 1, 0x02, false, 'Zba'),

  // ---- Zbb ----
  r('andn', 'Zbb', 0x33, 7, 0x20), r('orn', 'Zbb', 0x33, 6, 0x20), r('xnor', 'Zbb', 0x33, 4, 0x20),
  unary('clz', 'Zbb', 0x60001013), unary('ctz', 'Zbb', 0x60101013), unary('cpop', 'Zbb', 0x60201013),
  unary('clzw', 'Zbb', 0x6000101b), unary('ctzw', 'Zbb', 0x6010101b), unary('cpopw', 'Zbb', 0x6020101b),
  r('max', 'Zbb', 0x33, 6, 0x05), r('maxu', 'Zbb', 0x33, 7, 0x05), r('min', 'Zbb', 0x33, 4, 0x05), r('minu', 'Zbb', 0x33, 5, 0x05),
  unary('sext.b', 'Zbb', 0x60401013), unary('sext.h', 'Zbb', 0x60501013),
  unary('zext.h', 'Zbb', 0x0800403b), // RV64: packw with rs2 = x0
  r('rol', 'Zbb', 0x33, 1, 0x30), r('ror', 'Zbb', 0x33, 5, 0x30), r('rolw', 'Zbb', 0x3b, 1, 0x30), r('rorw', 'Zbb', 0x3b, 5, 0x30),
  shift('rori', 0x13, 5, 0x18, false, 'Zbb'), shift('roriw', 0x1b, 5, 0x18, true, 'Zbb'),
  unary('orc.b', 'Zbb', 0x28705013), unary('rev8', 'Zbb', 0x6b805013),

  // ---- Zbs ----
  r('bclr', 'Zbs', 0x33, 1, 0x24), r('bext', 'Zbs', 0x33, 5, 0x24), r('binv', 'Zbs', 0x33, 1, 0x34), r('bset', 'Zbs', 0x33, 1, 0x14),
  shift('bclri', 0x13, 1, 0x12, false, 'Zbs'), shift('bexti', 0x13, 5, 0x12, false, 'Zbs'),
  shift('binvi', 0x13, 1, 0x1a, false, 'Zbs'), shift('bseti', 0x13, 1, 0x0a, false, 'Zbs'),

  // ---- Zicond ----
  r('czero.eqz', 'Zicond', 0x33, 5, 0x07), r('czero.nez', 'Zicond', 0x33, 7, 0x07),

  // ---- Zicbom, Zicboz ----
  cbo('cbo.inval', 'Zicbom', 0), cbo('cbo.clean', 'Zicbom', 1), cbo('cbo.flush', 'Zicbom', 2), cbo('cbo.zero', 'Zicboz', 4),

  // ---- C (RV64C), quadrant 0 ----
  c('c.addi4spn', 'CIW', 0, 0, 0, 0, 'c_rd_p, sp, c_nzuimm10', 'addi', { rs1: 2 }),
  c('c.lw', 'CL', 0, 2, 0, 0, 'c_rd_p, c_uimm7(c_rs1_p)', 'lw'),
  c('c.ld', 'CL', 0, 3, 0, 0, 'c_rd_p, c_uimm8(c_rs1_p)', 'ld'),
  c('c.fld', 'CL', 0, 1, 0, 0, 'c_frd_p, c_uimm8(c_rs1_p)', 'fld'),
  c('c.sw', 'CS', 0, 6, 0, 0, 'c_rs2_p, c_uimm7(c_rs1_p)', 'sw'),
  c('c.fsd', 'CS', 0, 5, 0, 0, 'c_frs2_p, c_uimm8(c_rs1_p)', 'fsd'),
  c('c.sd', 'CS', 0, 7, 0, 0, 'c_rs2_p, c_uimm8(c_rs1_p)', 'sd'),
  // ---- quadrant 1 ----
  c('c.nop', 'CI', 1, 0, 0x1ffc, 0, '', 'addi', { rd: 0, rs1: 0, imm: 0 }),
  c('c.addi', 'CI', 1, 0, 0, 0, 'c_rdrs1, c_imm6', 'addi'),
  c('c.addiw', 'CI', 1, 1, 0, 0, 'c_rdrs1_n0, c_imm6', 'addiw'),
  c('c.li', 'CI', 1, 2, 0, 0, 'c_rd, c_imm6', 'addi', { rs1: 0 }),
  c('c.addi16sp', 'CI', 1, 3, 0xf80, 0x100, 'sp, c_nzimm10', 'addi', { rd: 2, rs1: 2 }),
  c('c.lui', 'CI', 1, 3, 0, 0, 'c_rd_n2, c_nzimm18', 'lui'),
  c('c.srli', 'CB', 1, 4, 0xc00, 0x000, 'c_rdrs1_p, c_shamt6', 'srli'),
  c('c.srai', 'CB', 1, 4, 0xc00, 0x400, 'c_rdrs1_p, c_shamt6', 'srai'),
  c('c.andi', 'CB', 1, 4, 0xc00, 0x800, 'c_rdrs1_p, c_imm6', 'andi'),
  c('c.sub', 'CA', 1, 4, 0x1c60, 0x0c00, 'c_rdrs1_p, c_rs2_p', 'sub'),
  c('c.xor', 'CA', 1, 4, 0x1c60, 0x0c20, 'c_rdrs1_p, c_rs2_p', 'xor'),
  c('c.or', 'CA', 1, 4, 0x1c60, 0x0c40, 'c_rdrs1_p, c_rs2_p', 'or'),
  c('c.and', 'CA', 1, 4, 0x1c60, 0x0c60, 'c_rdrs1_p, c_rs2_p', 'and'),
  c('c.subw', 'CA', 1, 4, 0x1c60, 0x1c00, 'c_rdrs1_p, c_rs2_p', 'subw'),
  c('c.addw', 'CA', 1, 4, 0x1c60, 0x1c20, 'c_rdrs1_p, c_rs2_p', 'addw'),
  c('c.j', 'CJ', 1, 5, 0, 0, 'c_jimm12', 'jal', { rd: 0 }),
  c('c.beqz', 'CB', 1, 6, 0, 0, 'c_rs1_p, c_bimm9', 'beq', { rs2: 0 }),
  c('c.bnez', 'CB', 1, 7, 0, 0, 'c_rs1_p, c_bimm9', 'bne', { rs2: 0 }),
  // ---- quadrant 2 ----
  c('c.slli', 'CI', 2, 0, 0, 0, 'c_rdrs1, c_shamt6', 'slli'),
  c('c.fldsp', 'CI', 2, 1, 0, 0, 'c_frd, c_uimm9sp(sp)', 'fld', { rs1: 2 }),
  c('c.lwsp', 'CI', 2, 2, 0, 0, 'c_rd_n0, c_uimm8sp(sp)', 'lw', { rs1: 2 }),
  c('c.ldsp', 'CI', 2, 3, 0, 0, 'c_rd_n0, c_uimm9sp(sp)', 'ld', { rs1: 2 }),
  c('c.jr', 'CR', 2, 4, 0x107c, 0x0000, 'c_rs1_n0', 'jalr', { rd: 0, imm: 0 }),
  c('c.mv', 'CR', 2, 4, 0x1000, 0x0000, 'c_rd, c_rs2_n0', 'add', { rs1: 0 }),
  c('c.ebreak', 'CR', 2, 4, 0x1ffc, 0x1000, '', 'ebreak'),
  c('c.jalr', 'CR', 2, 4, 0x107c, 0x1000, 'c_rs1_n0', 'jalr', { rd: 1, imm: 0 }),
  // Zihintntl's compressed hints are c.add x0, x2..x5: they precede c.add.
  c('c.ntl.p1', 'CR', 2, 4, 0x1ffc, 0x1008, '', 'ntl.p1'), c('c.ntl.pall', 'CR', 2, 4, 0x1ffc, 0x100c, '', 'ntl.pall'),
  c('c.ntl.s1', 'CR', 2, 4, 0x1ffc, 0x1010, '', 'ntl.s1'), c('c.ntl.all', 'CR', 2, 4, 0x1ffc, 0x1014, '', 'ntl.all'),
  c('c.add', 'CR', 2, 4, 0x1000, 0x1000, 'c_rdrs1, c_rs2_n0', 'add'),
  c('c.fsdsp', 'CSS', 2, 5, 0, 0, 'c_frs2, c_uimm9sp_s(sp)', 'fsd', { rs1: 2 }),
  c('c.swsp', 'CSS', 2, 6, 0, 0, 'c_rs2, c_uimm8sp_s(sp)', 'sw', { rs1: 2 }),
  c('c.sdsp', 'CSS', 2, 7, 0, 0, 'c_rs2, c_uimm9sp_s(sp)', 'sd', { rs1: 2 }),
];

/**
 * Attaches each entry's semantics; throws when an executable entry has none or a semantics names no
 * entry (a misspelt or forgotten instruction is a load-time error, never a silent illegal).
 */
export function withSemantics(entries: readonly InsnDef[], semantics: Readonly<Record<string, Semantics>>): InsnDef[] {
  const names = new Set(entries.map((d) => d.mnemonic));
  for (const m of Object.keys(semantics)) if (!names.has(m)) throw new Error(`isa: semantics for ${m}, which is not in the table`);
  return entries.map((d) => {
    if (d.expand) return d;
    const exec = semantics[d.mnemonic];
    if (exec === undefined) throw new Error(`isa: ${d.mnemonic} has no semantics`);
    return { ...d, exec };
  });
}

export const TABLE: readonly InsnDef[] = withSemantics(ENTRIES, SEMANTICS);

/** Table entries by mnemonic. */
export const BY_MNEMONIC: ReadonlyMap<string, InsnDef> = new Map(TABLE.map((d) => [d.mnemonic, d]));

