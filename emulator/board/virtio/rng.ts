// virtio-rng (device ID 4, virtio 1.2 §5.4): one queue whose writable buffers the device fills with
// random bytes. Deterministic by default — a seeded generator (SplitMix64), so a run's entropy, and
// everything the guest does with it, repeats exactly; `seed` changes it.

import type { AccessSize } from '../device.js';
import { VIRTIO_F_VERSION_1, type VirtioDevice } from './mmio.js';
import type { Chain, GuestMemory } from './queue.js';

const MAX_FILL = 1 << 16; // bytes per request at most (QEMU's rng serves what its backend has)

export class VirtioRng implements VirtioDevice {
  readonly deviceId = 4;
  readonly queueCount = 1;
  readonly features = 1n << VIRTIO_F_VERSION_1;
  private state: bigint;

  constructor(readonly seed = 0x7276_6861_7274n) { this.state = seed; } // "rvhart"

  reset(): void { this.state = this.seed; }

  configRead(_offset: number, _size: AccessSize): bigint { return 0n; }

  private next(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e37_79b9_7f4a_7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn);
    return z ^ (z >> 31n);
  }

  serve(_q: number, chain: Chain, mem: GuestMemory): number | 'bad' {
    let written = 0;
    for (const b of chain.buffers) {
      if (!b.writable) continue;
      const n = Math.min(b.len, MAX_FILL - written);
      if (n <= 0) break;
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i += 8) {
        let v = this.next();
        for (let j = i; j < Math.min(n, i + 8); j++) { bytes[j] = Number(v & 0xffn); v >>= 8n; }
      }
      if (!mem.write(b.addr, bytes)) return 'bad';
      written += n;
    }
    return written;
  }
}
