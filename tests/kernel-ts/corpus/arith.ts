// Differential corpus: arithmetic at the 64-bit edges, unsigned and signed forms, folding.
import { type u64, wrap, slt, sdiv, srem, sra, sext32 } from '../../../kernel-ts/runtime/intrinsics.js';
import { PAGE_MASK, PAGE_SIZE, hash2, page_round_up } from './lib.js';

const MAX = (1n << 64n) - 1n;
const HIGH = 1n << 63n;
const FOLDED = (MAX >> 1n) + (HIGH ^ 0x1234n) - 0x1234n * 2n;

export function add(a: u64, b: u64): u64 { return wrap(a + b); }
export function sub(a: u64, b: u64): u64 { return wrap(a - b); }
export function mul(a: u64, b: u64): u64 { return wrap(a * b); }
export function divu(a: u64, b: u64): u64 { return b === 0n ? MAX : a / b; }
export function remu(a: u64, b: u64): u64 { return b === 0n ? a : a % b; }
export function bits(a: u64, b: u64): u64 { return (a & b) ^ (a | 0xf0f0n) ^ (b & 0x7ffn) ^ (a ^ 0x800n); }
export function neg(a: u64): u64 { return wrap(-a); }
export function not(a: u64): u64 { return wrap(~a); }
export function lnot(a: u64): boolean { return !a; }
export function shl(a: u64, b: u64): u64 { return wrap(a << (b & 63n)); }
export function shr(a: u64, b: u64): u64 { return a >> (b & 63n); }
export function shifts_const(a: u64): u64 { return wrap((a << 3n) ^ (a >> 60n) ^ (a << 63n) ^ (a >> 1n)); }
export function ltu(a: u64, b: u64): boolean { return a < b; }
export function leu(a: u64, b: u64): boolean { return a <= b; }
export function gtu(a: u64, b: u64): boolean { return a > b; }
export function geu(a: u64, b: u64): boolean { return a >= b; }
export function eq(a: u64, b: u64): boolean { return a === b; }
export function ne(a: u64, b: u64): boolean { return a !== b; }
export function cmp_consts(a: u64): u64 {
  let r = 0n;
  if (a < 2048n) r |= 1n;
  if (a >= 0xfffn) r |= 2n;
  if (a > MAX - 1n) r |= 4n;
  if (a <= HIGH) r |= 8n;
  if (a === 0n) r |= 16n;
  if (a !== 0n) r |= 32n;
  if (a == HIGH) r |= 64n;
  return r;
}
export function signed_ops(a: u64, b: u64): u64 {
  const lt = slt(a, b) ? 1n : 0n;
  return wrap(sdiv(a, b) * 3n + srem(a, b) * 5n + sra(a, b & 63n) + (sra(a, 17n) ^ sext32(a + b)) + lt);
}
export function sdiv_(a: u64, b: u64): u64 { return sdiv(a, b); }
export function srem_(a: u64, b: u64): u64 { return srem(a, b); }
export function slt_branch(a: u64, b: u64): u64 { if (slt(a, b)) return 1n; else return 2n; }
export function folded(): u64 { return FOLDED + PAGE_SIZE; }
export function big_consts(a: u64): u64 { return wrap(a * 0x123456789abcdef1n + 0xfedcba9876543210n) ^ 0x80000000n ^ 0xffffffff80000000n; }
export function imm_edges(a: u64): u64 {
  return wrap(((a + 2047n) ^ (a - 2048n) ^ (a + 2048n) ^ (a & -2048n) ^ (a | 2047n) ^ (a - 2049n)) & MAX);
}
export function compound(a: u64, b: u64): u64 {
  let x = a;
  x = wrap(x + b); x = wrap(x * 7n); x = wrap(x - a);
  x ^= b; x |= 0x100n; x &= ~0xfn;
  x = wrap(x << 3n); x >>= 1n;
  x += 0n; x = wrap(x);
  x %= (b | 1n); x /= 1n;
  return x;
}
export function incdec(a: u64): u64 {
  let i = a;
  const before = i++;
  const pre = ++i;
  let j = wrap(i);
  j--;
  --j;
  return wrap(before * 3n + pre * 5n + j);
}
export function deep(a: u64, b: u64, c: u64, d: u64): u64 {
  return wrap(a + (b * (c - (d ^ (a + (b | (c & (d + 1n))))))));
}
export function many_args(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64): u64 {
  return wrap(a + 2n * b + 3n * c + 4n * d + 5n * e + 6n * f + 7n * g + 8n * h);
}
export function call_many(a: u64, b: u64): u64 {
  return many_args(a, b, wrap(a + b), wrap(a * b), a ^ b, a & b, a | b, 42n);
}
export function nested_calls(a: u64, b: u64): u64 {
  return wrap(add(a, mul(b, 3n)) + sub(add(a, 1n), hash2(a, b)) * many_args(a, 1n, 2n, add(b, b), 4n, 5n, 6n, 7n));
}
export function pages(a: u64): u64 { return wrap(page_round_up(a) + (a & PAGE_MASK)); }
export function bool_values(a: u64, b: u64): u64 {
  const x = a < b;
  const y = !x;
  const z = (a & 1n) === 1n;
  return (x ? 1n : 0n) + (y ? 2n : 0n) + (z === x ? 4n : 0n);
}
