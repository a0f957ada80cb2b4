// The memory a natively-run kernel module sees. Tests pass the emulator's RAM (through a small adapter)
// or a SparseMemory; the host runtime wraps every stored value to the access width.

export interface HostMemory {
  /** Read `size` (1, 2, 4 or 8) bytes little-endian at `addr`; returns the zero-extended value. */
  read(addr: bigint, size: 1 | 2 | 4 | 8): bigint;
  /** Write the low `size` bytes of `value` little-endian at `addr`. */
  write(addr: bigint, size: 1 | 2 | 4 | 8, value: bigint): void;
}

const PAGE = 4096n;

/** A 64-bit address space of 4 KiB pages created on first touch; unwritten bytes read as zero. */
export class SparseMemory implements HostMemory {
  private readonly pages = new Map<bigint, Uint8Array>();

  private page(addr: bigint): Uint8Array {
    const key = addr / PAGE;
    let p = this.pages.get(key);
    if (!p) { p = new Uint8Array(Number(PAGE)); this.pages.set(key, p); }
    return p;
  }

  read(addr: bigint, size: 1 | 2 | 4 | 8): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const a = BigInt.asUintN(64, addr + BigInt(i));
      v = (v << 8n) | BigInt(this.page(a)[Number(a % PAGE)]);
    }
    return v;
  }

  write(addr: bigint, size: 1 | 2 | 4 | 8, value: bigint): void {
    let v = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) {
      const a = BigInt.asUintN(64, addr + BigInt(i));
      this.page(a)[Number(a % PAGE)] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
}

/** A flat byte buffer mapped at `base` (e.g. the emulator's Ram: `new BufferMemory(ram.base, ram.bytes)`). */
export class BufferMemory implements HostMemory {
  private readonly view: DataView;
  constructor(readonly base: bigint, readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private offset(addr: bigint, size: number): number {
    const off = addr - this.base;
    if (off < 0n || off + BigInt(size) > BigInt(this.bytes.length)) {
      throw new RangeError(`native access of ${size} bytes at 0x${addr.toString(16)} is outside memory ` +
        `0x${this.base.toString(16)}..0x${(this.base + BigInt(this.bytes.length)).toString(16)}`);
    }
    return Number(off);
  }

  read(addr: bigint, size: 1 | 2 | 4 | 8): bigint {
    const o = this.offset(addr, size);
    switch (size) {
      case 1: return BigInt(this.view.getUint8(o));
      case 2: return BigInt(this.view.getUint16(o, true));
      case 4: return BigInt(this.view.getUint32(o, true));
      case 8: return this.view.getBigUint64(o, true);
    }
  }

  write(addr: bigint, size: 1 | 2 | 4 | 8, value: bigint): void {
    const o = this.offset(addr, size);
    switch (size) {
      case 1: this.view.setUint8(o, Number(BigInt.asUintN(8, value))); break;
      case 2: this.view.setUint16(o, Number(BigInt.asUintN(16, value)), true); break;
      case 4: this.view.setUint32(o, Number(BigInt.asUintN(32, value)), true); break;
      case 8: this.view.setBigUint64(o, BigInt.asUintN(64, value), true); break;
    }
  }
}
