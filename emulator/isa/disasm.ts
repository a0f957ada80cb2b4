// The disassembler: instruction bits → the text GNU objdump -d (binutils 2.40, the version the
// tests compare against) prints for them: mnemonic, a tab, operands separated by ',' without
// spaces, its aliases (li, mv, ret, j, beqz, csrr, ...), compressed instructions under the name
// of what they expand to, branch and jump targets as absolute hex addresses, and the
// ` # address <symbol>` comment objdump adds to loads, stores, addi and jalr whose base register
// was just set by lui/auipc (or is zero, tp, or gp).
//
// Decoding is the table's (decode.ts); this file only chooses the GNU spelling.
//
// binutils 2.40 prints several canonical instructions under an alias that precedes them in its
// opcode table: addi → add, andi/ori/xori → and/or/xor, slli/srli/srai → sll/srl/sra, the *iw
// shifts → sllw/srlw/sraw, addiw → addw, csrr?i with rd ≠ x0 → csrr? with an immediate operand.
// We print the same, so our listing and objdump's can be compared line for line. Likewise for the
// extensions: rori/roriw/bseti/bclri/binvi/bexti print as ror/rorw/bset/bclr/binv/bext with a hex
// immediate, add.uw with x0 as zext.w, fsgnj* with equal sources as fmv/fneg/fabs, the Zicsr
// instructions on fflags/frm/fcsr as frflags/fsrm/fsflagsi/..., a dyn rounding mode is omitted,
// and fcvt.d.w/fcvt.d.wu/fcvt.d.s with rm != 0 are `.4byte` (2.40 knows them only with rm = 0).
// Zicond and Zihintntl postdate 2.40: they print as 2.41 prints them (czero.eqz; ntl.p1 for both
// the 4-byte hint and c.ntl.p1).
//
// Everything without a special spelling prints from the table's operand syntax (bySyntax).

import { decode, type Decoded } from './decode.js';
import { ABI_NAMES, CSR_NAMES, FP_ABI_NAMES, ROUNDING_MODES } from './csrs.js';
import { FIELDS, type FieldName } from './fields.js';

/** Names the code at an address for ` <sym+0x10>`: returns the text between the brackets, or undefined. */
export type Symbolize = (addr: bigint) => string | undefined;

/**
 * What objdump remembers between instructions: the value lui/auipc/c.lui left in each register
 * (consumed by the next load, store, addi or jalr based on it), and the global pointer when the
 * image defines `__global_pointer$`. Create one per listing and pass it to every call in order.
 */
export interface DisasmState {
  readonly hiAddr: (bigint | undefined)[];
  readonly gp: bigint | undefined;
}

export function newDisasmState(gp?: bigint): DisasmState {
  return { hiAddr: new Array<bigint | undefined>(32).fill(undefined), gp };
}

export interface Disassembly {
  readonly text: string;
  readonly size: 2 | 4;
}

const MASK64 = (1n << 64n) - 1n;
const X_GP = 3, X_TP = 4;

const reg = (n: number): string => ABI_NAMES[n] ?? `x${n}`;
const freg = (n: number): string => FP_ABI_NAMES[n] ?? `f${n}`;
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const csrName = (n: number): string => CSR_NAMES.get(n) ?? hex(n);
const sext32 = (v: bigint): bigint => BigInt.asIntN(32, v);
/** fence pred/succ sets as GNU writes them; an empty set prints as `unknown`. */
const ioSet = (v: number): string =>
  v === 0 ? 'unknown' : (v & 8 ? 'i' : '') + (v & 4 ? 'o' : '') + (v & 2 ? 'r' : '') + (v & 1 ? 'w' : '');

/** An address as objdump prints a target: hex without leading zeros, then ` <symbol>` if known. */
export function formatAddress(addr: bigint, symbolize?: Symbolize): string {
  const a = addr & MASK64;
  const sym = symbolize?.(a);
  return sym === undefined ? a.toString(16) : `${a.toString(16)} <${sym}>`;
}

/** One instruction being printed: its operands, and objdump's pending address comment. */
class Printer {
  comment: bigint | undefined;
  constructor(private readonly state: DisasmState | undefined) {}

  /** objdump's maybe_print_address: a base register with a known value gives the address. */
  address(base: number, offset: number, wide = false): void {
    const hi = this.state?.hiAddr[base];
    let a: bigint;
    if (hi !== undefined) {
      a = (base !== 0 ? hi : 0n) + BigInt(offset);
      this.state!.hiAddr[base] = undefined;
    } else if (base === X_GP && this.state?.gp !== undefined) a = this.state.gp + BigInt(offset);
    else if (base === X_TP || base === 0) a = BigInt(offset);
    else return;
    this.comment = wide ? sext32(a) : a;
  }

  setHi(rd: number, value: bigint): void {
    if (this.state) this.state.hiAddr[rd] = value & MASK64;
  }
}

/**
 * Disassembles one instruction. `bits` holds the instruction (a 16-bit parcel in the low half for
 * compressed ones; the upper half is then ignored). `pc` is its address, for branch targets.
 */
export function disassemble(bits: number, pc: bigint, symbolize?: Symbolize, state?: DisasmState): Disassembly {
  const size: 2 | 4 = (bits & 3) === 3 ? 4 : 2;
  const word = size === 4 ? bits >>> 0 : bits & 0xffff;
  const p = new Printer(state);
  const target = (offset: number): string => formatAddress(pc + BigInt(offset), symbolize);
  const body = size === 4 ? print32(word, p, pc, target) : print16(word, p, target);
  const text = p.comment === undefined ? body : `${body} # ${formatAddress(p.comment, symbolize)}`;
  return { text, size };
}

const ins = (mnemonic: string, ...operands: string[]): string =>
  operands.length ? `${mnemonic}\t${operands.join(',')}` : mnemonic;
const mem = (offset: number, base: number): string => `${offset}(${reg(base)})`;

function print32(word: number, p: Printer, pc: bigint, target: (o: number) => string): string {
  const d = decode(word);
  const illegal = (): string => ins('.4byte', hex(word));
  if (!d) return illegal();
  const { rd, rs1, rs2, imm, csr } = d;
  const f = d.fields;
  const m = d.base.mnemonic;
  switch (m) {
    case 'lui':
      p.setHi(rd, sext32(BigInt(imm)));
      return ins('lui', reg(rd), hex(f.uimm20!));
    case 'auipc':
      p.setHi(rd, pc + sext32(BigInt(imm)));
      return ins('auipc', reg(rd), hex(f.uimm20!));
    case 'jal':
      if (rd === 0) return ins('j', target(imm));
      if (rd === 1) return ins('jal', target(imm));
      return ins('jal', reg(rd), target(imm));
    case 'jalr':
      if (rd === 0 && rs1 === 1 && imm === 0) return 'ret';
      if (imm === 0) {
        p.address(rs1, 0); // the 's' operand of a jalr
        return rd === 0 ? ins('jr', reg(rs1)) : rd === 1 ? ins('jalr', reg(rs1)) : ins('jalr', reg(rd), reg(rs1));
      }
      p.address(rs1, imm); // 'o' operand, then objdump's fall-through to 'j' asks again
      p.address(rs1, imm);
      return rd === 0 ? ins('jr', mem(imm, rs1)) : rd === 1 ? ins('jalr', mem(imm, rs1)) : ins('jalr', reg(rd), mem(imm, rs1));
    case 'beq': case 'bne':
      return rs2 === 0 ? ins(`${m}z`, reg(rs1), target(imm)) : ins(m, reg(rs1), reg(rs2), target(imm));
    case 'bge':
      if (rs1 === 0) return ins('blez', reg(rs2), target(imm));
      if (rs2 === 0) return ins('bgez', reg(rs1), target(imm));
      return ins(m, reg(rs1), reg(rs2), target(imm));
    case 'blt':
      if (rs2 === 0) return ins('bltz', reg(rs1), target(imm));
      if (rs1 === 0) return ins('bgtz', reg(rs2), target(imm));
      return ins(m, reg(rs1), reg(rs2), target(imm));
    case 'bltu': case 'bgeu':
      return ins(m, reg(rs1), reg(rs2), target(imm));
    case 'lb': case 'lh': case 'lw': case 'ld': case 'lbu': case 'lhu': case 'lwu':
      p.address(rs1, imm);
      return ins(m, reg(rd), mem(imm, rs1));
    case 'flw': case 'fld':
      p.address(rs1, imm);
      return ins(m, freg(rd), mem(imm, rs1));
    case 'sb': case 'sh': case 'sw': case 'sd':
      p.address(rs1, imm);
      return ins(m, reg(rs2), mem(imm, rs1));
    case 'fsw': case 'fsd':
      p.address(rs1, imm);
      return ins(m, freg(rs2), mem(imm, rs1));
    // binutils 2.40 prints the Zbb/Zbs immediate forms under the register form's name (as slli → sll).
    case 'rori': case 'roriw': case 'bseti': case 'bclri': case 'binvi': case 'bexti':
      return ins(m.replace(/i(w?)$/, '$1'), reg(rd), reg(rs1), hex(imm));
    case 'add.uw':
      return rs2 === 0 ? ins('zext.w', reg(rd), reg(rs1)) : ins(m, reg(rd), reg(rs1), reg(rs2));
    case 'fsgnj.s': case 'fsgnj.d': case 'fsgnjn.s': case 'fsgnjn.d': case 'fsgnjx.s': case 'fsgnjx.d': {
      if (rs1 !== rs2) break;
      const alias = { fsgnj: 'fmv', fsgnjn: 'fneg', fsgnjx: 'fabs' }[m.slice(0, -2)]!;
      return ins(`${alias}${m.slice(-2)}`, freg(rd), freg(rs1));
    }
    case 'fcvt.d.w': case 'fcvt.d.wu': case 'fcvt.d.s':
      // Exact conversions: binutils knows them only with rm = 0.
      if (d.rm !== 0) return illegal();
      break;
    case 'addi':
      if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
      if (rs1 === 0) return ins('li', reg(rd), String(imm));
      if (imm === 0) return ins('mv', reg(rd), reg(rs1));
      p.address(rs1, imm);
      return ins('add', reg(rd), reg(rs1), String(imm));
    case 'slti':
      return ins(m, reg(rd), reg(rs1), String(imm));
    case 'sltiu':
      return imm === 1 ? ins('seqz', reg(rd), reg(rs1)) : ins(m, reg(rd), reg(rs1), String(imm));
    case 'xori':
      return imm === -1 ? ins('not', reg(rd), reg(rs1)) : ins('xor', reg(rd), reg(rs1), String(imm));
    case 'ori':
      return ins('or', reg(rd), reg(rs1), String(imm));
    case 'andi':
      return imm === 255 ? ins('zext.b', reg(rd), reg(rs1)) : ins('and', reg(rd), reg(rs1), String(imm));
    case 'slli': case 'srli': case 'srai': case 'slliw': case 'srliw': case 'sraiw':
      return ins(m.replace('i', ''), reg(rd), reg(rs1), hex(imm));
    case 'addiw':
      if (imm === 0) return ins('sext.w', reg(rd), reg(rs1));
      if (rs1 !== 0) p.address(rs1, imm, true);
      return ins('addw', reg(rd), reg(rs1), String(imm));
    case 'sub': case 'subw':
      return rs1 === 0 ? ins(m === 'sub' ? 'neg' : 'negw', reg(rd), reg(rs2)) : ins(m, reg(rd), reg(rs1), reg(rs2));
    case 'slt':
      if (rs2 === 0) return ins('sltz', reg(rd), reg(rs1));
      if (rs1 === 0) return ins('sgtz', reg(rd), reg(rs2));
      return ins(m, reg(rd), reg(rs1), reg(rs2));
    case 'sltu':
      return rs1 === 0 ? ins('snez', reg(rd), reg(rs2)) : ins(m, reg(rd), reg(rs1), reg(rs2));
    case 'fence': {
      // GNU's fence requires fm, rd and rs1 to be zero (the table, like the spec, ignores them).
      if ((word & 0xf00f8f80) !== 0) return illegal();
      const pred = f.pred!, succ = f.succ!;
      return pred === 15 && succ === 15 ? 'fence' : ins('fence', ioSet(pred), ioSet(succ));
    }
    case 'fence.tso':
      return (word & 0x000f8f80) !== 0 ? illegal() : m;
    case 'fence.i':
      return (word & 0xffff8f80) !== 0 ? illegal() : m;
    case 'sfence.vma':
      if (rs2 !== 0) return ins(m, reg(rs1), reg(rs2));
      return rs1 !== 0 ? ins(m, reg(rs1)) : m;
    case 'csrrw': case 'csrrs': case 'csrrc': case 'csrrwi': case 'csrrsi': case 'csrrci': {
      const imm5 = m.endsWith('i');
      const src = imm5 ? String(f.zimm5!) : reg(rs1);
      const op = m.slice(0, 5); // csrrw / csrrs / csrrc
      if (word === 0xc0001073) return 'unimp'; // csrw cycle, zero
      const fpAlias = fpCsrAlias(op, imm5, csr, rd, rs1, src);
      if (fpAlias !== undefined) return fpAlias;
      if (op === 'csrrs' && !imm5 && rs1 === 0) {
        const counter = ['rdcycle', 'rdtime', 'rdinstret'][csr - 0xc00];
        if (counter) return ins(counter, reg(rd));
        return ins('csrr', reg(rd), csrName(csr));
      }
      if (rd === 0) return ins(`csr${op[4]}`, csrName(csr), src);
      return ins(op, reg(rd), csrName(csr), src);
    }
    default:
      break;
  }
  if (d.base.format === 'AMO') {
    const name = m + ['', '.rl', '.aq', '.aqrl'][d.aqrl];
    return m.startsWith('lr.') ? ins(name, reg(rd), `(${reg(rs1)})`) : ins(name, reg(rd), reg(rs2), `(${reg(rs1)})`);
  }
  return bySyntax(d); // R-type, unary, FP, cbo, prefetch; ecall, ebreak, sret, mret, wfi, pause
}

/** One operand of the table's syntax as objdump prints it (undefined: not printed, a dyn rm). */
function operand(d: Decoded, name: FieldName): string | undefined {
  const kind = FIELDS[name], v = d.fields[name]!;
  switch (kind.syntax) {
    case 'reg': return reg(v);
    case 'freg': return freg(v);
    case 'rm': return v === 7 ? undefined : ROUNDING_MODES[v] ?? 'unknown';
    case 'shamt': return hex(v);
    default: return String(v);
  }
}

/** An instruction printed from its table syntax: `rd, rs1, rs2`, `frd, frs1, rm`, `(rs1)`, `pimm12(rs1)`. */
function bySyntax(d: Decoded): string {
  if (d.def.syntax.trim() === '') return d.def.mnemonic;
  const ops: string[] = [];
  for (const part of d.def.syntax.split(',')) {
    const mem = /^\s*([a-z_0-9]*)\(([a-z_0-9]+)\)\s*$/.exec(part);
    if (mem) {
      const base = operand(d, mem[2] as FieldName)!;
      ops.push(mem[1] ? `${operand(d, mem[1] as FieldName)!}(${base})` : `(${base})`);
      continue;
    }
    const o = operand(d, part.trim() as FieldName);
    if (o !== undefined) ops.push(o);
  }
  return ins(d.def.mnemonic, ...ops);
}

/** binutils' F aliases of the Zicsr instructions on fcsr, frm and fflags (frcsr, fsrm, fsflagsi, ...). */
function fpCsrAlias(op: string, imm5: boolean, csr: number, rd: number, rs1: number, src: string): string | undefined {
  const name = ({ 1: 'flags', 2: 'rm', 3: 'csr' } as Record<number, string>)[csr];
  if (name === undefined) return undefined;
  if (op === 'csrrs' && !imm5 && rs1 === 0) return ins(`fr${name}`, reg(rd));
  if (op !== 'csrrw') return undefined;
  if (imm5) return csr === 3 ? undefined : ins(`fs${name}i`, reg(rd), src);
  return rd === 0 ? ins(`fs${name}`, src) : ins(`fs${name}`, reg(rd), src);
}

function print16(word: number, p: Printer, target: (o: number) => string): string {
  if (word === 0) return 'unimp';
  const d = decode(word);
  // c.addi16sp with nzimm = 0 is reserved (the table refuses it); objdump still names it.
  if (!d) return word === 0x6101 ? ins('add', 'sp', 'sp', '0') : ins('.2byte', hex(word));
  const { rd, rs1, rs2, imm } = d;
  switch (d.def.mnemonic) {
    case 'c.addi4spn': return ins('add', reg(rd), 'sp', String(imm));
    case 'c.lw': case 'c.ld': case 'c.lwsp': case 'c.ldsp':
      return ins(d.base.mnemonic, reg(rd), mem(imm, rs1));
    case 'c.sw': case 'c.sd': case 'c.swsp': case 'c.sdsp':
      return ins(d.base.mnemonic, reg(rs2), mem(imm, rs1));
    case 'c.fld': case 'c.fldsp': return ins('fld', freg(rd), mem(imm, rs1));
    case 'c.fsd': case 'c.fsdsp': return ins('fsd', freg(rs2), mem(imm, rs1));
    // binutils 2.41 (Zihintntl) prints these under the 4-byte hint's name.
    case 'c.ntl.p1': case 'c.ntl.pall': case 'c.ntl.s1': case 'c.ntl.all': return d.base.mnemonic;
    case 'c.nop': return 'nop';
    case 'c.addi':
      if (rd === 0) return ins('c.nop', String(imm));
      p.address(rd, imm);
      return ins('add', reg(rd), reg(rd), String(imm));
    case 'c.addiw':
      if (imm === 0) return ins('sext.w', reg(rd), reg(rd));
      p.address(rd, imm, true);
      return ins('addw', reg(rd), reg(rd), String(imm));
    case 'c.li': return ins(rd === 0 ? 'c.li' : 'li', reg(rd), String(imm));
    case 'c.addi16sp': return ins('add', 'sp', 'sp', String(imm));
    case 'c.lui':
      p.setHi(rd, BigInt(imm));
      return ins(rd === 0 ? 'c.lui' : 'lui', reg(rd), hex((imm >>> 12) & 0xfffff));
    case 'c.srli': case 'c.srai': case 'c.slli': {
      const name = d.def.mnemonic;
      if (imm === 0) return ins(`${name}64`, reg(rd));
      if (rd === 0) return ins(name, reg(rd), hex(imm));
      return ins(name.slice(2, 5), reg(rd), reg(rd), hex(imm));
    }
    case 'c.andi': return ins('and', reg(rd), reg(rd), String(imm));
    case 'c.sub': case 'c.xor': case 'c.or': case 'c.and': case 'c.subw': case 'c.addw':
      return ins(d.base.mnemonic, reg(rd), reg(rd), reg(rs2));
    case 'c.j': return ins('j', target(imm));
    case 'c.beqz': return ins('beqz', reg(rs1), target(imm));
    case 'c.bnez': return ins('bnez', reg(rs1), target(imm));
    case 'c.jr': return rs1 === 1 ? 'ret' : ins('jr', reg(rs1));
    case 'c.jalr': return ins('jalr', reg(rs1));
    case 'c.mv': return ins(rd === 0 ? 'c.mv' : 'mv', reg(rd), reg(rs2));
    case 'c.add': return rd === 0 ? ins('c.add', reg(rd), reg(rs2)) : ins('add', reg(rd), reg(rd), reg(rs2));
    case 'c.ebreak': return 'ebreak';
    default: return ins('.2byte', hex(word));
  }
}
