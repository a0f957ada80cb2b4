// CLINT as QEMU virt has it (an ACLINT SWI at +0x0 and an ACLINT MTIMER at +0x4000), one msip and
// one mtimecmp per hart:
//   0x0000 + 4*hart  msip      (4 bytes; bit 0 drives that hart's mip.MSIP)
//   0x4000 + 8*hart  mtimecmp  (4- or 8-byte accesses; halves at +0 and +4; drives its mip.MTIP)
//   0xbff8           mtime     (4- or 8-byte accesses; writes move mtime by adjusting an offset)
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

  /** Per hart: msip bit 0, mtimecmp. */
  private readonly msip: Uint8Array;
  private readonly mtimecmp: bigint[];
  /** mtime - time source, mod 2^64: what a guest write to mtime changes. */
  private offset = 0n;

  /**
   * `onDeadline`: called when a write moves the next timer deadline (mtimecmp, mtime), so the run loop,
   * which sizes its chunks by the deadline, looks again at once instead of at the chunk's end.
   */
  /** `sinks`: each hart's interrupt inputs, by hartid. */
  constructor(private readonly sinks: readonly InterruptSink[], private readonly time: TimeSource, readonly base = CLINT_BASE,
    private readonly onDeadline: () => void = () => {}) {
    this.msip = new Uint8Array(sinks.length);
    this.mtimecmp = sinks.map(() => 0n);
    this.update();
  }

  /** Hart `hart`'s mtimecmp (the debugger, tests). */
  timecmp(hart: number): bigint {
    return this.mtimecmp[hart]!;
  }

  /** The current mtime (what `time`, `rdtime` and stimecmp compare against). */
  mtime(): bigint {
    return (this.time.read() + this.offset) & U64;
  }

  /** Re-evaluates each hart's mip.MTIP (mtime >= mtimecmp) and mip.MSIP. The run loop calls it when time passes a deadline. */
  update(): void {
    const now = this.mtime();
    for (let i = 0; i < this.sinks.length; i++) {
      this.sinks[i]!.setPending(IRQ.MTI, now >= this.mtimecmp[i]!);
      this.sinks[i]!.setPending(IRQ.MSI, this.msip[i] !== 0);
    }
  }

  /**
   * The time-source reading (`time.read()` units, not mtime) at which MTIP will become pending (of
   * hart `hart`, or of any hart by default), or
   * undefined if it is pending already or never will be (mtimecmp = 2^64-1 with no offset wrap).
   * The run loop may run until then without calling `update()`.
   */
  nextDeadline(hart = -1): bigint | undefined {
    const now = this.mtime();
    let next: bigint | undefined;
    for (const cmp of hart >= 0 ? [this.mtimecmp[hart]!] : this.mtimecmp) {
      // Pending already, or mtime would need to wrap 2^64 ticks (58,000 years).
      if (now >= cmp || cmp === U64) continue;
      if (next === undefined || cmp < next) next = cmp;
    }
    return next === undefined ? undefined : this.time.read() + (next - now);
  }

  /** As QEMU: the msip block (an ACLINT MSWI) takes only 4-byte accesses; the mtimer block 4 and 8. */
  accepts(offset: number, size: AccessSize): boolean {
    return offset >= CLINT_MTIMECMP ? size === 4 || size === 8 : size === 4;
  }

  read(offset: number, size: AccessSize): bigint {
    if (offset < CLINT_MTIMECMP) return BigInt(this.msip[offset >>> 2] ?? 0); // a hart that does not exist reads 0
    const hart = (offset - CLINT_MTIMECMP) >>> 3;
    if (hart < this.sinks.length) {
      const cmp = this.half(offset, size, CLINT_MTIMECMP + 8 * hart);
      if (cmp !== undefined) return cmp(this.mtimecmp[hart]!);
    }
    const time = this.half(offset, size, CLINT_MTIME);
    if (time !== undefined) return time(this.mtime());
    return 0n; // QEMU: other offsets read 0 (logged as guest errors)
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset < CLINT_MTIMECMP) {
      const hart = offset >>> 2;
      if ((offset & 3) === 0 && hart < this.sinks.length) {
        this.msip[hart] = Number(value & 1n);
        this.update(); // the target hart's MSIP: it sees it when it next runs
      }
      return;
    }
    const hart = (offset - CLINT_MTIMECMP) >>> 3;
    const cmp = hart < this.sinks.length ? this.merge(offset, size, CLINT_MTIMECMP + 8 * hart, this.mtimecmp[hart]!, value) : undefined;
    if (cmp !== undefined) {
      this.mtimecmp[hart] = cmp;
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
