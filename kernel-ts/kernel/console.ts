// The kernel's console: a line buffer flushed with one SBI DBCN console_write per line (the buffer's
// virtual address equals its physical address: it lives in the identity-mapped image), or with the
// legacy putchar when the firmware has no DBCN. printk writes here once console_init has run.

import { type u64, load8, store8, staticBuffer } from '../runtime/intrinsics.js';
import { printk, printk_set_output } from '../lib/printk.js';
import { sbi_probe, sbi_debug_console_write, sbi_console_putchar, SBI_EXT_DBCN } from './sbi.js';

const LINE_MAX = 256n;
const line = staticBuffer(LINE_MAX, 8n);
let line_len: u64 = 0n;
let have_dbcn: u64 = 0n;

export function console_init(): void {
  have_dbcn = sbi_probe(SBI_EXT_DBCN) != 0n ? 1n : 0n;
  printk_set_output(putc);
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

/** A byte count the way a reader says it: "4 KiB", "2 MiB", "128 MiB", "1 GiB", "28 MiB + 7 KiB". */
export function putsize(v: u64): void {
  if (v >= 0x40000000n && (v & 0x3fffffffn) == 0n) { printk("%lu GiB", v >> 30n); return; }
  if (v >= 0x100000n) {
    printk("%lu MiB", v >> 20n);
    if ((v & 0xfffffn) == 0n) return;
    printk(" + ");
    v = v & 0xfffffn;
  }
  if ((v & 0x3ffn) == 0n) printk("%lu KiB", v >> 10n);
  else printk("%lu B", v);
}

/** An offset in the short form the vm scenario uses: "11M", "28M+7K". */
export function putoff(v: u64): void {
  printk("%luM", v >> 20n);
  if ((v & 0xfffffn) != 0n) printk("+%luK", (v & 0xfffffn) >> 10n);
}

/** Permission letters of a PTE: "RWX" with '-' where clear. */
export function putperm(pte: u64): void {
  putc((pte & 2n) != 0n ? 0x52n : 0x2dn);
  putc((pte & 4n) != 0n ? 0x57n : 0x2dn);
  putc((pte & 8n) != 0n ? 0x58n : 0x2dn);
}
