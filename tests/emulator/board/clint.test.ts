import { describe, expect, it } from 'vitest';
import { Clint } from '../../../emulator/board/clint.js';
import { IRQ } from '../../../emulator/isa/trap.js';

function board() {
  const pending = new Map<number, boolean>();
  const clock = { t: 0n, read() { return this.t; } };
  const clint = new Clint([{ setPending: (irq, level) => pending.set(irq, level) }], clock);
  return { clint, clock, pending };
}

describe('CLINT', () => {
  it('sits at 0x2000000, 64 KiB, 4- and 8-byte accesses', () => {
    const { clint } = board();
    expect([clint.base, clint.size, clint.accessSizes]).toEqual([0x2000000, 0x10000, [4, 8]]);
  });

  it('accepts only 4-byte accesses to msip, 4 and 8 to mtimecmp/mtime (QEMU faults the others)', () => {
    const { clint } = board();
    expect([clint.accepts(0, 4), clint.accepts(0, 8), clint.accepts(0x4000, 8), clint.accepts(0x4004, 4), clint.accepts(0xbff8, 8)])
      .toEqual([true, false, true, true, true]);
  });

  it('mtimecmp is 0 at reset, so MTIP is pending as on QEMU 7.2', () => {
    const { clint, pending } = board();
    expect(clint.read(0x4000, 8)).toBe(0n);
    expect(pending.get(IRQ.MTI)).toBe(true);
    expect(pending.get(IRQ.MSI)).toBe(false);
  });

  it('msip bit 0 drives MSIP; other bits read 0', () => {
    const { clint, pending } = board();
    clint.write(0, 4, 0xffff_ffffn);
    expect(clint.read(0, 4)).toBe(1n);
    expect(pending.get(IRQ.MSI)).toBe(true);
    clint.write(0, 4, 2n);
    expect(clint.read(0, 4)).toBe(0n);
    expect(pending.get(IRQ.MSI)).toBe(false);
  });

  it('mtime follows the time source and reads as two halves', () => {
    const { clint, clock } = board();
    clock.t = 0x1_2345_6789n;
    expect(clint.read(0xbff8, 8)).toBe(0x1_2345_6789n);
    expect(clint.read(0xbff8, 4)).toBe(0x2345_6789n);
    expect(clint.read(0xbffc, 4)).toBe(1n);
    expect(clint.mtime()).toBe(0x1_2345_6789n);
  });

  it('MTIP is mtime >= mtimecmp, re-evaluated on writes and update()', () => {
    const { clint, clock, pending } = board();
    clock.t = 100n;
    clint.write(0x4000, 8, 150n);
    expect(pending.get(IRQ.MTI)).toBe(false);
    expect(clint.nextDeadline()).toBe(150n);
    clock.t = 149n; clint.update();
    expect(pending.get(IRQ.MTI)).toBe(false);
    clock.t = 150n; clint.update();
    expect(pending.get(IRQ.MTI)).toBe(true);
    expect(clint.nextDeadline()).toBeUndefined();
    clint.write(0x4000, 8, 0xffff_ffff_ffff_ffffn);
    expect(pending.get(IRQ.MTI)).toBe(false);
    expect(clint.nextDeadline()).toBeUndefined();
  });

  it('mtimecmp 32-bit halves merge with the other half (the RV32 idiom: high = -1, low, high)', () => {
    const { clint, clock, pending } = board();
    clock.t = 10n;
    clint.write(0x4004, 4, 0xffff_ffffn);
    expect(clint.read(0x4000, 8)).toBe(0xffff_ffff_0000_0000n);
    clint.write(0x4000, 4, 0x20n);
    clint.write(0x4004, 4, 0n);
    expect(clint.read(0x4000, 8)).toBe(0x20n);
    expect(clint.read(0x4000, 4)).toBe(0x20n);
    expect(clint.read(0x4004, 4)).toBe(0n);
    expect(pending.get(IRQ.MTI)).toBe(false);
  });

  it('a write to mtime moves it by an offset; the deadline is in time-source units', () => {
    const { clint, clock, pending } = board();
    clock.t = 1000n;
    clint.write(0x4000, 8, 500n);
    expect(pending.get(IRQ.MTI)).toBe(true);
    clint.write(0xbff8, 8, 0n); // mtime back to 0: MTIP drops
    expect(pending.get(IRQ.MTI)).toBe(false);
    expect(clint.mtime()).toBe(0n);
    clock.t = 1200n;
    expect(clint.mtime()).toBe(200n);
    expect(clint.nextDeadline()).toBe(1500n);
    clint.write(0xbffc, 4, 1n); // high half only
    expect(clint.mtime()).toBe(0x1_0000_00c8n);
    expect(pending.get(IRQ.MTI)).toBe(true);
  });

  it('unmapped offsets read 0 and ignore writes', () => {
    const { clint } = board();
    clint.write(0x4008, 8, 7n); // mtimecmp of a hart we do not have
    expect(clint.read(0x4008, 8)).toBe(0n);
    expect(clint.read(0x8000, 4)).toBe(0n);
  });
});
