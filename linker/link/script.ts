// Parser for the GNU ld script subset rvhart links with: ENTRY, SECTIONS, assignments to `.` and to
// symbols (`=`, `+=`, ...; PROVIDE, PROVIDE_HIDDEN, HIDDEN), output sections with an address,
// ALIGN(n) and input section descriptions (`*(.text .text.*)`, KEEP(...), SORT(...)), /DISCARD/,
// BYTE/SHORT/LONG/QUAD, ASSERT, OUTPUT_ARCH/OUTPUT_FORMAT (accepted), /* comments */.
//
// Like GNU ld's lexer, names may contain '-' (`a-b` is one symbol; write `a - b`), and inside an
// input section list names may contain the wildcards * ? [ ].

import { ToolError, type SourceLoc } from '../object.js';

export type Expr =
  | { readonly kind: 'num'; readonly value: bigint; readonly loc: SourceLoc }
  | { readonly kind: 'sym'; readonly name: string; readonly loc: SourceLoc }
  | { readonly kind: 'dot'; readonly loc: SourceLoc }
  | { readonly kind: 'unary'; readonly op: '-' | '~' | '!' | '+'; readonly e: Expr; readonly loc: SourceLoc }
  | { readonly kind: 'binary'; readonly op: string; readonly l: Expr; readonly r: Expr; readonly loc: SourceLoc }
  | { readonly kind: 'cond'; readonly c: Expr; readonly t: Expr; readonly f: Expr; readonly loc: SourceLoc }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly name?: string; readonly loc: SourceLoc };

export interface Assignment {
  readonly kind: 'assign';
  /** Symbol name, or '.' for the location counter. */
  readonly target: string;
  /** '=' or a compound operator ('+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|='). */
  readonly op: string;
  readonly expr: Expr;
  readonly provide: boolean;
  readonly hidden: boolean;
  readonly loc: SourceLoc;
}

export interface InputSpec {
  readonly kind: 'input';
  /** File name pattern ('*' for every object). */
  readonly file: string;
  /** Files excluded by EXCLUDE_FILE. */
  readonly excludeFiles: readonly string[];
  /** Section name patterns; COMMON matches common symbols (there are none in our objects). */
  readonly patterns: readonly string[];
  readonly keep: boolean;
  readonly sort: boolean;
  readonly loc: SourceLoc;
}

export interface DataStmt { readonly kind: 'data'; readonly size: 1 | 2 | 4 | 8; readonly expr: Expr; readonly loc: SourceLoc }
export interface AssertStmt { readonly kind: 'assert'; readonly expr: Expr; readonly message: string; readonly loc: SourceLoc }

export type BodyStmt = Assignment | InputSpec | DataStmt | AssertStmt;

export interface OutputSectionStmt {
  readonly kind: 'output';
  readonly name: string;
  readonly address?: Expr;
  readonly align?: Expr;
  readonly lma?: Expr;
  readonly noload: boolean;
  readonly body: readonly BodyStmt[];
  readonly loc: SourceLoc;
}

export type SectionsStmt = Assignment | OutputSectionStmt | AssertStmt;

export interface LinkerScript {
  readonly file: string;
  readonly entry?: { readonly name: string; readonly loc: SourceLoc };
  /** Assignments outside SECTIONS, in order. */
  readonly globals: readonly (Assignment | AssertStmt)[];
  /** How many of `globals` come before SECTIONS (the rest come after it). */
  readonly globalsBeforeSections: number;
  /** The SECTIONS command (undefined when the script has none). */
  readonly sections?: readonly SectionsStmt[];
}

type Mode = 'expr' | 'name';
interface Token { readonly text: string; readonly kind: 'name' | 'num' | 'str' | 'op' | 'eof'; readonly loc: SourceLoc; readonly end: number }

const OPS = ['<<=', '>>=', '+=', '-=', '*=', '/=', '&=', '|=', '<<', '>>', '==', '!=', '<=', '>=', '&&', '||',
  '(', ')', '{', '}', ';', ',', '=', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '?', ':', '<', '>'];
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|=']);
const EXPR_NAME_START = /[A-Za-z_.$]/;
const EXPR_NAME_CHAR = /[A-Za-z0-9_.$-]/;
const PATTERN_CHAR = /[A-Za-z0-9_.$*?[\]\-/\\]/;

/** Parses a linker script; errors are ToolError `file:line:col: ...`. */
export function parseScript(text: string, file: string): LinkerScript {
  return new Parser(text, file).script();
}

class Parser {
  private pos = 0;
  private lineStarts: number[] = [0];

  constructor(private readonly src: string, private readonly file: string) {
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.lineStarts.push(i + 1);
  }

  private locAt(pos: number): SourceLoc {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid; else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: pos - this.lineStarts[lo]! + 1 };
  }

  error(loc: SourceLoc, message: string): never {
    throw new ToolError(`${loc.file}:${loc.line}:${loc.col}`, message);
  }

  private skipSpace(): void {
    const s = this.src;
    for (;;) {
      while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
      if (s.startsWith('/*', this.pos)) {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) this.error(this.locAt(this.pos), 'unterminated comment');
        this.pos = end + 2;
      } else if (s.startsWith('//', this.pos) || (s[this.pos] === '#' && this.atLineStart())) {
        // Not GNU ld syntax, but harmless and common in hand-written scripts.
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private atLineStart(): boolean {
    let i = this.pos - 1;
    while (i >= 0 && (this.src[i] === ' ' || this.src[i] === '\t')) i--;
    return i < 0 || this.src[i] === '\n';
  }

  private lex(mode: Mode): Token {
    this.skipSpace();
    const s = this.src;
    const start = this.pos;
    const loc = this.locAt(start);
    if (start >= s.length) return { text: '', kind: 'eof', loc, end: start };
    const c = s[start]!;
    if (c === '"') {
      const end = s.indexOf('"', start + 1);
      if (end < 0 || s.slice(start, end).includes('\n')) this.error(loc, 'unterminated string');
      return { text: s.slice(start + 1, end), kind: 'str', loc, end: end + 1 };
    }
    if (mode === 'name' && PATTERN_CHAR.test(c) && !(c === '/' && s[start + 1] === '*')) {
      let i = start;
      while (i < s.length && PATTERN_CHAR.test(s[i]!) && !(s[i] === '/' && s[i + 1] === '*')) i++;
      return { text: s.slice(start, i), kind: /^[0-9]/.test(c) ? 'num' : 'name', loc, end: i };
    }
    if (/[0-9]/.test(c)) {
      let i = start;
      while (i < s.length && /[0-9A-Za-z_]/.test(s[i]!)) i++;
      return { text: s.slice(start, i), kind: 'num', loc, end: i };
    }
    if (EXPR_NAME_START.test(c)) {
      let i = start + 1;
      while (i < s.length && EXPR_NAME_CHAR.test(s[i]!)) i++;
      return { text: s.slice(start, i), kind: 'name', loc, end: i };
    }
    for (const op of OPS) if (s.startsWith(op, start)) return { text: op, kind: 'op', loc, end: start + op.length };
    return this.error(loc, `unexpected character '${c}'`);
  }

  private peek(mode: Mode = 'expr'): Token {
    const save = this.pos;
    const t = this.lex(mode);
    this.pos = save;
    return t;
  }

  private next(mode: Mode = 'expr'): Token {
    const t = this.lex(mode);
    this.pos = t.end;
    return t;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private expect(op: string, what?: string): Token {
    const t = this.next();
    if (!this.isOp(t, op)) this.error(t.loc, `expected '${op}'${what ? ` ${what}` : ''}, found ${describe(t)}`);
    return t;
  }

  private accept(op: string): boolean {
    if (this.isOp(this.peek(), op)) { this.next(); return true; }
    return false;
  }

  private nameToken(mode: Mode, what: string): Token {
    const t = this.next(mode);
    if (t.kind !== 'name' && t.kind !== 'str') this.error(t.loc, `expected ${what}, found ${describe(t)}`);
    return t;
  }

  // ---- script structure -------------------------------------------------------------------------

  script(): LinkerScript {
    let entry: LinkerScript['entry'];
    const globals: (Assignment | AssertStmt)[] = [];
    let sections: SectionsStmt[] | undefined;
    let globalsBeforeSections = -1;
    for (;;) {
      const t = this.peek('name');
      if (t.kind === 'eof') break;
      if (this.isOp(t, ';')) { this.next(); continue; }
      if (t.kind !== 'name' && t.kind !== 'str') this.error(t.loc, `expected a command, found ${describe(t)}`);
      switch (t.text) {
        case 'ENTRY': {
          this.next('name');
          this.expect('(', 'after ENTRY');
          const n = this.nameToken('expr', 'a symbol name');
          this.expect(')');
          entry = { name: n.text, loc: n.loc };
          break;
        }
        case 'SECTIONS':
          this.next('name');
          if (sections) this.error(t.loc, 'a second SECTIONS command (rvhart supports one)');
          globalsBeforeSections = globals.length;
          sections = this.sections();
          break;
        case 'OUTPUT_ARCH': case 'OUTPUT_FORMAT': case 'TARGET': case 'SEARCH_DIR': case 'STARTUP': case 'GROUP':
        case 'INPUT': case 'OUTPUT':
          // Accepted for compatibility: rvhart has one target and takes its inputs from the command line.
          this.next('name');
          this.skipParens(t);
          break;
        case 'ASSERT':
          globals.push(this.assertStmt());
          break;
        case 'PROVIDE': case 'PROVIDE_HIDDEN': case 'HIDDEN':
          globals.push(this.assignment());
          break;
        case 'MEMORY': case 'PHDRS': case 'OVERLAY': case 'INCLUDE': case 'VERSION': case 'INSERT':
          this.error(t.loc, `${t.text} is not supported by rvhart's linker (supported: ENTRY, SECTIONS, assignments, PROVIDE, ASSERT)`);
          break;
        default:
          if (this.isAssignmentAhead()) globals.push(this.assignment());
          else this.error(t.loc, `unknown linker script command '${t.text}'`);
      }
    }
    if (globalsBeforeSections < 0) globalsBeforeSections = globals.length;
    return { file: this.file, entry, globals, globalsBeforeSections, sections };
  }

  private skipParens(at: Token): void {
    this.expect('(', `after ${at.text}`);
    let depth = 1;
    while (depth > 0) {
      const t = this.next('name');
      if (t.kind === 'eof') this.error(at.loc, `unterminated ${at.text}(`);
      if (this.isOp(t, '(')) depth++;
      else if (this.isOp(t, ')')) depth--;
    }
  }

  /** After a name: is the next token an assignment operator? */
  private isAssignmentAhead(): boolean {
    const save = this.pos;
    const n = this.next('name');
    const op = this.peek();
    this.pos = save;
    return (n.kind === 'name' || n.kind === 'str') && op.kind === 'op' && ASSIGN_OPS.has(op.text);
  }

  private sections(): SectionsStmt[] {
    this.expect('{', 'after SECTIONS');
    const out: SectionsStmt[] = [];
    for (;;) {
      const t = this.peek('name');
      if (this.isOp(t, '}')) { this.next(); return out; }
      if (this.isOp(t, ';')) { this.next(); continue; }
      if (t.kind === 'eof') this.error(t.loc, "missing '}' at the end of SECTIONS");
      if (t.kind !== 'name' && t.kind !== 'str') this.error(t.loc, `expected an output section or an assignment, found ${describe(t)}`);
      if (t.text === 'ENTRY') {
        this.error(t.loc, 'ENTRY inside SECTIONS: put it before SECTIONS');
      } else if (t.text === 'ASSERT') {
        out.push(this.assertStmt());
      } else if (t.text === 'PROVIDE' || t.text === 'PROVIDE_HIDDEN' || t.text === 'HIDDEN' || this.isAssignmentAhead()) {
        out.push(this.assignment());
      } else {
        out.push(this.outputSection());
      }
    }
  }

  /** `sym = expr;`, `. += n,`, `PROVIDE(sym = expr);` — GNU ld accepts ';' or ',' after one. */
  private assignment(): Assignment {
    const first = this.next('name');
    let provide = false, hidden = false;
    let target = first;
    const wrapped = first.kind === 'name' && (first.text === 'PROVIDE' || first.text === 'PROVIDE_HIDDEN' || first.text === 'HIDDEN');
    if (wrapped) {
      provide = first.text !== 'HIDDEN';
      hidden = first.text !== 'PROVIDE';
      this.expect('(', `after ${first.text}`);
      target = this.nameToken('expr', 'a symbol name');
    }
    if (target.kind === 'name' && !/^(\.|[A-Za-z_.$][A-Za-z0-9_.$-]*)$/.test(target.text)) {
      this.error(target.loc, `'${target.text}' is not a symbol name`);
    }
    const opTok = this.next();
    if (opTok.kind !== 'op' || !ASSIGN_OPS.has(opTok.text)) this.error(opTok.loc, `expected an assignment operator, found ${describe(opTok)}`);
    if (wrapped && opTok.text !== '=') this.error(opTok.loc, `${first.text} takes a plain '=' assignment`);
    if (wrapped && target.text === '.') this.error(target.loc, `${first.text} cannot assign the location counter`);
    const expr = this.expr();
    if (wrapped) this.expect(')', `to close ${first.text}(`);
    this.endOfStatement(first.loc);
    return { kind: 'assign', target: target.text, op: opTok.text, expr, provide, hidden, loc: first.loc };
  }

  private endOfStatement(start: SourceLoc): void {
    const t = this.peek();
    if (this.isOp(t, ';') || this.isOp(t, ',')) { this.next(); return; }
    if (this.isOp(t, '}')) return;
    this.error(t.loc, `expected ';' after the statement at ${start.line}:${start.col}, found ${describe(t)}`);
  }

  private assertStmt(): AssertStmt {
    const kw = this.next('name');
    this.expect('(', 'after ASSERT');
    const expr = this.expr();
    this.expect(',', 'between the ASSERT condition and its message');
    const m = this.next();
    if (m.kind !== 'str' && m.kind !== 'name') this.error(m.loc, `expected the ASSERT message, found ${describe(m)}`);
    this.expect(')');
    if (this.isOp(this.peek(), ';') || this.isOp(this.peek(), ',')) this.next();
    return { kind: 'assert', expr, message: m.text, loc: kw.loc };
  }

  private outputSection(): OutputSectionStmt {
    const nameTok = this.next('name');
    const name = nameTok.text;
    let address: Expr | undefined;
    let noload = false;
    // NAME [ADDRESS] [(TYPE)] : [AT(LMA)] [ALIGN(n)] { ... }
    const after = this.peek();
    if (after.kind === 'eof' || this.isOp(after, '}') || this.isOp(after, ';') || this.isOp(after, '{')) {
      this.error(nameTok.loc, `expected ':' after the output section name '${name}' (or an assignment: '${name} = ...;')`);
    }
    if (!this.isOp(after, ':')) {
      const save = this.pos;
      const p = this.next();
      const ty = this.isOp(p, '(') ? this.next('name') : undefined;
      if (ty && ['NOLOAD', 'COPY', 'INFO', 'DSECT', 'OVERLAY', 'READONLY'].includes(ty.text)) {
        this.expect(')');
        if (ty.text !== 'NOLOAD') this.error(ty.loc, `output section type ${ty.text} is not supported (NOLOAD is)`);
        noload = true;
      } else {
        this.pos = save;
        address = this.expr();
        if (this.isOp(this.peek(), '(')) {
          this.next();
          const ty2 = this.nameToken('name', 'an output section type');
          if (ty2.text !== 'NOLOAD') this.error(ty2.loc, `output section type ${ty2.text} is not supported (NOLOAD is)`);
          this.expect(')');
          noload = true;
        }
      }
    }
    this.expect(':', `after the output section name '${name}'`);
    let align: Expr | undefined;
    let lma: Expr | undefined;
    for (;;) {
      const t = this.peek('name');
      if (t.kind === 'name' && (t.text === 'ALIGN' || t.text === 'AT' || t.text === 'SUBALIGN')) {
        this.next('name');
        this.expect('(', `after ${t.text}`);
        const e = this.expr();
        this.expect(')');
        if (t.text === 'ALIGN') align = e;
        else if (t.text === 'AT') lma = e;
        else this.error(t.loc, 'SUBALIGN is not supported');
      } else if (t.kind === 'name' && (t.text === 'ONLY_IF_RO' || t.text === 'ONLY_IF_RW')) {
        this.error(t.loc, `${t.text} is not supported`);
      } else {
        break;
      }
    }
    this.expect('{', `to open the output section '${name}'`);
    const body: BodyStmt[] = [];
    for (;;) {
      const t = this.peek('name');
      if (this.isOp(t, '}')) { this.next(); break; }
      if (this.isOp(t, ';')) { this.next(); continue; }
      if (t.kind === 'eof') this.error(nameTok.loc, `missing '}' for the output section '${name}'`);
      body.push(this.bodyStmt());
    }
    // Trailing attributes: > REGION, AT> REGION, :PHDR, =FILL are not supported.
    const trail = this.peek();
    if (this.isOp(trail, '>') || this.isOp(trail, '=') || this.isOp(trail, ':')) {
      this.error(trail.loc, `'${trail.text}' after an output section (memory regions, program headers, fill) is not supported`);
    }
    if (this.isOp(trail, ',')) this.next();
    return { kind: 'output', name, address, align, lma, noload, body, loc: nameTok.loc };
  }

  private bodyStmt(): BodyStmt {
    const t = this.peek('name');
    if (t.kind !== 'name' && t.kind !== 'str') this.error(t.loc, `expected an input section description or an assignment, found ${describe(t)}`);
    switch (t.text) {
      case 'PROVIDE': case 'PROVIDE_HIDDEN': case 'HIDDEN':
        return this.assignment();
      case 'ASSERT':
        return this.assertStmt();
      case 'BYTE': case 'SHORT': case 'LONG': case 'QUAD': case 'SQUAD': {
        this.next('name');
        this.expect('(', `after ${t.text}`);
        const expr = this.expr();
        this.expect(')');
        this.endOfStatementLenient();
        const size = t.text === 'BYTE' ? 1 : t.text === 'SHORT' ? 2 : t.text === 'LONG' ? 4 : 8;
        return { kind: 'data', size, expr, loc: t.loc };
      }
      case 'FILL': case 'CREATE_OBJECT_SYMBOLS': case 'CONSTRUCTORS':
        return this.error(t.loc, `${t.text} is not supported`);
      case 'KEEP': {
        this.next('name');
        this.expect('(', 'after KEEP');
        const spec = this.inputSpec(true);
        this.expect(')', 'to close KEEP(');
        this.endOfStatementLenient();
        return spec;
      }
      default:
        if (this.isAssignmentAhead()) return this.assignment();
        {
          const spec = this.inputSpec(false);
          this.endOfStatementLenient();
          return spec;
        }
    }
  }

  private endOfStatementLenient(): void {
    if (this.isOp(this.peek(), ';') || this.isOp(this.peek(), ',')) this.next();
  }

  /** `FILEPAT(SECPAT ...)`, `*(EXCLUDE_FILE(a.o) .text)`, `*(SORT(.text.*))`, or a bare `.text` (= `*(.text)`). */
  private inputSpec(keep: boolean): InputSpec {
    const fileTok = this.next('name');
    if (fileTok.kind !== 'name' && fileTok.kind !== 'str') this.error(fileTok.loc, `expected an input section description, found ${describe(fileTok)}`);
    if (!this.isOp(this.peek(), '(')) {
      return { kind: 'input', file: '*', excludeFiles: [], patterns: [fileTok.text], keep, sort: false, loc: fileTok.loc };
    }
    if (fileTok.text === 'EXCLUDE_FILE' || fileTok.text.startsWith('SORT')) {
      this.error(fileTok.loc, `${fileTok.text} must be inside the parentheses: *(${fileTok.text}(...) ...)`);
    }
    this.next();
    const patterns: string[] = [];
    const excludeFiles: string[] = [];
    let sort = false;
    for (;;) {
      const t = this.next('name');
      if (this.isOp(t, ')')) break;
      if (t.kind === 'eof') this.error(fileTok.loc, `missing ')' in the input section description`);
      if (this.isOp(t, ',')) continue;
      if (t.kind !== 'name' && t.kind !== 'str') this.error(t.loc, `expected a section name pattern, found ${describe(t)}`);
      if (t.text === 'EXCLUDE_FILE') {
        this.expect('(', 'after EXCLUDE_FILE');
        for (;;) {
          const f = this.next('name');
          if (this.isOp(f, ')')) break;
          if (f.kind !== 'name' && f.kind !== 'str') this.error(f.loc, `expected a file name pattern, found ${describe(f)}`);
          excludeFiles.push(f.text);
        }
      } else if (/^SORT(_BY_NAME|_BY_ALIGNMENT|_BY_INIT_PRIORITY|_NONE)?$/.test(t.text) && this.isOp(this.peek('name'), '(')) {
        this.next();
        sort = sort || t.text !== 'SORT_NONE';
        for (;;) {
          const p = this.next('name');
          if (this.isOp(p, ')')) break;
          if (p.kind !== 'name' && p.kind !== 'str') this.error(p.loc, `expected a section name pattern, found ${describe(p)}`);
          patterns.push(p.text);
        }
      } else {
        patterns.push(t.text);
      }
    }
    if (patterns.length === 0) this.error(fileTok.loc, 'empty input section list');
    return { kind: 'input', file: fileTok.text, excludeFiles, patterns, keep, sort, loc: fileTok.loc };
  }

  // ---- expressions (C precedence, as GNU ld) ------------------------------------------------------

  expr(): Expr {
    const c = this.binary(0);
    const q = this.peek();
    if (this.isOp(q, '?')) {
      this.next();
      const t = this.expr();
      this.expect(':', 'in a ?: expression');
      const f = this.expr();
      return { kind: 'cond', c, t, f, loc: q.loc };
    }
    return c;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !Parser.LEVELS[level]!.includes(t.text)) return l;
      this.next();
      const r = this.binary(level + 1);
      l = { kind: 'binary', op: t.text, l, r, loc: t.loc };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+')) {
      this.next();
      return { kind: 'unary', op: t.text, e: this.unary(), loc: t.loc };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    if (this.isOp(t, '(')) {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.kind === 'num') return { kind: 'num', value: this.number(t), loc: t.loc };
    if (t.kind === 'str') return { kind: 'sym', name: t.text, loc: t.loc };
    if (t.kind === 'name') {
      if (t.text === '.') return { kind: 'dot', loc: t.loc };
      if (this.isOp(this.peek(), '(')) return this.call(t);
      if (t.text === 'SIZEOF_HEADERS' || t.text === 'sizeof_headers') return { kind: 'call', fn: 'SIZEOF_HEADERS', args: [], loc: t.loc };
      return { kind: 'sym', name: t.text, loc: t.loc };
    }
    return this.error(t.loc, `expected an expression, found ${describe(t)}`);
  }

  private call(fnTok: Token): Expr {
    const fn = fnTok.text;
    this.expect('(');
    const sectionArg = ['ADDR', 'SIZEOF', 'LOADADDR', 'ALIGNOF'];
    const symArg = ['DEFINED'];
    if (sectionArg.includes(fn) || symArg.includes(fn) || fn === 'CONSTANT') {
      const n = this.nameToken(sectionArg.includes(fn) ? 'name' : 'expr', sectionArg.includes(fn) ? 'a section name' : 'a name');
      this.expect(')', `to close ${fn}(`);
      if (fn === 'CONSTANT' && n.text !== 'MAXPAGESIZE' && n.text !== 'COMMONPAGESIZE') this.error(n.loc, `unknown CONSTANT(${n.text})`);
      return { kind: 'call', fn, args: [], name: n.text, loc: fnTok.loc };
    }
    const arity: Readonly<Record<string, readonly number[]>> = {
      ALIGN: [1, 2], ABSOLUTE: [1], MAX: [2], MIN: [2], NEXT: [1], LOG2CEIL: [1], DATA_SEGMENT_END: [1],
      DATA_SEGMENT_ALIGN: [2], DATA_SEGMENT_RELRO_END: [2],
    };
    const allowed = arity[fn];
    if (!allowed) this.error(fnTok.loc, `unknown function ${fn}()`);
    const args: Expr[] = [];
    if (!this.isOp(this.peek(), ')')) {
      args.push(this.expr());
      while (this.accept(',')) args.push(this.expr());
    }
    this.expect(')', `to close ${fn}(`);
    if (!allowed.includes(args.length)) this.error(fnTok.loc, `${fn}() takes ${allowed.join(' or ')} argument(s), got ${args.length}`);
    return { kind: 'call', fn, args, loc: fnTok.loc };
  }

  /** GNU ld numbers: 0x.., 0.., decimal, with an optional K or M suffix (and $/h/o/b radix suffixes). */
  private number(t: Token): bigint {
    let s = t.text;
    let mult = 1n;
    if (/^[0-9][0-9A-Fa-fxX]*[KM]$/.test(s) && !/^0[xX][0-9A-Fa-f]*$/.test(s)) {
      mult = s.endsWith('K') ? 1024n : 1024n * 1024n;
      s = s.slice(0, -1);
    }
    let v: bigint | undefined;
    if (/^0[xX][0-9A-Fa-f]+$/.test(s)) v = BigInt(s);
    else if (/^[0-9A-Fa-f]+[hH]$/.test(s)) v = BigInt(`0x${s.slice(0, -1)}`);
    else if (/^[0-7]+[oO]$/.test(s)) v = BigInt(`0o${s.slice(0, -1)}`);
    else if (/^0[0-7]+$/.test(s)) v = BigInt(`0o${s.slice(1)}`);
    else if (/^[0-9]+$/.test(s)) v = BigInt(s);
    if (v === undefined) this.error(t.loc, `bad number '${t.text}'`);
    return v * mult;
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  if (t.kind === 'str') return `"${t.text}"`;
  return `'${t.text}'`;
}
