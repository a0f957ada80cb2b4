// Expressions: C operators on 64-bit values, registers, symbols, memory casts, assignment, errors.

import { describe, expect, it } from 'vitest';
import { evaluate, EvalError, type EvalContext } from '../../../emulator/debug/expr.js';

function ctx(): EvalContext & { regs: Map<string, bigint>; mem: Map<bigint, number> } {
  const regs = new Map<string, bigint>([['a0', 5n], ['sp', 0x8000_1000n], ['pc', 0x8020_0000n]]);
  const mem = new Map<bigint, number>();
  return {
    regs, mem,
    reg: (n) => (regs.has(n) ? { v: regs.get(n)!, kind: n === 'pc' ? 'code' : 'int' } : undefined),
    setReg: (n, v) => { regs.set(n, v); },
    sym: (n) => (n === 'idmap_pg_dir' ? 0x8020_9000n : undefined),
    read: (a, size) => { let v = 0n; for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem.get(a + BigInt(i)) ?? 0); return v; },
    write: (a, size, v) => { for (let i = 0; i < size; i++) mem.set(a + BigInt(i), Number((v >> BigInt(8 * i)) & 0xffn)); },
  };
}

describe('expressions', () => {
  it('precedence, unsigned 64-bit wrap, numbers in every base', () => {
    const c = ctx();
    expect(evaluate('1 + 2 * 3', c).v).toBe(7n);
    expect(evaluate('(1 + 2) * 3', c).v).toBe(9n);
    expect(evaluate('-1', c).v).toBe((1n << 64n) - 1n);
    expect(evaluate('0x10 | 0b1 | 0o4', c).v).toBe(0x15n);
    expect(evaluate('1 << 63 >> 62', c).v).toBe(2n);
    expect(evaluate('~0 == -1', c).v).toBe(1n);
    expect(evaluate("'A' + 1", c).v).toBe(66n);
    expect(evaluate('7 / 2 + 7 % 2', c).v).toBe(4n);
    expect(evaluate('3 > 2 && 2 > 3 || 1', c).v).toBe(1n);
  });

  it('registers, symbols and memory through casts', () => {
    const c = ctx();
    expect(evaluate('$a0 * 2', c).v).toBe(10n);
    expect(evaluate('$pc', c).kind).toBe('code');
    expect(evaluate('idmap_pg_dir + 8', c)).toEqual({ v: 0x8020_9008n, kind: 'data' });
    evaluate('*(u64*)idmap_pg_dir = 0x1122334455667788', c);
    expect(evaluate('*(u32*)(idmap_pg_dir + 4)', c).v).toBe(0x11223344n);
    expect(evaluate('{u16}idmap_pg_dir', c).v).toBe(0x7788n);
    expect(evaluate('*idmap_pg_dir', c).v).toBe(0x1122334455667788n);
    expect(evaluate('(u8) 0x1234', c).v).toBe(0x34n);
    evaluate('$a1 = $a0 + 1', c);
    expect(c.regs.get('a1')).toBe(6n);
  });

  it('errors are one line in GDB\'s words', () => {
    const c = ctx();
    expect(() => evaluate('nosuch', c)).toThrow(new EvalError('No symbol "nosuch" in current context.'));
    expect(() => evaluate('$nosuch', c)).toThrow(new EvalError("Invalid register `$nosuch'."));
    expect(() => evaluate('1 / 0', c)).toThrow(new EvalError('Division by zero'));
    expect(() => evaluate('1 +', c)).toThrow(EvalError);
    expect(() => evaluate('12abc', c)).toThrow(new EvalError('Invalid number "12abc".'));
    expect(() => evaluate('', c)).toThrow(new EvalError('Argument required (expression to compute).'));
    expect(() => evaluate('1 @ 2', c)).toThrow(new EvalError("Invalid character '@' in expression."));
  });
});
