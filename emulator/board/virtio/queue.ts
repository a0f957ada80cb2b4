// A split virtqueue (virtio 1.2 §2.7): the descriptor table, the driver's available ring and the
// device's used ring, all in guest memory. The device takes chains from the available ring and
// gives them back on the used ring. Everything read from the guest is checked: a descriptor outside
// RAM, a chain longer than the queue (a loop) or an index past the table makes the chain bad, never
// a host exception.

/** Guest physical memory as a device reaches it (DMA): undefined / false outside RAM. */
export interface GuestMemory {
  read(pa: number, len: number): Uint8Array | undefined;
  write(pa: number, data: Uint8Array): boolean;
}

export const VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2, VIRTQ_DESC_F_INDIRECT = 4;

/** One buffer of a chain: guest-physical, device-readable or device-writable. */
export interface Buffer {
  addr: number;
  len: number;
  writable: boolean;
}

export interface Chain {
  /** The head descriptor's index: what goes back on the used ring. */
  head: number;
  buffers: Buffer[];
}

/** What the transport keeps of a queue (its registers). */
export class Virtqueue {
  /** QueueNum: the ring size the driver chose (a power of two up to QueueNumMax). */
  num = 0;
  ready = false;
  desc = 0;
  driver = 0;
  device = 0;
  /** The next available-ring entry the device will take. */
  private lastAvail = 0;

  reset(): void {
    this.num = 0; this.ready = false; this.desc = 0; this.driver = 0; this.device = 0; this.lastAvail = 0;
  }

  private u16(mem: GuestMemory, pa: number): number | undefined {
    const b = mem.read(pa, 2);
    return b && b[0]! | (b[1]! << 8);
  }

  /**
   * The next available chain, undefined when the ring is empty, or 'bad' for a chain that cannot be
   * used (the device then needs a reset, as virtio's NEEDS_RESET says).
   */
  pop(mem: GuestMemory): Chain | undefined | 'bad' {
    if (!this.ready || this.num === 0) return undefined;
    const availIdx = this.u16(mem, this.driver + 2);
    if (availIdx === undefined) return 'bad';
    if (availIdx === this.lastAvail) return undefined;
    const head = this.u16(mem, this.driver + 4 + 2 * (this.lastAvail % this.num));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (head === undefined || head >= this.num) return 'bad';
    const buffers: Buffer[] = [];
    let i = head;
    for (;;) {
      // 16 bytes: addr u64, len u32, flags u16, next u16.
      const d = mem.read(this.desc + 16 * i, 16);
      if (!d) return 'bad';
      const v = new DataView(d.buffer, d.byteOffset, 16);
      const addr = Number(v.getBigUint64(0, true)), len = v.getUint32(8, true), flags = v.getUint16(12, true), next = v.getUint16(14, true);
      if (flags & VIRTQ_DESC_F_INDIRECT) return 'bad'; // not offered (VIRTIO_RING_F_INDIRECT_DESC)
      buffers.push({ addr, len, writable: (flags & VIRTQ_DESC_F_WRITE) !== 0 });
      if (!(flags & VIRTQ_DESC_F_NEXT)) break;
      if (next >= this.num || buffers.length >= this.num) return 'bad'; // past the table, or a loop
      i = next;
    }
    return { head, buffers };
  }

  /** Puts a finished chain on the used ring: `written` bytes were written into its buffers. */
  push(mem: GuestMemory, head: number, written: number): boolean {
    const usedIdx = this.u16(mem, this.device + 2);
    if (usedIdx === undefined) return false;
    const elem = new Uint8Array(8);
    const v = new DataView(elem.buffer);
    v.setUint32(0, head, true);
    v.setUint32(4, written, true);
    const idx = new Uint8Array(2);
    new DataView(idx.buffer).setUint16(0, (usedIdx + 1) & 0xffff, true);
    // The element first, then the index that publishes it.
    return mem.write(this.device + 4 + 8 * (usedIdx % this.num), elem) && mem.write(this.device + 2, idx);
  }
}
