// BUG_ON and assert report the place of the check (compiled only: natively they throw).
import { type u64, store8, BUG_ON, assert } from '../../../kernel-ts/runtime/intrinsics.js';
import { printk_set_output } from '../../../kernel-ts/lib/printk.js';
import { bug_reports } from '../../../kernel-ts/lib/bug.js';

const UART = 0x10000000n;
function uart_putc(c: u64): void { store8(UART, c); }

export function bug_demo(a: u64): u64 {
  printk_set_output(uart_putc);
  BUG_ON(a > 3n);
  assert(a != 2n);
  return bug_reports();
}
