// The virtio-mmio transport, version 2 ("modern", virtio 1.2 §4.2.2), as QEMU's virt has eight of
// them at 0x10001000 + 0x1000·n with PLIC sources 1..8. A slot with no device reads as QEMU's empty
// virtio-mmio: magic, version, device ID 0. The device behind it (blk.ts, rng.ts) sees only its
// queues, guest memory and the interrupt; the register file, the status handshake, feature
// negotiation and reset live here once.

import type { AccessSize, Device } from '../device.js';
import { Virtqueue, type Chain, type GuestMemory } from './queue.js';

export const VIRTIO_MMIO_BASE = 0x1000_1000, VIRTIO_MMIO_STRIDE = 0x1000, VIRTIO_MMIO_SLOTS = 8;
/** PLIC source of slot n (QEMU: VIRTIO_IRQ = 1). */
export const virtioIrq = (slot: number): number => 1 + slot;

const MAGIC = 0x7472_6976; // "virt"
const VENDOR_QEMU = 0x554d_4551; // "QEMU"
export const VIRTIO_F_VERSION_1 = 32n;
/** QueueNumMax of every queue, as QEMU's virtio-mmio reports it (VIRTQUEUE_MAX_SIZE). */
export const VIRTQUEUE_MAX_SIZE = 1024;

// Device status bits (§2.1).
export const STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8,
  STATUS_NEEDS_RESET = 64, STATUS_FAILED = 128;

/** What a device behind the transport provides. */
export interface VirtioDevice {
  /** Device ID (§5): 2 block, 4 entropy. */
  readonly deviceId: number;
  /** Feature bits offered (VIRTIO_F_VERSION_1 included). */
  readonly features: bigint;
  readonly queueCount: number;
  /** Reads device configuration space (offset from 0x100), little-endian. */
  configRead(offset: number, size: AccessSize): bigint;
  configWrite?(offset: number, size: AccessSize, value: bigint): void;
  /** Serves one chain taken from queue q; returns the bytes written into its buffers, or 'bad'. */
  serve(q: number, chain: Chain, mem: GuestMemory): number | 'bad';
  /** The transport was reset (status 0). */
  reset?(): void;
}

export class VirtioMmio implements Device {
  readonly name: string;
  readonly size = VIRTIO_MMIO_STRIDE;
  readonly accessSizes: readonly AccessSize[] = [1, 2, 4, 8];
  status = 0;
  interruptStatus = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  driverFeatures = 0n;
  private queueSel = 0;
  private configGeneration = 0;
  readonly queues: Virtqueue[];

  constructor(readonly base: number, readonly slot: number, private readonly dev: VirtioDevice | undefined,
    private readonly mem: GuestMemory, private readonly irq: (level: boolean) => void) {
    this.name = `virtio_mmio@${base.toString(16)}`;
    this.queues = Array.from({ length: dev?.queueCount ?? 0 }, () => new Virtqueue());
  }

  private get queue(): Virtqueue | undefined { return this.queues[this.queueSel]; }

  read(offset: number, size: AccessSize): bigint {
    if (offset >= 0x100) return this.dev ? this.dev.configRead(offset - 0x100, size) : 0n;
    // Registers are 32-bit; QEMU ignores other widths (reads 0), and so do we.
    return size === 4 ? BigInt(this.reg(offset) >>> 0) : 0n;
  }

  private reg(offset: number): number {
    const dev = this.dev, q = this.queue;
    switch (offset) {
      case 0x000: return MAGIC;
      case 0x004: return 2;
      case 0x008: return dev?.deviceId ?? 0;
      case 0x00c: return VENDOR_QEMU;
      case 0x010: return dev && this.deviceFeaturesSel < 2 ? Number((dev.features >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn) : 0;
      case 0x034: return q ? VIRTQUEUE_MAX_SIZE : 0;
      case 0x044: return q?.ready ? 1 : 0;
      case 0x060: return this.interruptStatus;
      case 0x070: return this.status;
      case 0x080: return q ? q.desc % 2 ** 32 : 0;
      case 0x084: return q ? Math.floor(q.desc / 2 ** 32) : 0;
      case 0x090: return q ? q.driver % 2 ** 32 : 0;
      case 0x094: return q ? Math.floor(q.driver / 2 ** 32) : 0;
      case 0x0a0: return q ? q.device % 2 ** 32 : 0;
      case 0x0a4: return q ? Math.floor(q.device / 2 ** 32) : 0;
      case 0x0fc: return this.configGeneration;
      default: return 0; // write-only and reserved registers read 0
    }
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset >= 0x100) { this.dev?.configWrite?.(offset - 0x100, size, value); return; }
    if (!this.dev || size !== 4) return;
    const v = Number(value & 0xffff_ffffn), q = this.queue;
    const lo = (x: number): number => Math.floor(x / 2 ** 32) * 2 ** 32 + v;
    const hi = (x: number): number => (v & 0x1f_ffff) * 2 ** 32 + (x % 2 ** 32); // PAs are below 2^53
    switch (offset) {
      case 0x014: this.deviceFeaturesSel = v; return;
      case 0x020:
        if (this.driverFeaturesSel < 2) {
          const shift = BigInt(32 * this.driverFeaturesSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffff_ffffn << shift)) | (BigInt(v) << shift);
        }
        return;
      case 0x024: this.driverFeaturesSel = v; return;
      case 0x030: this.queueSel = v; return;
      case 0x038: if (q && v <= VIRTQUEUE_MAX_SIZE && (v & (v - 1)) === 0) q.num = v; return;
      case 0x044: if (q) q.ready = (v & 1) === 1; return;
      case 0x050: this.notify(v); return;
      case 0x064: this.interruptStatus &= ~v; this.irq(this.interruptStatus !== 0); return;
      case 0x070: this.setStatus(v); return;
      case 0x080: if (q) q.desc = lo(q.desc); return;
      case 0x084: if (q) q.desc = hi(q.desc); return;
      case 0x090: if (q) q.driver = lo(q.driver); return;
      case 0x094: if (q) q.driver = hi(q.driver); return;
      case 0x0a0: if (q) q.device = lo(q.device); return;
      case 0x0a4: if (q) q.device = hi(q.device); return;
      default: return;
    }
  }

  private setStatus(v: number): void {
    if (v === 0) { this.reset(); return; }
    // FEATURES_OK stays set only when the driver accepted a subset of what is offered (§3.1.1).
    if (v & STATUS_FEATURES_OK && !(this.status & STATUS_FEATURES_OK) && (this.driverFeatures & ~this.dev!.features) !== 0n) v &= ~STATUS_FEATURES_OK;
    this.status = v & 0xff;
  }

  private reset(): void {
    this.status = 0; this.interruptStatus = 0; this.driverFeatures = 0n;
    this.deviceFeaturesSel = 0; this.driverFeaturesSel = 0; this.queueSel = 0;
    for (const q of this.queues) q.reset();
    this.dev?.reset?.();
    this.irq(false);
  }

  /** QueueNotify: serve every available chain of the queue, then interrupt if any was used. */
  private notify(qi: number): void {
    const q = this.queues[qi];
    if (!q || !(this.status & STATUS_DRIVER_OK) || this.status & STATUS_NEEDS_RESET) return;
    let used = false;
    for (;;) {
      const chain = q.pop(this.mem);
      if (chain === undefined) break;
      const written = chain === 'bad' ? 'bad' : this.dev!.serve(qi, chain, this.mem);
      if (chain === 'bad' || written === 'bad' || !q.push(this.mem, chain.head, written)) {
        this.needsReset();
        break;
      }
      used = true;
    }
    if (used) { this.interruptStatus |= 1; this.irq(true); }
  }

  /** A broken queue: the device stops until the driver resets it (§2.1.2), and says so by a config interrupt. */
  private needsReset(): void {
    this.status |= STATUS_NEEDS_RESET;
    this.interruptStatus |= 2;
    this.irq(true);
  }
}
