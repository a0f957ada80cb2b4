// Every device of the virt board takes any access PMA lets through — any offset in its region, any
// size it accepts, any value — without a host exception (the guest can reach all of these).
import { describe, expect, it } from 'vitest';
import { Virt } from '../../../emulator/board/virt.js';
import type { AccessSize } from '../../../emulator/board/device.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

describe('devices under random accesses', () => {
  it('reads and writes at random offsets, sizes and values never throw', () => {
    const v = new Virt({ mem: 1 << 20 });
    const next = rng(12345);
    let n = 0;
    for (const region of v.bus.regions().filter((r) => r.kind === 'io')) {
      for (let k = 0; k < 5000; k++) {
        const size = region.accessSizes[next() % region.accessSizes.length]! as AccessSize;
        // Mostly near the registers (low offsets), sometimes anywhere in the region, aligned.
        const span = next() % 4 === 0 ? region.size : Math.min(region.size, 0x400);
        const off = Math.floor((next() % span) / size) * size;
        if (region.accepts && !region.accepts(off, size)) continue;
        const pa = region.base + off;
        const value = (BigInt(next()) << 32n) | BigInt(next());
        expect(() => {
          if (next() & 1) v.bus.write(pa, size, BigInt.asUintN(size * 8, value));
          else v.bus.read(pa, size);
        }, `${region.name} +0x${off.toString(16)} size ${size}`).not.toThrow();
        n++;
      }
    }
    expect(n).toBeGreaterThan(5000);
  });
});
