// Pass 5: one function's body → RV64 assembly lines, straight from the syntax tree (chibicc style).
//
// Expressions are evaluated by depth: the value of an expression at depth d lands in T[d] (t0..t6),
// its operands at d and d+1. A local living in a register is used in place, not copied. Conditions
// compile to branches (genBranch), so `if (a < b)` is one bltu/bgeu. A call saves the temporaries
// still live below it in spill slots and restores them after.
import ts from 'typescript';
import { CompileError } from './diagnostics.js';
import type { Entities, Entity, Local } from './entities.js';
import type { Frame } from './frame.js';
import { genIntrinsic } from './intrinsics.js';
import type { ModuleUnit } from './module.js';
import { isCompoundAssignment } from './types.js';
import type { Field } from '../runtime/layout.js';

const SK = ts.SyntaxKind;
export const T = ['t0', 't1', 't2', 't3', 't4', 't5', 't6'];
export const ARG_REGS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];

export const fitsImm12 = (v: bigint): boolean => v >= -2048n && v <= 2047n;
/** A u64 constant as the signed immediate the instruction sees. */
export const signed = (v: bigint): bigint => BigInt.asIntN(64, v);

interface Target { label?: string; brk: string; cont?: string }

/** Register-register instruction and, where one exists, its immediate form, per operator. */
const ARITH: Partial<Record<ts.SyntaxKind, { rr: string; ri?: string }>> = {
  [SK.PlusToken]: { rr: 'add', ri: 'addi' },
  [SK.MinusToken]: { rr: 'sub' },
  [SK.AsteriskToken]: { rr: 'mul' },
  [SK.SlashToken]: { rr: 'divu' },
  [SK.PercentToken]: { rr: 'remu' },
  [SK.AmpersandToken]: { rr: 'and', ri: 'andi' },
  [SK.BarToken]: { rr: 'or', ri: 'ori' },
  [SK.CaretToken]: { rr: 'xor', ri: 'xori' },
  [SK.LessThanLessThanToken]: { rr: 'sll', ri: 'slli' },
  [SK.GreaterThanGreaterThanToken]: { rr: 'srl', ri: 'srli' },
};

const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [SK.PlusEqualsToken]: SK.PlusToken, [SK.MinusEqualsToken]: SK.MinusToken, [SK.AsteriskEqualsToken]: SK.AsteriskToken,
  [SK.SlashEqualsToken]: SK.SlashToken, [SK.PercentEqualsToken]: SK.PercentToken, [SK.AmpersandEqualsToken]: SK.AmpersandToken,
  [SK.BarEqualsToken]: SK.BarToken, [SK.CaretEqualsToken]: SK.CaretToken,
  [SK.LessThanLessThanEqualsToken]: SK.LessThanLessThanToken, [SK.GreaterThanGreaterThanEqualsToken]: SK.GreaterThanGreaterThanToken,
};

type Cmp = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
const CMP: Partial<Record<ts.SyntaxKind, Cmp>> = {
  [SK.LessThanToken]: 'lt', [SK.LessThanEqualsToken]: 'le', [SK.GreaterThanToken]: 'gt', [SK.GreaterThanEqualsToken]: 'ge',
  [SK.EqualsEqualsToken]: 'eq', [SK.EqualsEqualsEqualsToken]: 'eq', [SK.ExclamationEqualsToken]: 'ne', [SK.ExclamationEqualsEqualsToken]: 'ne',
};
const NEGATE: Record<Cmp, Cmp> = { lt: 'ge', ge: 'lt', le: 'gt', gt: 'le', eq: 'ne', ne: 'eq' };

const LOAD: Record<number, [string, string]> = { 1: ['lbu', 'lb'], 2: ['lhu', 'lh'], 4: ['lwu', 'lw'], 8: ['ld', 'ld'] };
const STORE: Record<number, string> = { 1: 'sb', 2: 'sh', 4: 'sw', 8: 'sd' };
/** The load of an integer or pointer field: zero- or sign-extending as its type says. */
function loadOp(f: Pick<Field, 'type'>): string {
  const t = f.type;
  return t.kind === 'int' ? LOAD[t.size][t.signed ? 1 : 0] : 'ld';
}
function storeOp(f: Pick<Field, 'type'>, node: ts.Node): string {
  const t = f.type;
  if (t.kind === 'int') return STORE[t.size];
  if (t.kind === 'ptr') return 'sd';
  throw new CompileError(node, `assigning a whole ${t.kind === 'struct' ? 'embedded struct' : 'array'} is not supported in kernel-ts; assign its fields one by one`);
}

/** Does evaluating `node` assign a variable (so a register local read before it must be copied first)? */
export function assigns(node: ts.Node): boolean {
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === SK.EqualsToken || isCompoundAssignment(node.operatorToken.kind))) return true;
  if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === SK.PlusPlusToken || node.operator === SK.MinusMinusToken)) return true;
  return ts.forEachChild(node, assigns) ?? false;
}

export class FunctionGen {
  readonly out: string[] = [];
  readonly name: string;
  readonly retLabel: string;
  private labels = 0;
  private spillTop = 0;
  spillMax = 0;
  private readonly targets: Target[] = [];

  constructor(readonly mod: ModuleUnit, readonly ents: Entities, readonly fn: ts.FunctionDeclaration, readonly frame: Frame) {
    this.name = fn.name!.text;
    this.retLabel = `.L${this.name}.return`;
  }

  // ---- output helpers ---------------------------------------------------------------------------
  emit(insn: string): void { this.out.push(`\t${insn}`); }
  label(l: string): void { this.out.push(`${l}:`); }
  newLabel(what: string): string { return `.L${this.name}.${what}${this.labels++}`; }
  /** Depth for the right operand: T[d] is free when the left value sits elsewhere (a register local). */
  next(l: string, d: number): number { return l === T[d] ? d + 1 : d; }
  tmp(d: number, node: ts.Node): string {
    if (d >= T.length) throw new CompileError(node, 'expression nested too deeply for the 7 temporaries; split it with a local');
    return T[d];
  }

  /** Offset from s0 of spill slot i (below the locals' slots). */
  private spillOffset(i: number): number { return -(16 + 8 * this.frame.saved.length + 8 * this.frame.slots + 8 * (i + 1)); }
  /** Reserve n spill slots; returns the first index. */
  pushSpill(n: number): number {
    const at = this.spillTop;
    this.spillTop += n;
    this.spillMax = Math.max(this.spillMax, this.spillTop);
    return at;
  }
  popSpill(n: number): void { this.spillTop -= n; }
  spillAddr(i: number): string { return `${this.spillOffset(i)}(s0)`; }

  // ---- whole function -----------------------------------------------------------------------------
  genBody(): void {
    this.frame.params.forEach((p, i) => this.storeLocal(p, ARG_REGS[i]));
    const stmts = this.fn.body!.statements;
    stmts.forEach((s, i) => {
      // A final `return e` falls through into the epilogue instead of jumping to it.
      if (i === stmts.length - 1 && ts.isReturnStatement(s)) this.genReturn(s, true);
      else this.genStmt(s);
    });
  }

  // ---- statements ---------------------------------------------------------------------------------
  genStmt(s: ts.Statement): void {
    if (ts.isBlock(s)) { s.statements.forEach((x) => this.genStmt(x)); return; }
    if (ts.isEmptyStatement(s) || ts.isTypeAliasDeclaration(s)) return;
    if (ts.isVariableStatement(s)) { this.genDeclarations(s.declarationList); return; }
    if (ts.isExpressionStatement(s)) { this.genEffect(s.expression); return; }
    if (ts.isIfStatement(s)) {
      const elseL = this.newLabel('else');
      this.genBranch(s.expression, 0, elseL, false);
      this.genStmt(s.thenStatement);
      if (s.elseStatement) {
        const endL = this.newLabel('endif');
        this.emit(`j ${endL}`);
        this.label(elseL);
        this.genStmt(s.elseStatement);
        this.label(endL);
      } else this.label(elseL);
      return;
    }
    if (ts.isWhileStatement(s)) { this.genLoop(s, undefined, s.expression, undefined, s.statement); return; }
    if (ts.isForStatement(s)) { this.genLoop(s, s.initializer, s.condition, s.incrementor, s.statement); return; }
    if (ts.isForOfStatement(s)) { this.genRange(s); return; }
    if (ts.isDoStatement(s)) {
      const body = this.newLabel('do'), cont = this.newLabel('docond'), brk = this.newLabel('enddo');
      this.label(body);
      this.withTarget(s, brk, cont, () => this.genStmt(s.statement));
      this.label(cont);
      this.genBranch(s.expression, 0, body, true);
      this.label(brk);
      return;
    }
    if (ts.isLabeledStatement(s)) { this.genStmt(s.statement); return; }
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      const isBreak = ts.isBreakStatement(s);
      const want = s.label?.text;
      for (let i = this.targets.length - 1; i >= 0; i--) {
        const t = this.targets[i];
        if (want !== undefined && t.label !== want) continue;
        const dest = isBreak ? t.brk : t.cont;
        if (dest === undefined) { if (want !== undefined) break; continue; }
        this.emit(`j ${dest}`);
        return;
      }
      throw new CompileError(s, `no enclosing ${isBreak ? 'loop or switch' : 'loop'}${want ? ` labelled ${want}` : ''}`);
    }
    if (ts.isReturnStatement(s)) { this.genReturn(s, false); return; }
    if (ts.isSwitchStatement(s)) { this.genSwitch(s); return; }
    if (ts.isFunctionDeclaration(s)) throw new CompileError(s, 'nested function is not supported in kernel-ts; move it to module level');
    throw new CompileError(s, `${SK[s.kind]} is not supported in kernel-ts`);
  }

  private withTarget(loop: ts.Statement, brk: string, cont: string | undefined, body: () => void): void {
    const label = ts.isLabeledStatement(loop.parent) ? loop.parent.label.text : undefined;
    this.targets.push({ label, brk, cont });
    body();
    this.targets.pop();
  }

  /** while/for: the test sits at the bottom so each iteration costs one branch. */
  private genLoop(s: ts.Statement, init: ts.ForInitializer | undefined, cond: ts.Expression | undefined,
    incr: ts.Expression | undefined, body: ts.Statement): void {
    if (init) {
      if (ts.isVariableDeclarationList(init)) this.genDeclarations(init);
      else this.genEffect(init);
    }
    const top = this.newLabel('loop'), cont = this.newLabel('next'), test = this.newLabel('test'), brk = this.newLabel('endloop');
    if (cond) this.emit(`j ${test}`);
    this.label(top);
    this.withTarget(s, brk, cont, () => this.genStmt(body));
    this.label(cont);
    if (incr) this.genEffect(incr);
    this.label(test);
    if (cond) this.genBranch(cond, 0, top, true);
    else this.emit(`j ${top}`);
    this.label(brk);
  }

  /** for (const i of range(start, end)): i = start; end kept in a local unless constant; i < end tested at the bottom. */
  private genRange(s: ts.ForOfStatement): void {
    const call = s.expression as ts.CallExpression;
    const [start, end] = call.arguments;
    const decl = (s.initializer as ts.VariableDeclarationList).declarations[0];
    const iv = this.ents.resolve(decl.name as ts.Identifier);
    if (iv?.kind !== 'local') throw new CompileError(decl, 'the range variable has no home');
    const endHome = this.frame.rangeEnds.get(s);
    if (endHome) this.assignLocal(endHome, end, 0);
    this.assignLocal(iv.local, start, 0);
    const top = this.newLabel('range'), cont = this.newLabel('next'), test = this.newLabel('test'), brk = this.newLabel('endrange');
    this.emit(`j ${test}`);
    this.label(top);
    this.withTarget(s, brk, cont, () => this.genStmt(s.statement));
    this.label(cont);
    const i = iv.local;
    if (i.reg) this.emit(`addi ${i.reg}, ${i.reg}, 1`);
    else { this.emit(`ld t0, ${i.offset}(s0)`); this.emit('addi t0, t0, 1'); this.emit(`sd t0, ${i.offset}(s0)`); }
    this.label(test);
    const l = i.reg ?? (this.emit(`ld t0, ${i.offset}(s0)`), 't0');
    const r = endHome ? (endHome.reg ?? (this.emit(`ld t1, ${endHome.offset}(s0)`), 't1')) : this.genExpr(end, 1);
    this.emit(`bltu ${l}, ${r}, ${top}`);
    this.label(brk);
  }

  private genSwitch(s: ts.SwitchStatement): void {
    const v = this.genExpr(s.expression, 0);
    const brk = this.newLabel('endswitch');
    const clauses = s.caseBlock.clauses.map((c) => ({ c, l: this.newLabel(ts.isDefaultClause(c) ? 'default' : 'case') }));
    let defaultL = brk;
    for (const { c, l } of clauses) {
      if (ts.isDefaultClause(c)) { defaultL = l; continue; }
      const k = this.ents.fold(c.expression);
      if (k === undefined) throw new CompileError(c.expression, 'a case label must be a constant');
      if (k === 0n) this.emit(`beqz ${v}, ${l}`);
      else { this.emit(`li ${T[1]}, ${signed(k)}`); this.emit(`beq ${v}, ${T[1]}, ${l}`); }
    }
    this.emit(`j ${defaultL}`);
    this.withTarget(s, brk, undefined, () => {
      for (const { c, l } of clauses) {
        this.label(l);
        c.statements.forEach((x) => this.genStmt(x));
      }
    });
    this.label(brk);
  }

  private genReturn(s: ts.ReturnStatement, last: boolean): void {
    if (s.expression && ts.isArrayLiteralExpression(s.expression)) {
      this.genArgs(s.expression.elements, ARG_REGS, 0);   // several results: a0, a1, …
    } else if (s.expression) {
      const r = this.genExpr(s.expression, 0);
      if (r !== 'a0' && !this.retarget(r, 'a0')) this.emit(`mv a0, ${r}`);
    }
    if (!last) this.emit(`j ${this.retLabel}`);
  }

  private genDeclarations(list: ts.VariableDeclarationList): void {
    for (const d of list.declarations) {
      if (ts.isArrayBindingPattern(d.name) && d.initializer && ts.isCallExpression(d.initializer)) {
        this.genCall(d.initializer, 0, true);
        d.name.elements.forEach((el, i) => {
          const e = ts.isBindingElement(el) && ts.isIdentifier(el.name) ? this.ents.resolve(el.name) : undefined;
          if (e?.kind === 'local') this.storeLocal(e.local, ARG_REGS[i]);
        });
        continue;
      }
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const e = this.ents.resolve(d.name);
      if (e?.kind !== 'local') continue; // folded const
      this.assignLocal(e.local, d.initializer, 0);
    }
  }

  /** An expression whose value is not used. */
  genEffect(e: ts.Expression): void {
    if (ts.isParenthesizedExpression(e)) { this.genEffect(e.expression); return; }
    // i++ as a statement: no old value to keep.
    if (ts.isPostfixUnaryExpression(e)) { this.genIncDec(e.operand, e.operator === SK.PlusPlusToken, true, 0); return; }
    this.genExpr(e, 0);
    // A call whose value is not used: no copy of a0.
    if (ts.isCallExpression(e) && this.out[this.out.length - 1] === `\tmv ${T[0]}, a0`) this.out.pop();
  }

  // ---- variables ----------------------------------------------------------------------------------
  storeLocal(l: Local, r: string): void {
    if (l.reg) { if (l.reg !== r) this.emit(`mv ${l.reg}, ${r}`); }
    else this.emit(`sd ${r}, ${l.offset}(s0)`);
  }

  private assignLocal(l: Local, value: ts.Expression, d: number): string {
    const r = this.genExpr(value, d);
    if (!(l.reg && this.retarget(r, l.reg))) this.storeLocal(l, r);
    return l.reg ?? r;
  }

  /**
   * The one peephole: when the instruction just emitted computed temporary t (its destination) and t
   * is about to be copied into reg, make the instruction write reg directly (`add t0, s1, t0` +
   * `mv s1, t0` → `add s1, s1, t0`). Safe because t is dead after the copy.
   */
  retarget(t: string, reg: string): boolean {
    if (!T.includes(t)) return false;
    const last = this.out[this.out.length - 1] ?? '';
    const m = /^\t(add|addi|sub|mul|divu|remu|div|rem|and|andi|or|ori|xor|xori|sll|slli|srl|srli|sra|srai|sltu|slt|seqz|snez|neg|not|li|mv|la|ld|lbu|lhu|lwu|lb|lh|lw|sext\.w|csrr|csrrw) (t\d), /.exec(last);
    if (!m || m[2] !== t) return false;
    this.out[this.out.length - 1] = last.replace(`${m[1]} ${t}, `, `${m[1]} ${reg}, `);
    return true;
  }

  private variable(id: ts.Identifier): Entity {
    const e = this.ents.resolve(id);
    if (!e) throw new CompileError(id, `${id.text} is not supported in kernel-ts: only u64 values, kernel-ts functions and the runtime intrinsics exist when compiled`);
    return e;
  }

  /** Store register r into the variable `id` (a local or a module-level let). */
  private storeVar(id: ts.Identifier, r: string, d: number): void {
    const e = this.variable(id);
    if (e.kind === 'local') this.storeLocal(e.local, r);
    else if (e.kind === 'global') {
      const a = r === T[d] ? this.tmp(d + 1, id) : this.tmp(d, id);
      this.emit(`la ${a}, ${e.label}`);
      this.emit(`sd ${r}, 0(${a})`);
    } else throw new CompileError(id, `cannot assign to ${id.text}: it is not a variable`);
  }

  // ---- expressions --------------------------------------------------------------------------------
  /** Evaluate e; the value is in the returned register (T[d], a register local, or zero). */
  genExpr(e: ts.Expression, d: number): string {
    const k = this.ents.fold(e);
    if (k !== undefined) {
      if (k === 0n) return 'zero';
      const t = this.tmp(d, e);
      this.emit(`li ${t}, ${signed(k)}`);
      return t;
    }
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return this.genExpr(e.expression, d);
    if (ts.isIdentifier(e)) return this.genVariable(e, d);
    if (ts.isBinaryExpression(e)) return this.genBinary(e, d);
    if (ts.isPrefixUnaryExpression(e)) {
      const t = this.tmp(d, e);
      switch (e.operator) {
        case SK.MinusToken: this.emit(`neg ${t}, ${this.genExpr(e.operand, d)}`); return t;
        case SK.TildeToken: this.emit(`not ${t}, ${this.genExpr(e.operand, d)}`); return t;
        case SK.ExclamationToken: this.emit(`seqz ${t}, ${this.genExpr(e.operand, d)}`); return t;
        case SK.PlusPlusToken: case SK.MinusMinusToken:
          return this.genIncDec(e.operand, e.operator === SK.PlusPlusToken, true, d);
      }
    }
    if (ts.isPostfixUnaryExpression(e)) return this.genIncDec(e.operand, e.operator === SK.PlusPlusToken, false, d);
    if (ts.isConditionalExpression(e)) {
      const t = this.tmp(d, e), elseL = this.newLabel('else'), endL = this.newLabel('endcond');
      this.genBranch(e.condition, d, elseL, false);
      this.genInto(e.whenTrue, d);
      this.emit(`j ${endL}`);
      this.label(elseL);
      this.genInto(e.whenFalse, d);
      this.label(endL);
      return t;
    }
    if (ts.isCallExpression(e)) return this.genCall(e, d);
    if (ts.isPropertyAccessExpression(e)) return this.genFieldRead(e, d);
    if (ts.isStringLiteral(e)) { const t = this.tmp(d, e); this.emit(`la ${t}, ${this.mod.stringLabel(e.text)}`); return t; }
    throw new CompileError(e, `${SK[e.kind]} is not supported in kernel-ts`);
  }

  /** Evaluate e into exactly T[d]. */
  genInto(e: ts.Expression, d: number): string {
    const t = this.tmp(d, e);
    const r = this.genExpr(e, d);
    if (r !== t) this.emit(`mv ${t}, ${r}`);
    return t;
  }

  private genVariable(id: ts.Identifier, d: number): string {
    const e = this.variable(id);
    const t = this.tmp(d, id);
    switch (e.kind) {
      case 'local':
        if (e.local.reg) return e.local.reg;
        this.emit(`ld ${t}, ${e.local.offset}(s0)`);
        return t;
      case 'global': this.emit(`la ${t}, ${e.label}`); this.emit(`ld ${t}, 0(${t})`); return t;
      case 'address': case 'function': this.emit(`la ${t}, ${e.label}`); return t;
      case 'const': return this.genExpr(id, d);
      case 'intrinsic': throw new CompileError(id, `the intrinsic ${e.name} can only be called, not used as a value`);
    }
  }

  /** Left operand: a register local is used in place unless the right operand assigns a variable. */
  private genLeft(left: ts.Expression, right: ts.Expression, d: number): string {
    return assigns(right) ? this.genInto(left, d) : this.genExpr(left, d);
  }

  private genBinary(e: ts.BinaryExpression, d: number): string {
    const op = e.operatorToken.kind;
    const t = this.tmp(d, e);
    if (ts.isPropertyAccessExpression(e.left) && (op === SK.EqualsToken || COMPOUND[op] !== undefined)) return this.genFieldStore(e.left, op, e.right, e, d);
    if (op === SK.EqualsToken) {
      const id = e.left as ts.Identifier;
      const en = this.variable(id);
      if (en.kind === 'local') return this.assignLocal(en.local, e.right, d);
      const r = this.genExpr(e.right, d);
      this.storeVar(id, r, d);
      return r;
    }
    const compound = COMPOUND[op];
    if (compound !== undefined) {
      const id = e.left as ts.Identifier;
      const cur = this.genLeft(id, e.right, d);
      const r = this.arith(compound, d, cur, e.right, e);
      this.storeVar(id, r, d);
      return r;
    }
    if (op === SK.AmpersandAmpersandToken || op === SK.BarBarToken) {
      // JavaScript value semantics: a && b is a when a is 0, else b (likewise ||), so u64 and boolean agree.
      const endL = this.newLabel(op === SK.BarBarToken ? 'or' : 'and');
      this.genInto(e.left, d);
      this.emit(`${op === SK.BarBarToken ? 'bnez' : 'beqz'} ${t}, ${endL}`);
      this.genInto(e.right, d);
      this.label(endL);
      return t;
    }
    const cmp = CMP[op];
    if (cmp) {
      const l = this.genLeft(e.left, e.right, d);
      const r = this.genExpr(e.right, this.next(l, d));
      switch (cmp) {
        case 'lt': this.emit(`sltu ${t}, ${l}, ${r}`); break;
        case 'gt': this.emit(`sltu ${t}, ${r}, ${l}`); break;
        case 'le': this.emit(`sltu ${t}, ${r}, ${l}`); this.emit(`xori ${t}, ${t}, 1`); break;
        case 'ge': this.emit(`sltu ${t}, ${l}, ${r}`); this.emit(`xori ${t}, ${t}, 1`); break;
        case 'eq': this.emit(`xor ${t}, ${l}, ${r}`); this.emit(`seqz ${t}, ${t}`); break;
        case 'ne': this.emit(`xor ${t}, ${l}, ${r}`); this.emit(`snez ${t}, ${t}`); break;
      }
      return t;
    }
    if (ARITH[op]) return this.arith(op, d, this.genLeft(e.left, e.right, d), e.right, e);
    throw new CompileError(e.operatorToken, `the operator ${ts.tokenToString(op)} is not supported in kernel-ts`);
  }

  /** T[d] = l <op> right, using the immediate form when right is a small constant. */
  arith(op: ts.SyntaxKind, d: number, l: string, right: ts.Expression, node: ts.Node): string {
    const t = this.tmp(d, node);
    const a = ARITH[op]!;
    const k = this.ents.fold(right);
    if (k !== undefined) {
      const isShift = op === SK.LessThanLessThanToken || op === SK.GreaterThanGreaterThanToken;
      if (isShift) { this.emit(`${a.ri} ${t}, ${l}, ${k & 63n}`); return t; }
      if (a.ri && fitsImm12(signed(k))) { this.emit(`${a.ri} ${t}, ${l}, ${signed(k)}`); return t; }
      if (op === SK.MinusToken && fitsImm12(-signed(k))) { this.emit(`addi ${t}, ${l}, ${-signed(k)}`); return t; }
    }
    const r = this.genExpr(right, this.next(l, d));
    this.emit(`${a.rr} ${t}, ${l}, ${r}`);
    return t;
  }

  private genIncDec(operand: ts.Expression, inc: boolean, prefix: boolean, d: number): string {
    const step = inc ? 1 : -1;
    if (ts.isPropertyAccessExpression(operand)) {
      const p = this.fieldPlace(operand, d);
      const dv = this.next(p.base, d);
      const old = this.tmp(dv, operand), t1 = this.tmp(dv + 1, operand);
      this.emit(`${loadOp(p.field)} ${old}, ${p.off}(${p.base})`);
      this.emit(`addi ${t1}, ${old}, ${step}`);
      this.emit(`${storeOp(p.field, operand)} ${t1}, ${p.off}(${p.base})`);
      return prefix ? t1 : old;
    }
    const id = operand as ts.Identifier;
    const e = this.variable(id);
    if (e.kind === 'local' && e.local.reg) {
      const reg = e.local.reg;
      if (prefix) { this.emit(`addi ${reg}, ${reg}, ${step}`); return reg; }
      const t = this.tmp(d, id);
      this.emit(`mv ${t}, ${reg}`);
      this.emit(`addi ${reg}, ${reg}, ${step}`);
      return t;
    }
    const old = this.genInto(id, d);
    const t1 = this.tmp(d + 1, id);
    this.emit(`addi ${t1}, ${old}, ${step}`);
    this.storeVar(id, t1, d + 1);
    return prefix ? t1 : old;
  }

  // ---- struct fields ------------------------------------------------------------------------------
  /**
   * Where field `pa` lives: `off(base)`. An embedded struct adds its offset (`page.lru.next` is one
   * load from page's register), and so does container_of (`container_of(l, page, 'lru').flags`).
   */
  fieldPlace(pa: ts.PropertyAccessExpression, d: number, later?: ts.Expression): { base: string; off: bigint; field: Field } {
    const field = this.ents.structs.field(pa);
    if (!field) throw new CompileError(pa.name, `${pa.name.text} is not a field of this struct`);
    let obj: ts.Expression = pa.expression;
    while (ts.isParenthesizedExpression(obj)) obj = obj.expression;
    let base: string, off = BigInt(field.offset);
    const inner = ts.isPropertyAccessExpression(obj) ? this.ents.structs.field(obj) : undefined;
    const cont = ts.isCallExpression(obj) && ts.isIdentifier(obj.expression) && ['container_of', 'list_entry'].includes(this.ents.intrinsicName(obj.expression) ?? '') ? obj : undefined;
    if (inner?.type.kind === 'struct') {
      const p = this.fieldPlace(obj as ts.PropertyAccessExpression, d, later);
      base = p.base; off += p.off;
    } else if (cont) {
      base = later && assigns(later) ? this.genInto(cont.arguments[0], d) : this.genExpr(cont.arguments[0], d);
      off -= this.containerOffset(cont);
    } else {
      base = later && assigns(later) ? this.genInto(obj, d) : this.genExpr(obj, d);
    }
    if (!fitsImm12(off)) {
      const t = this.tmp(this.next(base, d), pa), b = this.tmp(d, pa);
      this.emit(`li ${t}, ${off}`);
      this.emit(`add ${b}, ${base}, ${t}`);
      base = b; off = 0n;
    }
    return { base, off, field };
  }

  /** offsetof(S, member) of a container_of(p, S, 'member') call. */
  containerOffset(c: ts.CallExpression): bigint {
    const [, s, m] = c.arguments;
    const decl = this.ents.structs.classNamed(s);
    const f = decl && m && ts.isStringLiteral(m) ? this.ents.structs.layoutOf(decl).fields.get(m.text) : undefined;
    if (!f) throw new CompileError(m ?? c, "container_of/list_entry take (pointer, struct class, 'member')");
    return BigInt(f.offset);
  }

  private genFieldRead(pa: ts.PropertyAccessExpression, d: number): string {
    const p = this.fieldPlace(pa, d);
    const t = this.tmp(d, pa);
    const k = p.field.type.kind;
    if (k === 'int' || k === 'ptr') { this.emit(`${loadOp(p.field)} ${t}, ${p.off}(${p.base})`); return t; }
    // An embedded struct or array: its address.
    if (p.off === 0n) return p.base;
    this.emit(`addi ${t}, ${p.base}, ${p.off}`);
    return t;
  }

  /** `p.f = v`, `p.f += v`, …: one store (after one load for a compound operator). */
  private genFieldStore(pa: ts.PropertyAccessExpression, op: ts.SyntaxKind, value: ts.Expression, e: ts.Node, d: number): string {
    const p = this.fieldPlace(pa, d, value);
    const st = storeOp(p.field, pa);
    const dv = this.next(p.base, d);
    let r: string;
    if (op === SK.EqualsToken) r = this.genExpr(value, dv);
    else {
      const cur = this.tmp(dv, pa);
      this.emit(`${loadOp(p.field)} ${cur}, ${p.off}(${p.base})`);
      r = this.arith(COMPOUND[op]!, dv, cur, value, e);
    }
    this.emit(`${st} ${r}, ${p.off}(${p.base})`);
    return r;
  }

  /** `p.arr.at(i)` / `p.arr.set(i, v)` on an array field: element i at base + off + i × size. */
  private genArrayCall(e: ts.CallExpression, callee: ts.PropertyAccessExpression, d: number): string {
    const arr = callee.expression;
    const method = callee.name.text;
    const f = ts.isPropertyAccessExpression(arr) ? this.ents.structs.field(arr) : undefined;
    if (!f || f.type.kind !== 'array' || (method !== 'at' && method !== 'set')) throw new CompileError(callee, 'only .at(i) and .set(i, v) of an array field can be called');
    const elem = f.type.elem;
    const size = BigInt(elem.kind === 'struct' ? elem.layout.size : elem.kind === 'int' ? elem.size : 8);
    const [index, value] = e.arguments;
    const p = this.fieldPlace(arr as ts.PropertyAccessExpression, d, value ?? index);
    let base = p.base, off = p.off;
    const k = this.ents.fold(index);
    if (k !== undefined && fitsImm12(signed(off + k * size))) off = BigInt.asIntN(64, off + k * size);
    else {
      const di = this.next(base, d);
      const i = value && assigns(value) ? this.genInto(index, di) : this.genExpr(index, di);
      const t = this.tmp(di, index);
      if ((size & (size - 1n)) === 0n) this.emit(`slli ${t}, ${i}, ${size.toString(2).length - 1}`);
      else { const t2 = this.tmp(di + 1, index); this.emit(`li ${t2}, ${size}`); this.emit(`mul ${t}, ${i}, ${t2}`); }
      this.emit(`add ${t}, ${base}, ${t}`);
      base = t;
    }
    const dv = base === T[d] ? d + 1 : base === T[d + 1] ? d + 2 : d;
    if (method === 'set') {
      if (elem.kind !== 'int') throw new CompileError(callee, 'an array of structs has no set(); write the fields of at(i)');
      const r = this.genExpr(value, dv);
      this.emit(`${storeOp({ type: elem } as Field, callee)} ${r}, ${off}(${base})`);
      return 'zero';
    }
    const t = this.tmp(d, e);
    if (elem.kind === 'int') this.emit(`${loadOp({ type: elem } as Field)} ${t}, ${off}(${base})`);
    else if (off === 0n) return base;
    else this.emit(`addi ${t}, ${base}, ${off}`);
    return t;
  }

  // ---- conditions ---------------------------------------------------------------------------------
  /** Jump to `target` when the truth of e equals `when`; fall through otherwise. */
  genBranch(e: ts.Expression, d: number, target: string, when: boolean): void {
    const k = this.ents.fold(e);
    if (k !== undefined) { if ((k !== 0n) === when) this.emit(`j ${target}`); return; }
    if (ts.isParenthesizedExpression(e)) { this.genBranch(e.expression, d, target, when); return; }
    if (ts.isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken) { this.genBranch(e.operand, d, target, !when); return; }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      const isAnd = op === SK.AmpersandAmpersandToken;
      if (isAnd || op === SK.BarBarToken) {
        // (a && b) true ⇔ both; (a || b) false ⇔ neither: the other two cases need a skip label.
        if (isAnd !== when) {
          this.genBranch(e.left, d, target, when);
          this.genBranch(e.right, d, target, when);
        } else {
          const skip = this.newLabel('skip');
          this.genBranch(e.left, d, skip, !when);
          this.genBranch(e.right, d, target, when);
          this.label(skip);
        }
        return;
      }
      const cmp = CMP[op];
      if (cmp) {
        const l = this.genLeft(e.left, e.right, d);
        const r = this.genExpr(e.right, this.next(l, d));
        this.branchCmp(when ? cmp : NEGATE[cmp], l, r, target, 'u');
        return;
      }
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && this.ents.intrinsicName(e.expression) === 'slt') {
      const [a, b] = e.arguments;
      const l = this.genLeft(a, b, d);
      const r = this.genExpr(b, this.next(l, d));
      this.branchCmp(when ? 'lt' : 'ge', l, r, target, '');
      return;
    }
    const r = this.genExpr(e, d);
    this.emit(`${when ? 'bnez' : 'beqz'} ${r}, ${target}`);
  }

  private branchCmp(c: Cmp, l: string, r: string, target: string, u: 'u' | ''): void {
    switch (c) {
      case 'lt': this.emit(`blt${u} ${l}, ${r}, ${target}`); break;
      case 'ge': this.emit(`bge${u} ${l}, ${r}, ${target}`); break;
      case 'gt': this.emit(`blt${u} ${r}, ${l}, ${target}`); break;
      case 'le': this.emit(`bge${u} ${r}, ${l}, ${target}`); break;
      case 'eq': this.emit(`beq ${l}, ${r}, ${target}`); break;
      case 'ne': this.emit(`bne ${l}, ${r}, ${target}`); break;
    }
  }

  // ---- calls --------------------------------------------------------------------------------------
  /** Does evaluating e call a function (clobbering a0..a7 and the temporaries)? */
  callsOut(e: ts.Node): boolean {
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const intr = this.ents.intrinsicName(e.expression);
      if (!intr || intr === 'ecall') return true;
    }
    return ts.forEachChild(e, (c) => this.callsOut(c)) ?? false;
  }

  /** Evaluate args (left to right) into the given argument registers. */
  genArgs(args: readonly ts.Expression[], regs: readonly string[], d: number): void {
    if (!args.some((a) => this.callsOut(a))) {
      args.forEach((a, i) => {
        const r = this.genExpr(a, d);
        if (r !== regs[i] && !this.retarget(r, regs[i])) this.emit(`mv ${regs[i]}, ${r}`);
      });
      return;
    }
    // Some argument calls a function: park each value in a spill slot, load them all at the end.
    const at = this.pushSpill(args.length);
    args.forEach((a, i) => this.emit(`sd ${this.genExpr(a, d)}, ${this.spillAddr(at + i)}`));
    args.forEach((_, i) => this.emit(`ld ${regs[i]}, ${this.spillAddr(at + i)}`));
    this.popSpill(args.length);
  }

  /** A call; its value in T[d] (or, `results`, left in a0, a1, … for the caller to take). */
  private genCall(e: ts.CallExpression, d: number, results = false): string {
    if (ts.isPropertyAccessExpression(e.expression)) return this.genArrayCall(e, e.expression, d);
    const id = e.expression as ts.Identifier;
    const callee = this.variable(id);
    if (callee.kind === 'intrinsic') return genIntrinsic(this, callee.name, e, d);
    if (e.arguments.length > 8) throw new CompileError(e.arguments[8], 'a call with more than 8 arguments is not supported in kernel-ts; pass the rest through a staticBuffer');
    this.genArgs(e.arguments, ARG_REGS, d);
    // The temporaries below d are live across the call: t-registers are caller-saved.
    const saved = this.pushSpill(d);
    for (let i = 0; i < d; i++) this.emit(`sd ${T[i]}, ${this.spillAddr(saved + i)}`);
    switch (callee.kind) {
      case 'function': this.emit(`call ${callee.label}`); break;
      case 'local':
        if (callee.local.reg) this.emit(`jalr ${callee.local.reg}`);
        else { this.emit(`ld t0, ${callee.local.offset}(s0)`); this.emit('jalr t0'); }
        break;
      case 'global': this.emit(`la t0, ${callee.label}`); this.emit('ld t0, 0(t0)'); this.emit('jalr t0'); break;
      default: throw new CompileError(id, `${id.text} is not a function`);
    }
    for (let i = 0; i < d; i++) this.emit(`ld ${T[i]}, ${this.spillAddr(saved + i)}`);
    this.popSpill(d);
    if (results) return 'a0';
    const t = this.tmp(d, e);
    this.emit(`mv ${t}, a0`);
    return t;
  }
}
