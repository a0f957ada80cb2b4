// virtio-mmio v2 with virtio-blk and virtio-rng, driven as xv6's and Linux's drivers drive them:
// the status handshake, feature negotiation, queue setup, requests split any way, interrupts and
// their acknowledgement, reset; bad guest input gets an error status or NEEDS_RESET, never a throw.

import { describe, expect, it } from 'vitest';
import { SECTOR, MemoryDisk, SnapshotDisk } from '../../../emulator/board/virtio/disk.js';
import { VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VirtioBlk } from '../../../emulator/board/virtio/blk.js';
import { STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK, STATUS_NEEDS_RESET, VirtioMmio, type VirtioDevice } from '../../../emulator/board/virtio/mmio.js';
import { VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, type GuestMemory } from '../../../emulator/board/virtio/queue.js';
import { VirtioRng } from '../../../emulator/board/virtio/rng.js';

const BASE = 0x8000_0000, SIZE = 1 << 20;
const DESC = BASE + 0x1000, AVAIL = BASE + 0x2000, USED = BASE + 0x3000, BUF = BASE + 0x10000;
const NUM = 8;

class Ram implements GuestMemory {
  readonly bytes = new Uint8Array(SIZE);
  readonly view = new DataView(this.bytes.buffer);
  private ok(pa: number, len: number): boolean { return pa >= BASE && pa + len <= BASE + SIZE; }
  read(pa: number, len: number): Uint8Array | undefined { return this.ok(pa, len) ? this.bytes.slice(pa - BASE, pa - BASE + len) : undefined; }
  write(pa: number, data: Uint8Array): boolean { if (!this.ok(pa, data.length)) return false; this.bytes.set(data, pa - BASE); return true; }
}

/** A driver, written as xv6's virtio_disk.c is. */
class Driver {
  readonly ram = new Ram();
  irq = false;
  readonly dev: VirtioMmio;
  private nextDesc = 0;
  availIdx = 0;

  constructor(device: VirtioDevice | undefined) {
    this.dev = new VirtioMmio(0x1000_1000, 0, device, this.ram, (l) => { this.irq = l; });
  }
  r(off: number): number { return Number(this.dev.read(off, 4)); }
  w(off: number, v: number): void { this.dev.write(off, 4, BigInt(v)); }

  init(acceptMask = 0xffff_ffff): void {
    this.w(0x70, 0);
    this.w(0x70, STATUS_ACKNOWLEDGE);
    this.w(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    this.w(0x14, 0);
    this.w(0x20, this.r(0x10) & acceptMask);
    this.w(0x24, 1); this.w(0x14, 1);
    this.w(0x20, this.r(0x10)); // VIRTIO_F_VERSION_1
    this.w(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    expect(this.r(0x70) & STATUS_FEATURES_OK).toBe(STATUS_FEATURES_OK);
    this.w(0x30, 0);
    expect(this.r(0x44)).toBe(0);
    expect(this.r(0x34)).toBeGreaterThanOrEqual(NUM);
    this.w(0x38, NUM);
    this.w(0x80, DESC); this.w(0x84, 0);
    this.w(0x90, AVAIL); this.w(0x94, 0);
    this.w(0xa0, USED); this.w(0xa4, 0);
    this.w(0x44, 1);
    this.w(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  }

  /** Writes a descriptor chain of (addr, len, writable) parts and publishes it; returns its head. */
  submit(parts: [number, number, boolean][], notify = true): number {
    const ids = parts.map(() => this.nextDesc++ % NUM);
    parts.forEach(([addr, len, wr], i) => {
      const d = DESC - BASE + 16 * ids[i]!;
      this.ram.view.setBigUint64(d, BigInt(addr), true);
      this.ram.view.setUint32(d + 8, len, true);
      this.ram.view.setUint16(d + 12, (wr ? VIRTQ_DESC_F_WRITE : 0) | (i < parts.length - 1 ? VIRTQ_DESC_F_NEXT : 0), true);
      this.ram.view.setUint16(d + 14, i < parts.length - 1 ? ids[i + 1]! : 0, true);
    });
    this.ram.view.setUint16(AVAIL - BASE + 4 + 2 * (this.availIdx % NUM), ids[0]!, true);
    this.availIdx++;
    this.ram.view.setUint16(AVAIL - BASE + 2, this.availIdx, true);
    if (notify) this.w(0x50, 0);
    return ids[0]!;
  }

  usedIdx(): number { return this.ram.view.getUint16(USED - BASE + 2, true); }
  used(i: number): { id: number; len: number } {
    const e = USED - BASE + 4 + 8 * (i % NUM);
    return { id: this.ram.view.getUint32(e, true), len: this.ram.view.getUint32(e + 4, true) };
  }
  ack(): void { this.w(0x64, this.r(0x60) & 3); }

  /** A block request: header at BUF, data at BUF+0x100, status at BUF+0x80. Returns the status byte. */
  blk(type: number, sector: number, data: number, opts: { splitHeader?: boolean } = {}): number {
    this.ram.view.setUint32(BUF - BASE, type, true);
    this.ram.view.setUint32(BUF - BASE + 4, 0, true);
    this.ram.view.setBigUint64(BUF - BASE + 8, BigInt(sector), true);
    this.ram.bytes[BUF - BASE + 0x80] = 0xff;
    const header: [number, number, boolean][] = opts.splitHeader ? [[BUF, 5, false], [BUF + 5, 11, false]] : [[BUF, 16, false]];
    const body: [number, number, boolean][] = data ? [[BUF + 0x100, data, type === VIRTIO_BLK_T_IN || type === VIRTIO_BLK_T_GET_ID]] : [];
    this.submit([...header, ...body, [BUF + 0x80, 1, true]]);
    return this.ram.bytes[BUF - BASE + 0x80]!;
  }
}

function diskOf(sectors: number, readOnly = false): MemoryDisk {
  const b = new Uint8Array(sectors * SECTOR);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 9)) & 0xff;
  return new MemoryDisk(b, readOnly);
}

describe('virtio-mmio transport', () => {
  it('an empty slot reads as QEMU\'s: magic, version 2, device ID 0, vendor QEMU; writes do nothing', () => {
    const d = new Driver(undefined);
    expect([d.r(0), d.r(4), d.r(8), d.r(0xc)]).toEqual([0x7472_6976, 2, 0, 0x554d_4551]);
    d.w(0x70, 7);
    expect(d.r(0x70)).toBe(0);
    expect(d.r(0x34)).toBe(0);
  });

  it('feature negotiation: FEATURES_OK stays clear when the driver asks for a feature not offered', () => {
    const d = new Driver(new VirtioBlk(diskOf(4)));
    d.w(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    d.w(0x24, 0);
    d.w(0x20, d.r(0x10) | (1 << 28)); // INDIRECT_DESC is not offered
    d.w(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    expect(d.r(0x70) & STATUS_FEATURES_OK).toBe(0);
  });

  it('registers are 32-bit: other widths read 0 and write nothing, as QEMU', () => {
    const d = new Driver(new VirtioBlk(diskOf(4)));
    expect(d.dev.read(0, 2)).toBe(0n);
    d.dev.write(0x70, 1, 3n);
    expect(d.r(0x70)).toBe(0);
  });
});

describe('virtio-blk', () => {
  it('advertises capacity, seg_max and blk_size in its config; RO only for a read-only disk', () => {
    const d = new Driver(new VirtioBlk(diskOf(40)));
    expect(d.dev.read(0x100, 8)).toBe(40n);
    expect(Number(d.dev.read(0x10c, 4))).toBe(254);
    expect(Number(d.dev.read(0x114, 4))).toBe(512);
    expect(d.r(0x10) & (1 << 5)).toBe(0);
    expect(new Driver(new VirtioBlk(diskOf(4, true))).r(0x10) & (1 << 5)).toBe(1 << 5);
  });

  it('reads, writes, flushes and answers GET_ID; each completion on the used ring with an interrupt', () => {
    const disk = diskOf(16);
    const d = new Driver(new VirtioBlk(disk, 'fs.img'));
    d.init();
    expect(d.blk(VIRTIO_BLK_T_IN, 3, 1024)).toBe(VIRTIO_BLK_S_OK);
    expect([...d.ram.bytes.subarray(BUF - BASE + 0x100, BUF - BASE + 0x100 + 1024)]).toEqual([...disk.bytes.subarray(3 * 512, 5 * 512)]);
    expect(d.irq).toBe(true);
    expect(d.r(0x60)).toBe(1);
    expect(d.usedIdx()).toBe(1);
    expect(d.used(0)).toEqual({ id: 0, len: 1025 });
    d.ack();
    expect(d.irq).toBe(false);

    d.ram.bytes.fill(0xab, BUF - BASE + 0x100, BUF - BASE + 0x300);
    expect(d.blk(VIRTIO_BLK_T_OUT, 10, 512)).toBe(VIRTIO_BLK_S_OK);
    expect(disk.bytes.subarray(10 * 512, 11 * 512).every((b) => b === 0xab)).toBe(true);
    expect(d.used(1).len).toBe(1); // used.len: the writable size, as QEMU
    expect(d.blk(VIRTIO_BLK_T_IN, 99, 512)).toBe(VIRTIO_BLK_S_IOERR);
    expect(d.used(2).len).toBe(513);
    d.availIdx = 3;
    expect(d.blk(VIRTIO_BLK_T_FLUSH, 0, 0)).toBe(VIRTIO_BLK_S_OK);
    d.ram.bytes.fill(0xee, BUF - BASE + 0x100, BUF - BASE + 0x120);
    expect(d.blk(VIRTIO_BLK_T_GET_ID, 0, 20)).toBe(VIRTIO_BLK_S_OK);
    // The serial and its NUL, nothing more (QEMU).
    expect([...d.ram.bytes.subarray(BUF - BASE + 0x100, BUF - BASE + 0x108)]).toEqual([...new TextEncoder().encode('fs.img\0'), 0xee]);
    // A header split across descriptors is read as one.
    expect(d.blk(VIRTIO_BLK_T_IN, 1, 512, { splitHeader: true })).toBe(VIRTIO_BLK_S_OK);
    expect(d.ram.bytes[BUF - BASE + 0x100]).toBe(disk.bytes[512]);
    expect(d.usedIdx()).toBe(6);
  });

  it('errors: a sector past the end, a partial sector, a write to a read-only disk, an unknown type', () => {
    const d = new Driver(new VirtioBlk(diskOf(8)));
    d.init();
    expect(d.blk(VIRTIO_BLK_T_IN, 8, 512)).toBe(VIRTIO_BLK_S_IOERR);
    expect(d.blk(VIRTIO_BLK_T_IN, 7, 1024)).toBe(VIRTIO_BLK_S_IOERR);
    expect(d.blk(VIRTIO_BLK_T_IN, 0, 100)).toBe(VIRTIO_BLK_S_IOERR);
    expect(d.blk(99, 0, 0)).toBe(VIRTIO_BLK_S_UNSUPP);
    const ro = new Driver(new VirtioBlk(diskOf(8, true)));
    ro.init(~(1 << 5)); // as xv6: RO not accepted, writes still refused
    expect(ro.blk(VIRTIO_BLK_T_OUT, 0, 512)).toBe(VIRTIO_BLK_S_IOERR);
    expect(d.r(0x70) & STATUS_NEEDS_RESET).toBe(0);
  });

  it('bad descriptors (outside RAM, a loop) set NEEDS_RESET with a config interrupt; reset recovers', () => {
    const d = new Driver(new VirtioBlk(diskOf(8)));
    d.init();
    d.submit([[BUF, 16, false], [0x1000, 512, true], [BUF + 0x80, 1, true]]);
    expect(d.r(0x70) & STATUS_NEEDS_RESET).toBe(STATUS_NEEDS_RESET);
    expect(d.r(0x60) & 2).toBe(2);
    expect(d.irq).toBe(true);
    // Requests are ignored until reset.
    expect(d.blk(VIRTIO_BLK_T_IN, 0, 512)).toBe(0xff);
    d.init();
    expect(d.irq).toBe(false);
    d.availIdx = 0;
    expect(d.blk(VIRTIO_BLK_T_IN, 0, 512)).toBe(VIRTIO_BLK_S_OK);
    // A chain whose last descriptor points back at its first.
    const head = d.submit([[BUF, 16, false], [BUF + 0x80, 1, true]], false);
    d.ram.view.setUint16(DESC - BASE + 16 * ((head + 1) % NUM) + 12, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, true);
    d.ram.view.setUint16(DESC - BASE + 16 * ((head + 1) % NUM) + 14, head, true);
    d.w(0x50, 0);
    expect(d.r(0x70) & STATUS_NEEDS_RESET).toBe(STATUS_NEEDS_RESET);
  });

  it('--snapshot: the guest sees its writes, the disk below is never written', () => {
    const below = diskOf(8);
    const before = below.bytes.slice();
    const snap = new SnapshotDisk(below);
    snap.write(700, new Uint8Array(600).fill(9));
    expect(snap.read(650, 700).subarray(50, 650).every((b) => b === 9)).toBe(true);
    expect(snap.read(0, 700)[699]).toBe(before[699]);
    expect(below.bytes).toEqual(before);
  });
});

describe('virtio-rng', () => {
  it('fills writable buffers, deterministically from its seed (reset repeats the stream)', () => {
    const take = (d: Driver): number[] => { d.submit([[BUF, 64, true]]); return [...d.ram.bytes.subarray(BUF - BASE, BUF - BASE + 64)]; };
    const a = new Driver(new VirtioRng()), b = new Driver(new VirtioRng());
    a.init(); b.init();
    const first = take(a);
    expect(first).toEqual(take(b));
    expect(new Set(first).size).toBeGreaterThan(32);
    expect(a.used(0).len).toBe(64);
    expect(take(a)).not.toEqual(first);
    a.init(); a.availIdx = 0;
    expect(take(a)).toEqual(first);
    const c = new Driver(new VirtioRng(42n));
    c.init();
    expect(take(c)).not.toEqual(first);
  });
});
