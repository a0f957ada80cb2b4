// Atomics corpus: amoswap64, amoadd64, amoor64 and cmpxchg64 on a dword in .bss — each returns the old
// value and leaves the new one, compiled and natively alike.
import { type u64, wrap, staticBuffer, load64, store64, amoswap64, amoadd64, amoor64, cmpxchg64 } from '../../../kernel-ts/runtime/intrinsics.js';

const cell = staticBuffer(16n, 8n);

/** Each AMO's old value and the final dword, folded into one result (a digest the test recomputes). */
export function amo_sequence(init: u64, x: u64): u64 {
  store64(cell, init);
  const a = amoswap64(cell, x);               // init; cell = x
  const b = amoadd64(cell, 5n);               // x; cell = x + 5
  const c = amoor64(cell + 0n, 0x100n);       // x + 5; cell |= 0x100
  return wrap((a ^ wrap(b << 1n) ^ wrap(c << 2n)) + load64(cell));
}

/** cmpxchg64 that fails (found != expected: no store) then succeeds; returns found1, found2, final. */
export function cas_sequence(init: u64, expected: u64, desired: u64): [u64, u64, u64] {
  store64(cell, init);
  const miss = cmpxchg64(cell, expected, desired);       // the store happens only if init == expected
  const hit = cmpxchg64(cell, load64(cell), desired + 1n);
  return [miss, hit, load64(cell)];
}

/** The value argument may change a register local the address came from: the address is taken first. */
export function amo_order(n: u64): u64 {
  let p = cell;
  store64(cell, n);
  const old = amoadd64(p, (p = p + 8n) - p + 3n);        // adds 3 to cell, not to cell + 8
  return old * 1000n + load64(cell) + (p - cell);
}
