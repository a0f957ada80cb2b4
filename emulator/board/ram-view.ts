// DataView's accessors over chunked RAM, by offset from the RAM's base: what the bus, the page
// walker, the decode cache and the debugger use (the hart's hottest paths read the chunk directly).
// A chunk never written reads as zeros and is not created by a read. An access that straddles two
// chunks (only a misaligned one from outside the hart could) goes byte by byte.

import type { Ram } from './ram.js';

export class RamView {
  /** The first chunk, read and written without a lookup (page-table walks, instruction decode). */
  private readonly low: DataView;
  private readonly lowSize: number;

  constructor(private readonly ram: Ram) {
    this.low = ram.lowView;
    this.lowSize = ram.low.length;
  }

  /** The offset in its chunk of the `size` bytes at o, or -1 when they straddle two chunks. */
  private at(o: number, size: number): number {
    if (o < 0 || o + size > this.ram.size) throw new RangeError(`RAM offset 0x${o.toString(16)} (${size} bytes) is outside its 0x${this.ram.size.toString(16)} bytes`);
    const i = this.ram.inChunk(o);
    return i + size <= this.ram.chunkSize ? i : -1;
  }

  private readUnsigned(o: number, size: number): number {
    if (o >= 0 && o <= this.lowSize - size) {
      const v = this.low;
      return size === 1 ? v.getUint8(o) : size === 2 ? v.getUint16(o, true) : v.getUint32(o, true);
    }
    const i = this.at(o, size);
    if (i < 0) {
      let v = 0;
      for (let b = size - 1; b >= 0; b--) v = v * 256 + this.readUnsigned(o + b, 1);
      return v;
    }
    const v = this.ram.readView(o);
    if (v === undefined) return 0;
    return size === 1 ? v.getUint8(i) : size === 2 ? v.getUint16(i, true) : v.getUint32(i, true);
  }

  private writeUnsigned(o: number, size: number, value: number): void {
    if (o >= 0 && o <= this.lowSize - size) {
      const v = this.low;
      if (size === 1) v.setUint8(o, value); else if (size === 2) v.setUint16(o, value, true); else v.setUint32(o, value, true);
      return;
    }
    const i = this.at(o, size);
    if (i < 0) {
      for (let b = 0; b < size; b++) this.writeUnsigned(o + b, 1, Math.floor(value / 256 ** b) & 0xff);
      return;
    }
    const v = this.ram.writeView(o);
    if (size === 1) v.setUint8(i, value); else if (size === 2) v.setUint16(i, value, true); else v.setUint32(i, value, true);
  }

  // RAM is little-endian: `littleEndian` is accepted for DataView's signature and must be true for
  // multi-byte accesses.
  getUint8(o: number): number { return this.readUnsigned(o, 1); }
  getInt8(o: number): number { return (this.readUnsigned(o, 1) << 24) >> 24; }
  getUint16(o: number, littleEndian?: boolean): number { le(littleEndian); return this.readUnsigned(o, 2); }
  getInt16(o: number, littleEndian?: boolean): number { le(littleEndian); return (this.readUnsigned(o, 2) << 16) >> 16; }
  getUint32(o: number, littleEndian?: boolean): number { le(littleEndian); return this.readUnsigned(o, 4); }
  getInt32(o: number, littleEndian?: boolean): number { le(littleEndian); return this.readUnsigned(o, 4) | 0; }
  getBigUint64(o: number, littleEndian?: boolean): bigint {
    le(littleEndian);
    return (BigInt(this.readUnsigned(o + 4, 4)) << 32n) | BigInt(this.readUnsigned(o, 4));
  }
  setUint8(o: number, value: number): void { this.writeUnsigned(o, 1, value & 0xff); }
  setInt8(o: number, value: number): void { this.writeUnsigned(o, 1, value & 0xff); }
  setUint16(o: number, value: number, littleEndian?: boolean): void { le(littleEndian); this.writeUnsigned(o, 2, value & 0xffff); }
  setInt16(o: number, value: number, littleEndian?: boolean): void { le(littleEndian); this.writeUnsigned(o, 2, value & 0xffff); }
  setUint32(o: number, value: number, littleEndian?: boolean): void { le(littleEndian); this.writeUnsigned(o, 4, value >>> 0); }
  setInt32(o: number, value: number, littleEndian?: boolean): void { le(littleEndian); this.writeUnsigned(o, 4, value >>> 0); }
  setBigUint64(o: number, value: bigint, littleEndian?: boolean): void {
    le(littleEndian);
    const v = BigInt.asUintN(64, value);
    if (this.at(o, 8) < 0) {
      for (let b = 0; b < 8; b++) this.writeUnsigned(o + b, 1, Number((v >> BigInt(8 * b)) & 0xffn));
      return;
    }
    this.writeUnsigned(o, 4, Number(v & 0xffffffffn));
    this.writeUnsigned(o + 4, 4, Number(v >> 32n));
  }
}

function le(littleEndian: boolean | undefined): void {
  if (littleEndian !== true) throw new RangeError('RAM is little-endian: multi-byte accesses pass littleEndian = true');
}
