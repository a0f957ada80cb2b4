// Expressions as GNU as reads them: numbers, symbols, `.` (the current location), numeric local
// label references (1b, 1f), unary - ~ !, binary * / % << >> & | ^ + - (C precedence as in GNU as),
// parentheses, and the relocation operators %hi %lo %pcrel_hi %pcrel_lo. Values are 64-bit.

import type { Token } from './lexer.js';

export type RelocOp = 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo';

export type Expr =
  | { readonly kind: 'num'; readonly value: bigint; readonly tok: Token }
  | { readonly kind: 'sym'; readonly name: string; readonly tok: Token }
  | { readonly kind: 'unary'; readonly op: string; readonly arg: Expr; readonly tok: Token }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly tok: Token }
  | { readonly kind: 'reloc'; readonly op: RelocOp; readonly arg: Expr; readonly tok: Token };

export class ExprError extends Error {
  constructor(readonly tok: Token | undefined, message: string) { super(message); }
}

/** A cursor over the tokens of one operand list. */
export class Cursor {
  pos = 0;
  constructor(readonly toks: readonly Token[], readonly end: Token | undefined) {}
  peek(o = 0): Token | undefined { return this.toks[this.pos + o]; }
  next(): Token | undefined { return this.toks[this.pos++]; }
  atEnd(): boolean { return this.pos >= this.toks.length; }
  isPunct(text: string, o = 0): boolean { const t = this.peek(o); return t?.kind === 'punct' && t.text === text; }
  /** Where the next token is (or the end of the statement). */
  here(): Token | undefined { return this.peek() ?? this.end; }
}

// Binary operator precedence (higher binds tighter), as the GNU as manual orders them (+ and - share
// a level with the comparisons).
const PREC: Record<string, number> = {
  '||': 1, '&&': 1,
  '+': 2, '-': 2, '==': 2, '!=': 2, '<': 2, '>': 2, '<=': 2, '>=': 2,
  '|': 3, '^': 3, '&': 3, '!': 3,
  '*': 4, '/': 4, '%': 4, '<<': 4, '>>': 4,
};
const RELOC_OPS: ReadonlySet<string> = new Set(['hi', 'lo', 'pcrel_hi', 'pcrel_lo']);

export function parseExpr(c: Cursor, minPrec = 1): Expr {
  let left = parseUnary(c);
  for (;;) {
    const t = c.peek();
    if (!t || t.kind !== 'punct') break;
    const p = PREC[t.text];
    if (p === undefined || p < minPrec) break;
    // `%` followed directly by a relocation name is not a modulo.
    if (t.text === '%' && c.peek(1)?.kind === 'ident' && RELOC_OPS.has(c.peek(1)!.text)) break;
    c.next();
    const right = parseExpr(c, p + 1);
    left = { kind: 'binary', op: t.text, left, right, tok: t };
  }
  return left;
}

function parseUnary(c: Cursor): Expr {
  const t = c.next();
  if (!t) throw new ExprError(c.end, 'missing expression');
  if (t.kind === 'number' || t.kind === 'char') return { kind: 'num', value: t.value!, tok: t };
  if (t.kind === 'ident') return { kind: 'sym', name: t.text, tok: t };
  if (t.kind === 'punct') {
    if (t.text === '(') {
      const e = parseExpr(c);
      if (!c.isPunct(')')) throw new ExprError(c.here(), "missing ')'");
      c.next();
      return e;
    }
    if (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+') {
      return { kind: 'unary', op: t.text, arg: parseUnary(c), tok: t };
    }
    if (t.text === '%') {
      const name = c.next();
      if (!name || name.kind !== 'ident' || !RELOC_OPS.has(name.text)) throw new ExprError(name ?? t, `unknown relocation operator '%${name?.text ?? ''}'`);
      if (!c.isPunct('(')) throw new ExprError(c.here(), `expected '(' after %${name.text}`);
      c.next();
      const arg = parseExpr(c);
      if (!c.isPunct(')')) throw new ExprError(c.here(), "missing ')'");
      c.next();
      return { kind: 'reloc', op: name.text as RelocOp, arg, tok: t };
    }
  }
  throw new ExprError(t, `unexpected '${t.text}' in expression`);
}

// ---- evaluation ------------------------------------------------------------------------------

/** A value: an absolute number, or a symbol plus an addend (still to be relocated). */
export interface Value {
  readonly add: bigint;
  /** Symbol the value is relative to; undefined for an absolute value. */
  readonly sym?: string;
}

/** What the evaluator knows of a symbol. */
export type SymInfo =
  | { readonly kind: 'abs'; readonly value: bigint }
  /** A label; offset known once the section is laid out. `add`: what an alias (`.set foo, bar + 4`) adds. */
  | { readonly kind: 'label'; readonly name: string; readonly section: string; readonly offset?: bigint; readonly add?: bigint }
  | { readonly kind: 'undef'; readonly name: string; readonly add?: bigint };

export type Resolver = (name: string, tok: Token) => SymInfo;

const M64 = (1n << 64n) - 1n;
/** Wraps to a signed 64-bit value. */
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/**
 * Evaluates `e`. Labels with a known offset in the same section cancel in differences; a value
 * that stays relative to a symbol is returned as {sym, add}. Relocation operators are not allowed
 * here (the instruction matcher peels them off first).
 */
export function evaluate(e: Expr, resolve: Resolver): Value {
  switch (e.kind) {
    case 'num': return { add: s64(e.value) };
    case 'sym': {
      const info = resolve(e.name, e.tok);
      if (info.kind === 'abs') return { add: s64(info.value) };
      return { add: info.add ?? 0n, sym: info.name };
    }
    case 'reloc': throw new ExprError(e.tok, `%${e.op} is not allowed here`);
    case 'unary': {
      const v = evaluate(e.arg, resolve);
      if (e.op === '+') return v;
      if (v.sym !== undefined) throw new ExprError(e.tok, `operator '${e.op}' needs an absolute value`);
      if (e.op === '-') return { add: s64(-v.add) };
      if (e.op === '~') return { add: s64(~v.add) };
      return { add: v.add === 0n ? 1n : 0n };
    }
    case 'binary': {
      const l = evaluate(e.left, resolve);
      const r = evaluate(e.right, resolve);
      if (e.op === '+') {
        if (l.sym !== undefined && r.sym !== undefined) throw new ExprError(e.tok, 'cannot add two symbols');
        return { add: s64(l.add + r.add), sym: l.sym ?? r.sym };
      }
      if (e.op === '-') {
        if (r.sym === undefined) return { add: s64(l.add - r.add), sym: l.sym };
        if (l.sym !== undefined) {
          const a = resolve(l.sym, e.tok), b = resolve(r.sym, e.tok);
          if (a.kind === 'label' && b.kind === 'label' && a.section === b.section && a.offset !== undefined && b.offset !== undefined) {
            return { add: s64(l.add - r.add + a.offset - b.offset) };
          }
          if (l.sym === r.sym) return { add: s64(l.add - r.add) };
        }
        throw new ExprError(e.tok, 'cannot subtract symbols from different sections (or not yet laid out)');
      }
      if (l.sym !== undefined || r.sym !== undefined) throw new ExprError(e.tok, `operator '${e.op}' needs absolute values`);
      return { add: s64(binop(e.op, l.add, r.add, e.tok)) };
    }
  }
}

function binop(op: string, a: bigint, b: bigint, tok: Token): bigint {
  switch (op) {
    case '*': return a * b;
    case '/': if (b === 0n) throw new ExprError(tok, 'division by zero'); return a / b;
    case '%': if (b === 0n) throw new ExprError(tok, 'division by zero'); return a % b;
    case '<<': return b >= 64n || b < 0n ? 0n : (a << b) & M64;
    case '>>': return b >= 64n || b < 0n ? (a < 0n ? -1n : 0n) : a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '!': return a | ~b; // GNU's "or not"
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    // GNU as: comparisons yield -1 for true, 0 for false.
    case '==': return a === b ? -1n : 0n;
    case '!=': return a !== b ? -1n : 0n;
    case '<': return a < b ? -1n : 0n;
    case '>': return a > b ? -1n : 0n;
    case '<=': return a <= b ? -1n : 0n;
    case '>=': return a >= b ? -1n : 0n;
  }
  throw new ExprError(tok, `unknown operator '${op}'`);
}

/** The %hi / %lo parts of an absolute value, as the psABI defines them (hi rounds for the signed lo). */
export function hi20(v: bigint): number { return Number(((v + 0x800n) >> 12n) & 0xfffffn); }
export function lo12(v: bigint): number { return Number(BigInt.asIntN(12, v)); }
