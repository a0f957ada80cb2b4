// printk formats, checked at compile time (as GCC's format attribute checks printf): a parameter
// declared `fmt: Format` (runtime/intrinsics.ts) takes a string literal, and the arguments after it
// must be as many as its conversions, each of the kind the conversion prints. lib/printk.ts is the
// code that runs; this is the grammar it implements:
//
//   %[flags][width][l|ll]conv    flags: 0 (zero-pad)  - (left-justify)  # (0x prefix)    width: digits
//   conv: d i (signed decimal)  u (unsigned)  x (hex)  p (0x-prefixed hex)  c (a byte)  s (C string)  %%
import ts from 'typescript';
import type { ValueKind } from './types.js';

export interface Conversion { conv: string; text: string }

/** The conversions of a format, or an error message. */
export function parseFormat(fmt: string): Conversion[] | string {
  const out: Conversion[] = [];
  const re = /%([-0#]*)(\d*)(l{0,2})(.?)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt)) !== null) {
    const conv = m[4];
    if (conv === '%' && m[0] === '%%') continue;
    if (!conv) return `the format ends inside a conversion ("${m[0]}")`;
    if (!'diuxpcs'.includes(conv)) return `unknown conversion "${m[0]}"; kernel-ts printk has %d %i %u %x %lx %p %c %s and %%`;
    out.push({ conv, text: m[0] });
  }
  return out;
}

const WANTS: Record<string, { kinds: ValueKind[]; what: string }> = {
  d: { kinds: ['u64', 'bool'], what: 'a number' }, i: { kinds: ['u64', 'bool'], what: 'a number' },
  u: { kinds: ['u64', 'bool'], what: 'a number' }, x: { kinds: ['u64', 'bool'], what: 'a number' },
  c: { kinds: ['u64'], what: 'a character code' }, p: { kinds: ['u64', 'ptr'], what: 'a pointer or address' },
  s: { kinds: ['str'], what: 'a string' },
};

/** Checks one call's format literal against its arguments; returns [node, message] for each problem. */
export function checkFormat(fmt: ts.Expression, args: readonly ts.Expression[], kindOf: (e: ts.Expression) => ValueKind | undefined): [ts.Node, string][] {
  while (ts.isParenthesizedExpression(fmt)) fmt = fmt.expression;
  // cond ? "one format" : "another": each must fit the arguments
  if (ts.isConditionalExpression(fmt)) return [...checkFormat(fmt.whenTrue, args, kindOf), ...checkFormat(fmt.whenFalse, args, kindOf)];
  if (!ts.isStringLiteral(fmt)) return [[fmt, 'a printk format must be a string literal, or c ? "literal" : "literal" (so it can be checked against the arguments)']];
  const convs = parseFormat(fmt.text);
  if (typeof convs === 'string') return [[fmt, `printk format: ${convs}`]];
  const problems: [ts.Node, string][] = [];
  convs.forEach((c, i) => {
    const a = args[i];
    if (!a) { problems.push([fmt, `printk format: "${c.text}" (conversion ${i + 1}) has no argument`]); return; }
    const k = kindOf(a);
    const want = WANTS[c.conv];
    if (!k || !want.kinds.includes(k)) problems.push([a, `printk format: "${c.text}" expects ${want.what}, this argument is ${k === 'str' ? 'a string' : k === 'ptr' ? 'a struct pointer' : k ?? 'not a value'}`]);
  });
  if (args.length > convs.length) problems.push([args[convs.length], `printk format: ${convs.length} conversion${convs.length === 1 ? '' : 's'} but ${args.length} arguments`]);
  return problems;
}
