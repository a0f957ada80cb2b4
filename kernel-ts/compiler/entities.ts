// Pass 3: what every name means. Module-level declarations of all modules become entities (folded
// constants, globals, data labels, functions); imports are followed to the declaring module; names
// declared in runtime/intrinsics.ts are intrinsics. Functions add their locals on top (frame.ts).
import * as path from 'node:path';
import ts from 'typescript';
import { CompileError } from './diagnostics.js';
import { Structs } from './structs.js';
import { isCompoundAssignment, valueKind } from './types.js';

export interface Local {
  name: string;
  /** s1..s11 when the local lives in a callee-saved register. */
  reg?: string;
  /** Otherwise its stack slot, as an offset from the frame pointer s0. */
  offset?: number;
}

export type Entity =
  | { kind: 'const'; value: bigint }
  | { kind: 'function'; label: string; decl: ts.FunctionDeclaration }
  | { kind: 'global'; label: string }      // module-level let: the value lives at `label`
  | { kind: 'address'; label: string }     // staticBuffer / u64Table / str / sym const: the value IS `label`
  | { kind: 'intrinsic'; name: string }
  | { kind: 'local'; local: Local };

/** Data a module emits besides code. */
export type DataItem =
  | { section: 'rodata'; label: string; global: boolean; kind: 'table'; values: (bigint | string)[] }
  | { section: 'rodata'; label: string; global: boolean; kind: 'string'; text: string }
  | { section: 'data'; label: string; global: boolean; value: bigint | string }
  | { section: 'bss'; label: string; global: boolean; size: bigint; align: bigint };

const M64 = (1n << 64n) - 1n;

export class Entities {
  private readonly table = new Map<ts.Symbol, Entity>();
  private readonly folding = new Set<ts.Symbol>();

  readonly structs: Structs;

  /** runtimeDir: kernel-ts/runtime; every function or const declared there is an intrinsic. */
  constructor(readonly checker: ts.TypeChecker, readonly runtimeDir: string) {
    this.structs = new Structs(checker, (id) => this.intrinsicName(id), (e) => this.fold(e));
  }

  /** The symbol an identifier refers to, through imports. */
  symbolOf(id: ts.Identifier): ts.Symbol | undefined {
    let s = this.checker.getSymbolAtLocation(id);
    if (!s && ts.isShorthandPropertyAssignment(id.parent)) s = this.checker.getShorthandAssignmentValueSymbol(id.parent);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.checker.getAliasedSymbol(s);
    return s;
  }

  set(sym: ts.Symbol, e: Entity): void { this.table.set(sym, e); }

  /** Intrinsic name if `id` names a function or const declared in the runtime (intrinsics.ts, struct.ts). */
  intrinsicName(id: ts.Identifier): string | undefined {
    const s = this.symbolOf(id);
    const d = s?.valueDeclaration ?? s?.declarations?.[0];   // u64 is a type and a field marker
    if (!d || path.dirname(d.getSourceFile().fileName) !== this.runtimeDir) return undefined;
    if ((ts.isFunctionDeclaration(d) || ts.isVariableDeclaration(d)) && d.name && ts.isIdentifier(d.name)) return d.name.text;
    return undefined;
  }

  resolve(id: ts.Identifier): Entity | undefined {
    const s = this.symbolOf(id);
    if (!s) return undefined;
    const e = this.table.get(s);
    if (e) return e;
    const intr = this.intrinsicName(id);
    if (intr) return { kind: 'intrinsic', name: intr };
    // A module-level const met before its own pass: fold it now (consts may refer forward and across modules).
    const d = s.valueDeclaration;
    if (d && ts.isVariableDeclaration(d) && isModuleConst(d) && d.initializer && !this.folding.has(s)) {
      this.folding.add(s);
      try {
        const v = this.fold(d.initializer);
        if (v !== undefined) { const c: Entity = { kind: 'const', value: v }; this.table.set(s, c); return c; }
      } finally { this.folding.delete(s); }
    }
    return undefined;
  }

  /**
   * Fold an expression whose leaves are all constants. Arithmetic is exact (as a native run computes
   * it) and the result is reduced mod 2^64, so a folded constant equals the natively computed one.
   * Returns undefined when some leaf is not a constant.
   */
  fold(e: ts.Expression): bigint | undefined {
    const v = this.foldExact(e);
    return v === undefined ? undefined : BigInt.asUintN(64, v);
  }

  private foldExact(e: ts.Expression): bigint | undefined {
    const SK = ts.SyntaxKind;
    if (ts.isBigIntLiteral(e)) return BigInt(e.text.slice(0, -1).replace(/_/g, ''));
    if (e.kind === SK.TrueKeyword) return 1n;
    if (e.kind === SK.FalseKeyword) return 0n;
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return this.foldExact(e.expression);
    if (ts.isIdentifier(e)) {
      const en = this.resolve(e);
      if (en?.kind === 'intrinsic' && en.name === 'NULL') return 0n;
      return en?.kind === 'const' ? en.value : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      // frame_state.MAPPED: a const enum member
      const v = (this.checker.getSymbolAtLocation(e.expression)?.flags ?? 0) & ts.SymbolFlags.ConstEnum ? this.checker.getConstantValue(e) : undefined;
      return typeof v === 'number' ? BigInt(v) : undefined;
    }
    if (ts.isPrefixUnaryExpression(e)) {
      if (e.operator === SK.PlusPlusToken || e.operator === SK.MinusMinusToken) return undefined;
      const v = this.foldExact(e.operand);
      if (v === undefined) return undefined;
      switch (e.operator) {
        case SK.MinusToken: return -v;
        case SK.TildeToken: return ~v;
        case SK.ExclamationToken: return v === 0n ? 1n : 0n;
        default: return undefined;
      }
    }
    if (ts.isConditionalExpression(e)) {
      const c = this.foldExact(e.condition);
      if (c === undefined) return undefined;
      const a = this.foldExact(e.whenTrue), b = this.foldExact(e.whenFalse);
      if (a === undefined || b === undefined) return undefined;
      return c !== 0n ? a : b;
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const name = this.intrinsicName(e.expression);
      if (name === 'sizeof' || name === 'offsetof') return this.foldLayout(e, name);
      const args = e.arguments.map((a) => this.fold(a));
      if (!name || args.some((a) => a === undefined)) return undefined;
      const [a, b] = args as bigint[];
      const s = (x: bigint): bigint => BigInt.asIntN(64, x);
      switch (name) {
        case 'wrap': return a;
        case 'slt': return s(a) < s(b) ? 1n : 0n;
        case 'sra': return s(a) >> (b & 63n);
        case 'sext32': return BigInt.asIntN(32, a);
        case 'sdiv': return b === 0n ? M64 : s(a) / s(b);
        case 'srem': return b === 0n ? a : s(a) % s(b);
        default: return undefined;
      }
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === SK.EqualsToken || isCompoundAssignment(op)) return undefined;
      const a = this.foldExact(e.left);
      if (a === undefined) return undefined;
      if (op === SK.AmpersandAmpersandToken) return a === 0n ? a : this.foldExact(e.right);
      if (op === SK.BarBarToken) return a !== 0n ? a : this.foldExact(e.right);
      const b = this.foldExact(e.right);
      if (b === undefined) return undefined;
      switch (op) {
        case SK.PlusToken: return a + b;
        case SK.MinusToken: return a - b;
        case SK.AsteriskToken: return a * b;
        case SK.SlashToken: if (b === 0n) throw new CompileError(e, 'constant division by zero'); return a / b;
        case SK.PercentToken: if (b === 0n) throw new CompileError(e, 'constant remainder by zero'); return a % b;
        case SK.AmpersandToken: return a & b;
        case SK.BarToken: return a | b;
        case SK.CaretToken: return a ^ b;
        case SK.LessThanLessThanToken: if (b > 4096n) throw new CompileError(e, 'constant shift by more than 4096'); return a << b;
        case SK.GreaterThanGreaterThanToken: return a >> b;
        case SK.LessThanToken: return a < b ? 1n : 0n;
        case SK.LessThanEqualsToken: return a <= b ? 1n : 0n;
        case SK.GreaterThanToken: return a > b ? 1n : 0n;
        case SK.GreaterThanEqualsToken: return a >= b ? 1n : 0n;
        case SK.EqualsEqualsToken: case SK.EqualsEqualsEqualsToken: return a === b ? 1n : 0n;
        case SK.ExclamationEqualsToken: case SK.ExclamationEqualsEqualsToken: return a !== b ? 1n : 0n;
        default: return undefined;
      }
    }
    return undefined;
  }

  /** sizeof(S) / offsetof(S, 'field'): compile-time constants from the struct's layout. */
  private foldLayout(e: ts.CallExpression, name: 'sizeof' | 'offsetof'): bigint {
    const [s, m] = e.arguments;
    const decl = this.structs.classNamed(s);
    if (!decl) throw new CompileError(s ?? e, `${name} takes a struct class: ${name}(page${name === 'offsetof' ? ", 'lru'" : ''})`);
    const layout = this.structs.layoutOf(decl);
    if (name === 'sizeof') return BigInt(layout.size);
    const f = m && ts.isStringLiteral(m) ? layout.fields.get(m.text) : undefined;
    if (!f) throw new CompileError(m ?? e, `offsetof needs a field name of ${layout.name} as a string literal`);
    return BigInt(f.offset);
  }

  kindOf(node: ts.Node): ReturnType<typeof valueKind> {
    return valueKind(this.checker, this.checker.getTypeAtLocation(node));
  }
}

export function isModuleConst(d: ts.VariableDeclaration): boolean {
  const list = d.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0 &&
    ts.isVariableStatement(list.parent) && ts.isSourceFile(list.parent.parent);
}

export function isExported(node: ts.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}
