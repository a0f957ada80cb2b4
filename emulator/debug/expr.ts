// Expressions for `p`, `set`, `x`, `b *EXPR`, `walk`: C's operators on 64-bit unsigned values,
// numbers (decimal, 0x, 0b, 0o), registers and CSRs as `$a0`, `$pc`, `$satp`, `$priv`, ELF symbols
// (their address), `'c'`, and memory through `*(u64*)ADDR`, `{u32}ADDR` or `*ADDR` (8 bytes).
// Assignment `LHS = EXPR` to a register or a memory cell. Errors are one line (EvalError).

export class EvalError extends Error {}

export type ValueKind = 'int' | 'code' | 'data';

export interface Value {
  readonly v: bigint;
  /** What the value is, for printing: a plain integer, or an address in code/data. */
  readonly kind: ValueKind;
}

export type LValue = { kind: 'reg'; name: string } | { kind: 'mem'; addr: bigint; size: number };

export interface EvalContext {
  /** A register by name (no $), or undefined if there is none. */
  reg(name: string): Value | undefined;
  setReg(name: string, v: bigint): void;
  sym(name: string): bigint | undefined;
  /** Reads `size` bytes (throws EvalError when unreadable). */
  read(addr: bigint, size: number): bigint;
  write(addr: bigint, size: number, v: bigint): void;
}

const M64 = (1n << 64n) - 1n;

const TYPES: Record<string, number> = {
  u8: 1, u16: 2, u32: 4, u64: 8, i8: 1, i16: 2, i32: 4, i64: 8, char: 1, short: 2, int: 4, long: 8,
  uint8_t: 1, uint16_t: 2, uint32_t: 4, uint64_t: 8, int8_t: 1, int16_t: 2, int32_t: 4, int64_t: 8,
  'unsigned char': 1, 'unsigned short': 2, 'unsigned int': 4, 'unsigned long': 8, pte_t: 8,
};

type Tok = { t: 'num'; v: bigint } | { t: 'id'; v: string } | { t: 'reg'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    let m: RegExpExecArray | null;
    const rest = src.slice(i);
    if ((m = /^(0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*)/i.exec(rest))) {
      const s = m[1]!.replace(/_/g, '');
      const v = /^0[0-7]+$/.test(s) && s.length > 1 ? BigInt('0o' + s.slice(1)) : BigInt(s);
      if (v >= 1n << 64n) throw new EvalError('Numeric constant too large.');
      out.push({ t: 'num', v }); i += m[1]!.length;
      if (/^[a-z_$]/i.test(src.slice(i))) throw new EvalError(`Invalid number "${m[1]}${/^[\w$]*/.exec(src.slice(i))![0]}".`);
      continue;
    }
    if ((m = /^'(\\?.)'/.exec(rest))) {
      const ch = m[1]!.length === 2 ? ({ n: '\n', t: '\t', r: '\r', 0: '\0', '\\': '\\', "'": "'" } as Record<string, string>)[m[1]![1]!] ?? m[1]![1]! : m[1]!;
      out.push({ t: 'num', v: BigInt(ch.charCodeAt(0)) }); i += m[0].length; continue;
    }
    if ((m = /^\$([a-z_][\w]*)/i.exec(rest))) { out.push({ t: 'reg', v: m[1]!.toLowerCase() }); i += m[0].length; continue; }
    if ((m = /^[a-z_.][\w.$]*/i.exec(rest))) { out.push({ t: 'id', v: m[0] }); i += m[0].length; continue; }
    if ((m = /^(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>(){}=])/.exec(rest))) { out.push({ t: 'op', v: m[1]! }); i += m[1]!.length; continue; }
    throw new EvalError(`Invalid character '${c}' in expression.`);
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly ctx: EvalContext, private readonly src: string) {}

  private peek(): Tok | undefined { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.peek(); return t?.t === 'op' && t.v === v; }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new EvalError(`A syntax error in expression, near \`${this.restText()}'.`);
    this.i++;
  }
  private restText(): string {
    return this.toks.slice(this.i).map((t) => (t.t === 'num' ? t.v.toString() : t.t === 'reg' ? '$' + t.v : t.v)).join(' ');
  }
  atEnd(): boolean { return this.i >= this.toks.length; }

  /** Top level: an assignment or an expression. */
  top(): Value {
    const start = this.i;
    const lv = this.tryLValue();
    if (lv && this.isOp('=')) {
      this.i++;
      const rhs = this.binary(0);
      this.assign(lv, rhs.v);
      return rhs;
    }
    this.i = start;
    return this.binary(0);
  }

  private assign(lv: LValue, v: bigint): void {
    if (lv.kind === 'reg') this.ctx.setReg(lv.name, v);
    else this.ctx.write(lv.addr, lv.size, v & ((1n << BigInt(8 * lv.size)) - 1n));
  }

  /** A register or a dereference, if the tokens here start one. */
  private tryLValue(): LValue | undefined {
    const t = this.peek();
    if (t?.t === 'reg') { this.i++; return { kind: 'reg', name: t.v }; }
    if (t?.t === 'op' && (t.v === '*' || t.v === '{')) {
      try { return this.deref(); } catch { return undefined; }
    }
    return undefined;
  }

  /** `*(T*)E`, `*E`, `{T}E` → the memory cell. */
  private deref(): LValue {
    if (this.isOp('{')) {
      this.i++;
      const size = this.typeName();
      this.expect('}');
      return { kind: 'mem', addr: this.unary().v, size };
    }
    this.expect('*');
    let size = 8;
    const save = this.i;
    if (this.isOp('(')) {
      this.i++;
      const t = this.peek();
      if (t?.t === 'id' && (TYPES[t.v] !== undefined || t.v === 'unsigned')) {
        size = this.typeName();
        this.expect('*');
        this.expect(')');
      } else this.i = save;
    }
    return { kind: 'mem', addr: this.unary().v, size };
  }

  private typeName(): number {
    let name = '';
    while (this.peek()?.t === 'id') name += (name ? ' ' : '') + (this.toks[this.i++] as { v: string }).v;
    const size = TYPES[name];
    if (size === undefined) throw new EvalError(`No symbol "${name}" in current context.`);
    return size;
  }

  binary(minPrec: number): Value {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t?.t !== 'op') break;
      const prec = BINARY[t.v];
      if (prec === undefined || prec <= minPrec) break;
      this.i++;
      const right = this.binary(prec);
      left = apply(t.v, left, right);
    }
    return left;
  }

  private unary(): Value {
    const t = this.peek();
    if (!t) throw new EvalError(`A syntax error in expression, near \`'.`);
    if (t.t === 'op') {
      switch (t.v) {
        case '-': this.i++; return { v: (-this.unary().v) & M64, kind: 'int' };
        case '+': this.i++; return this.unary();
        case '~': this.i++; return { v: ~this.unary().v & M64, kind: 'int' };
        case '!': this.i++; return { v: this.unary().v === 0n ? 1n : 0n, kind: 'int' };
        case '&': { this.i++; const v = this.unary(); return { v: v.v, kind: v.kind === 'int' ? 'data' : v.kind }; }
        case '*': case '{': {
          const lv = this.deref() as { addr: bigint; size: number };
          return { v: this.ctx.read(lv.addr, lv.size), kind: 'int' };
        }
        case '(': {
          this.i++;
          // A cast to an integer type: (u32) E
          const n = this.peek();
          if (n?.t === 'id' && TYPES[n.v] !== undefined && this.toks[this.i + 1]?.t === 'op' && (this.toks[this.i + 1] as { v: string }).v === ')') {
            const size = this.typeName();
            this.expect(')');
            const v = this.unary().v;
            return { v: size === 8 ? v : v & ((1n << BigInt(8 * size)) - 1n), kind: 'int' };
          }
          const v = this.binary(0);
          this.expect(')');
          return v;
        }
      }
      throw new EvalError(`A syntax error in expression, near \`${this.restText()}'.`);
    }
    this.i++;
    if (t.t === 'num') return { v: t.v & M64, kind: 'int' };
    if (t.t === 'reg') {
      const r = this.ctx.reg(t.v);
      if (!r) throw new EvalError(`Invalid register \`$${t.v}'.`);
      return r;
    }
    const a = this.ctx.sym(t.v);
    if (a === undefined) throw new EvalError(`No symbol "${t.v}" in current context.`);
    return { v: a, kind: 'data' };
  }
}

function apply(op: string, a: Value, b: Value): Value {
  const x = a.v, y = b.v;
  const kind: ValueKind = (op === '+' || op === '-') && a.kind !== 'int' ? a.kind : 'int';
  const bool = (c: boolean): Value => ({ v: c ? 1n : 0n, kind: 'int' });
  switch (op) {
    case '+': return { v: (x + y) & M64, kind };
    case '-': return { v: (x - y) & M64, kind };
    case '*': return { v: (x * y) & M64, kind };
    case '/': if (y === 0n) throw new EvalError('Division by zero'); return { v: x / y, kind };
    case '%': if (y === 0n) throw new EvalError('Division by zero'); return { v: x % y, kind };
    case '<<': return { v: y >= 64n ? 0n : (x << y) & M64, kind };
    case '>>': return { v: y >= 64n ? 0n : x >> y, kind };
    case '&': return { v: x & y, kind };
    case '|': return { v: x | y, kind };
    case '^': return { v: x ^ y, kind };
    case '==': return bool(x === y);
    case '!=': return bool(x !== y);
    case '<': return bool(x < y);
    case '>': return bool(x > y);
    case '<=': return bool(x <= y);
    case '>=': return bool(x >= y);
    case '&&': return bool(x !== 0n && y !== 0n);
    case '||': return bool(x !== 0n || y !== 0n);
  }
  throw new EvalError(`unknown operator ${op}`);
}

/** Evaluates an expression (or assignment). Throws EvalError with GDB's words. */
export function evaluate(src: string, ctx: EvalContext): Value {
  if (src.trim() === '') throw new EvalError('Argument required (expression to compute).');
  const p = new Parser(tokenize(src), ctx, src);
  const v = p.top();
  if (!p.atEnd()) throw new EvalError(`A syntax error in expression, near \`${src}'.`);
  return v;
}
