// Operands: splitting a statement's tokens at top-level commas, and matching them against an
// instruction's operand syntax taken from the ISA table (`rd, imm12(rs1)`, `c_rd_p, sp, c_nzuimm10`,
// `rd, rs2, (rs1)`). The table's syntax strings are the only description of operand order here.

import { FIELDS, type FieldName, type FieldKind } from '../../emulator/isa/fields.js';
import { fpRegisterNumber, registerNumber, ROUNDING_MODES } from '../../emulator/isa/csrs.js';
import type { InsnDef } from '../../emulator/isa/table.js';
import { Cursor, parseExpr, type Expr } from './expr.js';
import type { Token } from './lexer.js';

export class OperandError extends Error {
  constructor(readonly tok: Token | undefined, message: string) { super(message); }
}

/** One comma-separated operand: its tokens and the token to point at in errors. */
export interface RawOperand { readonly toks: readonly Token[]; readonly at: Token }

export function splitOperands(args: readonly Token[], end: Token): RawOperand[] {
  const out: RawOperand[] = [];
  if (args.length === 0) return out;
  let depth = 0;
  let cur: Token[] = [];
  let start: Token = args[0]!;
  for (const t of args) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      // Empty operands are kept (`.p2align 4,,6`); whoever needs a value reports them.
      out.push({ toks: cur, at: cur.length ? start : t });
      cur = [];
      start = t;
      continue;
    }
    if (cur.length === 0) start = t;
    cur.push(t);
  }
  if (cur.length === 0) throw new OperandError(end, 'missing operand after ","');
  out.push({ toks: cur, at: start });
  return out;
}

/** The register a single-token operand names, or undefined. */
export function asRegister(op: RawOperand): number | undefined {
  if (op.toks.length !== 1 || op.toks[0]!.kind !== 'ident') return undefined;
  return registerNumber(op.toks[0]!.text);
}

/** Parses a whole operand as one expression. */
export function asExpr(op: RawOperand): Expr {
  if (op.toks.length === 0) throw new OperandError(op.at, 'missing operand');
  const c = new Cursor(op.toks, op.at);
  const e = parseExpr(c);
  if (!c.atEnd()) throw new OperandError(c.peek(), `junk '${c.peek()!.text}' after expression`);
  return e;
}

/** `expr(reg)` or `(reg)`: splits off a trailing parenthesised register. */
export function asMemory(op: RawOperand): { offset: Expr | undefined; reg: number; regTok: Token } | undefined {
  const t = op.toks;
  const n = t.length;
  if (n < 3) return undefined;
  const open = t[n - 3]!, r = t[n - 2]!, close = t[n - 1]!;
  if (open.kind !== 'punct' || open.text !== '(' || close.kind !== 'punct' || close.text !== ')' || r.kind !== 'ident') return undefined;
  const reg = registerNumber(r.text);
  if (reg === undefined) return undefined;
  const pre = t.slice(0, n - 3);
  return { offset: pre.length ? asExpr({ toks: pre, at: pre[0]! }) : undefined, reg, regTok: r };
}

// ---- matching against the table's syntax --------------------------------------------------------

type Piece =
  | { readonly kind: 'field'; readonly field: FieldName }
  | { readonly kind: 'fixed'; readonly reg: number; readonly name: string }
  | { readonly kind: 'mem'; readonly offset: FieldName | undefined; readonly base: Piece & ({ kind: 'field' } | { kind: 'fixed' }) };

const isField = (s: string): s is FieldName => s in FIELDS;

function piece(text: string): Piece {
  if (isField(text)) return { kind: 'field', field: text };
  const reg = registerNumber(text);
  if (reg === undefined) throw new Error(`table syntax: unknown operand '${text}'`);
  return { kind: 'fixed', reg, name: text };
}

const syntaxCache = new Map<InsnDef, Piece[]>();
/** The operand pieces of a table entry, parsed from its syntax string. */
export function syntaxOf(def: InsnDef): Piece[] {
  let p = syntaxCache.get(def);
  if (p) return p;
  p = def.syntax.trim() === '' ? [] : def.syntax.split(',').map((s) => {
    const m = /^\s*([a-z_0-9]*)\s*\(\s*([a-z_0-9]+)\s*\)\s*$/.exec(s);
    if (m) {
      const base = piece(m[2]!);
      if (base.kind === 'mem') throw new Error('table syntax: nested memory operand');
      return { kind: 'mem', offset: m[1] ? (m[1] as FieldName) : undefined, base } as Piece;
    }
    return piece(s.trim());
  });
  syntaxCache.set(def, p);
  return p;
}

/** What matching produced: register fields set, and immediates still as expressions. */
export interface Matched {
  readonly regs: Partial<Record<FieldName, number>>;
  readonly imms: { readonly field: FieldName; readonly expr: Expr; readonly at: Token }[];
  /** fence pred/succ and csr given by name are resolved here. */
  readonly names: Partial<Record<FieldName, { text: string; at: Token }>>;
}

/** Human form of a table syntax, for messages: `rd, imm12(rs1)`. */
export const syntaxText = (def: InsnDef): string => def.syntax === '' ? '(no operands)' : def.syntax;

export function matchOperands(def: InsnDef, ops: readonly RawOperand[], end: Token): Matched {
  let pieces = syntaxOf(def);
  const m: Matched = { regs: {}, imms: [], names: {} };
  // A rounding mode may be left out: it is then dyn (7), as GNU as writes it.
  const last = pieces[pieces.length - 1];
  if (last?.kind === 'field' && FIELDS[last.field].syntax === 'rm' && ops.length === pieces.length - 1) {
    (m.regs as Record<string, number>)[last.field] = 7;
    pieces = pieces.slice(0, -1);
  }
  if (ops.length !== pieces.length) {
    const at = ops.length > pieces.length ? ops[pieces.length]!.at : end;
    throw new OperandError(at, `${def.mnemonic} takes ${pieces.length} operand${pieces.length === 1 ? '' : 's'} (${syntaxText(def)}), found ${ops.length}`);
  }
  pieces.forEach((p, k) => matchPiece(def, p, ops[k]!, m));
  return m;
}

function matchPiece(def: InsnDef, p: Piece, op: RawOperand, m: Matched): void {
  if (p.kind === 'fixed') {
    const r = asRegister(op);
    if (r !== p.reg) throw new OperandError(op.at, `${def.mnemonic}: expected register ${p.name} here`);
    return;
  }
  if (p.kind === 'mem') {
    // AMOs and LR/SC write `(rs1)`; GNU also accepts `0(rs1)` there.
    const mem = asMemory(op);
    if (!mem) throw new OperandError(op.at, `${def.mnemonic}: expected a memory operand like ${p.offset ? 'offset' : ''}(register)`);
    if (p.base.kind === 'fixed') {
      if (mem.reg !== p.base.reg) throw new OperandError(mem.regTok, `${def.mnemonic}: base register must be ${p.base.name}`);
    } else {
      (m.regs as Record<string, number>)[p.base.field] = mem.reg;
    }
    if (p.offset) {
      m.imms.push({ field: p.offset, expr: mem.offset ?? zero(op.at), at: op.at });
    } else if (mem.offset) {
      const e = mem.offset;
      if (!(e.kind === 'num' && e.value === 0n)) throw new OperandError(op.at, `${def.mnemonic}: only 0 may precede (register) here`);
    }
    return;
  }
  const kind: FieldKind = FIELDS[p.field];
  if (kind.syntax === 'freg') {
    const r = op.toks.length === 1 && op.toks[0]!.kind === 'ident' ? fpRegisterNumber(op.toks[0]!.text) : undefined;
    if (r === undefined) throw new OperandError(op.at, `${def.mnemonic}: expected a floating-point register for ${p.field}, found '${op.toks.map((t) => t.text).join('')}'`);
    (m.regs as Record<string, number>)[p.field] = r;
    return;
  }
  if (kind.syntax === 'rm') {
    const t = op.toks.length === 1 && op.toks[0]!.kind === 'ident' ? op.toks[0]!.text.toLowerCase() : '';
    const v = ROUNDING_MODES.indexOf(t);
    if (t === '' || v < 0) throw new OperandError(op.at, `${def.mnemonic}: expected a rounding mode (rne, rtz, rdn, rup, rmm, dyn), found '${op.toks.map((x) => x.text).join('')}'`);
    (m.regs as Record<string, number>)[p.field] = v;
    return;
  }
  if (kind.syntax === 'reg') {
    const r = asRegister(op);
    if (r === undefined) throw new OperandError(op.at, `${def.mnemonic}: expected a register for ${p.field}, found '${op.toks.map((t) => t.text).join('')}'`);
    (m.regs as Record<string, number>)[p.field] = r;
    return;
  }
  if (kind.syntax === 'fence' || kind.syntax === 'csr') {
    if (op.toks.length === 1 && op.toks[0]!.kind === 'ident' && registerNumber(op.toks[0]!.text) === undefined) {
      (m.names as Record<string, { text: string; at: Token }>)[p.field] = { text: op.toks[0]!.text, at: op.at };
      return;
    }
  }
  if (asRegister(op) !== undefined) throw new OperandError(op.at, `${def.mnemonic}: expected an immediate for ${p.field}, found register '${op.toks[0]!.text}'`);
  m.imms.push({ field: p.field, expr: asExpr(op), at: op.at });
}

function zero(at: Token): Expr { return { kind: 'num', value: 0n, tok: at }; }
