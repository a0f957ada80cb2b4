// CLINT as QEMU virt has it (an ACLINT SWI at +0x0 and an ACLINT MTIMER at +0x4000, one hart):
//   0x0000 msip        (4 bytes; bit 0 drives mip.MSIP)
//   0x4000 mtimecmp    (4- or 8-byte accesses; halves at +0 and +4)
//   0xbff8 mtime       (4- or 8-byte accesses; writes move mtime by adjusting an offset)
// Timebase 10 MHz. mtime = time source + offset; the hart's `time` CSR and Sstc's stimecmp must read
// `mtime()` so that a guest write to mtime is seen by both, as in QEMU (rdtime includes the delta).
// As QEMU 7.2 does, mtimecmp is 0 at reset, so MTIP is pending until firmware programs it.

import type { AccessSize, Device, InterruptSink } from './device.js';
import { IRQ } from '../isa/trap.js';

export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;
export const CLINT_MSIP = 0x0000;
export const CLINT_MTIMECMP = 0x4000;
export const CLINT_MTIME = 0xbff8;
/** The `timebase-frequency` of the device tree: mtime ticks per second. */
export const TIMEBASE_FREQUENCY = 10_000_000;

const U64 = (1n << 64n) - 1n;
const LO32 = 0xffff_ffffn;

/** Where mtime comes from: retired instructions (default, deterministic) or the host clock. */
export interface TimeSource { read(): bigint }

export class Clint implements Device {
  readonly name = 'clint';
  readonly size = CLINT_SIZE;
  readonly accessSizes: readonly AccessSize[] = [4, 8];

  private msip = 0;
  private mtimecmp = 0n;
  /** mtime - time source, mod 2^64: what a guest write to mtime changes. */
  private offset = 0n;

  /**
   * `onDeadline`: called when a write moves the next timer deadline (mtimecmp, mtime), so the run loop,
   * which sizes its chunks by the deadline, looks again at once instead of at the chunk's end.
   */
  constructor(private readonly sink: InterruptSink, private readonly time: TimeSource, readonly base = CLINT_BASE,
    private readonly onDeadline: () => void = () => {}) {
    this.update();
  }

  /** The current mtime (what `time`, `rdtime` and stimecmp compare against). */
  mtime(): bigint {
    return (this.time.read() + this.offset) & U64;
  }

  /** Re-evaluates mip.MTIP (mtime >= mtimecmp) and mip.MSIP. The run loop calls it when time passes a deadline. */
  update(): void {
    this.sink.setPending(IRQ.MTI, this.mtime() >= this.mtimecmp);
    this.sink.setPending(IRQ.MSI, (this.msip & 1) !== 0);
  }

  /**
   * The time-source reading (`time.read()` units, not mtime) at which MTIP will become pending, or
   * undefined if it is pending already or never will be (mtimecmp = 2^64-1 with no offset wrap).
   * The run loop may run until then without calling `update()`.
   */
  nextDeadline(): bigint | undefined {
    const now = this.mtime();
    if (now >= this.mtimecmp) return undefined;
    if (this.mtimecmp === U64) return undefined; // mtime would need to wrap 2^64 ticks (58,000 years)
    return this.time.read() + (this.mtimecmp - now);
  }

  /** As QEMU: the msip block (an ACLINT MSWI) takes only 4-byte accesses; the mtimer block 4 and 8. */
  accepts(offset: number, size: AccessSize): boolean {
    return offset >= CLINT_MTIMECMP ? size === 4 || size === 8 : size === 4;
  }

  read(offset: number, size: AccessSize): bigint {
    // An 8-byte msip access only gets here if PMA ignores accepts(): it sees hart 0's msip and hart 1's (absent, 0).
    if (offset === CLINT_MSIP) return BigInt(this.msip & 1);
    if (offset === CLINT_MSIP + 4 && size === 4) return 0n;  // msip of hart 1: absent
    const cmp = this.half(offset, size, CLINT_MTIMECMP);
    if (cmp !== undefined) return cmp(this.mtimecmp);
    const time = this.half(offset, size, CLINT_MTIME);
    if (time !== undefined) return time(this.mtime());
    return 0n; // QEMU: other offsets read 0 (logged as guest errors)
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset === CLINT_MSIP) {
      this.msip = Number(value & 1n);
      this.update();
      return;
    }
    const cmp = this.merge(offset, size, CLINT_MTIMECMP, this.mtimecmp, value);
    if (cmp !== undefined) {
      this.mtimecmp = cmp;
      this.update();
      this.onDeadline();
      return;
    }
    const time = this.merge(offset, size, CLINT_MTIME, this.mtime(), value);
    if (time !== undefined) {
      this.offset = (time - this.time.read()) & U64;
      this.update();
      this.onDeadline();
    }
    // Other offsets: ignored, as QEMU does.
  }

  /** For a 64-bit register at `reg`: an extractor for an 8-byte access at reg or a 4-byte access at either half. */
  private half(offset: number, size: AccessSize, reg: number): ((v: bigint) => bigint) | undefined {
    if (size === 8 && offset === reg) return (v) => v;
    if (size === 4 && offset === reg) return (v) => v & LO32;
    if (size === 4 && offset === reg + 4) return (v) => v >> 32n;
    return undefined;
  }

  /** The new 64-bit value of the register at `reg` after a write, or undefined if the write misses it. */
  private merge(offset: number, size: AccessSize, reg: number, old: bigint, value: bigint): bigint | undefined {
    if (size === 8 && offset === reg) return value & U64;
    if (size === 4 && offset === reg) return (old & ~LO32 & U64) | (value & LO32);
    if (size === 4 && offset === reg + 4) return (old & LO32) | ((value & LO32) << 32n);
    return undefined;
  }
}
