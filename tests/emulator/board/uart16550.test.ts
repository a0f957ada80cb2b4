import { describe, expect, it } from 'vitest';
import { Uart16550 } from '../../../emulator/board/uart16550.js';

const RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function board() {
  const out: number[] = [];
  const levels: boolean[] = [];
  const uart = new Uart16550((b) => out.push(b), (l) => levels.push(l));
  const r = (reg: number) => Number(uart.read(reg, 1));
  const w = (reg: number, v: number) => uart.write(reg, 1, BigInt(v));
  const line = () => levels.length > 0 && levels[levels.length - 1];
  return { uart, out, levels, r, w, line };
}

describe('UART 16550A', () => {
  it('sits at 0x10000000, 256 bytes, accepts 1..8-byte accesses like QEMU', () => {
    const { uart } = board();
    expect([uart.base, uart.size, uart.accessSizes]).toEqual([0x10000000, 0x100, [1, 2, 4, 8]]);
  });

  it('resets like QEMU: IIR no interrupt, LSR THRE|TEMT, MSR DCD|DSR|CTS, MCR OUT2', () => {
    const { r } = board();
    expect([r(IER), r(IIR), r(LCR), r(MCR), r(LSR), r(MSR), r(SCR)]).toEqual([0, 0x01, 0, 0x08, 0x60, 0xb0, 0]);
  });

  it('THR writes transmit at once; LSR stays THRE|TEMT', () => {
    const { out, r, w } = board();
    for (const c of 'hi\n') w(THR, c.charCodeAt(0));
    expect(String.fromCharCode(...out)).toBe('hi\n');
    expect(r(LSR) & 0x60).toBe(0x60);
  });

  it('wider accesses and aliases reach the byte register (offset & 7)', () => {
    const { uart, out } = board();
    uart.write(0, 4, 0x1234_5641n);
    uart.write(8, 1, 0x42n);
    expect(out).toEqual([0x41, 0x42]);
    expect(uart.read(5, 8)).toBe(0x60n);
  });

  it('DLAB swaps in the divisor latch at 0 and 1', () => {
    const { out, r, w } = board();
    expect((w(LCR, 0x80), [r(0), r(1)])).toEqual([0x0c, 0]);
    w(0, 0x03); w(1, 0x01);
    expect([r(0), r(1)]).toEqual([0x03, 0x01]);
    w(LCR, 0x03);
    expect(r(IER)).toBe(0);
    w(THR, 0x41);
    expect(out).toEqual([0x41]);
    expect(r(LCR)).toBe(0x03);
  });

  it('scratch register holds a byte', () => {
    const { r, w } = board();
    w(SCR, 0xa5);
    expect(r(SCR)).toBe(0xa5);
  });

  it('THRE interrupt: raised when enabled with THR empty, one-shot, cleared by reading IIR', () => {
    const { r, w, line } = board();
    w(IER, 0x02);
    expect(line()).toBe(true);
    expect(r(IIR)).toBe(0x02);
    expect(line()).toBe(false); // consumed by the IIR read
    expect(r(IIR)).toBe(0x01);
    w(THR, 0x41); // each transmit re-arms it
    expect(line()).toBe(true);
    expect(r(IIR)).toBe(0x02);
    expect(line()).toBe(false);
    w(IER, 0); w(IER, 0x02); // toggling THRI re-raises it (QEMU, Windows relies on it)
    expect(line()).toBe(true);
    w(IER, 0);
    expect(line()).toBe(false);
  });

  it('receives without FIFO: one byte in RBR, the rest wait; RDI interrupt while DR', () => {
    const { uart, r, w, line } = board();
    w(IER, 0x01);
    uart.pushInput(new TextEncoder().encode('ab'));
    expect(r(LSR) & 1).toBe(1);
    expect(line()).toBe(true);
    expect(r(IIR)).toBe(0x04);
    expect(uart.queuedInput).toBe(1);
    expect(r(RBR)).toBe(0x61);
    expect(r(LSR) & 1).toBe(1);
    expect(r(RBR)).toBe(0x62);
    expect(r(LSR) & 1).toBe(0);
    expect(line()).toBe(false);
    expect(r(RBR)).toBe(0x62); // RBR keeps the last byte
  });

  it('FIFO mode: 16 bytes, IIR FIFO bits, trigger level, timeout below it, flush', () => {
    const { uart, r, w, line } = board();
    w(FCR, 0x81); // FIFO on, trigger 8
    expect(r(IIR)).toBe(0xc1);
    w(IER, 0x01);
    uart.pushInput(new Uint8Array(20).map((_, k) => 0x30 + k));
    expect(uart.queuedInput).toBe(4);
    expect(r(IIR)).toBe(0xc4); // 16 >= 8: data available
    const got: number[] = [];
    for (let k = 0; k < 9; k++) got.push(r(RBR)); // refills from the queue as room appears
    expect(got).toEqual([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38]);
    expect(uart.queuedInput).toBe(0);
    while (r(LSR) & 1) got.push(r(RBR));
    expect(got.length).toBe(20);
    expect(line()).toBe(false);
    uart.pushInput(new Uint8Array([1, 2]));
    expect(r(IIR)).toBe(0xcc); // below the trigger level: character timeout
    expect(line()).toBe(true);
    w(FCR, 0x83); // flush RX
    expect(r(LSR) & 1).toBe(0);
    expect(line()).toBe(false);
    w(FCR, 0); // FIFO off
    expect(r(IIR)).toBe(0x01);
  });

  it('receiver line status interrupt on overrun; reading LSR clears OE', () => {
    const { uart, r, w, line } = board();
    w(IER, 0x04);
    w(MCR, 0x10); // loopback
    w(THR, 1); w(THR, 2); // second byte overruns the 1-byte RBR
    expect(r(IIR)).toBe(0x06);
    expect(line()).toBe(true);
    expect(r(LSR) & 0x03).toBe(0x03);
    expect(r(LSR) & 0x02).toBe(0);
    expect(line()).toBe(false);
    expect(r(RBR)).toBe(1);
    expect(uart.queuedInput).toBe(0);
  });

  it('loopback: transmit goes to the receiver, MSR mirrors MCR, host input waits', () => {
    const { uart, out, r, w } = board();
    w(MCR, 0x10 | 0x0b); // LOOP | OUT2 | RTS | DTR
    expect(r(MSR)).toBe(0x80 | 0x20 | 0x10);
    uart.pushInput(new Uint8Array([0x7a]));
    w(THR, 0x41);
    expect(out).toEqual([]);
    expect(r(RBR)).toBe(0x41);
    w(MCR, 0x08);
    expect(r(RBR)).toBe(0x7a);
  });
});
