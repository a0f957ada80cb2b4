// RAM in lazily created chunks: untouched chunks cost nothing and read as zeros, bulk copies and
// DataView-style accesses split at chunk boundaries, sizes beyond one typed array work.

import { describe, expect, it } from 'vitest';
import { Ram, RAM_CHUNK, RAM_MAX } from '../../../emulator/board/ram.js';

const BASE = 0x8000_0000, GiB = 1024 ** 3;

describe('Ram', () => {
  it('8 GiB: only the first chunk exists until a write lands in another; reads of the rest are zeros', () => {
    const ram = new Ram(BASE, 8 * GiB);
    expect(ram.chunkCount).toBe(8 * GiB / RAM_CHUNK);
    expect(ram.low.length).toBe(RAM_CHUNK);
    const top = 8 * GiB - 8;
    expect(ram.view.getBigUint64(top, true)).toBe(0n);
    expect(ram.readBytes(5 * GiB, 16)).toEqual(new Uint8Array(16));
    ram.fill(6 * GiB, 4096); // a zero fill of a chunk never written creates nothing
    expect([...Array(ram.chunkCount).keys()].filter((k) => ram.allocated(k))).toEqual([0]);
    ram.view.setBigUint64(top, 0x1122334455667788n, true);
    expect(ram.view.getBigUint64(top, true)).toBe(0x1122334455667788n);
    expect(ram.view.getUint32(top + 4, true)).toBe(0x11223344);
    expect([...Array(ram.chunkCount).keys()].filter((k) => ram.allocated(k))).toEqual([0, 7]);
    expect(ram.contains(BASE + 8 * GiB - 8, 8)).toBe(true);
    expect(ram.contains(BASE + 8 * GiB - 4, 8)).toBe(false);
  });

  it('a small RAM is one chunk of its own size', () => {
    const ram = new Ram(BASE, 1 << 20);
    expect(ram.chunkCount).toBe(1);
    expect(ram.low.length).toBe(1 << 20);
    expect(ram.view.getUint8((1 << 20) - 1)).toBe(0);
    expect(() => ram.view.getUint8(1 << 20)).toThrow(RangeError);
  });

  it('load, readBytes and fill split at chunk boundaries (16 KiB chunks)', () => {
    const ram = new Ram(BASE, 64 * 1024, 16 * 1024);
    const data = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 7 + 3) & 0xff);
    ram.load(BASE + 5000, data);
    expect(ram.readBytes(5000, data.length)).toEqual(data);
    expect(ram.readBytes(4999, 1)[0]).toBe(0);
    expect([0, 1, 2, 3].map((k) => ram.allocated(k))).toEqual([true, true, true, false]); // 5000 + 40000 < 48 KiB
    ram.fill(16 * 1024 - 2, 4, 0xab);
    expect([...ram.readBytes(16 * 1024 - 3, 6)]).toEqual([data[16 * 1024 - 3 - 5000], 0xab, 0xab, 0xab, 0xab, data[16 * 1024 + 2 - 5000]]);
    expect(() => ram.load(BASE + 60 * 1024, new Uint8Array(8192))).toThrow(/outside RAM 0x80000000\.\.0x80010000/);
  });

  it('DataView-style accesses: signed and unsigned, and one that straddles two chunks', () => {
    const ram = new Ram(BASE, 32 * 1024, 16 * 1024);
    const edge = 16 * 1024 - 3; // bytes edge..edge+7 straddle chunks 0 and 1
    ram.view.setBigUint64(edge, 0x8899aabbccddeeffn, true);
    expect(ram.view.getBigUint64(edge, true)).toBe(0x8899aabbccddeeffn);
    expect(ram.view.getUint32(edge + 1, true)).toBe(0xbbccddee);
    expect(ram.view.getInt32(edge + 4, true)).toBe(0x8899aabb | 0);
    expect(ram.view.getInt16(edge + 6, true)).toBe(-0x7767);
    expect(ram.view.getInt8(edge + 7)).toBe(-0x78);
    expect([...ram.readBytes(edge, 8)]).toEqual([0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88]);
    ram.view.setInt32(edge + 2, -2, true);
    expect(ram.view.getUint32(edge + 2, true)).toBe(0xfffffffe);
    expect(() => ram.view.getUint32(0, false)).toThrow(/little-endian/);
  });

  it('refuses sizes it cannot hold and chunk sizes that are not powers of two of at least 4 KiB', () => {
    expect(() => new Ram(BASE, RAM_MAX + 4096)).toThrow(RangeError);
    expect(() => new Ram(BASE, 0)).toThrow(RangeError);
    expect(() => new Ram(BASE, 1 << 20, 6000)).toThrow(/power of two/);
    expect(() => new Ram(BASE, 1 << 20, 2048)).toThrow(/power of two/);
  });
});
