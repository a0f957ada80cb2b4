// Assembler directives (GNU as): sections, symbols' binding/type/size, alignment, data, strings,
// space, symbol assignment and `.option`. On RISC-V `.align n` means `.p2align n`.

import { Cursor, parseExpr, type Expr } from './expr.js';
import { asExpr, OperandError, type RawOperand } from './operands.js';
import type { Token } from './lexer.js';
import type { Assembler } from './assemble.js';
import type { SectionFlags } from './sections.js';

type Directive = (a: Assembler, ops: RawOperand[], op: Token, args: readonly Token[]) => void;

const dataDir = (size: 1 | 2 | 4 | 8): Directive => (a, ops) => {
  for (const o of ops) a.data(size, asExpr(o), o.at);
};

function strings(zero: boolean): Directive {
  return (a, ops) => {
    for (const o of ops) {
      if (o.toks.length !== 1 || o.toks[0]!.kind !== 'string') throw new OperandError(o.at, 'expected a string');
      const s = o.toks[0]!.text;
      const b = new Uint8Array(s.length + (zero ? 1 : 0));
      for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
      a.bytes(b, o.at);
    }
  };
}

function alignDir(kind: 'p2' | 'bytes'): Directive {
  return (a, ops, op) => {
    if (ops.length < 1 || ops.length > 3) throw new OperandError(ops[3]?.at ?? op, 'expected: alignment[, fill[, max]]');
    const n = Number(a.constValue(ops[0]!));
    const align = kind === 'p2' ? 2 ** n : n;
    if (kind === 'p2' ? n < 0 || n > 30 : align < 1 || (align & (align - 1)) !== 0) {
      throw new OperandError(ops[0]!.at, `alignment ${kind === 'p2' ? `2**${n}` : n} is not a power of two in range`);
    }
    const fill = ops[1] && ops[1].toks.length ? Number(a.constValue(ops[1]) & 0xffn) : undefined;
    const max = ops[2] ? Number(a.constValue(ops[2])) : Infinity;
    a.align(align, fill, max);
  };
}

function spaceDir(a: Assembler, ops: RawOperand[], op: Token): void {
  if (ops.length < 1 || ops.length > 2) throw new OperandError(op, 'expected: size[, fill]');
  const n = Number(a.constValue(ops[0]!));
  if (n < 0) throw new OperandError(ops[0]!.at, `negative size ${n}`);
  a.space(n, ops[1] ? Number(a.constValue(ops[1]) & 0xffn) : 0, op);
}

function setDir(a: Assembler, ops: RawOperand[], op: Token): void {
  if (ops.length !== 2) throw new OperandError(op, 'expected: symbol, expression');
  const name = ops[0]!.toks;
  if (name.length !== 1 || name[0]!.kind !== 'ident') throw new OperandError(ops[0]!.at, 'expected a symbol name');
  a.setSymbol(name[0]!, asExpr(ops[1]!));
}

function names(ops: RawOperand[]): Token[] {
  return ops.map((o) => {
    if (o.toks.length !== 1 || o.toks[0]!.kind !== 'ident') throw new OperandError(o.at, 'expected a symbol name');
    return o.toks[0]!;
  });
}

/** `.section name[, "flags"[, @type]]` with GNU's flag letters a, w, x. */
function sectionDir(a: Assembler, ops: RawOperand[], op: Token, args: readonly Token[]): void {
  // Section names may contain characters the expression lexer splits (".text.boot" is one ident).
  if (ops.length < 1) throw new OperandError(op, 'expected a section name');
  const nameToks = ops[0]!.toks;
  const name = nameToks.length === 1 && nameToks[0]!.kind === 'string' ? nameToks[0]!.text : nameToks.map((t) => t.text).join('');
  let flags: SectionFlags | undefined;
  let nobits: boolean | undefined;
  if (ops[1]) {
    const f = ops[1].toks;
    if (f.length !== 1 || f[0]!.kind !== 'string') throw new OperandError(ops[1].at, 'expected section flags as a string, e.g. "ax"');
    const s = f[0]!.text;
    for (const ch of s) if (!'awxMSGTR?'.includes(ch)) throw new OperandError(ops[1].at, `unknown section flag '${ch}'`);
    flags = { alloc: s.includes('a'), write: s.includes('w'), exec: s.includes('x') };
  }
  if (ops[2]) {
    const t = ops[2].toks.map((x) => x.text).join('');
    if (t === '@nobits' || t === '%nobits') nobits = true;
    else if (t === '@progbits' || t === '%progbits') nobits = false;
    else throw new OperandError(ops[2].at, `unknown section type '${t}'`);
  }
  void args;
  a.switchSection(name, flags, nobits, op);
}

function optionDir(a: Assembler, ops: RawOperand[], op: Token): void {
  if (ops.length !== 1 || ops[0]!.toks.length !== 1) throw new OperandError(op, 'expected one option');
  const o = ops[0]!.toks[0]!.text;
  switch (o) {
    case 'rvc': a.opts.rvc = true; break;
    case 'norvc': a.opts.rvc = false; break;
    case 'push': a.optStack.push({ ...a.opts }); break;
    case 'pop': {
      const p = a.optStack.pop();
      if (!p) throw new OperandError(ops[0]!.at, '.option pop with no .option push');
      a.opts = p;
      break;
    }
    // We always assemble as with -mno-relax and non-PIC; these are accepted for compatibility.
    case 'relax': case 'norelax': case 'pic': case 'nopic': break;
    default: throw new OperandError(ops[0]!.at, `unknown .option '${o}'`);
  }
}

export const DIRECTIVES: Readonly<Record<string, Directive>> = {
  '.text': (a, _o, op) => a.switchSection('.text', undefined, undefined, op),
  '.data': (a, _o, op) => a.switchSection('.data', undefined, undefined, op),
  '.rodata': (a, _o, op) => a.switchSection('.rodata', undefined, undefined, op),
  '.bss': (a, _o, op) => a.switchSection('.bss', undefined, undefined, op),
  '.section': sectionDir,
  '.globl': (a, ops) => names(ops).forEach((t) => a.bind(t, 'global')),
  '.global': (a, ops) => names(ops).forEach((t) => a.bind(t, 'global')),
  '.local': (a, ops) => names(ops).forEach((t) => a.bind(t, 'local')),
  '.weak': (a, ops) => names(ops).forEach((t) => a.bind(t, 'weak')),
  '.align': alignDir('p2'),
  '.p2align': alignDir('p2'),
  '.balign': alignDir('bytes'),
  '.byte': dataDir(1),
  '.half': dataDir(2), '.short': dataDir(2), '.2byte': dataDir(2),
  '.word': dataDir(4), '.long': dataDir(4), '.4byte': dataDir(4),
  '.dword': dataDir(8), '.quad': dataDir(8), '.8byte': dataDir(8),
  '.ascii': strings(false),
  '.asciz': strings(true),
  '.string': strings(true),
  '.zero': (a, ops, op) => {
    if (ops.length !== 1) throw new OperandError(op, 'expected: size');
    spaceDir(a, ops, op);
  },
  '.space': spaceDir,
  '.skip': spaceDir,
  '.equ': setDir,
  '.set': setDir,
  '.option': optionDir,
  '.type': (a, ops, op) => {
    if (ops.length !== 2) throw new OperandError(op, 'expected: symbol, @function|@object');
    const [sym] = names([ops[0]!]);
    const t = ops[1]!.toks.map((x) => x.text).join('').replace(/^[@%]/, '').replace(/^STT_/i, '').toLowerCase();
    if (t === 'function' || t === 'func') a.setType(sym!, 'func');
    else if (t === 'object') a.setType(sym!, 'object');
    else if (t !== 'notype') throw new OperandError(ops[1]!.at, `unknown symbol type '${t}'`);
  },
  '.size': (a, ops, op) => {
    if (ops.length !== 2) throw new OperandError(op, 'expected: symbol, expression');
    const [sym] = names([ops[0]!]);
    a.setSize(sym!, asExpr(ops[1]!));
  },
  // Accepted and ignored: they only feed debug info and ELF notes.
  '.file': () => {}, '.ident': () => {}, '.attribute': () => {}, '.loc': () => {}, '.cfi_startproc': () => {},
  '.cfi_endproc': () => {}, '.end': () => {},
};

/** `name = expr` written without a directive. */
export function assignment(a: Assembler, name: Token, args: readonly Token[]): void {
  const c = new Cursor(args.slice(1), args[0]);
  const e: Expr = parseExpr(c);
  if (!c.atEnd()) throw new OperandError(c.peek(), `junk '${c.peek()!.text}' after expression`);
  a.setSymbol(name, e);
}

