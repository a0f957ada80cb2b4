// Layout: runs a parsed linker script over the input sections. It assigns each input section to the
// first output section whose pattern matches (script order, as GNU ld does), places orphans after
// output sections of the same kind, then evaluates SECTIONS with the location counter `.`.
//
// Expressions may refer forward (`_end` before .bss is laid out, ADDR of a later section), so the
// layout is repeated until addresses stop changing, using the previous pass's values for forward
// references; a last strict pass then reports anything still undefined or invalid.

import { MAX_SECTION_BYTES, ToolError, type SourceLoc } from '../object.js';
import { EHDR_SIZE, PHDR_SIZE } from '../elf/consts.js';
import { formatLoc, type InputSection, type OutputSection } from './inputs.js';
import type { Assignment, AssertStmt, Expr, InputSpec, LinkerScript, OutputSectionStmt, SectionsStmt } from './script.js';

export interface ScriptSymbol {
  value: bigint;
  /** Output section the value lies in (for the symbol table), or null for an absolute value. */
  section: OutputSection | null;
  readonly hidden: boolean;
  /** Assigned a plain number (an absolute symbol, SHN_ABS). */
  readonly constant: boolean;
  readonly loc: SourceLoc;
}

export interface LayoutResult {
  /** Output sections in script order (empty ones dropped, as GNU ld drops them). */
  readonly outputs: readonly OutputSection[];
  readonly scriptSymbols: ReadonlyMap<string, ScriptSymbol>;
}

export interface LayoutEnv {
  /** Address of a symbol an object defines globally (current layout), or undefined. */
  objectSymbol(name: string): bigint | undefined;
  /** Symbols some object references without defining (PROVIDE defines only those). */
  readonly referenced: ReadonlySet<string>;
}

const MASK64 = (1n << 64n) - 1n;
const PAGE = 0x1000n;
const u64 = (v: bigint) => v & MASK64;
const toSigned = (v: bigint) => BigInt.asIntN(64, v);

class Deferred extends Error {}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

type Kind = 'text' | 'rodata' | 'data' | 'bss';
function kindOf(sec: { type: string; flags: { write: boolean; exec: boolean } }): Kind {
  return sec.flags.exec ? 'text' : !sec.flags.write ? 'rodata' : sec.type === 'nobits' ? 'bss' : 'data';
}

export function layout(script: LinkerScript, inputs: readonly InputSection[], env: LayoutEnv): LayoutResult {
  return new Layout(script, inputs, env).run();
}

class Layout {
  private readonly placement = new Map<InputSpec, InputSection[]>();
  private readonly statements: SectionsStmt[];
  private readonly outputsByStmt = new Map<OutputSectionStmt, OutputSection>();
  private readonly outputsByName = new Map<string, OutputSection>();
  private readonly symbols = new Map<string, ScriptSymbol>();
  private readonly exprRefs = new Set<string>();
  private definedThisPass = new Set<string>();
  private strict = false;
  private dot = 0n;
  private current: OutputSection | null = null;
  private loadSegments = 3;
  private readonly keep = new Set<OutputSection>();

  constructor(private readonly script: LinkerScript, private readonly inputs: readonly InputSection[], private readonly env: LayoutEnv) {
    this.statements = [...(script.sections ?? [])];
    this.assignInputs();
    const walk = (e: Expr): void => {
      if (e.kind === 'sym') this.exprRefs.add(e.name);
      else if (e.kind === 'unary') walk(e.e);
      else if (e.kind === 'binary') { walk(e.l); walk(e.r); }
      else if (e.kind === 'cond') { walk(e.c); walk(e.t); walk(e.f); }
      else if (e.kind === 'call') { e.args.forEach(walk); if (e.fn === 'DEFINED' && e.name) this.exprRefs.add(e.name); }
    };
    const visit = (s: SectionsStmt | Assignment | AssertStmt | OutputSectionStmt['body'][number]): void => {
      if (s.kind === 'assign' || s.kind === 'assert' || s.kind === 'data') walk(s.expr);
      else if (s.kind === 'output') {
        s.body.forEach(visit);
        if (s.address) walk(s.address);
        if (s.align) walk(s.align);
      }
    };
    this.statements.forEach(visit);
    script.globals.forEach(visit);
  }

  private error(loc: SourceLoc, message: string): never {
    throw new ToolError(formatLoc(loc), message);
  }

  // ---- input section assignment (once) ------------------------------------------------------------

  private assignInputs(): void {
    const taken = new Set<InputSection>();
    const names = new Set<string>();
    for (const stmt of this.statements) {
      if (stmt.kind !== 'output') continue;
      if (stmt.name !== '/DISCARD/') {
        if (names.has(stmt.name)) this.error(stmt.loc, `output section '${stmt.name}' is defined twice`);
        names.add(stmt.name);
      }
      for (const item of stmt.body) {
        if (item.kind !== 'input') continue;
        const secRes = item.patterns.map(globToRegExp);
        const fileRe = globToRegExp(item.file);
        const exclude = item.excludeFiles.map(globToRegExp);
        const fileMatches = (f: string) => {
          const base = f.replace(/^.*\//, '');
          return fileRe.test(f) || fileRe.test(base);
        };
        let matched = this.inputs.filter((inp) => !taken.has(inp) && fileMatches(inp.obj.file)
          && !exclude.some((x) => x.test(inp.obj.file) || x.test(inp.obj.file.replace(/^.*\//, '')))
          && secRes.some((re) => re.test(inp.sec.name)));
        if (item.sort) matched = [...matched].sort((a, b) => (a.sec.name < b.sec.name ? -1 : a.sec.name > b.sec.name ? 1 : 0));
        for (const inp of matched) {
          taken.add(inp);
          if (stmt.name === '/DISCARD/') inp.discarded = true;
        }
        this.placement.set(item, matched);
      }
    }
    // Orphans: GNU ld places an unmatched section after the output sections of the same kind, into
    // an output section of its own name.
    for (const inp of this.inputs) {
      if (taken.has(inp)) continue;
      const existing = this.statements.find((s): s is OutputSectionStmt => s.kind === 'output' && s.name === inp.sec.name);
      const lastSpec = existing?.body.filter((b): b is InputSpec => b.kind === 'input').pop();
      if (lastSpec) {
        // A section named like an existing output section joins it.
        this.placement.get(lastSpec)!.push(inp);
        taken.add(inp);
        continue;
      }
      const loc: SourceLoc = { file: this.script.file, line: 0, col: 0 };
      const spec: InputSpec = { kind: 'input', file: '*', excludeFiles: [], patterns: [inp.sec.name], keep: false, sort: false, loc };
      const stmt: OutputSectionStmt = { kind: 'output', name: inp.sec.name, noload: false, body: [spec], loc };
      this.placement.set(spec, [inp]);
      taken.add(inp);
      const kind = kindOf(inp.sec);
      let at = -1;
      this.statements.forEach((s, i) => {
        if (s.kind !== 'output' || s.name === '/DISCARD/') return;
        const first = s.body.flatMap((b) => (b.kind === 'input' ? this.placement.get(b) ?? [] : []))[0];
        if (first && kindOf(first.sec) === kind) at = i;
      });
      if (at < 0) {
        // No section of its kind: before the first section of a later kind, else at the end.
        const order: Kind[] = ['text', 'rodata', 'data', 'bss'];
        at = this.statements.length - 1;
        for (let i = 0; i < this.statements.length; i++) {
          const s = this.statements[i]!;
          if (s.kind !== 'output') continue;
          const first = s.body.flatMap((b) => (b.kind === 'input' ? this.placement.get(b) ?? [] : []))[0];
          if (first && order.indexOf(kindOf(first.sec)) > order.indexOf(kind)) { at = i - 1; break; }
        }
      }
      this.statements.splice(at + 1, 0, stmt);
    }
  }

  // ---- passes ---------------------------------------------------------------------------------------

  run(): LayoutResult {
    let last = '';
    for (let i = 0; i < 10; i++) {
      this.pass();
      const sig = this.signature();
      if (sig === last) break;
      last = sig;
    }
    this.strict = true;
    this.pass();
    const outputs = this.statements
      .filter((s): s is OutputSectionStmt => s.kind === 'output' && s.name !== '/DISCARD/')
      .map((s) => this.outputsByStmt.get(s)!)
      // GNU ld drops an output section with no contents unless it holds a symbol assignment.
      .filter((o) => o.size > 0 || o.inputs.length > 0 || o.data.length > 0 || this.keep.has(o));
    return { outputs, scriptSymbols: this.symbols };
  }

  private signature(): string {
    const parts: string[] = [];
    for (const o of this.outputsByStmt.values()) parts.push(`${o.name}@${o.addr}+${o.size}`);
    for (const [n, s] of this.symbols) parts.push(`${n}=${s.value}`);
    for (const inp of this.inputs) parts.push(String(inp.addr));
    return parts.join(',');
  }

  private pass(): void {
    this.dot = 0n;
    this.current = null;
    this.definedThisPass = new Set();
    const before = this.script.globals.slice(0, this.script.globalsBeforeSections);
    const after = this.script.globals.slice(this.script.globalsBeforeSections);
    for (const g of before) this.guard(() => this.topLevel(g));
    for (const s of this.statements) this.guard(() => this.topLevel(s));
    for (const g of after) this.guard(() => this.topLevel(g));
  }

  /** Non-strict passes skip what cannot be evaluated yet; the strict pass reports it. */
  private guard(f: () => void): void {
    if (this.strict) { f(); return; }
    try { f(); } catch (e) { if (!(e instanceof Deferred) && !(e instanceof ToolError)) throw e; }
  }

  private topLevel(s: SectionsStmt): void {
    if (s.kind === 'assign') this.assign(s);
    else if (s.kind === 'assert') this.assert(s);
    else this.outputSection(s);
  }

  private assert(s: AssertStmt): void {
    if (this.strict && this.eval(s.expr) === 0n) this.error(s.loc, `assertion failed: ${s.message}`);
  }

  private assign(a: Assignment): void {
    if (a.provide && (this.env.objectSymbol(a.target) !== undefined || !(this.env.referenced.has(a.target) || this.exprRefs.has(a.target)))) {
      return;
    }
    let value = this.eval(a.expr);
    if (a.target === '.') {
      // Inside an output section a plain number is an offset from the section's start (GNU ld).
      if (this.current && a.op === '=' && isConstant(a.expr)) value = this.current.addr + value;
      value = this.compound(a, this.dot, value);
      if (this.current && value < this.dot) {
        this.error(a.loc, `cannot move location counter backwards (from 0x${this.dot.toString(16)} to 0x${value.toString(16)})`);
      }
      this.dot = value;
      return;
    }
    const old = this.symbols.get(a.target);
    if (a.op !== '=' && !this.definedThisPass.has(a.target) && this.env.objectSymbol(a.target) === undefined) {
      if (this.strict) this.error(a.loc, `'${a.target}' is used by '${a.op}' before it is assigned`);
      throw new Deferred();
    }
    const base = old?.value ?? this.env.objectSymbol(a.target) ?? 0n;
    value = this.compound(a, base, value);
    this.symbols.set(a.target, { value, section: isConstant(a.expr) ? null : this.current, hidden: a.hidden, constant: isConstant(a.expr), loc: a.loc });
    this.definedThisPass.add(a.target);
  }

  private compound(a: Assignment, base: bigint, v: bigint): bigint {
    switch (a.op) {
      case '=': return u64(v);
      case '+=': return u64(base + v);
      case '-=': return u64(base - v);
      case '*=': return u64(base * v);
      case '/=': if (v === 0n) this.error(a.loc, 'division by zero'); return base / v;
      case '<<=': return u64(base << (v & 63n));
      case '>>=': return base >> (v & 63n);
      case '&=': return base & v;
      case '|=': return base | v;
      default: return this.error(a.loc, `unknown operator ${a.op}`);
    }
  }

  private outputSection(s: OutputSectionStmt): void {
    if (s.name === '/DISCARD/') return;
    // Load addresses differing from run addresses would need paddr ≠ vaddr: refuse rather than ignore.
    if (s.lma) this.error(s.loc, `AT(...) load addresses are not supported (output section '${s.name}')`);
    let out = this.outputsByStmt.get(s);
    if (!out) {
      out = { name: s.name, addr: 0n, size: 0, align: 1, inputs: [], data: [], write: false, exec: false, nobits: true, loc: s.loc };
      this.outputsByStmt.set(s, out);
      this.outputsByName.set(s.name, out);
    }
    const placed = s.body.flatMap((b) => (b.kind === 'input' ? this.placement.get(b) ?? [] : []));
    let align = 1;
    for (const inp of placed) align = Math.max(align, inp.sec.align);
    if (s.align) align = Math.max(align, Number(this.eval(s.align)));
    const start = s.address ? this.eval(s.address) : alignUp(this.dot, BigInt(align), s.loc, this);
    out.addr = start;
    out.align = align;
    out.inputs.length = 0;
    out.data.length = 0;
    out.write = placed.some((p) => p.sec.flags.write);
    out.exec = placed.some((p) => p.sec.flags.exec);
    out.nobits = s.noload || placed.every((p) => p.sec.type === 'nobits');
    if (placed.length === 0) out.write = true;
    this.dot = start;
    this.current = out;
    // Checked after every piece: alignUp wraps modulo 2^64, so a later piece would hide the overflow.
    const checkWrap = (): void => {
      if (this.dot > MASK64 + 1n || this.dot < start) {
        this.error(s.loc, `section ${s.name} at 0x${start.toString(16)} wraps around the end of the 64-bit address space`);
      }
    };
    try {
      for (const item of s.body) {
        if (item.kind === 'input') {
          for (const inp of this.placement.get(item) ?? []) {
            this.dot = alignUp(this.dot, BigInt(inp.sec.align), item.loc, this);
            checkWrap();
            inp.addr = this.dot;
            inp.out = out;
            out.inputs.push(inp);
            this.dot += BigInt(inp.sec.size);
            checkWrap();
          }
        } else if (item.kind === 'assign') {
          if (item.target !== '.') this.keep.add(out);
          this.assign(item);
        } else if (item.kind === 'assert') {
          this.assert(item);
        } else {
          out.data.push({ offset: Number(this.dot - start), size: item.size, value: this.guardValue(item.expr) });
          out.nobits = false;
          this.dot += BigInt(item.size);
          checkWrap();
        }
      }
    } finally {
      this.current = null;
    }
    const end = this.dot;
    if (!out.nobits && end - start > BigInt(MAX_SECTION_BYTES)) {
      this.error(s.loc, `section ${s.name} [0x${start.toString(16)}..0x${end.toString(16)}) would be ${end - start} bytes, more than rvhart's limit of ${MAX_SECTION_BYTES} (use NOLOAD or .bss for large reservations)`);
    }
    out.size = Number(end - start);
  }

  private guardValue(e: Expr): bigint {
    if (this.strict) return this.eval(e);
    try { return this.eval(e); } catch { return 0n; }
  }

  // ---- expressions ---------------------------------------------------------------------------------

  private lookup(name: string, loc: SourceLoc): bigint {
    const s = this.symbols.get(name);
    if (s) return s.value;
    const o = this.env.objectSymbol(name);
    if (o !== undefined) return o;
    if (this.strict) this.error(loc, `undefined symbol '${name}' referenced in expression`);
    throw new Deferred();
  }

  private section(name: string, loc: SourceLoc): OutputSection {
    const o = this.outputsByName.get(name);
    if (!o) this.error(loc, `undefined section '${name}' referenced in expression`);
    return o;
  }

  eval(e: Expr): bigint {
    switch (e.kind) {
      case 'num': return u64(e.value);
      case 'dot': return this.dot;
      case 'sym': return this.lookup(e.name, e.loc);
      case 'unary': {
        const v = this.eval(e.e);
        return e.op === '-' ? u64(-v) : e.op === '~' ? u64(~v) : e.op === '!' ? (v === 0n ? 1n : 0n) : v;
      }
      case 'cond': return this.eval(e.c) !== 0n ? this.eval(e.t) : this.eval(e.f);
      case 'binary': {
        if (e.op === '&&') return this.eval(e.l) !== 0n && this.eval(e.r) !== 0n ? 1n : 0n;
        if (e.op === '||') return this.eval(e.l) !== 0n || this.eval(e.r) !== 0n ? 1n : 0n;
        const l = this.eval(e.l), r = this.eval(e.r);
        switch (e.op) {
          case '+': return u64(l + r);
          case '-': return u64(l - r);
          case '*': return u64(l * r);
          case '/': if (r === 0n) this.error(e.loc, 'division by zero'); return l / r;
          case '%': if (r === 0n) this.error(e.loc, 'division by zero'); return l % r;
          case '<<': return u64(l << (r & 63n));
          case '>>': return l >> (r & 63n);
          case '&': return l & r;
          case '|': return l | r;
          case '^': return l ^ r;
          case '==': return l === r ? 1n : 0n;
          case '!=': return l !== r ? 1n : 0n;
          case '<': return toSigned(l) < toSigned(r) ? 1n : 0n;
          case '<=': return toSigned(l) <= toSigned(r) ? 1n : 0n;
          case '>': return toSigned(l) > toSigned(r) ? 1n : 0n;
          case '>=': return toSigned(l) >= toSigned(r) ? 1n : 0n;
          default: return this.error(e.loc, `unknown operator ${e.op}`);
        }
      }
      case 'call': return this.call(e);
    }
  }

  private call(e: Extract<Expr, { kind: 'call' }>): bigint {
    const arg = (i: number) => this.eval(e.args[i]!);
    switch (e.fn) {
      case 'ALIGN': case 'NEXT':
        return e.args.length === 2 ? alignUp(arg(0), arg(1), e.loc, this) : alignUp(this.dot, arg(0), e.loc, this);
      case 'ABSOLUTE': return arg(0);
      case 'MAX': { const a = arg(0), b = arg(1); return a > b ? a : b; }
      case 'MIN': { const a = arg(0), b = arg(1); return a < b ? a : b; }
      case 'LOG2CEIL': { const v = arg(0); let n = 0n; while ((1n << n) < v) n++; return n; }
      case 'ADDR': case 'LOADADDR': return this.section(e.name!, e.loc).addr;
      case 'SIZEOF': return BigInt(this.section(e.name!, e.loc).size);
      case 'ALIGNOF': return BigInt(this.section(e.name!, e.loc).align);
      case 'DEFINED': return this.definedThisPass.has(e.name!) || this.env.objectSymbol(e.name!) !== undefined ? 1n : 0n;
      case 'CONSTANT': return PAGE;
      case 'SIZEOF_HEADERS': return BigInt(EHDR_SIZE + PHDR_SIZE * (this.loadSegments + 1));
      case 'DATA_SEGMENT_ALIGN': { const max = arg(0); return alignUp(this.dot, max, e.loc, this) + (this.dot & (max - 1n)); }
      case 'DATA_SEGMENT_END': return arg(0);
      case 'DATA_SEGMENT_RELRO_END': return this.dot;
      default: return this.error(e.loc, `unknown function ${e.fn}()`);
    }
  }

  fail(loc: SourceLoc, message: string): never { return this.error(loc, message); }
}

function alignUp(v: bigint, a: bigint, loc: SourceLoc, l: Layout): bigint {
  if (a <= 0n) l.fail(loc, `alignment ${a} is not positive`);
  return u64(((v + a - 1n) / a) * a);
}

function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'num': return true;
    case 'unary': return isConstant(e.e);
    case 'binary': return isConstant(e.l) && isConstant(e.r);
    case 'cond': return isConstant(e.c) && isConstant(e.t) && isConstant(e.f);
    default: return false;
  }
}
