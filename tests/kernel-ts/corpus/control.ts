// Differential corpus: control flow, short-circuit, recursion, function values, switch, labels.
import { type u64, wrap } from '../../../kernel-ts/runtime/intrinsics.js';
import { bump, lib_counter } from './lib.js';

let side: u64 = 0n;
function touch(v: u64): u64 { side = wrap(side * 31n + v + 1n); return v; }

/** && and || evaluate the right side only when needed, and give JavaScript's values. */
export function short_circuit(a: u64, b: u64): u64 {
  side = 0n;
  let r = 0n;
  if (touch(a & 1n) !== 0n && touch(b & 1n) !== 0n) r |= 1n;
  if (touch(a & 2n) !== 0n || touch(b & 2n) !== 0n) r |= 2n;
  if (!(touch(a & 4n) !== 0n && touch(b & 4n) !== 0n) || touch(a & 8n) === 0n) r |= 4n;
  const v = touch(a & 16n) || touch(b & 0xffn);
  const w = touch(a & 32n) && touch(b >> 56n);
  return wrap(r + side * 8n + v * 1000n + w * 7n);
}
export function ternary(a: u64, b: u64): u64 { return a < b ? (a === 0n ? 1n : a) : b > 5n ? wrap(b - 5n) : 77n; }

export function ifelse(a: u64): u64 {
  if (a < 10n) return 1n;
  else if (a < 1000n) return 2n;
  else if (a >= 0x8000000000000000n) { if (a === 0xffffffffffffffffn) return 3n; return 4n; }
  return 5n;
}

export function collatz(n: u64): u64 {
  let x = (n & 0xffffn) + 1n;
  let steps = 0n;
  while (x !== 1n) {
    if ((x & 1n) === 0n) x >>= 1n; else x = 3n * x + 1n;
    steps++;
  }
  return steps;
}

export function loops(a: u64, b: u64): u64 {
  let acc = 0n;
  const n = a & 31n, m = b & 15n;
  outer: for (let i = 0n; i < n; i++) {
    if (i === 3n) continue;
    let j = 0n;
    do {
      j++;
      if (j === 5n) continue;
      if (i * j > 40n) continue outer;
      if (i + j === 30n) break outer;
      acc = wrap(acc * 3n + i * j);
    } while (j < m);
    for (;;) { acc++; if ((acc & 3n) !== 0n) break; }
  }
  let k = 0n;
  while (true) { k++; if (k > m) break; acc ^= k << 20n; }
  return acc;
}

export function sw(a: u64): u64 {
  let r = 0n;
  for (let i = 0n; i < 4n; i++) {
    switch ((a >> (i * 8n)) & 7n) {
      case 0n: r += 1n; break;
      case 1n:
      case 2n: r += 10n; break;
      case 5n: r += 100n; continue;
      case 0x7n: r += 1000n; break;
      default: r += 10000n;
    }
    r = wrap(r * 2n);
  }
  switch (a) { case 0xffffffffffffffffn: r += 5n; break; case 0x123456789n: r += 6n; }
  return r;
}

export function fib(n: u64): u64 { return n < 2n ? n : wrap(fib(n - 1n) + fib(n - 2n)); }
export function fib_of(a: u64): u64 { return fib(a % 18n); }
export function gcd(a: u64, b: u64): u64 { return b === 0n ? a : gcd(b, a % b); }
function is_even(n: u64): boolean { return n === 0n ? true : is_odd(n - 1n); }
function is_odd(n: u64): boolean { return n === 0n ? false : is_even(n - 1n); }
export function mutual(a: u64): boolean { return is_even(a & 0x3ffn); }
export function ackermann(a: u64, b: u64): u64 {
  const m = a % 3n, n = b % 4n;
  return ack(m, n);
}
function ack(m: u64, n: u64): u64 {
  if (m === 0n) return n + 1n;
  if (n === 0n) return ack(m - 1n, 1n);
  return ack(m - 1n, ack(m, n - 1n));
}

// function values
type Op = (x: u64, y: u64) => u64;
function op_add(x: u64, y: u64): u64 { return wrap(x + y); }
function op_xor(x: u64, y: u64): u64 { return x ^ y; }
function op_mulhi(x: u64, y: u64): u64 { return (x >> 32n) * (y >> 32n); }
function fold_with(f: Op, a: u64, b: u64, n: u64): u64 {
  let acc = a;
  for (let i = 0n; i < n; i++) acc = f(acc, wrap(b + i));
  return acc;
}
function pick(k: u64): Op { return k === 0n ? op_add : k === 1n ? op_xor : op_mulhi; }
let current_op: Op = op_add;
export function funcs(a: u64, b: u64): u64 {
  const f = pick(a % 3n);
  const g: Op = b > a ? op_xor : op_add;
  current_op = pick(b % 3n);
  return wrap(fold_with(f, a, b, 5n) + g(a, b) * 3n + current_op(b, a) + fold_with(op_add, 1n, 2n, a & 7n));
}

export function globals(a: u64): u64 {
  const before = lib_counter;
  bump(a);
  bump(1n);
  return wrap(lib_counter - before);
}

/** A function with more live locals than s-registers (some live in stack slots). */
export function pressure(a: u64, b: u64): u64 {
  let v0 = a, v1 = b, v2 = a ^ b, v3 = wrap(a + b), v4 = a & b, v5 = a | b, v6 = a >> 3n, v7 = b >> 5n;
  let v8 = wrap(a * 3n), v9 = wrap(b * 5n), v10 = a ^ 0x55n, v11 = b ^ 0xaan, v12 = wrap(a - b), v13 = wrap(b - a);
  for (let i = 0n; i < 3n; i++) {
    v0 = wrap(v0 + v13); v1 ^= v12; v2 = wrap(v2 + v11); v3 ^= v10; v4 = wrap(v4 + v9); v5 ^= v8;
    v6 = wrap(v6 + v7); v7 ^= fib(i + 5n); v8 = wrap(v8 + v6); v9 ^= v5; v10 = wrap(v10 + v4); v11 ^= v3;
    v12 = wrap(v12 + v2); v13 ^= v1;
  }
  return wrap(v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11 + v12 + v13);
}

/** Temporaries live across calls are saved and restored. */
export function live_across(a: u64, b: u64): u64 {
  return wrap((a ^ 0x1234n) + (b | 1n) * fib((a & 7n) + 3n) + ((a >> 1n) ^ gcd(a | 1n, b | 1n)) - (b & 0xffn) * op_add(a, b));
}
