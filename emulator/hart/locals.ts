// A translated region keeps the integer registers it uses in JavaScript locals (x5l, x5h: the low
// and high halves of x5), which V8 holds in machine registers, instead of reading and writing the
// register file (Int32Arrays) at every instruction. This file rewrites one expanded semantics piece,
// its operands already constants, to use them; translator.ts loads the locals on entry, writes the
// written ones back before anything outside may look (a $sync, a trap, leaving the region) and
// reloads them after anything outside may have changed the file.

/** x0 reads as 0; rd = x0 writes the sink, which stays in the file. */
const SINK = 32;

/** A piece rewritten to locals: the registers it reads or writes, and those it writes. */
export interface Localized { readonly text: string; readonly used: ReadonlySet<number>; readonly written: ReadonlySet<number> }

const lname = (half: string, n: number): string => `x${n}${half === 'xl' ? 'l' : 'h'}`;

/** `xl[rd]`, `xh[rs2]`, ... with the operand numbers written in. */
export function bindOperands(text: string, rd: number, rs1: number, rs2: number): string {
  return text.replace(/(?<![.\w$])(xl|xh)\[(rd|rs1|rs2)\]/g, (_m, half: string, op: string) => `${half}[${op === 'rd' ? rd : op === 'rs1' ? rs1 : rs2}]`);
}

/** The end of the expression starting at i: the `;` or the unmatched closing bracket ending it. */
function exprEnd(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { if (depth === 0) return i; depth--; }
    else if (c === ';' && depth === 0) return i;
  }
  return i;
}

/**
 * The piece with every register access on a constant index turned into its local (writes keep the
 * int32 the file would have stored: `| 0`), or undefined when the piece hands the register file to
 * a helper or reaches it any other way: it then runs on the file, written back before and reloaded
 * after.
 */
export function localize(text: string): Localized | undefined {
  const used = new Set<number>(), written = new Set<number>();
  // Compound assignments and increments would need their own rewriting; no piece has them.
  if (/(?<![.\w$])(xl|xh)\[\d+\]\s*(?:[-+*/%&|^]|<<|>>>?)=|(?<![.\w$])(xl|xh)\[\d+\]\s*(?:\+\+|--)|(?:\+\+|--)\s*(xl|xh)\[/.test(text)) return undefined;
  let out = '';
  let i = 0;
  const access = /(?<![.\w$])(xl|xh)\[(\d+)\](\s*=(?!=))?/g;
  for (let m = access.exec(text); m !== null; m = access.exec(text)) {
    const half = m[1]!, n = Number(m[2]);
    out += text.slice(i, m.index);
    i = m.index + m[0].length;
    if (n === SINK || n > SINK) { out += m[0]; continue; }
    if (m[3] !== undefined) {
      if (n === 0) return undefined; // a write to x0 is always redirected to the sink
      const end = exprEnd(text, i);
      const rhs = localizeInner(text.slice(i, end), used);
      if (rhs === undefined) return undefined;
      out += `${lname(half, n)} = (${rhs}) | 0`;
      used.add(n); written.add(n);
      i = end;
      access.lastIndex = end;
    } else if (n === 0) {
      out += '0';
    } else {
      out += lname(half, n);
      used.add(n);
    }
  }
  out += text.slice(i);
  // The file handed over whole (fmv.x.d's helper), reached through the hart, or an index not known
  // now: not rewritable.
  if (/(?<![.\w$])(xl|xh)\b(?!\[(\d+)\])/.test(out.replace(/(?<![.\w$])(xl|xh)\[32\]/g, '')) || /\bh\.(xl|xh)\b/.test(out)) return undefined;
  return { text: out, used, written };
}

/** A right-hand side: reads only (a nested assignment makes the piece not rewritable). */
function localizeInner(rhs: string, used: Set<number>): string | undefined {
  if (/(?<![.\w$])(xl|xh)\[\d+\]\s*=(?!=)/.test(rhs)) return undefined;
  return rhs.replace(/(?<![.\w$])(xl|xh)\[(\d+)\]/g, (m, half: string, num: string) => {
    const n = Number(num);
    if (n === SINK) return m;
    if (n === 0) return '0';
    used.add(n);
    return lname(half, n);
  });
}

/** `let x5l = xl[5], x5h = xh[5], ...;` for the registers a region uses. */
export function loadLocals(regs: Iterable<number>): string {
  const decl = [...regs].map((n) => `${lname('xl', n)} = xl[${n}], ${lname('xh', n)} = xh[${n}]`);
  return decl.length === 0 ? '' : `let ${decl.join(', ')};`;
}

/** The locals given back to the file. */
export function storeLocals(regs: Iterable<number>): string {
  return [...regs].map((n) => `xl[${n}] = ${lname('xl', n)}; xh[${n}] = ${lname('xh', n)};`).join(' ');
}

/** The locals read again from the file. */
export function reloadLocals(regs: Iterable<number>): string {
  return [...regs].map((n) => `${lname('xl', n)} = xl[${n}]; ${lname('xh', n)} = xh[${n}];`).join(' ');
}
