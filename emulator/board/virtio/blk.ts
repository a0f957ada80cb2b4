// virtio-blk (device ID 2, virtio 1.2 §5.2): one request queue; the request types a kernel uses —
// IN, OUT, FLUSH, GET_ID — and the features and limits QEMU's virtio-blk-device advertises that we
// implement (SEG_MAX, BLK_SIZE, FLUSH, RO for a read-only disk). The request's parts may be split
// across descriptors any way the driver likes (§2.7.4): the device-readable bytes are read as one
// stream (header, then data) and the device-writable ones written as one (data, then the status).

import type { AccessSize } from '../device.js';
import { SECTOR, type BlockBackend } from './disk.js';
import { VIRTIO_F_VERSION_1, type VirtioDevice } from './mmio.js';
import type { Chain, GuestMemory } from './queue.js';

export const VIRTIO_BLK_F_SEG_MAX = 2n, VIRTIO_BLK_F_RO = 5n, VIRTIO_BLK_F_BLK_SIZE = 6n, VIRTIO_BLK_F_FLUSH = 9n;
export const VIRTIO_BLK_T_IN = 0, VIRTIO_BLK_T_OUT = 1, VIRTIO_BLK_T_FLUSH = 4, VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2;
/** QEMU's virtio-blk queue-size (256): seg_max is two less (header and status). */
const QUEUE_SIZE = 256;
const ID_BYTES = 20;

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = 2;
  readonly queueCount = 1;
  readonly features: bigint;
  private readonly config: DataView;

  constructor(private readonly disk: BlockBackend, private readonly serial = '') {
    let f = (1n << VIRTIO_F_VERSION_1) | (1n << VIRTIO_BLK_F_SEG_MAX) | (1n << VIRTIO_BLK_F_BLK_SIZE) | (1n << VIRTIO_BLK_F_FLUSH);
    if (disk.readOnly) f |= 1n << VIRTIO_BLK_F_RO;
    this.features = f;
    // struct virtio_blk_config: capacity u64 @0, size_max u32 @8, seg_max u32 @12, geometry @16, blk_size u32 @20.
    this.config = new DataView(new ArrayBuffer(0x40));
    this.config.setBigUint64(0, BigInt(disk.size / SECTOR), true);
    this.config.setUint32(12, QUEUE_SIZE - 2, true);
    this.config.setUint32(20, SECTOR, true);
  }

  configRead(offset: number, size: AccessSize): bigint {
    if (offset + size > this.config.byteLength) return 0n;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.config.getUint8(offset + i));
    return v;
  }

  serve(_q: number, chain: Chain, mem: GuestMemory): number | 'bad' {
    const readable = chain.buffers.filter((b) => !b.writable), writable = chain.buffers.filter((b) => b.writable);
    const inBytes = writable.reduce((n, b) => n + b.len, 0);
    if (inBytes < 1) return 'bad'; // no room for the status byte
    const out = gather(mem, readable);
    if (!out || out.length < 16) return 'bad';
    const h = new DataView(out.buffer, out.byteOffset, 16);
    const type = h.getUint32(0, true), sector = Number(h.getBigUint64(8, true));
    const dataIn = inBytes - 1;
    let status = VIRTIO_BLK_S_OK, reply: Uint8Array = new Uint8Array(0);
    const inRange = (len: number): boolean => len % SECTOR === 0 && sector * SECTOR + len <= this.disk.size;
    switch (type) {
      case VIRTIO_BLK_T_IN:
        if (inRange(dataIn)) reply = this.disk.read(sector * SECTOR, dataIn); else status = VIRTIO_BLK_S_IOERR;
        break;
      case VIRTIO_BLK_T_OUT: {
        const data = out.subarray(16);
        if (this.disk.readOnly || !inRange(data.length)) status = VIRTIO_BLK_S_IOERR;
        else this.disk.write(sector * SECTOR, data);
        break;
      }
      case VIRTIO_BLK_T_FLUSH:
        this.disk.flush();
        break;
      case VIRTIO_BLK_T_GET_ID: {
        // As QEMU: the serial and its NUL, cut to the buffer and to 20 bytes.
        const id = new TextEncoder().encode(this.serial + '\0');
        reply = id.subarray(0, Math.min(id.length, dataIn, ID_BYTES));
        break;
      }
      default:
        status = VIRTIO_BLK_S_UNSUPP;
    }
    const result = new Uint8Array(reply.length + 1);
    result.set(reply);
    result[reply.length] = status;
    // The status is the last writable byte, after whatever data there is room for. used.len is the
    // whole writable size, as QEMU reports it (req->in_len), whatever was written.
    return scatter(mem, writable, result, inBytes) ? inBytes : 'bad';
  }
}

/** The device-readable buffers' bytes, in order; undefined when one is outside RAM. */
function gather(mem: GuestMemory, bufs: Chain['buffers']): Uint8Array | undefined {
  const total = bufs.reduce((n, b) => n + b.len, 0);
  if (total > 64 << 20) return undefined; // no request is that big: a bad length
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of bufs) {
    const bytes = mem.read(b.addr, b.len);
    if (!bytes) return undefined;
    out.set(bytes, at);
    at += b.len;
  }
  return out;
}

/**
 * Writes `result` into the writable buffers: its data part from the start of the writable space, its
 * last byte (the status) at the very end; bytes between are left as they were. False when a buffer
 * is outside RAM.
 */
function scatter(mem: GuestMemory, bufs: Chain['buffers'], result: Uint8Array, space: number): boolean {
  const dataLen = Math.min(result.length - 1, space - 1);
  const pieces: [number, Uint8Array][] = [[0, result.subarray(0, dataLen)], [space - 1, result.subarray(result.length - 1)]];
  let at = 0;
  for (const b of bufs) {
    for (const [start, bytes] of pieces) {
      const from = Math.max(start, at), to = Math.min(start + bytes.length, at + b.len);
      if (from < to && !mem.write(b.addr + (from - at), bytes.subarray(from - start, to - start))) return false;
    }
    at += b.len;
  }
  return true;
}
