// Main memory: one little-endian byte array. The hart's fast paths read it through `view`.

export class Ram {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly end: number;

  constructor(readonly base: number, readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.end = base + size;
  }

  /** Whether the `size` bytes at physical address pa lie inside RAM. */
  contains(pa: number, size: number): boolean {
    return pa >= this.base && pa + size <= this.end;
  }

  /** Copies bytes in at a physical address (image loading). Throws a RangeError naming the range if it does not fit. */
  load(pa: number, data: Uint8Array): void {
    if (!this.contains(pa, data.length)) {
      throw new RangeError(`0x${pa.toString(16)}..0x${(pa + data.length).toString(16)} is outside RAM ` +
        `0x${this.base.toString(16)}..0x${this.end.toString(16)}`);
    }
    this.bytes.set(data, pa - this.base);
  }
}
