// printk: the kernel's printf, as Linux's (a subset of its conversions). The compiler checks every
// call's format against its arguments (compiler/format.ts); this is the code that runs, compiled and
// natively. Output goes one byte at a time to the function printk_set_output installed (the
// kernel's console, the firmware's UART); until then it is dropped.
//
//   printk("%s: %lx..%lx (%d pages)\n", name, start, end, n);
//   %[flags][width][l|ll]conv   flags 0 (zero-pad), - (left-justify), # (0x prefix); conv d i u x p c s %
import { type u64, type Format, type printk_arg, load8, store8, staticBuffer, str, slt, wrap, arg_value } from '../runtime/intrinsics.js';

function discard(c: u64): void {}
let output: (c: u64) => void = discard;

/** Where printk's bytes go (e.g. the console's putc). */
export function printk_set_output(putc: (c: u64) => void): void { output = putc; }

const ZERO_PAD = 1n;
const LEFT = 2n;
const SIGNED = 4n;
const PREFIX = 8n;

const digits = staticBuffer(24n, 8n);

function pad(n: u64, width: u64, c: u64): void {
  while (n < width) { output(c); n++; }
}

/** v in base 10 or 16, padded to width: spaces before (or after, LEFT), or zeros after the sign/0x. */
function print_num(v: u64, base: u64, width: u64, flags: u64): void {
  let neg = 0n;
  if ((flags & SIGNED) != 0n && slt(v, 0n)) { neg = 1n; v = wrap(0n - v); }
  let n = 0n;
  do {
    const d = v % base;
    store8(digits + n, d < 10n ? 0x30n + d : 0x57n + d);
    n++;
    v = v / base;
  } while (v != 0n);
  const len = n + neg + ((flags & PREFIX) != 0n ? 2n : 0n);
  if ((flags & (LEFT | ZERO_PAD)) == 0n) pad(len, width, 0x20n);
  if (neg != 0n) output(0x2dn);
  if ((flags & PREFIX) != 0n) { output(0x30n); output(0x78n); }
  if ((flags & (LEFT | ZERO_PAD)) == ZERO_PAD) pad(len, width, 0x30n);
  while (n > 0n) { n--; output(load8(digits + n)); }
  if ((flags & LEFT) != 0n) pad(len, width, 0x20n);
}

function print_str(s: u64, width: u64, flags: u64): void {
  let n = 0n;
  while (load8(s + n) != 0n) n++;
  if ((flags & LEFT) == 0n) pad(n, width, 0x20n);
  for (let i = 0n; i < n; i++) output(load8(s + i));
  if ((flags & LEFT) != 0n) pad(n, width, 0x20n);
}

export function printk(fmt: Format, a1?: printk_arg, a2?: printk_arg, a3?: printk_arg, a4?: printk_arg,
  a5?: printk_arg, a6?: printk_arg, a7?: printk_arg): void {
  let p = str(fmt);
  let argi = 0n;
  while (load8(p) != 0n) {
    let c = load8(p);
    p++;
    if (c != 0x25n) { output(c); continue; }          // not '%'
    c = load8(p);
    p++;
    if (c == 0x25n) { output(c); continue; }          // "%%"
    let flags = 0n;
    while (c == 0x30n || c == 0x2dn || c == 0x23n) {  // '0' '-' '#'
      flags = flags | (c == 0x30n ? ZERO_PAD : c == 0x2dn ? LEFT : PREFIX);
      c = load8(p);
      p++;
    }
    let width = 0n;
    while (c >= 0x30n && c <= 0x39n) { width = width * 10n + c - 0x30n; c = load8(p); p++; }
    while (c == 0x6cn) { c = load8(p); p++; }        // 'l', 'll': every value is 64 bits
    argi++;
    const v = arg_value(argi == 1n ? a1 : argi == 2n ? a2 : argi == 3n ? a3 : argi == 4n ? a4 : argi == 5n ? a5 : argi == 6n ? a6 : a7);
    switch (c) {
      case 0x64n: case 0x69n: print_num(v, 10n, width, flags | SIGNED); break;   // d i
      case 0x75n: print_num(v, 10n, width, flags); break;                         // u
      case 0x78n: print_num(v, 16n, width, flags); break;                         // x
      case 0x70n: print_num(v, 16n, width, flags | PREFIX); break;                // p
      case 0x63n: pad(1n, width, 0x20n); output(v & 0xffn); break;                // c
      case 0x73n: print_str(v, width, flags); break;                              // s
    }
  }
}
