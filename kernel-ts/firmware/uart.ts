// The firmware's console: the 16550 UART at 0x10000000, polled (THR/RBR at 0, LSR at 5).

import { type u64, load8, store8 } from '../runtime/intrinsics.js';

const UART0 = 0x10000000n;
const UART_RBR = 0n;
const UART_THR = 0n;
const UART_LSR = 5n;
const LSR_DR = 0x01n;          // receive data ready
const LSR_THRE = 0x20n;        // transmit holding register empty

export function uart_putc(c: u64): void {
  while ((load8(UART0 + UART_LSR) & LSR_THRE) == 0n) { /* wait for room */ }
  store8(UART0 + UART_THR, c);
}

/** The next received byte, or all ones when none is waiting. */
export function uart_getc(): u64 {
  if ((load8(UART0 + UART_LSR) & LSR_DR) == 0n) return 0xffffffffffffffffn;
  return load8(UART0 + UART_RBR);
}

export function uart_puts(s: u64): void {
  let p = s;
  while (load8(p) != 0n) { uart_putc(load8(p)); p = p + 1n; }
}

export function uart_puthex(v: u64): void {
  uart_putc(0x30n);
  uart_putc(0x78n);
  let shift = 60n;
  let started = 0n;
  while (true) {
    const d = (v >> shift) & 0xfn;
    if (d != 0n || started != 0n || shift == 0n) {
      started = 1n;
      uart_putc(d < 10n ? 0x30n + d : 0x57n + d);
    }
    if (shift == 0n) break;
    shift = shift - 4n;
  }
}
