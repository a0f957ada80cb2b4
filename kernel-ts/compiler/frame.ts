// Pass 4: register allocation for one function. Every parameter and local gets a home: one of the
// callee-saved registers s1..s11 (s0 is the frame pointer) for the most used ones — uses inside loops
// count 8x per level — and a stack slot for the rest. Locals initialised by a constant are folded
// instead. Expression temporaries are t0..t6, assigned by depth in codegen.ts.
//
// Frame layout (the standard RISC-V frame record, so a debugger's `bt` can walk it):
//     s0 →  (caller's sp)
//   s0-8    ra
//   s0-16   caller's s0
//   s0-24…  saved s1, s2, … (those this function uses)
//   …       stack-slot locals, then spill slots (temporaries live across a call, outgoing arguments)
//     sp →  16-byte aligned
import ts from 'typescript';
import type { Entities, Local } from './entities.js';

export const SAVED_REGS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'];

export interface Frame {
  params: Local[];
  locals: Local[];
  /** The s-registers this function must save and restore. */
  saved: string[];
  /** Number of stack slots used by locals. */
  slots: number;
  /** Home of a1 after the latest ecall (ecall_value()). */
  ecallValue?: Local;
  /** `for (const i of range(a, end))` with a non-constant end: where the end is kept. */
  rangeEnds: Map<ts.ForOfStatement, Local>;
}

export function planFrame(fn: ts.FunctionDeclaration, ents: Entities): Frame {
  const weight = new Map<ts.Symbol, number>();
  const local = new Map<ts.Symbol, Local>();
  const order: ts.Symbol[] = [];
  const params: Local[] = [];
  let usesEcallValue = false;
  const rangeEnds = new Map<ts.ForOfStatement, Local>();
  const hidden: { l: Local; w: number }[] = [];

  const declare = (name: ts.Identifier): Local | undefined => {
    const sym = ents.checker.getSymbolAtLocation(name);
    if (!sym) return undefined;
    const l: Local = { name: name.text };
    local.set(sym, l);
    weight.set(sym, 0);
    order.push(sym);
    return l;
  };

  for (const p of fn.parameters) {
    if (ts.isIdentifier(p.name)) { const l = declare(p.name); if (l) params.push(l); }
  }

  // Declarations first (in source order, so a local const may fold over an earlier one) …
  const declarations = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      const isConst = (node.parent.flags & ts.NodeFlags.Const) !== 0;
      const sym = ents.checker.getSymbolAtLocation(node.name);
      const v = isConst && node.initializer ? ents.fold(node.initializer) : undefined;
      if (sym && v !== undefined) ents.set(sym, { kind: 'const', value: v });
      else declare(node.name);
    }
    if (ts.isBindingElement(node) && ts.isIdentifier(node.name)) declare(node.name);   // const [a, b] = f()
    // for (const i of range(a, end)): end is evaluated once, into a local of its own (tested each iteration)
    if (ts.isForOfStatement(node) && ts.isCallExpression(node.expression) && node.expression.arguments[1] &&
        ents.fold(node.expression.arguments[1]) === undefined) {
      const l: Local = { name: '(range end)' };
      rangeEnds.set(node, l);
      hidden.push({ l, w: 8 });
    }
    ts.forEachChild(node, declarations);
  };
  if (fn.body) declarations(fn.body);

  // … then uses, weighted by loop depth.
  const uses = (node: ts.Node, depth: number): void => {
    if (ts.isIdentifier(node)) {
      const sym = ents.symbolOf(node);
      if (sym && weight.has(sym)) weight.set(sym, weight.get(sym)! + 8 ** Math.min(depth, 5));
      if (ents.intrinsicName(node) === 'ecall_value') usesEcallValue = true;
    }
    const inner = ts.isIterationStatement(node, false) ? depth + 1 : depth;
    ts.forEachChild(node, (c) => uses(c, inner));
  };
  if (fn.body) uses(fn.body, 0);

  const all = order.map((s) => ({ sym: s, l: local.get(s)!, w: weight.get(s)! }));
  for (const h of hidden) all.push({ sym: undefined as unknown as ts.Symbol, l: h.l, w: h.w });
  if (usesEcallValue) all.push({ sym: undefined as unknown as ts.Symbol, l: { name: '(ecall a1)' }, w: 1 });
  // Stable sort: heavier first; ties keep declaration order (parameters first).
  const ranked = [...all].sort((a, b) => b.w - a.w);
  const saved: string[] = [];
  const spilled: Local[] = [];
  for (const r of ranked) {
    if (saved.length < SAVED_REGS.length) { r.l.reg = SAVED_REGS[saved.length]; saved.push(r.l.reg); }
    else spilled.push(r.l);
  }
  spilled.forEach((l, i) => { l.offset = -(16 + 8 * saved.length + 8 * (i + 1)); });
  for (const r of all) if (r.sym) ents.set(r.sym, { kind: 'local', local: r.l });

  return {
    params,
    locals: all.map((a) => a.l),
    saved,
    slots: spilled.length,
    ecallValue: usesEcallValue ? all[all.length - 1].l : undefined,
    rangeEnds,
  };
}
