// Lexer for GNU-syntax RISC-V assembly: splits source into statements (label definitions, then one
// mnemonic or directive with its operand tokens), each token carrying its line and column so every
// error can name file:line:col. Comments: `#` and `//` to end of line, `/* ... */`. `;` separates
// statements on one line, as in GNU as. A lexical error drops the rest of its line and lexing goes on,
// so later lines' errors are reported too.

import { ToolError } from '../object.js';
import { AsmError } from './errors.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'char' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or punctuation text; for strings, the decoded bytes as a latin-1 string. */
  readonly text: string;
  /** Numbers and characters: the value. */
  readonly value?: bigint;
  readonly line: number;
  readonly col: number;
}

export interface Statement {
  readonly labels: readonly Token[];
  /** Mnemonic or directive (with its leading dot); undefined for a line holding only labels. */
  readonly op?: Token;
  /** Operand tokens after the op, up to the end of the statement. */
  readonly args: readonly Token[];
  readonly line: number;
}

const IDENT_START = /[A-Za-z_.$]/;
const IDENT_PART = /[A-Za-z0-9_.$]/;
// Longest punctuation first.
const PUNCT = ['<<', '>>', '&&', '||', '==', '!=', '<=', '>=', '(', ')', ',', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', ':', '=', '<', '>', '@'];

export function lexError(file: string, line: number, col: number, msg: string): AsmError {
  return new AsmError({ file, line, col }, msg);
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, '"': 34, "'": 39, e: 27 };

/** Tokenizes a whole source file into statements and, in their place, the errors of bad lines. */
export function lex(source: string, file: string): (Statement | ToolError)[] {
  const out: (Statement | ToolError)[] = [];
  let line = 1;
  let i = 0;
  let lineStart = 0;
  let toks: Token[] = [];
  const n = source.length;
  const col = (): number => i - lineStart + 1;
  const flush = (): void => {
    if (toks.length > 0) {
      try { out.push(toStatement(toks, file)); } catch (e) {
        if (!(e instanceof ToolError)) throw e;
        out.push(e);
      }
    }
    toks = [];
  };
  while (i < n) try {
    const c = source[i]!;
    if (c === '\n') { flush(); i++; line++; lineStart = i; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (c === ';') { flush(); i++; continue; }
    if (c === '#' || (c === '/' && source[i + 1] === '/')) {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) { flush(); out.push(lexError(file, line, col(), 'unterminated comment')); break; }
      for (let k = i; k < end; k++) if (source[k] === '\n') { line++; lineStart = k + 1; }
      i = end + 2;
      continue;
    }
    const startCol = col();
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(source[j]!)) j++;
      toks.push({ kind: 'ident', text: source.slice(i, j), line, col: startCol });
      i = j;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_]/.test(source[j]!)) j++;
      const text = source.slice(i, j);
      // Numeric local label references: 1b, 1f (not hex digits after 0x).
      if (/^[0-9]+[bf]$/.test(text)) {
        toks.push({ kind: 'ident', text, line, col: startCol });
      } else {
        toks.push({ kind: 'number', text, value: parseNumber(text, file, line, startCol), line, col: startCol });
      }
      i = j;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= n || source[j] === '\n') throw lexError(file, line, startCol, 'unterminated string');
        const d = source[j]!;
        if (d === '"') { j++; break; }
        if (d === '\\') {
          const r = readEscape(source, j + 1);
          if (!r) throw lexError(file, line, j - lineStart + 1, 'bad escape in string');
          s += String.fromCharCode(r.code & 0xff);
          j = r.next;
          continue;
        }
        const code = d.charCodeAt(0);
        if (code > 0x7f) {
          // UTF-8 encode non-ASCII characters as GNU as would store the source bytes.
          for (const b of new TextEncoder().encode(d)) s += String.fromCharCode(b);
        } else s += d;
        j++;
      }
      toks.push({ kind: 'string', text: s, line, col: startCol });
      i = j;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let code: number;
      if (source[j] === '\\') {
        const r = readEscape(source, j + 1);
        if (!r) throw lexError(file, line, startCol, 'bad character constant');
        code = r.code; j = r.next;
      } else {
        if (j >= n) throw lexError(file, line, startCol, 'bad character constant');
        code = source.charCodeAt(j); j++;
      }
      if (source[j] === "'") j++; // GNU accepts 'c with or without the closing quote
      toks.push({ kind: 'char', text: source.slice(i, j), value: BigInt(code), line, col: startCol });
      i = j;
      continue;
    }
    const p = PUNCT.find((q) => source.startsWith(q, i));
    if (!p) throw lexError(file, line, startCol, `unexpected character '${c}'`);
    toks.push({ kind: 'punct', text: p, line, col: startCol });
    i += p.length;
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    out.push(e);
    toks = [];
    while (i < n && source[i] !== '\n') i++;
  }
  flush();
  return out;
}

function readEscape(src: string, j: number): { code: number; next: number } | undefined {
  const e = src[j];
  if (e === undefined) return undefined;
  if (e in ESCAPES) return { code: ESCAPES[e]!, next: j + 1 };
  if (e >= '0' && e <= '7') {
    let k = j, v = 0;
    while (k < j + 3 && src[k]! >= '0' && src[k]! <= '7') { v = v * 8 + Number(src[k]); k++; }
    return { code: v & 0xff, next: k };
  }
  if (e === 'x' || e === 'X') {
    let k = j + 1, v = 0;
    while (/[0-9a-fA-F]/.test(src[k] ?? '')) { v = (v * 16 + parseInt(src[k]!, 16)) & 0xff; k++; }
    if (k === j + 1) return undefined;
    return { code: v, next: k };
  }
  return { code: e.charCodeAt(0), next: j + 1 };
}

/** GNU number syntax: 0x hex, 0b binary, leading 0 octal, else decimal. Values are 64-bit. */
function parseNumber(text: string, file: string, line: number, col: number): bigint {
  const t = text.toLowerCase();
  let m: RegExpExecArray | null;
  let v: bigint;
  if ((m = /^0x([0-9a-f]+)$/.exec(t))) v = BigInt('0x' + m[1]);
  else if ((m = /^0b([01]+)$/.exec(t))) v = BigInt('0b' + m[1]);
  else if (/^0[0-7]+$/.test(t)) v = BigInt('0o' + t.slice(1));
  else if (/^[0-9]+$/.test(t)) v = BigInt(t);
  else throw lexError(file, line, col, `bad number '${text}'`);
  // GNU as keeps such "bignums" only for data directives, and refuses them everywhere else
  // ("unsupported large constant"); silently wrapping them would hide the mistake.
  if (v >> 64n !== 0n) throw lexError(file, line, col, `constant ${text} does not fit in 64 bits`);
  return v;
}

/** Groups one statement's tokens: leading `name:` labels, then the op and its arguments. */
function toStatement(toks: Token[], file: string): Statement {
  const labels: Token[] = [];
  let k = 0;
  while (k + 1 < toks.length + 1) {
    const t = toks[k];
    const next = toks[k + 1];
    if (t && (t.kind === 'ident' || t.kind === 'number') && next?.kind === 'punct' && next.text === ':') {
      if (t.kind === 'number' || /^[0-9]+[bf]$/.test(t.text)) {
        if (t.kind !== 'number') throw lexError(file, t.line, t.col, `bad label '${t.text}'`);
      }
      labels.push(t);
      k += 2;
      continue;
    }
    break;
  }
  const op = toks[k];
  if (op && op.kind !== 'ident') throw lexError(file, op.line, op.col, `expected a mnemonic or directive, found '${op.text}'`);
  return { labels, op, args: op ? toks.slice(k + 1) : [], line: (toks[0] as Token).line };
}
