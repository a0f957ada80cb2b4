// The loop `npm run bench` compiles and compares with the same loop written by hand in assembly
// (tests/bench/kernel-ts-loop.ts).
import { type u64, wrap } from '../../../kernel-ts/runtime/intrinsics.js';

export function bench_loop(n: u64): u64 {
  let s = 0n;
  for (let i = 0n; i < n; i++) s = wrap(s + (i ^ (s >> 3n)));
  return s;
}
