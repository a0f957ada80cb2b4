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
