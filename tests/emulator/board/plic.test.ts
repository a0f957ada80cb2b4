import { describe, expect, it } from 'vitest';
import { Plic, PLIC_NUM_SOURCES, type PlicGateway } from '../../../emulator/board/plic.js';
import { IRQ } from '../../../emulator/isa/trap.js';

const PRIO = (s: number) => 4 * s;
const PENDING = 0x1000;
const ENABLE = (ctx: number) => 0x2000 + 0x80 * ctx;
const THRESHOLD = (ctx: number) => 0x200000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => 0x200004 + 0x1000 * ctx;
const M = 0, S = 1;

function board(gateway?: PlicGateway) {
  const pending = new Map<number, boolean>();
  const plic = new Plic([{ setPending: (irq, level) => pending.set(irq, level) }], gateway);
  const w = (off: number, v: number) => plic.write(off, 4, BigInt(v));
  const r = (off: number) => Number(plic.read(off, 4));
  return { plic, pending, w, r };
}

describe('PLIC', () => {
  it('has QEMU virt layout: 0xc000000, 6 MiB, 4-byte accesses, 95 sources', () => {
    const { plic, pending } = board();
    expect([plic.base, plic.size, plic.accessSizes, PLIC_NUM_SOURCES]).toEqual([0xc000000, 0x600000, [4], 95]);
    expect(pending.get(IRQ.MEI)).toBe(false);
    expect(pending.get(IRQ.SEI)).toBe(false);
  });

  it('priorities are 3-bit WARL; source 0 and sources past 95 read 0', () => {
    const { w, r } = board();
    w(PRIO(10), 0xff);
    expect(r(PRIO(10))).toBe(7);
    w(PRIO(0), 5);
    expect(r(PRIO(0))).toBe(0);
    w(PRIO(96), 5);
    expect(r(PRIO(96))).toBe(0);
    w(PRIO(95), 3);
    expect(r(PRIO(95))).toBe(3);
  });

  it('enable bits for nonexistent sources (0, >95) are hardwired to 0', () => {
    const { w, r } = board();
    w(ENABLE(M), 0xffff_ffff);
    expect(r(ENABLE(M)) >>> 0).toBe(0xffff_fffe);
    w(ENABLE(S) + 8, 0xffff_ffff);
    expect(r(ENABLE(S) + 8) >>> 0).toBe(0xffff_ffff); // sources 64..95 all exist
    w(ENABLE(S) + 12, 0xffff_ffff);
    expect(r(ENABLE(S) + 12)).toBe(0); // sources 96..127 do not exist
  });

  it('a raised line is pending; the pending array is read-only', () => {
    const { plic, w, r } = board();
    plic.setSource(10, true);
    expect(r(PENDING)).toBe(1 << 10);
    w(PENDING, 0);
    expect(r(PENDING)).toBe(1 << 10);
    plic.setSource(10, false);
    expect(r(PENDING)).toBe(0);
    plic.setSource(40, true);
    expect(r(PENDING + 4)).toBe(1 << 8);
    expect(() => plic.setSource(0, true)).toThrow(RangeError);
  });

  it('drives MEIP/SEIP only when enabled with priority above the threshold', () => {
    const { plic, pending, w } = board();
    plic.setSource(10, true);
    expect(pending.get(IRQ.MEI)).toBe(false); // priority 0 never interrupts
    w(PRIO(10), 1);
    expect(pending.get(IRQ.MEI)).toBe(false); // not enabled
    w(ENABLE(S), 1 << 10);
    expect(pending.get(IRQ.SEI)).toBe(true);
    expect(pending.get(IRQ.MEI)).toBe(false);
    w(THRESHOLD(S), 1);
    expect(pending.get(IRQ.SEI)).toBe(false); // priority must exceed the threshold
    w(THRESHOLD(S), 0);
    expect(pending.get(IRQ.SEI)).toBe(true);
    w(THRESHOLD(S), 9); // out of range: ignored, as QEMU does
    expect(pending.get(IRQ.SEI)).toBe(true);
    w(ENABLE(M), 1 << 10);
    expect(pending.get(IRQ.MEI)).toBe(true);
  });

  it('claim returns the highest priority, ties to the lowest ID, clears pending; 0 when none', () => {
    const { plic, pending, w, r } = board();
    for (const s of [3, 5, 7]) { plic.setSource(s, true); w(ENABLE(S), (1 << 3) | (1 << 5) | (1 << 7)); }
    w(PRIO(3), 2); w(PRIO(5), 4); w(PRIO(7), 4);
    expect(r(CLAIM(S))).toBe(5);
    expect(plic.isPending(5)).toBe(false);
    expect(r(CLAIM(S))).toBe(7);
    expect(r(CLAIM(S))).toBe(3);
    expect(r(CLAIM(S))).toBe(0);
    expect(pending.get(IRQ.SEI)).toBe(false);
    expect(r(CLAIM(M))).toBe(0); // not enabled for M
  });

  it('level gateway: a claimed source stays off until completion; a line still high is pending again at completion', () => {
    const { plic, pending, w, r } = board('level');
    w(PRIO(10), 1); w(ENABLE(S), 1 << 10);
    plic.setSource(10, true);
    expect(r(CLAIM(S))).toBe(10);
    expect(pending.get(IRQ.SEI)).toBe(false);
    plic.setSource(10, false); plic.setSource(10, true); // re-asserted while in flight: held off
    expect(plic.isPending(10)).toBe(false);
    w(CLAIM(S), 10); // complete
    expect(plic.isPending(10)).toBe(true);
    expect(pending.get(IRQ.SEI)).toBe(true);
    expect(r(CLAIM(S))).toBe(10);
    plic.setSource(10, false);
    w(CLAIM(S), 10);
    expect(plic.isPending(10)).toBe(false);
    expect(pending.get(IRQ.SEI)).toBe(false);
  });

  it('level gateway: completion for a source not enabled in that context is ignored (PLIC spec)', () => {
    const { plic, w, r } = board('level');
    w(PRIO(10), 1); w(ENABLE(S), 1 << 10);
    plic.setSource(10, true);
    expect(r(CLAIM(S))).toBe(10);
    w(CLAIM(M), 10); // M context does not enable 10
    expect(plic.isPending(10)).toBe(false);
    w(CLAIM(S), 10);
    expect(plic.isPending(10)).toBe(true);
  });

  it('qemu gateway (the default): a line left high after completion is not pending again until the device drives it again', () => {
    const { plic, pending, w, r } = board();
    expect(plic.gatewayMode).toBe('qemu');
    w(PRIO(10), 1); w(ENABLE(S), 1 << 10);
    plic.setSource(10, true);
    expect(r(CLAIM(S))).toBe(10);
    expect(plic.isPending(10)).toBe(false);
    w(CLAIM(S), 10); // complete: the line is still high, but nothing re-samples it (QEMU 7.2)
    expect(plic.isPending(10)).toBe(false);
    expect(pending.get(IRQ.SEI)).toBe(false);
    plic.setSource(10, true); // the device drives it again (QEMU's serial_update_irq)
    expect(plic.isPending(10)).toBe(true);
    expect(pending.get(IRQ.SEI)).toBe(true);
    plic.setSource(10, false); // a line lowered before the claim withdraws the request
    expect(plic.isPending(10)).toBe(false);
    expect(r(CLAIM(S))).toBe(0);
  });

  it('qemu gateway: driven while claimed, the source is pending but not offered until completion', () => {
    const { plic, pending, w, r } = board('qemu');
    w(PRIO(10), 1); w(ENABLE(S), 1 << 10); w(ENABLE(M), 1 << 10);
    plic.setSource(10, true);
    expect(r(CLAIM(S))).toBe(10);
    plic.setSource(10, true);
    expect(plic.isPending(10)).toBe(true);
    expect(pending.get(IRQ.SEI)).toBe(false);
    expect(r(CLAIM(S))).toBe(0);
    w(CLAIM(M), 10); // QEMU completes from any context
    expect(pending.get(IRQ.SEI)).toBe(true);
    expect(r(CLAIM(S))).toBe(10);
  });

  it('a source claimed by one context is not offered to the other', () => {
    const { plic, pending, w, r } = board();
    w(PRIO(1), 1); w(ENABLE(M), 2); w(ENABLE(S), 2);
    plic.setSource(1, true);
    expect([pending.get(IRQ.MEI), pending.get(IRQ.SEI)]).toEqual([true, true]);
    expect(r(CLAIM(M))).toBe(1);
    expect([pending.get(IRQ.MEI), pending.get(IRQ.SEI)]).toEqual([false, false]);
    expect(r(CLAIM(S))).toBe(0);
  });

  it('thresholds read back; unknown contexts and registers read 0', () => {
    const { w, r } = board();
    w(THRESHOLD(M), 5);
    expect(r(THRESHOLD(M))).toBe(5);
    expect(r(THRESHOLD(2))).toBe(0);
    expect(r(THRESHOLD(M) + 8)).toBe(0);
    expect(r(ENABLE(2))).toBe(0);
  });
});
