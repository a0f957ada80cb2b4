// The assembler: GNU as syntax → ObjectFile. One pass reads statements into per-section item
// lists (instructions are encoded at once, through the ISA table; branches and alignment wait for
// layout); then each section is laid out, branches sized, and bytes, relocations and symbols are
// produced. Assembles as `riscv64-unknown-elf-as -march=rv64imac_zicsr_zifencei -mno-relax` does.
// Errors are collected, not thrown at the first one (see errors.ts): a statement in error emits
// nothing and assembly goes on; all of them are thrown together at the end.

import { FIELDS, fieldFits, insertField, type FieldName, type Role } from '../../emulator/isa/fields.js';
import { BY_MNEMONIC, type InsnDef } from '../../emulator/isa/table.js';
import { encode, EncodeError } from '../../emulator/isa/encode.js';
import { CSR_NUMBERS } from '../../emulator/isa/csrs.js';
import { MAX_SECTION_BYTES, ToolError, type ObjectFile, type ObjSection, type ObjSymbol, type Relocation, type RelocType, type SourceLoc } from '../object.js';
import { lex, type Statement, type Token } from './lexer.js';
import { evaluate, ExprError, hi20, lo12, type Expr, type SymInfo, type Value } from './expr.js';
import { asExpr, matchOperands, OperandError, splitOperands, type RawOperand } from './operands.js';
import { compress, rolesOf } from './compress.js';
import { PSEUDOS } from './pseudo.js';
import { DIRECTIVES, assignment } from './directives.js';
import { Section, layout, type Branch, type Fixup, type Item, type SectionFlags } from './sections.js';
import { invertBranch, relocForOperator } from './relocs.js';
import { AsmError, ErrorList, bySourceOrder } from './errors.js';

export interface AssembleOptions {
  /** Start with `.option rvc` (default true, as GNU as does for rv64imac). */
  rvc?: boolean;
}

/** Whether an instruction may be compressed: no, yes (any C form), or only to the named C entries. */
export type Compressible = boolean | readonly string[];

/** Relocations against an absolute address name this symbol (ELF's *ABS*, symbol index 0 in GNU's). */
export const ABS = '*ABS*';

interface LabelDef { readonly section: string; readonly index: number; readonly loc: SourceLoc }
interface SymMeta { binding?: ObjSymbol['binding']; type?: 'func' | 'object'; size?: Expr; loc?: SourceLoc }

const NUMERIC_REF = /^([0-9]+)([bf])$/;

/** Assembles one file. Throws a ToolError whose message holds every error, one line each (AsmErrors). */
export function assemble(source: string, file: string, options: AssembleOptions = {}): ObjectFile {
  const a = new Assembler(file, options.rvc ?? true);
  for (const st of lex(source, file)) {
    if (st instanceof ToolError) a.report(st); else a.statement(st);
    if (a.errors.full) break;
  }
  return a.finish();
}

/** Assembles several files, reporting the errors of all of them (bounded as for one file). */
export function assembleAll(sources: readonly { readonly file: string; readonly text: string }[], options: AssembleOptions = {}): ObjectFile[] {
  const errors = new ErrorList();
  const out: ObjectFile[] = [];
  for (const s of sources) {
    try { out.push(assemble(s.text, s.file, options)); } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      errors.add(e);
      if (errors.full) break;
    }
  }
  errors.throwIfAny();
  return out;
}

export class Assembler {
  opts = { rvc: true };
  readonly optStack: { rvc: boolean }[] = [];
  private readonly sections = new Map<string, Section>();
  private sec: Section;
  private readonly labels = new Map<string, LabelDef>();
  /** `.equ`/`.set`/`=`: a constant, or an alias of a symbol plus a constant (`.set foo, bar + 4`). */
  private readonly equs = new Map<string, { value: Value; loc: SourceLoc }>();
  private readonly meta = new Map<string, SymMeta>();
  private readonly numeric = new Map<string, number>();
  private readonly forwardRefs: { name: string; tok: Token }[] = [];
  private readonly relocSyms = new Set<string>();
  private usedRvc = false;
  private internal = 0;
  readonly errors = new ErrorList();
  /** Errors found after layout, sorted into source order before they join `errors`. */
  private readonly lateErrors: ToolError[] = [];
  /** Undefined local labels already reported (their relocations are not reported again). */
  private readonly reportedUndefined = new Set<string>();
  /** Statement being assembled (for locations). */
  private cur: Token | undefined;

  constructor(readonly file: string, rvc: boolean) {
    this.opts.rvc = rvc;
    this.sec = this.section('.text', undefined, undefined);
  }

  // ---- errors and locations ----------------------------------------------------------------------

  loc(t: Token | undefined): SourceLoc {
    const u = t ?? this.cur;
    return { file: this.file, line: u?.line ?? 0, col: u?.col ?? 0 };
  }
  error(t: Token | undefined, msg: string): ToolError { return new AsmError(this.loc(t), msg); }
  private errorAt(l: SourceLoc, msg: string): ToolError { return new AsmError(l, msg); }

  report(e: ToolError): void { this.errors.add(e); }

  /** Runs one step of assembly; its error is reported and assembly goes on. */
  private attempt(step: () => void, report: (e: ToolError) => void = (e) => this.report(e)): void {
    try { step(); } catch (e) {
      if (e instanceof OperandError || e instanceof ExprError) report(this.error(e.tok, e.message));
      else if (e instanceof ToolError) report(e);
      else throw e;
    }
  }

  // ---- statements --------------------------------------------------------------------------------

  statement(st: Statement): void {
    // As GNU as: a duplicate label is an error, and the statement after it is still assembled.
    for (const l of st.labels) this.attempt(() => this.defineLabel(l));
    const op = st.op;
    if (!op) return;
    this.cur = op;
    this.attempt(() => this.operation(op, st.args));
  }

  private operation(op: Token, args: readonly Token[]): void {
    const end: Token = args[args.length - 1] ?? op;
    const endTok: Token = { ...end, col: end.col + end.text.length };
    if (args[0]?.kind === 'punct' && args[0].text === '=') { assignment(this, op, args); return; }
    if (op.text.startsWith('.')) {
      const d = DIRECTIVES[op.text.toLowerCase()];
      if (!d) throw new OperandError(op, `unknown directive '${op.text}'`);
      d(this, splitOperands(args, endTok), op, args);
      return;
    }
    this.instruction(op, splitOperands(args, endTok), endTok);
  }

  private instruction(op: Token, ops: RawOperand[], end: Token): void {
    let name = op.text.toLowerCase();
    // As GNU as: compressed mnemonics need RVC enabled.
    if (name.startsWith('c.') && !this.opts.rvc) throw new OperandError(op, `'${name}' needs the C extension (.option norvc is in effect)`);
    const pseudo = PSEUDOS[name];
    if (pseudo && pseudo.counts.includes(ops.length) && (pseudo.when?.(ops) ?? true)) { pseudo.run(this, ops, op); return; }
    // AMO ordering suffixes: amoadd.w.aqrl = amoadd.w with aq and rl set.
    let aqrl = 0;
    const sfx = /^((?:lr|sc|amo[a-z]+)\.[wd])\.(aq|rl|aqrl)$/.exec(name);
    if (sfx) { name = sfx[1]!; aqrl = sfx[2] === 'aq' ? 2 : sfx[2] === 'rl' ? 1 : 3; }
    const def = BY_MNEMONIC.get(name);
    if (!def) {
      if (pseudo) throw new OperandError(ops[0]?.at ?? op, `${name} takes ${pseudo.counts.join(' or ')} operands, found ${ops.length}`);
      throw new OperandError(op, `unknown mnemonic '${op.text}'`);
    }
    this.tableInstruction(def, ops, aqrl, op, end);
  }

  /** For pseudo-instructions: the operands read by the syntax of table entry `mnemonic`. */
  asTable(mnemonic: string, ops: readonly RawOperand[], at: Token, compressible: Compressible): void {
    this.tableInstruction(BY_MNEMONIC.get(mnemonic)!, ops, 0, at, at, compressible);
  }

  /** An instruction written with its table mnemonic and the table's operand syntax. */
  private tableInstruction(def: InsnDef, ops: readonly RawOperand[], aqrl: number, at: Token, end: Token, compressible?: Compressible): void {
    const m = matchOperands(def, ops, end);
    const raw: Partial<Record<FieldName, number>> = { ...m.regs };
    for (const [f, n] of Object.entries(m.names) as [FieldName, { text: string; at: Token }][]) {
      raw[f] = FIELDS[f].syntax === 'csr' ? this.csrByName(n.text, n.at) : fenceBits(n.text, n.at);
    }
    if (def.format === 'AMO') raw.aqrl = aqrl;
    let fix: Fixup | undefined;
    for (const imm of m.imms) {
      const kind = FIELDS[imm.field];
      if (kind.syntax === 'offset') {
        // jal rd, target keeps its form; GNU relaxes c.j, c.beqz and c.bnez like j, beqz and bnez.
        if (def.format === 'J') { this.jal(raw.rd ?? 0, imm.expr, at); return; }
        const r = rolesOf(def, raw), fixed = def.expand?.fixed;
        this.branch(def.expand?.base ?? def.mnemonic, r.rs1 ?? fixed?.rs1 ?? 0, r.rs2 ?? fixed?.rs2 ?? 0, imm.expr, at);
        return;
      }
      if (imm.expr.kind === 'reloc') {
        const v = this.evalAt(imm.expr.arg);
        if (v.sym === undefined) {
          if (imm.expr.op === 'hi') { raw[imm.field] = this.fieldValue(BigInt(hi20(v.add)), imm.field, imm.at); continue; }
          if (imm.expr.op === 'lo') { raw[imm.field] = this.fieldValue(BigInt(lo12(v.add)), imm.field, imm.at); continue; }
          throw new OperandError(imm.at, `%${imm.expr.op} needs a symbol`);
        }
        const type = relocForOperator(imm.expr.op, imm.field);
        if (!type) throw new OperandError(imm.at, `%${imm.expr.op} cannot be used for ${def.mnemonic}'s ${imm.field}`);
        fix = { type, target: v };
        raw[imm.field] = 0;
        continue;
      }
      raw[imm.field] = this.constExpr(imm.expr, imm.field, imm.at);
      // GNU as refuses the HINT shift-by-0 forms of c.slli/c.srli/c.srai.
      if (def.ext === 'C' && kind.syntax === 'shamt' && raw[imm.field] === 0) throw new OperandError(imm.at, `${def.mnemonic}: shift amount must be 1..63`);
    }
    if (fix) { this.push(def, raw, at, fix); return; }
    // GNU as compresses jalr only through its pseudo forms (jr, jalr rs, ret).
    this.insn(def, raw, at, compressible ?? def.mnemonic !== 'jalr');
  }

  // ---- API for pseudo-instructions and directives ---------------------------------------------------

  /** Emits a base instruction given operand values by role (imm: the field value; lui: the 20-bit field). */
  emit(mnemonic: string, vals: Partial<Record<Role | 'imm', number>>, at: Token, compressible: Compressible): void {
    const def = BY_MNEMONIC.get(mnemonic);
    if (!def) throw new Error(`no table entry ${mnemonic}`);
    const raw: Partial<Record<FieldName, number>> = {};
    for (const f of def.fields) {
      const v = vals[FIELDS[f].role] ?? 0;
      if (!fieldFits(FIELDS[f], v)) throw new OperandError(at, `${mnemonic}: value ${v} out of range for ${f} (${rangeText(f)})`);
      raw[f] = v;
    }
    this.insn(def, raw, at, compressible);
  }

  /** Emits an uncompressed instruction carrying a relocation (its relocated field stays zero). */
  emitFixed(mnemonic: string, vals: Partial<Record<Role | 'imm', number>>, at: Token, fix: Fixup): void {
    const def = BY_MNEMONIC.get(mnemonic)!;
    const raw: Partial<Record<FieldName, number>> = {};
    for (const f of def.fields) raw[f] = vals[FIELDS[f].role] ?? 0;
    this.push(def, raw, at, fix);
  }

  private insn(def: InsnDef, raw: Partial<Record<FieldName, number>>, at: Token, compressible: Compressible): void {
    if (def.size === 4 && this.opts.rvc && compressible !== false) {
      const c = compress(def, raw, compressible === true ? undefined : compressible);
      if (c) { this.usedRvc = true; this.sec.items.push({ kind: 'insn', def: c.def, bits: c.bits, size: 2, loc: this.loc(at), at }); return; }
    }
    this.push(def, raw, at, undefined);
  }

  private push(def: InsnDef, raw: Partial<Record<FieldName, number>>, at: Token, fix: Fixup | undefined): void {
    this.checkCode(at);
    let bits: number;
    try { bits = encode(def, raw); } catch (e) {
      if (e instanceof EncodeError) {
        const isReg = FIELDS[e.field].syntax === 'reg' || FIELDS[e.field].syntax === 'freg';
        throw new OperandError(at, `${def.mnemonic}: ${isReg ? 'register' : 'value'} ${e.value} not allowed for ${e.field}${isReg ? '' : ` (${rangeText(e.field)})`}`);
      }
      throw e;
    }
    if (def.size === 2) this.usedRvc = true;
    this.sec.items.push({ kind: 'insn', def, bits, size: def.size, fix, loc: this.loc(at), at });
  }

  private checkCode(at: Token): void {
    if (this.sec.type === 'nobits') throw new OperandError(at, `cannot put code or data in ${this.sec.name} (nobits)`);
  }

  /** A branch or jump target: a symbol plus addend, or an absolute address (relocated against *ABS*, as GNU does). */
  jumpTarget(e: Expr): Value {
    const v = this.evalAt(e);
    return v.sym === undefined ? { sym: ABS, add: v.add } : v;
  }

  /** A conditional branch (or `j` when op is jal) whose size is chosen at layout. */
  branch(op: string, rs1: number, rs2: number, targetExpr: Expr, at: Token): void {
    this.checkCode(at);
    const target = this.jumpTarget(targetExpr);
    const def = BY_MNEMONIC.get(op)!;
    const probe = op === 'jal' ? { rd: 0, jimm21: 0 } : { rs1, rs2, bimm13: 0 };
    const rvc = this.opts.rvc && compress(def, probe) !== undefined;
    if (rvc) this.usedRvc = true;
    this.sec.items.push({ kind: 'branch', op, rs1, rs2, target, rvc, loc: this.loc(at), at, size: 0 });
  }

  /** `jal rd, label`: always the 4-byte jal (GNU does not relax it). */
  jal(rd: number, targetExpr: Expr, at: Token): void {
    this.push(BY_MNEMONIC.get('jal')!, { rd, jimm21: 0 }, at, { type: 'R_RISCV_JAL', target: this.jumpTarget(targetExpr), field: 'jimm21' });
  }

  data(size: 1 | 2 | 4 | 8, expr: Expr, at: Token): void {
    this.checkCode(at);
    // Symbols are resolved after layout; `.` and numeric label references are fixed now.
    this.sec.items.push({ kind: 'data', size, expr: this.pin(expr), loc: this.loc(at) });
  }
  /** Fixed bytes; `insn` marks an instruction that has no table entry (c.unimp). */
  bytes(b: Uint8Array, at: Token, insn = false): void {
    this.checkCode(at);
    if (insn && b.length === 2) this.usedRvc = true;
    this.sec.items.push({ kind: 'bytes', data: b });
  }
  space(n: number, fill: number, at: Token): void {
    if (this.sec.type === 'nobits' && fill !== 0) throw new OperandError(at, 'non-zero fill in a nobits section');
    this.sec.items.push({ kind: 'space', size: n, fill, loc: this.loc(at) });
  }
  align(align: number, fill: number | undefined, max: number): void {
    this.sec.align = Math.max(this.sec.align, align);
    const code = this.sec.flags.exec && fill === undefined;
    // GNU as (riscv_frag_align_code): code alignment up to the instruction alignment (2 with RVC,
    // else 4) emits nothing at all, even where the location is not that aligned.
    if (code && align <= (this.opts.rvc ? 2 : 4)) return;
    this.sec.items.push({ kind: 'align', align, fill, max, code });
  }

  switchSection(name: string, flags: SectionFlags | undefined, nobits: boolean | undefined, _at: Token): void {
    this.sec = this.section(name, flags, nobits);
  }

  private section(name: string, flags: SectionFlags | undefined, nobits: boolean | undefined): Section {
    let s = this.sections.get(name);
    if (s) return s;
    const base = name.replace(/^(\.[a-z]+).*$/, '$1');
    const byName: Record<string, SectionFlags> = {
      '.text': { alloc: true, write: false, exec: true },
      '.data': { alloc: true, write: true, exec: false }, '.sdata': { alloc: true, write: true, exec: false },
      '.rodata': { alloc: true, write: false, exec: false }, '.srodata': { alloc: true, write: false, exec: false },
      '.bss': { alloc: true, write: true, exec: false }, '.sbss': { alloc: true, write: true, exec: false },
    };
    const f = flags ?? byName[base] ?? { alloc: false, write: false, exec: false };
    const isBss = nobits ?? (base === '.bss' || base === '.sbss');
    s = new Section(name, isBss ? 'nobits' : 'progbits', f);
    this.sections.set(name, s);
    return s;
  }

  bind(t: Token, binding: ObjSymbol['binding']): void { this.metaOf(t.text).binding = binding; }
  setType(t: Token, type: 'func' | 'object'): void { this.metaOf(t.text).type = type; }
  setSize(t: Token, e: Expr): void { const m = this.metaOf(t.text); m.size = this.pin(e); m.loc = this.loc(t); }
  private metaOf(n: string): SymMeta { let m = this.meta.get(n); if (!m) this.meta.set(n, (m = {})); return m; }

  setSymbol(t: Token, e: Expr): void {
    if (this.labels.has(t.text)) throw new OperandError(t, `symbol '${t.text}' is already defined as a label`);
    this.equs.set(t.text, { value: this.evalAt(e), loc: this.loc(t) });
  }

  // ---- values ---------------------------------------------------------------------------------

  /** Evaluates an expression now (labels stay symbolic). */
  evalAt(e: Expr): Value { return evaluate(e, (n, t) => this.resolveNow(n, t)); }

  constValue(op: RawOperand): bigint {
    const v = this.evalAt(asExpr(op));
    if (v.sym !== undefined) throw new OperandError(op.at, `expected a constant, found symbol '${v.sym}'`);
    return v.add;
  }
  constField(op: RawOperand, field: FieldName): number { return this.constExpr(asExpr(op), field, op.at); }
  constExpr(e: Expr, field: FieldName, at: Token): number {
    if (e.kind === 'reloc') throw new OperandError(at, `%${e.op} is not allowed here`);
    const v = this.evalAt(e);
    if (v.sym !== undefined) throw new OperandError(at, `expected a constant for ${field}, found symbol '${v.sym}'`);
    return this.fieldValue(v.add, field, at);
  }

  /** A constant as a raw field value; U-type fields (lui, c.lui) take the 20-bit upper value. */
  private fieldValue(v: bigint, field: FieldName, at: Token): number {
    const kind = FIELDS[field];
    let raw: bigint = v;
    if (field === 'c_nzimm18') {
      if (v >= 0xfffe0n && v <= 0xfffffn) raw = v - 0x100000n;
      else if (!(v >= 1n && v <= 31n)) throw new OperandError(at, `immediate ${v} out of range for c.lui (1..31 or 0xfffe0..0xfffff)`);
    }
    if (raw < -(1n << 40n) || raw > (1n << 40n) || !fieldFits(kind, Number(raw))) {
      throw new OperandError(at, `immediate ${v} out of range for ${field} (${rangeText(field)})`);
    }
    return Number(raw);
  }

  csrNumber(op: RawOperand): number {
    const t = op.toks;
    if (t.length === 1 && t[0]!.kind === 'ident') return this.csrByName(t[0]!.text, t[0]!);
    return this.constField(op, 'csr');
  }
  private csrByName(name: string, at: Token): number {
    const n = CSR_NUMBERS[name.toLowerCase()];
    if (n === undefined) throw new OperandError(at, `unknown CSR '${name}'`);
    return n;
  }

  /** A fresh local label at the current position (for la/lla's auipc, like GNU's .Lpcrel_hi). */
  internalLabel(prefix: string): string {
    const name = `${prefix}${this.internal++}`;
    this.labels.set(name, { section: this.sec.name, index: this.sec.here, loc: this.loc(this.cur) });
    return name;
  }

  /**
   * Fixes what depends on where an expression is written, for evaluation after layout: `.` becomes a
   * label at the current position, `1b`/`1f` the label instance they mean here.
   */
  private pin(e: Expr): Expr {
    switch (e.kind) {
      case 'sym': return { ...e, name: e.name === '.' ? this.internalLabel('.Ldot') : this.canonical(e.name, e.tok) };
      case 'unary': return { ...e, arg: this.pin(e.arg) };
      case 'binary': return { ...e, left: this.pin(e.left), right: this.pin(e.right) };
      case 'reloc': return { ...e, arg: this.pin(e.arg) };
      default: return e;
    }
  }

  private defineLabel(t: Token): void {
    let name = t.text;
    if (t.kind === 'number') {
      const k = (this.numeric.get(t.text) ?? 0) + 1;
      this.numeric.set(t.text, k);
      name = numericName(t.text, k);
    } else if (this.labels.has(name) || this.equs.has(name)) {
      const prev = this.labels.get(name)?.loc ?? this.equs.get(name)!.loc;
      throw new OperandError(t, `symbol '${name}' is already defined (first at ${prev.file}:${prev.line}:${prev.col})`);
    }
    this.labels.set(name, { section: this.sec.name, index: this.sec.here, loc: this.loc(t) });
  }

  /** The name a reference stands for: numeric references pick their label instance. */
  private canonical(name: string, t: Token): string {
    const m = NUMERIC_REF.exec(name);
    if (!m) return name;
    const k = this.numeric.get(m[1]!) ?? 0;
    if (m[2] === 'b') {
      if (k === 0) throw new OperandError(t, `undefined local label '${name}'`);
      return numericName(m[1]!, k);
    }
    const fwd = numericName(m[1]!, k + 1);
    this.forwardRefs.push({ name: fwd, tok: t });
    return fwd;
  }

  private resolveNow(name: string, t: Token): SymInfo {
    if (name === '.') return { kind: 'label', name: this.internalLabel('.Ldot'), section: this.sec.name };
    return this.lookup(this.canonical(name, t), (n) => {
      const l = this.labels.get(n);
      return l && { kind: 'label', name: n, section: l.section };
    });
  }

  /** A symbol seen through `.equ`/`.set`: a constant, or its alias target plus the addend; else a label. */
  private lookup(n: string, label: (n: string) => SymInfo | undefined, depth = 0): SymInfo {
    const equ = this.equs.get(n);
    if (!equ) return label(n) ?? { kind: 'undef', name: n };
    const { sym, add } = equ.value;
    if (sym === undefined) return { kind: 'abs', value: add };
    if (depth > 100) throw new ExprError(undefined, `symbol '${n}' is defined in terms of itself`);
    const t = this.lookup(sym, label, depth + 1);
    return t.kind === 'abs' ? { kind: 'abs', value: t.value + add } : { ...t, add: (t.add ?? 0n) + add };
  }

  // ---- layout and output ---------------------------------------------------------------------

  private labelOffset(name: string): { section: string; offset: number } | undefined {
    const l = this.labels.get(name);
    if (!l) return undefined;
    const s = this.sections.get(l.section)!;
    return { section: l.section, offset: s.offsets[l.index] ?? 0 };
  }

  private resolveLate(name: string): SymInfo {
    return this.lookup(name, (n) => {
      const l = this.labelOffset(n);
      return l && { kind: 'label', name: n, section: l.section, offset: BigInt(l.offset) };
    });
  }

  /** Evaluates a pinned expression after layout. */
  private late(e: Expr, loc: SourceLoc): Value {
    try { return evaluate(e, (n) => this.resolveLate(n)); } catch (x) {
      if (x instanceof ExprError) throw this.errorAt(x.tok ? this.loc(x.tok) : loc, x.message);
      throw x;
    }
  }

  /** For `A - B` with A and B labels of the same code section: the two values. */
  private codeDifference(e: Expr, loc: SourceLoc): [Value, Value] | undefined {
    if (e.kind !== 'binary' || e.op !== '-') return undefined;
    const l = this.late(e.left, loc), r = this.late(e.right, loc);
    if (l.sym === undefined || r.sym === undefined) return undefined;
    const a = this.labelOffset(l.sym), b = this.labelOffset(r.sym);
    if (!a || !b || a.section !== b.section || !this.sections.get(a.section)!.flags.exec) return undefined;
    return [l, r];
  }

  /** Offset from `pc` to a target in section `sec`, or undefined when it must be relocated (weak: another definition may win). */
  private localOffset(target: Value, sec: Section, pc: number): number | undefined {
    if (target.sym === undefined || this.meta.get(target.sym)?.binding === 'weak') return undefined;
    const l = this.labelOffset(target.sym);
    if (!l || l.section !== sec.name) return undefined;
    return l.offset + Number(target.add) - pc;
  }

  /** GNU's tentative field value for a relocated pc-relative target: S + A - P (S = 0 if undefined). */
  private tentative(target: Value, pc: number): number {
    if (target.sym === ABS) return 0; // GNU leaves the field zero for an absolute target
    const l = target.sym !== undefined ? this.labelOffset(target.sym) : undefined;
    return (l?.offset ?? 0) + Number(target.add) - pc;
  }

  private branchSize(sec: Section, b: Branch, off: number): number {
    const jump = b.op === 'jal';
    const val = this.localOffset(b.target, sec, off);
    if (val === undefined) return jump ? 4 : 8;
    const cField: FieldName = jump ? 'c_jimm12' : 'c_bimm9';
    if (b.rvc && inRange(cField, val)) return 2;
    if (inRange('bimm13', val)) return 4;
    if (!jump && b.rvc) return 6;
    return jump ? 4 : 8;
  }

  /** Lays out and emits the object, or throws every error of the file (statements', then the late ones, each in source order). */
  finish(): ObjectFile {
    if (this.errors.full) this.errors.throwIfAny();
    const late = (e: ToolError): void => { this.lateErrors.push(e); };
    for (const r of this.forwardRefs) {
      if (!this.labels.has(r.name) && !this.reportedUndefined.has(r.name)) {
        this.reportedUndefined.add(r.name);
        late(this.error(r.tok, `undefined local label '${r.tok.text}'`));
      }
    }
    let tooLarge = false;
    for (const s of this.sections.values()) {
      // GNU as pads the end of a code section with nops to the section's alignment.
      if (s.flags.exec && s.align > (this.opts.rvc ? 2 : 4)) s.items.push({ kind: 'align', align: s.align, fill: undefined, max: Infinity, code: true });
      layout(s, (b, off) => this.branchSize(s, b, off));
      if (s.type === 'progbits' && s.size > MAX_SECTION_BYTES) {
        // Name the statement that crosses the limit (or the last one before it: padding has no location).
        let loc: SourceLoc = { file: this.file, line: 0, col: 0 };
        for (let k = s.offsets.findIndex((o) => o > MAX_SECTION_BYTES) - 1; k >= 0; k--) {
          const it = s.items[k]!;
          if ('loc' in it) { loc = it.loc; break; }
        }
        late(this.errorAt(loc, `section ${s.name} would be ${s.size} bytes, more than rvhart's limit of ${MAX_SECTION_BYTES} (use .bss for large reservations)`));
        tooLarge = true;
      }
    }
    const out: ObjSection[] = [];
    const undefinedRefs = new Map<string, SourceLoc>();
    // A section too large to hold is not built; the other errors need the bytes and symbols.
    if (!tooLarge) for (const s of this.sections.values()) out.push(this.emitSection(s, undefinedRefs));
    const symbols = tooLarge ? [] : this.symbols(undefinedRefs);
    for (const e of bySourceOrder(this.lateErrors)) this.report(e);
    this.errors.throwIfAny();
    return { file: this.file, sections: out, symbols, rvc: this.usedRvc };
  }

  private emitSection(s: Section, undefinedRefs: Map<string, SourceLoc>): ObjSection {
    const size = s.size;
    const nobits = s.type === 'nobits';
    const buf = new Uint8Array(nobits ? 0 : size);
    const view = new DataView(buf.buffer);
    const relocs: Relocation[] = [];
    const reloc = (offset: number, type: RelocType, target: Value, loc: SourceLoc): void => {
      const sym = target.sym!;
      if (this.isLocalName(sym) && !this.labels.has(sym)) {
        if (this.reportedUndefined.has(sym)) return;
        this.reportedUndefined.add(sym);
        throw this.errorAt(loc, `undefined local label '${sym}'`);
      }
      if (!this.labels.has(sym) && sym !== ABS && !undefinedRefs.has(sym)) undefinedRefs.set(sym, loc);
      this.relocSyms.add(sym);
      relocs.push({ offset, type, symbol: sym, addend: target.add, loc });
    };
    const put = (off: number, bits: number, n: number): void => {
      if (n === 2) view.setUint16(off, bits & 0xffff, true); else view.setUint32(off, bits >>> 0, true);
    };
    s.items.forEach((it: Item, k) => this.attempt(() => {
      const off = s.offsets[k]!;
      const len = s.offsets[k + 1]! - off;
      if (nobits) return;
      switch (it.kind) {
        case 'bytes': buf.set(it.data, off); break;
        case 'space': buf.fill(it.fill, off, off + it.size); break;
        case 'align':
          if (it.code) fillNops(buf, off, len); else buf.fill(it.fill ?? 0, off, off + len);
          break;
        case 'data': {
          // GNU as keeps a difference of two labels of a code section as an ADD32/SUB32 pair.
          const diff = it.size === 4 ? this.codeDifference(it.expr, it.loc) : undefined;
          if (diff) {
            reloc(off, 'R_RISCV_ADD32', diff[0], it.loc);
            reloc(off, 'R_RISCV_SUB32', diff[1], it.loc);
            break;
          }
          const v = this.late(it.expr, it.loc);
          if (v.sym !== undefined) {
            if (it.size !== 4 && it.size !== 8) throw this.errorAt(it.loc, `cannot relocate a ${it.size}-byte value against '${v.sym}'`);
            reloc(off, it.size === 4 ? 'R_RISCV_32' : 'R_RISCV_64', v, it.loc);
          } else {
            for (let b = 0; b < it.size; b++) buf[off + b] = Number((BigInt.asUintN(64, v.add) >> BigInt(8 * b)) & 0xffn);
          }
          break;
        }
        case 'insn': {
          let bits = it.bits;
          const fix = it.fix;
          if (fix) {
            const val = fix.field ? this.localOffset(fix.target, s, off) : undefined;
            if (val !== undefined) {
              if (!inRange(fix.field!, val)) throw this.errorAt(it.loc, `${it.def.mnemonic}: target '${fix.target.sym}' out of range (offset ${val})`);
              bits |= insertField(FIELDS[fix.field!], val);
            } else {
              if (fix.field) bits |= insertField(FIELDS[fix.field], this.tentative(fix.target, off));
              // GNU as also stores the addend's part in absolute HI20/LO12 fields (the linker overwrites it).
              if (fix.type === 'R_RISCV_HI20') bits |= insertField(FIELDS.uimm20, hi20(fix.target.add));
              if (fix.type === 'R_RISCV_LO12_I') bits |= insertField(FIELDS.imm12, lo12(fix.target.add));
              if (fix.type === 'R_RISCV_LO12_S') bits |= insertField(FIELDS.simm12, lo12(fix.target.add));
              reloc(off, fix.type, fix.target, it.loc);
            }
          }
          put(off, bits, it.size);
          break;
        }
        case 'branch': this.emitBranch(s, it, off, put, reloc); break;
      }
    }, (e) => this.lateErrors.push(e)));
    let align = s.align;
    if (s.flags.exec) align = Math.max(align, this.usedRvc ? 2 : 4);
    return { name: s.name, type: s.type, flags: { ...s.flags }, align, data: buf, size, relocs };
  }

  private emitBranch(s: Section, b: Branch, off: number, put: (o: number, bits: number, n: number) => void,
    reloc: (o: number, t: RelocType, v: Value, l: SourceLoc) => void): void {
    const jump = b.op === 'jal';
    const def = BY_MNEMONIC.get(b.op)!;
    const jal = BY_MNEMONIC.get('jal')!;
    const val = this.localOffset(b.target, s, off);
    const name = b.target.sym!;
    if (val === undefined) {
      // Not resolvable here: jal with R_RISCV_JAL; a conditional branch becomes the inverted branch over it.
      const at = jump ? off : off + 4;
      if (!jump) put(off, encode(BY_MNEMONIC.get(invertBranch(b.op))!, { rs1: b.rs1, rs2: b.rs2, bimm13: 8 }), 4);
      put(at, encode(jal, { rd: 0 }) | insertField(FIELDS.jimm21, this.tentative(b.target, at)), 4);
      reloc(at, 'R_RISCV_JAL', b.target, b.loc);
      return;
    }
    const far = (v: number): number => {
      if (!inRange('jimm21', v)) throw this.errorAt(b.loc, `${jump ? 'j' : b.op}: target '${name}' out of range (offset ${v})`);
      return encode(jal, { rd: 0, jimm21: v });
    };
    switch (b.size) {
      case 2: {
        const c = compress(def, jump ? { rd: 0, jimm21: val } : { rs1: b.rs1, rs2: b.rs2, bimm13: val })!;
        put(off, c.bits, 2);
        break;
      }
      case 4:
        put(off, jump ? far(val) : encode(def, { rs1: b.rs1, rs2: b.rs2, bimm13: val }), 4);
        break;
      case 6: {
        const c = compress(BY_MNEMONIC.get(invertBranch(b.op))!, { rs1: b.rs1, rs2: b.rs2, bimm13: 6 })!;
        put(off, c.bits, 2);
        put(off + 2, far(val - 2), 4);
        break;
      }
      default:
        put(off, encode(BY_MNEMONIC.get(invertBranch(b.op))!, { rs1: b.rs1, rs2: b.rs2, bimm13: 8 }), 4);
        put(off + 4, far(val - 4), 4);
    }
  }

  private isLocalName(n: string): boolean { return n.startsWith('.L'); }

  private symbols(undefinedRefs: Map<string, SourceLoc>): ObjSymbol[] {
    const out: ObjSymbol[] = [];
    const sizeOf = (name: string): bigint => {
      const m = this.meta.get(name);
      if (!m?.size) return 0n;
      let size = 0n;
      this.attempt(() => {
        const v = this.late(m.size!, m.loc!);
        if (v.sym !== undefined) throw this.errorAt(m.loc!, `.size of '${name}' is not a constant`);
        size = v.add;
      }, (e) => this.lateErrors.push(e));
      return size;
    };
    for (const [name, l] of this.labels) {
      if (this.isLocalName(name) && !this.relocSyms.has(name)) continue;
      const m = this.meta.get(name);
      out.push({
        name, section: l.section, value: BigInt(this.labelOffset(name)!.offset),
        binding: m?.binding ?? 'local', type: m?.type ?? 'notype', size: sizeOf(name), loc: l.loc,
      });
    }
    for (const [name, e] of this.equs) {
      // A constant is absolute; an alias of a label lives in the label's section (of an undefined
      // symbol it is only a name: references went to that symbol).
      let v: SymInfo;
      try { v = this.resolveLate(name); } catch (x) {
        // An alias loop (.set a, b / .set b, a) is named at each definition in it.
        if (x instanceof ExprError) { this.lateErrors.push(this.errorAt(e.loc, `symbol '${name}' is defined in terms of itself`)); continue; }
        throw x;
      }
      const where = v.kind === 'abs' ? { section: '*ABS*', value: v.value } : v.kind === 'label' ? { section: v.section, value: v.offset! + v.add! } : undefined;
      if (!where || this.isLocalName(name)) continue;
      const m = this.meta.get(name);
      out.push({ name, ...where, binding: m?.binding ?? 'local', type: m?.type ?? 'notype', size: sizeOf(name), loc: e.loc });
    }
    // GNU's relocations against an absolute address use the null symbol; ours name a section symbol at 0.
    if (this.relocSyms.has(ABS)) out.push({ name: ABS, section: '*ABS*', value: 0n, binding: 'local', type: 'section', size: 0n, loc: { file: this.file, line: 0, col: 0 } });
    const seen = new Set(out.map((s) => s.name));
    const declared = (name: string): ObjSymbol['binding'] => (this.meta.get(name)?.binding === 'weak' ? 'weak' : 'global');
    for (const [name, loc] of undefinedRefs) {
      if (!seen.has(name)) { out.push({ name, section: null, value: 0n, binding: declared(name), type: 'notype', size: 0n, loc }); seen.add(name); }
    }
    for (const [name, m] of this.meta) {
      if (m.binding !== undefined && m.binding !== 'local' && !seen.has(name)) {
        out.push({ name, section: null, value: 0n, binding: m.binding, type: m.type ?? 'notype', size: 0n, loc: m.loc ?? { file: this.file, line: 0, col: 0 } });
      }
    }
    return out;
  }
}

const numericName = (n: string, k: number): string => `.L${n}^B${k}`;

function inRange(field: FieldName, v: number): boolean { return fieldFits(FIELDS[field], v); }

function rangeText(field: FieldName): string {
  const k = FIELDS[field];
  let covered = 0;
  for (const [h, l, vlo] of k.segments) covered |= ((1 << (h - l + 1)) - 1) << vlo;
  const step = covered & -covered;
  const lo = k.signed ? -(2 ** (k.width - 1)) : 0;
  const hi = (k.signed ? 2 ** (k.width - 1) : 2 ** k.width) - step;
  return `${lo}..${hi}${step > 1 ? `, multiple of ${step}` : ''}${k.nonzero ? ', non-zero' : ''}`;
}

function fenceBits(text: string, at: Token): number {
  let v = 0;
  for (const ch of text.toLowerCase()) {
    const bit = { i: 8, o: 4, r: 2, w: 1 }[ch];
    if (bit === undefined || v & bit) throw new OperandError(at, `bad fence operand '${text}'`);
    v |= bit;
  }
  return v;
}

/** GNU's riscv_make_nops: a zero byte for odd padding, at most one c.nop, then 4-byte nops. */
function fillNops(buf: Uint8Array, off: number, len: number): void {
  let i = 0;
  if (len % 2 === 1) buf[off + i++] = 0;
  if ((len - i) % 4 === 2) { buf[off + i] = 0x01; buf[off + i + 1] = 0x00; i += 2; }
  for (; i < len; i += 4) { buf[off + i] = 0x13; buf[off + i + 1] = 0; buf[off + i + 2] = 0; buf[off + i + 3] = 0; }
}

