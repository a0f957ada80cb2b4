// Differential corpus: globals, read-only tables, strings, static buffers, loads and stores, CSRs.
import { type u64, wrap, load8, load16, load32, load64, store8, store16, store32, store64, str, u64Table, staticBuffer, csrr, csrw, csrs, csrc } from '../../../kernel-ts/runtime/intrinsics.js';

const PRIMES = u64Table([2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 0xffffffffffffffffn]);
const NPRIMES = 16n;
const GREETING = str('kernel-ts says "hi"\n\tbye');
const BUF = staticBuffer(256n, 64n);
const BIG_BUF = staticBuffer(4096n, 4096n);
let total: u64 = 0n;
let seeded: u64 = 0xdeadbeefn;
let calls: u64 = 0n;

export function table_sum(a: u64): u64 {
  let s = 0n;
  for (let i = 0n; i < NPRIMES; i++) s = wrap(s + load64(PRIMES + i * 8n) * ((a >> i) & 1n));
  return s;
}

export function strlen(s: u64): u64 { let n = 0n; while (load8(s + n) !== 0n) n++; return n; }

export function strings(a: u64): u64 {
  let h = 5381n;
  const s = GREETING;
  for (let i = 0n; load8(s + i) !== 0n; i++) h = wrap(h * 33n + load8(s + i));
  const t = str('a second string');
  return wrap(h + strlen(t) * 1000n + strlen(s) + load8(str('xyz') + (a % 3n)));
}

export function buffers(a: u64, b: u64): u64 {
  for (let i = 0n; i < 32n; i++) store64(BUF + i * 8n, wrap(a * i + b));
  store8(BUF + 3n, b);
  store16(BUF + 10n, a);
  store32(BUF + 20n, wrap(a + b));
  store64(BIG_BUF + 4088n, load64(BUF + 8n));
  let x = 0n;
  for (let i = 0n; i < 256n; i += 4n) x = wrap(x * 3n + load32(BUF + i));
  return wrap(x + load8(BUF + 3n) + load16(BUF + 10n) + load32(BUF + 20n) + load64(BUF + 24n) + load64(BIG_BUF + 4088n));
}

export function globals_state(a: u64): u64 {
  calls++;
  total = wrap(total + a);
  seeded ^= a;
  seeded = wrap(seeded * 6364136223846793005n + 1442695040888963407n);
  return wrap(total ^ seeded ^ calls);
}

export function csr_roundtrip(a: u64): u64 {
  csrw('mscratch', a);
  csrs('mscratch', 0x10n);
  csrc('mscratch', 3n);
  const x = csrr('mscratch');
  csrw('mscratch', 5n);
  return wrap(x + csrr('mscratch'));
}
