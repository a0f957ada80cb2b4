import { describe, expect, it } from 'vitest';
import { Bus } from '../../../emulator/board/bus.js';
import { Ram } from '../../../emulator/board/ram.js';
import { Htif } from '../../../emulator/board/htif.js';

const RAM = 0x8000_0000, TOHOST = 0x8000_1000, FROMHOST = 0x8000_1040, MAGIC = 0x8000_2000, BUF = 0x8000_3000;

function board(withFromhost = true) {
  const fromhost = withFromhost ? FROMHOST : undefined;
  const bus = new Bus(new Ram(RAM, 0x10000), 0x1000, 0x1000);
  let text = '';
  const exits: number[] = [];
  const errors: string[] = [];
  const htif = new Htif(bus, TOHOST, fromhost, (b) => { text += new TextDecoder().decode(b); }, (c) => exits.push(c),
    (m) => errors.push(m));
  const sd = (pa: number, v: bigint) => { bus.write(pa, 8, v); htif.noteStore(pa, 8); };
  const sw = (pa: number, v: bigint) => { bus.write(pa, 4, v); htif.noteStore(pa, 4); };
  return { bus, htif, exits, errors, sd, sw, text: () => text };
}

const cmd = (dev: number, c: number, payload: bigint) => (BigInt(dev) << 56n) | (BigInt(c) << 48n) | payload;

describe('HTIF (riscv-tests / fesvr protocol)', () => {
  it('refuses tohost outside RAM with a clear message', () => {
    const bus = new Bus(new Ram(RAM, 0x10000), 0x1000, 0x1000);
    expect(() => new Htif(bus, 0x1000_0000, undefined, () => {}, () => {})).toThrow(/tohost at 0x10000000 is not inside RAM/);
  });

  it('an odd value is exit with code value >> 1, and tohost is cleared', () => {
    const { bus, exits, sd } = board();
    sd(TOHOST, 1n);
    expect(exits).toEqual([0]);
    expect(bus.read(TOHOST, 8)).toBe(0n);
    sd(TOHOST, (42n << 1n) | 1n);
    expect(exits).toEqual([0, 42]);
  });

  it('two 32-bit stores: the command is taken only after both halves are written', () => {
    const { exits, sw, text } = board();
    const v = cmd(1, 1, 0x41n); // 'A': the low half alone would look like a syscall pointer
    sw(TOHOST, v & 0xffff_ffffn);
    expect(text()).toBe('');
    sw(TOHOST + 4, v >> 32n);
    expect(text()).toBe('A');
    // riscv-tests' write_tohost: sw TESTNUM, tohost; sw zero, tohost+4
    sw(TOHOST, 7n);
    expect(exits).toEqual([]);
    sw(TOHOST + 4, 0n);
    expect(exits).toEqual([3]);
  });

  it('the high half first, then the low half, also completes a command', () => {
    const { sw, text } = board();
    const v = cmd(1, 1, 0x42n);
    sw(TOHOST + 4, v >> 32n);
    sw(TOHOST, v & 0xffff_ffffn);
    expect(text()).toBe('B');
  });

  it('poll() alone takes a value once two polls saw it unchanged', () => {
    const { bus, htif, exits } = board();
    bus.write(TOHOST, 8, 5n); // a store the run loop did not report
    htif.poll();
    expect(exits).toEqual([]);
    htif.poll();
    expect(exits).toEqual([2]);
    expect(bus.read(TOHOST, 8)).toBe(0n);
  });

  it('poll() waits for the missing half of a reported two-store command', () => {
    const { htif, sw, text } = board();
    const v = cmd(1, 1, 0x43n);
    sw(TOHOST, v & 0xffff_ffffn);
    htif.poll(); htif.poll(); htif.poll();
    expect(text()).toBe('');
    sw(TOHOST + 4, v >> 32n);
    expect(text()).toBe('C');
  });

  it('console putchar prints, clears tohost and sends no response (as fesvr)', () => {
    const { bus, sd, text } = board();
    for (const c of 'hi\n') sd(TOHOST, cmd(1, 1, BigInt(c.charCodeAt(0))));
    expect(text()).toBe('hi\n');
    expect(bus.read(TOHOST, 8)).toBe(0n);
    expect(bus.read(FROMHOST, 8)).toBe(0n);
  });

  it('syscall write(1, buf, len): prints, magic_mem[0] = len, fromhost = 1, tohost cleared', () => {
    const { bus, sd, text } = board();
    bus.ram.load(BUF, new TextEncoder().encode('hello, world\n'));
    [64n, 1n, BigInt(BUF), 13n].forEach((v, k) => bus.write(MAGIC + 8 * k, 8, v));
    sd(TOHOST, BigInt(MAGIC));
    expect(text()).toBe('hello, world\n');
    expect(bus.read(MAGIC, 8)).toBe(13n);
    expect(bus.read(FROMHOST, 8)).toBe(1n);
    expect(bus.read(TOHOST, 8)).toBe(0n);
  });

  it('syscall errors: bad fd is -EBADF, a buffer outside RAM is -EFAULT, unknown is -ENOSYS', () => {
    const { bus, htif, sd } = board();
    const call = (n: bigint, ...args: bigint[]) => {
      [n, ...args].forEach((v, k) => bus.write(MAGIC + 8 * k, 8, v));
      bus.write(FROMHOST, 8, 0n);
      sd(TOHOST, BigInt(MAGIC));
      htif.poll();
      return BigInt.asIntN(64, bus.read(MAGIC, 8));
    };
    expect(call(64n, 5n, BigInt(BUF), 1n)).toBe(-9n);
    expect(call(64n, 1n, 0x1000n, 4n)).toBe(-14n);
    expect(call(64n, 1n, BigInt(RAM + 0xfffe), 4n)).toBe(-14n);
    expect(call(1234n)).toBe(-38n);
  });

  it('syscall exit (93) exits with a0', () => {
    const { bus, exits, sd } = board();
    [93n, 7n].forEach((v, k) => bus.write(MAGIC + 8 * k, 8, v));
    sd(TOHOST, BigInt(MAGIC));
    expect(exits).toEqual([7]);
  });

  it('a request block outside RAM is reported, not a host crash', () => {
    const { bus, errors, sd } = board();
    sd(TOHOST, 0x1000n);
    expect(errors[0]).toMatch(/syscall request at 0x1000 is not inside RAM/);
    expect(bus.read(TOHOST, 8)).toBe(0n);
  });

  it('responses queue while fromhost is still set and are delivered by poll', () => {
    const { bus, htif, sd } = board();
    bus.ram.load(BUF, new TextEncoder().encode('x'));
    [64n, 1n, BigInt(BUF), 1n].forEach((v, k) => bus.write(MAGIC + 8 * k, 8, v));
    sd(TOHOST, BigInt(MAGIC));
    sd(TOHOST, cmd(1, 0, 0n)); // console read: answered when input arrives
    htif.pushInput(new Uint8Array([0x7a]));
    expect(bus.read(FROMHOST, 8)).toBe(1n); // first response still unconsumed
    bus.write(FROMHOST, 8, 0n);
    htif.poll();
    expect(bus.read(FROMHOST, 8)).toBe(cmd(1, 0, 0x17an));
  });

  it('without a fromhost symbol, commands still run and nothing is written back', () => {
    const { bus, sd, text } = board(false);
    bus.ram.load(BUF, new TextEncoder().encode('ok'));
    [64n, 1n, BigInt(BUF), 2n].forEach((v, k) => bus.write(MAGIC + 8 * k, 8, v));
    sd(TOHOST, BigInt(MAGIC));
    expect(text()).toBe('ok');
    expect(bus.read(FROMHOST, 8)).toBe(0n);
  });

  it('identify writes the device name (what = 255) or a command name, then responds 1', () => {
    const { bus, sd } = board();
    const name = (pa: number) => new TextDecoder().decode(bus.ram.readBytes(pa - RAM, 64)).replace(/\0+$/, '');
    sd(TOHOST, cmd(1, 255, (BigInt(BUF) << 8n) | 255n));
    expect(name(BUF)).toBe('bcd');
    expect(bus.read(FROMHOST, 8)).toBe(cmd(1, 255, 1n));
    bus.write(FROMHOST, 8, 0n);
    sd(TOHOST, cmd(0, 255, (BigInt(BUF) << 8n) | 0n));
    expect(name(BUF)).toBe('syscall');
    bus.write(FROMHOST, 8, 0n);
    sd(TOHOST, cmd(5, 255, (BigInt(BUF) << 8n) | 255n));
    expect(name(BUF)).toBe('');
  });

  it('touches() tells the run loop which stores to report', () => {
    const { htif } = board();
    expect([htif.touches(TOHOST - 4, 4), htif.touches(TOHOST - 4, 8), htif.touches(TOHOST + 7, 1), htif.touches(TOHOST + 8, 8)])
      .toEqual([false, true, true, false]);
  });
});
