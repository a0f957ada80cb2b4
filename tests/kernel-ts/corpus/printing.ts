// Differential corpus: printk (every conversion at its limits, widths, zero padding, left
// justification) into a buffer; each function returns a hash of the bytes and their count, so the
// compiled formatting (lib/printk.ts on the target) must match the native run byte for byte.
import { type u64, wrap, load8, store8, staticBuffer, struct_at, u32 } from '../../../kernel-ts/runtime/intrinsics.js';
import { printk, printk_set_output } from '../../../kernel-ts/lib/printk.js';

const OUT = staticBuffer(1024n, 8n);
let out_len: u64 = 0n;

function to_buffer(c: u64): void {
  if (out_len < 1024n) store8(OUT + out_len, c);
  out_len++;
}

/** FNV-1a over what was printed, with the length in the top byte. */
function printed(): u64 {
  let h = 0xcbf29ce484222325n;
  for (let i = 0n; i < out_len && i < 1024n; i++) h = wrap((h ^ load8(OUT + i)) * 0x100000001b3n);
  return h ^ (out_len << 56n);
}

function start(): void { out_len = 0n; printk_set_output(to_buffer); }

export function fmt_decimal(a: u64, b: u64): u64 {
  start();
  printk("%d %i %u|%5d|%-5d|%05d|", a, b, a, b, a, b);
  printk("%20u|%-21d|%021d|%1d\n", a, b, a, b);
  return printed();
}

export function fmt_hex(a: u64, b: u64): u64 {
  start();
  printk("%x %lx %llx|%16lx|%016lx|%-16x|", a, b, a, b, a, b);
  printk("%#x|%#018lx|%p|%20p|%-#20lx|%2x\n", a, b, a, b, a, b);
  return printed();
}

export function fmt_char_str(a: u64): u64 {
  start();
  const name = (a & 1n) != 0n ? "odd" : "";
  printk("[%c][%3c][%s][%8s][%-8s][%s]%%\n", 0x41n + a % 26n, a & 0x7fn, name, name, "left", "a C string");
  return printed();
}

class sample { v = u32; }
export function fmt_pointer_bool(a: u64): u64 {
  start();
  const s = struct_at(sample, a & ~7n);
  printk("%p %d %s\n", s, a > 5n, "plain");
  printk("no conversions at all\n");
  return printed();
}

/** The printed text itself for a few inputs (so a failure shows the bytes, 8 at a time). */
export function fmt_bytes(a: u64, b: u64): u64 {
  start();
  printk("%-3d%03u%x", a, b, a);
  let v = 0n;
  for (let i = 0n; i < 8n && i < out_len; i++) v = v | (load8(OUT + i) << (8n * i));
  return v;
}
