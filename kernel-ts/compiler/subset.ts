// Pass 2 (after tsc's own check): refuse everything outside the kernel-ts subset, with where and what
// to write instead. Later passes may then assume only these shapes exist.
import ts from 'typescript';
import type { Diagnostics } from './diagnostics.js';
import { checkFormat } from './format.js';
import { isCompoundAssignment, isStructType, valueKind } from './types.js';

const SK = ts.SyntaxKind;

/** Intrinsics whose arguments may be string literals. */
const STRING_ARG_INTRINSICS = new Set(['sym', 'str', 'csrr', 'csrw', 'csrrw', 'csrs', 'csrc']);
/** Intrinsics taking a field name as a string literal (checked by tsc as keyof the struct). */
const MEMBER_ARG_INTRINSICS = new Set(['offsetof', 'container_of', 'list_entry']);
const MODULE_LEVEL_INTRINSICS = new Set(['u64Table', 'staticBuffer']);

/** Binary operators kernel-ts compiles. */
const BINARY_OPS = new Set([
  SK.PlusToken, SK.MinusToken, SK.AsteriskToken, SK.SlashToken, SK.PercentToken,
  SK.AmpersandToken, SK.BarToken, SK.CaretToken, SK.LessThanLessThanToken, SK.GreaterThanGreaterThanToken,
  SK.LessThanToken, SK.LessThanEqualsToken, SK.GreaterThanToken, SK.GreaterThanEqualsToken,
  SK.EqualsEqualsToken, SK.EqualsEqualsEqualsToken, SK.ExclamationEqualsToken, SK.ExclamationEqualsEqualsToken,
  SK.AmpersandAmpersandToken, SK.BarBarToken,
  SK.EqualsToken, SK.PlusEqualsToken, SK.MinusEqualsToken, SK.AsteriskEqualsToken, SK.SlashEqualsToken,
  SK.PercentEqualsToken, SK.AmpersandEqualsToken, SK.BarEqualsToken, SK.CaretEqualsToken,
  SK.LessThanLessThanEqualsToken, SK.GreaterThanGreaterThanEqualsToken,
]);

const REFUSED_BINARY: Partial<Record<ts.SyntaxKind, [string, string]>> = {
  [SK.AsteriskAsteriskToken]: ['exponentiation (**)', 'use shifts or a loop'],
  [SK.AsteriskAsteriskEqualsToken]: ['exponentiation (**=)', 'use shifts or a loop'],
  [SK.GreaterThanGreaterThanGreaterThanToken]: ['>>>', 'write >> (it is logical on u64)'],
  [SK.CommaToken]: ['the comma operator', 'write separate statements'],
  [SK.InKeyword]: ['the in operator', 'kernel-ts has no objects'],
  [SK.InstanceOfKeyword]: ['instanceof', 'kernel-ts has no objects'],
  [SK.QuestionQuestionToken]: ['nullish coalescing (??)', 'kernel-ts values are never null; use a ternary'],
  [SK.QuestionQuestionEqualsToken]: ['??=', 'use an if statement'],
  [SK.AmpersandAmpersandEqualsToken]: ['&&=', 'use an if statement'],
  [SK.BarBarEqualsToken]: ['||=', 'use an if statement'],
};

/** Statements and expressions refused outright, by syntax kind: [construct, what to write instead]. */
const REFUSED: Partial<Record<ts.SyntaxKind, [string, string]>> = {
  [SK.ClassExpression]: ['class expression', 'declare a struct as a module-level class'],
  [SK.ArrowFunction]: ['closure (arrow function)', 'write a module-level function and pass it by name'],
  [SK.FunctionExpression]: ['closure (function expression)', 'write a module-level function and pass it by name'],
  [SK.ObjectLiteralExpression]: ['object literal', 'declare a struct class and use struct_at(S, addr) over a staticBuffer'],
  [SK.ArrayLiteralExpression]: ['array literal', 'use u64Table([...]) at module level for a read-only table, or a staticBuffer'],
  [SK.NumericLiteral]: ['number literal', 'write a bigint literal such as 5n (every value is u64; numbers only number const enum members)'],
  [SK.NumberKeyword]: ['the number type', 'use u64'],
  [SK.TemplateExpression]: ['template literal', 'write a string literal, and printk("...%lx...", value) to format'],
  [SK.NoSubstitutionTemplateLiteral]: ['template literal', 'write a string literal ("...")'],
  [SK.ThrowStatement]: ['throw', 'return an error code'],
  [SK.TryStatement]: ['try/catch', 'return an error code and check it'],
  [SK.AwaitExpression]: ['await', 'kernel-ts code is synchronous'],
  [SK.YieldExpression]: ['yield (generators)', 'write a loop or keep the state in module-level lets'],
  [SK.ForInStatement]: ['for-in loop', 'use a counting for loop'],
  [SK.ForOfStatement]: ['for-of loop', 'write for (const i of range(start, end)), or a counting for loop'],
  [SK.NewExpression]: ['new', 'a struct lives in memory: struct_at(S, addr) over a staticBuffer or an allocated frame'],
  [SK.ThisKeyword]: ['this', 'pass the value as a parameter'],
  [SK.PropertyAccessExpression]: ['property access (x.y)', 'fields exist on struct pointers only (declare a struct class); import a name from its module'],
  [SK.ElementAccessExpression]: ['indexing (x[i])', 'use load64(table + i * 8n)'],
  [SK.SpreadElement]: ['spread (...)', 'pass each argument'],
  [SK.ObjectBindingPattern]: ['destructuring', 'declare one variable at a time'],
  [SK.ArrayBindingPattern]: ['destructuring', 'declare one variable at a time'],
  [SK.InterfaceDeclaration]: ['interface', 'declare a struct as a class whose fields are initialised by their types (refcount = u32)'],
  [SK.ModuleDeclaration]: ['namespace', 'use a separate module'],
  [SK.TypeOfExpression]: ['typeof', 'every value is u64'],
  [SK.DeleteExpression]: ['delete', 'kernel-ts has no objects'],
  [SK.VoidExpression]: ['void', 'write the expression as a statement'],
  [SK.RegularExpressionLiteral]: ['regular expression', 'scan bytes with load8'],
  [SK.NullKeyword]: ['null', 'use 0n, or NULL for a struct pointer'],
  [SK.DebuggerStatement]: ['debugger', 'use the rvhart debugger (b SYMBOL)'],
  [SK.WithStatement]: ['with', 'name each value'],
  [SK.ExportAssignment]: ['export default / export =', 'export named functions and consts'],
  [SK.ExportDeclaration]: ['export { ... } / re-export', 'put export on the declaration, and import from the defining module'],
  [SK.ImportEqualsDeclaration]: ['import = require', 'use an import declaration'],
  [SK.NonNullExpression]: ['non-null assertion (!)', 'kernel-ts values are never null'],
  [SK.TypeAssertionExpression]: ['<T> type assertion', 'write the value with its u64 type'],
  [SK.SatisfiesExpression]: ['satisfies', 'annotate the declaration'],
  [SK.Decorator]: ['decorator', 'kernel-ts has no classes'],
  [SK.MetaProperty]: ['import.meta / new.target', 'use sym("name") for linker symbols'],
  [SK.GetAccessor]: ['getter', 'write a function'],
  [SK.SetAccessor]: ['setter', 'write a function'],
  [SK.TaggedTemplateExpression]: ['tagged template', 'only naked`...` as the whole body of a function is supported'],
};

export function checkSubset(sf: ts.SourceFile, checker: ts.TypeChecker, diags: Diagnostics,
  isIntrinsic: (id: ts.Identifier) => string | undefined, checkTypes: boolean): void {
  const calleeIntrinsic = (call: ts.CallExpression): string | undefined =>
    ts.isIdentifier(call.expression) ? isIntrinsic(call.expression) : undefined;

  function checkType(node: ts.Node, what: string): void {
    if (!checkTypes) return;
    const kind = valueKind(checker, checker.getTypeAtLocation(node));
    if (!kind || (kind === 'void' && what !== 'return type')) {
      diags.unsupported(node, `the type ${checker.typeToString(checker.getTypeAtLocation(node))} (of this ${what})`,
        'kernel-ts values are u64, boolean, or functions over them');
    }
  }

  /** `fmt: Format` (runtime/intrinsics.ts): a printk-style format parameter. */
  function isFormatParam(p: ts.ParameterDeclaration): boolean {
    if (!p.type || !ts.isTypeReferenceNode(p.type) || !ts.isIdentifier(p.type.typeName)) return false;
    let sym = checker.getSymbolAtLocation(p.type.typeName);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const d = sym?.declarations?.[0];
    return !!d && ts.isTypeAliasDeclaration(d) && d.name.text === 'Format' && /[\\/]runtime[\\/]intrinsics\.ts$/.test(d.getSourceFile().fileName);
  }

  /** A call of a function with a Format parameter: the literal against the arguments after it. */
  function checkFormatCall(c: ts.CallExpression): void {
    if (!checkTypes) return;
    const decl = checker.getResolvedSignature(c)?.declaration;
    if (!decl || !ts.isFunctionDeclaration(decl)) return;
    const i = decl.parameters.findIndex(isFormatParam);
    if (i < 0 || !c.arguments[i]) return;
    for (const [node, msg] of checkFormat(c.arguments[i], c.arguments.slice(i + 1), (e) => valueKind(checker, checker.getTypeAtLocation(e)))) diags.error(node, msg);
  }

  function checkFunction(fn: ts.FunctionDeclaration): void {
    if (fn.asteriskToken) diags.unsupported(fn.asteriskToken, 'generator function', 'write a loop or keep the state in module-level lets');
    for (const m of fn.modifiers ?? []) {
      if (m.kind === SK.AsyncKeyword) diags.unsupported(m, 'async function', 'kernel-ts code is synchronous');
      if (m.kind === SK.DefaultKeyword) diags.unsupported(m, 'export default', 'export named functions');
    }
    if (!fn.name) diags.unsupported(fn, 'anonymous function', 'give the function a name');
    if (!fn.body) diags.unsupported(fn, 'function declaration without a body (overload or declare)', 'write one implementation');
    if (fn.typeParameters) diags.unsupported(fn.typeParameters[0], 'generic function', 'write it for u64');
    if (fn.parameters.length > 8) {
      diags.unsupported(fn.parameters[8], 'a function with more than 8 parameters', 'pass the rest through a staticBuffer (the LP64 ABI passes only 8 in registers)');
    }
    for (const p of fn.parameters) {
      if (p.dotDotDotToken) diags.unsupported(p, 'rest parameter', 'pass each argument');
      else if (p.initializer) diags.unsupported(p.initializer, 'default parameter value', 'pass every argument explicitly');
      else if (p.questionToken && !fn.parameters.slice(0, fn.parameters.indexOf(p)).some(isFormatParam)) {
        diags.unsupported(p, 'optional parameter', 'pass every argument explicitly (only the arguments after a printk format, fmt: Format, may be left out)');
      }
      else if (!ts.isIdentifier(p.name)) continue; // destructuring: refused by the walk
      else checkType(p.name, 'parameter');
    }
    const sig = checker.getSignatureFromDeclaration(fn);
    if (sig && fn.name && checkTypes) {
      const rk = valueKind(checker, checker.getReturnTypeOfSignature(sig));
      if (!rk) diags.unsupported(fn.type ?? fn.name, `the return type ${checker.typeToString(checker.getReturnTypeOfSignature(sig))}`, 'return u64, boolean or nothing');
    }
    const body = fn.body;
    if (body && body.statements.some(isNakedStatement) && body.statements.length !== 1) {
      diags.unsupported(body.statements[0], 'naked`...` beside other statements', 'a naked function holds exactly one naked`...` statement');
    }
  }

  /** `class page { refcount = u32; … }` at module level: a struct (runtime/struct.ts). */
  function checkStruct(c: ts.ClassDeclaration, inFunction: boolean): void {
    const advice = 'a struct is a module-level class whose members are fields initialised by their type (refcount = u32)';
    if (inFunction) { diags.unsupported(c, 'a class inside a function', advice); return; }
    if (!c.name) { diags.unsupported(c, 'an anonymous class', advice); return; }
    if (c.heritageClauses) { diags.unsupported(c.heritageClauses[0], 'extends/implements', 'embed the other struct as a field: base = embed(S)'); return; }
    if (c.typeParameters) { diags.unsupported(c.typeParameters[0], 'a generic class', advice); return; }
    for (const m of c.modifiers ?? []) {
      if (m.kind !== SK.ExportKeyword) { diags.unsupported(m, `${ts.tokenToString(m.kind) ?? 'this modifier'} on a struct class`, advice); return; }
    }
    for (const m of c.members) {
      if (ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
        diags.unsupported(m, ts.isConstructorDeclaration(m) ? 'a constructor' : 'a method', 'write a module-level function taking the struct pointer (as C does)');
      } else if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name) || !m.initializer || m.modifiers?.length) {
        diags.unsupported(m, 'this class member', advice);
      } else visit(m.initializer, false);
    }
  }

  /** `const enum frame_state { FREE, RESERVED, MAPPED }`: members numbered or given number literals. */
  function checkEnum(e: ts.EnumDeclaration, inFunction: boolean): void {
    const isConst = e.modifiers?.some((m) => m.kind === SK.ConstKeyword);
    if (inFunction || !isConst) { diags.unsupported(e, inFunction ? 'an enum inside a function' : 'a (non-const) enum', 'declare a module-level const enum'); return; }
    for (const m of e.members) {
      if (m.initializer && !ts.isNumericLiteral(m.initializer)) diags.unsupported(m.initializer, 'this enum initialiser', 'give a member a number literal (5), or none to count on from the previous');
    }
  }

  /** `p.field` on a struct pointer, or `p.arr.at(i)` / `p.arr.set(i, v)` on an array field. */
  function isFieldAccess(pa: ts.PropertyAccessExpression): boolean {
    if (isStructType(checker.getTypeAtLocation(pa.expression))) return true;
    const call = pa.parent;
    return (pa.name.text === 'at' || pa.name.text === 'set') && ts.isCallExpression(call) && call.expression === pa &&
      ts.isPropertyAccessExpression(pa.expression) && isStructType(checker.getTypeAtLocation(pa.expression.expression));
  }
  const isAssignable = (t: ts.Expression): boolean => ts.isIdentifier(t) || (ts.isPropertyAccessExpression(t) && isFieldAccess(t));

  function isNakedStatement(s: ts.Statement): boolean {
    const e = ts.isExpressionStatement(s) ? s.expression : ts.isReturnStatement(s) ? s.expression : undefined;
    return !!e && ts.isTaggedTemplateExpression(e) && ts.isIdentifier(e.tag) && isIntrinsic(e.tag) === 'naked';
  }

  function visit(node: ts.Node, inFunction: boolean): void {
    const refused = REFUSED[node.kind];
    // Allowed exceptions to the refusal table.
    if (node.kind === SK.StringLiteral) {
      const p = node.parent;
      const ok = (ts.isCallExpression(p) && STRING_ARG_INTRINSICS.has(calleeIntrinsic(p) ?? '') && p.arguments[0] === node) ||
        ts.isImportDeclaration(p) || ts.isLiteralTypeNode(p);
      if (ok) return;
      if (ts.isCallExpression(p) && MEMBER_ARG_INTRINSICS.has(calleeIntrinsic(p) ?? '')) return;
      // A C string (const char *): its .rodata address. Only operators would treat it as text.
      if (!ts.isBinaryExpression(p) || p.operatorToken.kind === SK.EqualsToken) return;
      diags.unsupported(node, 'an operator on a string', 'compare C strings with a loop over load8(str(s) + i), and format with printk');
      return;
    }
    if (ts.isClassDeclaration(node)) { checkStruct(node, inFunction); return; }
    // for (const i of range(a, b)): a counting loop
    if (ts.isForOfStatement(node) && ts.isCallExpression(node.expression) && calleeIntrinsic(node.expression) === 'range' && !node.awaitModifier) {
      const init = node.initializer;
      const ok = ts.isVariableDeclarationList(init) && (init.flags & ts.NodeFlags.Const) !== 0 && init.declarations.length === 1 && ts.isIdentifier(init.declarations[0].name);
      if (!ok) { diags.unsupported(init, 'this for-of variable', 'write for (const i of range(start, end))'); return; }
      for (const a of node.expression.arguments) visit(a, inFunction);
      visit(node.statement, inFunction);
      return;
    }
    if (ts.isEnumDeclaration(node)) { checkEnum(node, inFunction); return; }
    // E.MEMBER of a const enum: a constant
    if (ts.isPropertyAccessExpression(node) && (checker.getSymbolAtLocation(node.expression)?.flags ?? 0) & ts.SymbolFlags.ConstEnum) return;
    if (ts.isPropertyAccessExpression(node) && !node.questionDotToken && isFieldAccess(node)) {
      visit(node.expression, inFunction);
      return;
    }
    // return [a, b]: a function's results (the declared return type is a tuple, checked by tsc)
    if (ts.isArrayLiteralExpression(node) && ts.isReturnStatement(node.parent)) {
      for (const e of node.elements) visit(e, inFunction);
      return;
    }
    // const [pa, level] = la2pa(pgd, va): one local per result
    if (ts.isArrayBindingPattern(node) && ts.isVariableDeclaration(node.parent) && inFunction) {
      const init = node.parent.initializer;
      if (!init || !ts.isCallExpression(init)) { diags.unsupported(node, 'destructuring of anything but a call\'s results', 'declare one variable at a time'); return; }
      for (const el of node.elements) {
        if (ts.isOmittedExpression(el)) continue;
        if (el.dotDotDotToken || el.initializer || !ts.isIdentifier(el.name)) { diags.unsupported(el, 'this destructuring element', 'name each result: const [a, b] = f()'); return; }
      }
      return;
    }
    if (node.kind === SK.ArrayLiteralExpression && ts.isCallExpression(node.parent) && calleeIntrinsic(node.parent) === 'u64Table') {
      for (const e of (node as ts.ArrayLiteralExpression).elements) visit(e, inFunction);
      return;
    }
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && isIntrinsic(node.tag) === 'naked') {
      const stmt = node.parent;
      const fn = stmt.parent?.parent;
      if (!((ts.isExpressionStatement(stmt) || ts.isReturnStatement(stmt)) && fn && ts.isFunctionDeclaration(fn))) {
        diags.unsupported(node, 'naked`...` here', 'a naked function holds exactly one naked`...` statement as its whole body');
      }
      if (ts.isTemplateExpression(node.template)) for (const span of node.template.templateSpans) visit(span.expression, true);
      return;
    }
    if (node.kind === SK.NumericLiteral && ts.isLiteralTypeNode(node.parent)) { /* type-level only */ }
    else if (refused) {
      let construct = refused[0];
      if (node.kind === SK.NumericLiteral) construct = `number literal ${(node as ts.NumericLiteral).text}`;
      diags.unsupported(node, construct, refused[1]);
      return;
    }

    switch (node.kind) {
      case SK.BigIntLiteral:
        // Natively such a literal keeps every bit; compiled it would be cut to 64 (GNU as refuses too).
        if (BigInt((node as ts.BigIntLiteral).text.slice(0, -1).replace(/_/g, '')) >> 64n !== 0n) {
          diags.unsupported(node, 'a literal wider than 64 bits', 'every value is u64: write at most 16 hex digits');
        }
        return;
      case SK.FunctionDeclaration:
        if (inFunction) { diags.unsupported(node, 'nested function', 'move it to module level (kernel-ts has no closures)'); return; }
        checkFunction(node as ts.FunctionDeclaration);
        ts.forEachChild(node, (c) => visit(c, true));
        return;
      case SK.VariableDeclarationList: {
        const list = node as ts.VariableDeclarationList;
        const kind = list.flags & ts.NodeFlags.BlockScoped;
        if (kind === ts.NodeFlags.Using || kind === ts.NodeFlags.AwaitUsing) { diags.unsupported(node, 'using', 'use let or const'); return; }
        if (kind !== ts.NodeFlags.Let && kind !== ts.NodeFlags.Const) { diags.unsupported(node, 'var', 'use let or const'); return; }
        break;
      }
      case SK.VariableDeclaration: {
        const d = node as ts.VariableDeclaration;
        if (ts.isIdentifier(d.name)) {
          const init = d.initializer;
          const moduleOnly = init && ts.isCallExpression(init) && MODULE_LEVEL_INTRINSICS.has(calleeIntrinsic(init) ?? '');
          if (!moduleOnly) checkType(d.name, 'variable');
        } else if (checkTypes && valueKind(checker, checker.getTypeAtLocation(d.name)) !== 'tuple') {
          diags.unsupported(d.name, 'destructuring of anything but a call\'s results', 'declare one variable at a time');
        }
        if (d.exclamationToken) diags.unsupported(d, 'definite assignment assertion (!)', 'initialise the variable');
        break;
      }
      case SK.ExpressionStatement:
        if (!inFunction) { diags.unsupported(node, 'a module-level statement', 'put the code in a function and call it from your entry'); return; }
        break;
      case SK.LabeledStatement: {
        const s = (node as ts.LabeledStatement).statement;
        if (!ts.isIterationStatement(s, false) && !ts.isSwitchStatement(s)) {
          diags.unsupported(node, 'a label on a statement that is not a loop or switch', 'label the loop itself');
          return;
        }
        break;
      }
      case SK.BinaryExpression: {
        const op = (node as ts.BinaryExpression).operatorToken.kind;
        const r = REFUSED_BINARY[op];
        if (r) { diags.unsupported((node as ts.BinaryExpression).operatorToken, r[0], r[1]); return; }
        if (!BINARY_OPS.has(op)) { diags.unsupported((node as ts.BinaryExpression).operatorToken, `the operator ${ts.tokenToString(op)}`, 'use the u64 operators'); return; }
        const be = node as ts.BinaryExpression;
        if (checkTypes && op !== SK.EqualsToken && [be.left, be.right].some((x) => valueKind(checker, checker.getTypeAtLocation(x)) === 'str')) {
          diags.unsupported(be.operatorToken, 'an operator on a string', 'compare C strings with a loop over load8(str(s) + i), and format with printk');
          return;
        }
        if (op === SK.EqualsToken || isCompoundAssignment(op)) {
          const t = (node as ts.BinaryExpression).left;
          if (!isAssignable(t)) { diags.unsupported(t, 'assignment to anything but a variable or a struct field', 'use store64/store32/store16/store8 for memory'); return; }
        }
        break;
      }
      case SK.PrefixUnaryExpression:
      case SK.PostfixUnaryExpression: {
        const u = node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
        if (u.operator === SK.PlusToken) { diags.unsupported(node, 'unary +', 'write the value itself'); return; }
        if ((u.operator === SK.PlusPlusToken || u.operator === SK.MinusMinusToken) && !isAssignable(u.operand)) {
          diags.unsupported(node, '++/-- on anything but a variable or a struct field', 'use load64/store64 for memory');
          return;
        }
        break;
      }
      case SK.CallExpression: {
        const c = node as ts.CallExpression;
        if (c.questionDotToken) { diags.unsupported(c, 'optional call (?.)', 'call the function directly'); return; }
        if (!ts.isIdentifier(c.expression)) {
          if (ts.isPropertyAccessExpression(c.expression) || ts.isElementAccessExpression(c.expression)) visit(c.expression, inFunction);
          else { diags.unsupported(c.expression, 'a call through an expression', 'call a function, or a function-typed variable, by name'); return; }
          for (const a of c.arguments) visit(a, inFunction);
          return;
        }
        const intr = calleeIntrinsic(c);
        if (intr && MODULE_LEVEL_INTRINSICS.has(intr)) {
          const d = c.parent;
          const ok = ts.isVariableDeclaration(d) && d.initializer === c && ts.isVariableDeclarationList(d.parent) &&
            d.parent.flags & ts.NodeFlags.Const && ts.isVariableStatement(d.parent.parent) && ts.isSourceFile(d.parent.parent.parent);
          if (!ok) { diags.unsupported(c, `${intr}() here`, `declare it at module level: const NAME = ${intr}(...)`); return; }
        }
        if ((intr === 'BUG_ON' || intr === 'assert') && !ts.isExpressionStatement(c.parent)) { diags.unsupported(c, `${intr} inside an expression`, `write ${intr}(...) as a statement`); return; }
        if (intr === 'naked') { diags.unsupported(c, 'naked() as a call', 'write naked`...` as the whole body of a function'); return; }
        if (c.typeArguments) { diags.unsupported(c.typeArguments[0], 'type arguments', 'call without them'); return; }
        checkFormatCall(c);
        break;
      }
      case SK.Identifier: {
        const id = node as ts.Identifier;
        if (id.text === 'undefined' && ts.isExpression(id) && !ts.isPartOfTypeNode(id)) {
          diags.unsupported(id, 'undefined', 'use 0n');
          return;
        }
        if (id.text === 'arguments') { diags.unsupported(id, 'arguments', 'name the parameters'); return; }
        break;
      }
      case SK.ImportDeclaration: {
        const imp = node as ts.ImportDeclaration;
        const cl = imp.importClause;
        if (cl?.name) diags.unsupported(cl.name, 'default import', 'import named exports: import { f } from "./m.js"');
        if (cl?.namedBindings && ts.isNamespaceImport(cl.namedBindings)) diags.unsupported(cl.namedBindings, 'namespace import (import * as)', 'import the names you use');
        if (!cl) diags.unsupported(imp, 'side-effect import', 'import the names you use');
        return;
      }
    }
    ts.forEachChild(node, (c) => visit(c, inFunction));
  }

  for (const s of sf.statements) {
    if (ts.isVariableStatement(s) && s.modifiers?.some((m) => m.kind === SK.DeclareKeyword)) {
      diags.unsupported(s, 'declare', 'import the name from the module that defines it');
      continue;
    }
    visit(s, false);
  }
}
