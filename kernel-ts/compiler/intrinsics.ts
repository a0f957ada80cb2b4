// Pass 5b: the instructions each runtime intrinsic compiles to (see kernel-ts/runtime/intrinsics.ts
// for their meaning). Arguments that must be literals — CSR names, symbol names, strings — are
// checked here.
import ts from 'typescript';
import { CSR_NUMBERS } from '../../emulator/isa/csrs.js';
import { ARG_REGS, T, assigns, type FunctionGen, fitsImm12, signed } from './codegen.js';
import { CompileError } from './diagnostics.js';
import { sourcePath } from './source.js';

const LOADS: Record<string, string> = { load8: 'lbu', load16: 'lhu', load32: 'lwu', load64: 'ld' };
const STORES: Record<string, string> = { store8: 'sb', store16: 'sh', store32: 'sw', store64: 'sd' };
const SIGNED_OPS: Record<string, string> = { sdiv: 'div', srem: 'rem', sra: 'sra' };
/** Fully ordered (aq and rl): shared-memory protocols between harts need no extra fence around them. */
const AMOS: Record<string, string> = { amoswap64: 'amoswap.d.aqrl', amoadd64: 'amoadd.d.aqrl', amoor64: 'amoor.d.aqrl' };

function literal(e: ts.Expression | undefined, call: ts.CallExpression, what: string): string {
  if (!e || !ts.isStringLiteral(e)) throw new CompileError(e ?? call, `${what} must be a string literal`);
  return e.text;
}

function csrName(e: ts.Expression | undefined, call: ts.CallExpression, writes = false): string {
  const name = literal(e, call, 'the CSR name');
  const num = CSR_NUMBERS[name];
  if (num === undefined) throw new CompileError(e!, `unknown CSR "${name}" (see emulator/isa/csrs.ts)`);
  // csr[11:10] = 3: read-only (Zicsr); writing it raises illegal-instruction at run time.
  if (writes && ((num >> 10) & 3) === 3) throw new CompileError(e!, `CSR ${name} is read-only; it can only be read (csrr)`);
  return name;
}

/** The address operand of a load/store as `offset(base)`, folding a constant `+ k` / `- k` into the offset. */
function address(g: FunctionGen, addr: ts.Expression, d: number, later?: ts.Expression): string {
  let base = addr, off = 0n;
  while (ts.isParenthesizedExpression(base)) base = base.expression;
  if (ts.isBinaryExpression(base) && (base.operatorToken.kind === ts.SyntaxKind.PlusToken || base.operatorToken.kind === ts.SyntaxKind.MinusToken)) {
    const k = g.ents.fold(base.right);
    if (k !== undefined) {
      const o = base.operatorToken.kind === ts.SyntaxKind.PlusToken ? signed(k) : -signed(k);
      if (fitsImm12(o)) { off = o; base = base.left; }
    }
  }
  // The value is evaluated after the address: copy a register local first if the value assigns it.
  const r = later && assigns(later) ? g.genInto(base, d) : g.genExpr(base, d);
  return `${off}(${r})`;
}

export function genIntrinsic(g: FunctionGen, name: string, e: ts.CallExpression, d: number): string {
  const args = e.arguments;
  const t = g.tmp(d, e);
  const value = (i: number, depth = d): string => g.genExpr(args[i], depth);

  if (LOADS[name]) { g.emit(`${LOADS[name]} ${t}, ${address(g, args[0], d)}`); return t; }
  if (STORES[name]) {
    const a = address(g, args[0], d, args[1]);
    g.emit(`${STORES[name]} ${value(1, a.endsWith(`(${T[d]})`) ? d + 1 : d)}, ${a}`);
    return 'zero';
  }
  if (SIGNED_OPS[name]) {
    const l = g.genExpr(args[0], d), k = g.ents.fold(args[1]);
    if (name === 'sra' && k !== undefined) { g.emit(`srai ${t}, ${l}, ${k & 63n}`); return t; }
    g.emit(`${SIGNED_OPS[name]} ${t}, ${l}, ${value(1, g.next(l, d))}`);
    return t;
  }
  if (AMOS[name]) {
    const a = assigns(args[1]) ? g.genInto(args[0], d) : g.genExpr(args[0], d);
    g.emit(`${AMOS[name]} ${t}, ${value(1, g.next(a, d))}, (${a})`);
    return t;
  }
  if (name === 'cmpxchg64') {
    // lr/sc until the store succeeds or the dword differs; the loaded value lives in a temporary of
    // its own, since t may hold the address, and moves to t once the loop is done.
    const a = assigns(args[1]) || assigns(args[2]) ? g.genInto(args[0], d) : g.genExpr(args[0], d);
    const d1 = g.next(a, d);
    const o = assigns(args[2]) ? g.genInto(args[1], d1) : g.genExpr(args[1], d1);
    const d2 = g.next(o, d1);
    const n = g.genExpr(args[2], d2);
    const d3 = g.next(n, d2);
    const found = g.tmp(d3, e), status = g.tmp(d3 + 1, e);
    const retry = g.newLabel('lr'), done = g.newLabel('cas');
    g.label(retry);
    g.emit(`lr.d.aqrl ${found}, (${a})`);
    g.emit(`bne ${found}, ${o}, ${done}`);
    g.emit(`sc.d.aqrl ${status}, ${n}, (${a})`);
    g.emit(`bnez ${status}, ${retry}`);
    g.label(done);
    g.emit(`mv ${t}, ${found}`);
    return t;
  }
  switch (name) {
    case 'wrap': return value(0);
    case 'slt': { const l = g.genExpr(args[0], d); g.emit(`slt ${t}, ${l}, ${value(1, g.next(l, d))}`); return t; }
    case 'sext32': g.emit(`sext.w ${t}, ${value(0)}`); return t;
    case 'csrr': g.emit(`csrr ${t}, ${csrName(args[0], e)}`); return t;
    case 'csrw': case 'csrs': case 'csrc': {
      const k = g.ents.fold(args[1]);
      const csr = csrName(args[0], e, name === 'csrw' || k !== 0n);   // csrs/csrc of 0 write nothing
      if (k !== undefined && k < 32n) g.emit(`${name}i ${csr}, ${k}`);
      else g.emit(`${name} ${csr}, ${value(1)}`);
      return 'zero';
    }
    case 'csrrw': { const csr = csrName(args[0], e, true); g.emit(`csrrw ${t}, ${csr}, ${value(1, d + 1)}`); return t; }
    case 'sfence_vma': {
      if (args.length === 0) g.emit('sfence.vma');
      else if (args.length === 1) g.emit(`sfence.vma ${value(0)}`);
      else { const va = value(0); g.emit(`sfence.vma ${va}, ${value(1, d + 1)}`); }
      return 'zero';
    }
    case 'fence': g.emit('fence'); return 'zero';
    case 'fence_i': g.emit('fence.i'); return 'zero';
    case 'wfi': g.emit('wfi'); return 'zero';
    case 'ecall': {
      // a7 = eid, a6 = fid, a0..a5 = arguments; the SBI preserves every register but a0 and a1.
      const regs = ['a7', 'a6', ...ARG_REGS.slice(0, 6)];
      g.genArgs(args, regs.slice(0, args.length), d);
      for (let i = args.length; i < 8; i++) g.emit(`li ${regs[i]}, 0`);
      g.emit('ecall');
      const home = g.frame.ecallValue;
      if (home) { if (home.reg) g.emit(`mv ${home.reg}, a1`); else g.emit(`sd a1, ${home.offset}(s0)`); }
      g.emit(`mv ${t}, a0`);
      return t;
    }
    case 'ecall_value': {
      const home = g.frame.ecallValue!;
      if (home.reg) return home.reg;
      g.emit(`ld ${t}, ${home.offset}(s0)`);
      return t;
    }
    case 'sym': g.emit(`la ${t}, ${literal(args[0], e, 'the symbol name')}`); return t;
    case 'str': return value(0);   // a literal is its .rodata label; a string parameter already an address
    case 'arg_value': case 'enum_value': return value(0);
    // structs (runtime/struct.ts): a pointer is its address, so these cost nothing or one addi
    case 'struct_at': return value(1);
    case 'addr_of': {
      const a = args[0];
      if (g.ents.kindOf(a) === 'ptr') return value(0);
      if (ts.isPropertyAccessExpression(a)) {
        throw new CompileError(a, `the address of an integer field is not supported in kernel-ts; write addr_of(p) + offsetof(S, '${a.name.text}')`);
      }
      throw new CompileError(a, 'taking the address of a local (or of any u64 value) is not supported in kernel-ts; locals live in registers: ' +
        'keep the value in a struct field or a staticBuffer and pass that address');
    }
    case 'container_of': case 'list_entry': {
      const r = value(0), off = g.containerOffset(e);
      if (off === 0n) return r;
      g.emit(`addi ${t}, ${r}, ${-off}`);
      return t;
    }
    case 'sizeof': case 'offsetof':
      return g.genExpr(e, d);   // folded (a bad argument reports there)
    case 'BUG_ON': case 'assert': {
      // if (cond) __bug("file", line): the place as the source says it, relative to the repository
      const skip = g.newLabel('bugok');
      g.genBranch(args[0], d, skip, name === 'assert');
      const sf = e.getSourceFile();
      const line = sf.getLineAndCharacterOfPosition(e.getStart(sf)).line + 1;
      g.emit(`la a0, ${g.mod.stringLabel(sourcePath(sf.fileName))}`);
      g.emit(`li a1, ${line}`);
      g.emit('call __bug');
      g.label(skip);
      return 'zero';
    }
    case 'u64Table': case 'staticBuffer':
      throw new CompileError(e, `${name}() is only supported at module level: const NAME = ${name}(...)`);
    case 'naked':
      throw new CompileError(e, 'naked`...` must be the whole body of a function');
  }
  throw new CompileError(e, `the intrinsic ${name} is not supported by this compiler`);
}
