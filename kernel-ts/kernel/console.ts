// The kernel's console: a line buffer flushed with one SBI DBCN console_write per line (the buffer's
// virtual address equals its physical address: it lives in the identity-mapped image), or with the
// legacy putchar when the firmware has no DBCN.

import { type u64, load8, store8, staticBuffer, str } from '../runtime/intrinsics.js';
import { sbi_probe, sbi_debug_console_write, sbi_console_putchar, SBI_EXT_DBCN } from './sbi.js';

const LINE_MAX = 256n;
const line = staticBuffer(LINE_MAX, 8n);
let line_len: u64 = 0n;
let have_dbcn: u64 = 0n;

export function console_init(): void {
  have_dbcn = sbi_probe(SBI_EXT_DBCN) != 0n ? 1n : 0n;
}
export function console_has_dbcn(): u64 { return have_dbcn; }

function flush(): void {
  if (line_len == 0n) return;
  if (have_dbcn != 0n) {
    sbi_debug_console_write(line_len, line);
  } else {
    let i = 0n;
    while (i < line_len) { sbi_console_putchar(load8(line + i)); i = i + 1n; }
  }
  line_len = 0n;
}

export function putc(c: u64): void {
  if (line_len == LINE_MAX) flush();
  store8(line + line_len, c);
  line_len = line_len + 1n;
  if (c == 10n) flush();
}

/** Prints the NUL-terminated string at s. */
export function puts(s: u64): void {
  let p = s;
  while (load8(p) != 0n) { putc(load8(p)); p = p + 1n; }
}

export function nl(): void { putc(10n); }

function digit(d: u64): u64 { return d < 10n ? 0x30n + d : 0x57n + d; }

/** 0x-prefixed hex, no leading zeros. */
export function puthex(v: u64): void {
  putc(0x30n);
  putc(0x78n);
  let shift = 60n;
  let started = 0n;
  while (true) {
    const d = (v >> shift) & 0xfn;
    if (d != 0n || started != 0n || shift == 0n) { started = 1n; putc(digit(d)); }
    if (shift == 0n) break;
    shift = shift - 4n;
  }
}

/** 0x-prefixed hex padded to `digits` digits. */
export function puthex_pad(v: u64, digits: u64): void {
  putc(0x30n);
  putc(0x78n);
  let i = digits;
  while (i > 0n) { i = i - 1n; putc(digit((v >> (i * 4n)) & 0xfn)); }
}

export function putdec(v: u64): void {
  if (v >= 10n) putdec(v / 10n);
  putc(0x30n + v % 10n);
}

/** A byte count the way a reader says it: "4 KiB", "2 MiB", "128 MiB", "1 GiB", "28 MiB + 7 KiB". */
export function putsize(v: u64): void {
  if (v >= 0x40000000n && (v & 0x3fffffffn) == 0n) { putdec(v >> 30n); puts(str(" GiB")); return; }
  if (v >= 0x100000n) {
    putdec(v >> 20n);
    puts(str(" MiB"));
    if ((v & 0xfffffn) == 0n) return;
    puts(str(" + "));
    v = v & 0xfffffn;
  }
  if ((v & 0x3ffn) == 0n) { putdec(v >> 10n); puts(str(" KiB")); return; }
  putdec(v);
  puts(str(" B"));
}

/** An offset in the short form the vm scenario uses: "11M", "28M+7K". */
export function putoff(v: u64): void {
  putdec(v >> 20n);
  putc(0x4dn);
  if ((v & 0xfffffn) != 0n) { putc(0x2bn); putdec((v & 0xfffffn) >> 10n); putc(0x4bn); }
}

/** Permission letters of a PTE: "RWX" with '-' where clear. */
export function putperm(pte: u64): void {
  putc((pte & 2n) != 0n ? 0x52n : 0x2dn);
  putc((pte & 4n) != 0n ? 0x57n : 0x2dn);
  putc((pte & 8n) != 0n ? 0x58n : 0x2dn);
}
