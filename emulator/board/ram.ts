// Main memory, allocated lazily in chunks: RAM larger than one typed array works, and RAM the guest
// never writes costs nothing (an absent chunk reads as zeros). The first chunk is created with the
// RAM because the hart's fast paths read it directly (`low`, `lowView`: no chunk lookup); the host
// maps its pages only when they are touched. Accesses never cross a chunk: chunks are a multiple
// of 4 KiB and the hart splits accesses that cross a page.

import { RamView } from './ram-view.js';

/** Default chunk: 1 GiB (V8 refuses a typed array above 4 GiB). */
export const RAM_CHUNK = 1 << 30;
/** The largest RAM: the decode cache keeps a byte per 4 KiB page of RAM (64 MiB at this size). */
export const RAM_MAX = 256 * 1024 ** 3;

export class Ram {
  readonly end: number;
  /** The chunk size in bytes: a power of two, at least 4 KiB. */
  readonly chunkSize: number;
  /** The first chunk (min(size, chunkSize) bytes), always present: the hart's fast path. */
  readonly low: Uint8Array;
  readonly lowView: DataView;
  /** DataView-style access to the whole RAM by offset from base (bus, walker, decode cache, debugger). */
  readonly view: RamView;
  private readonly chunks: (Uint8Array | undefined)[];
  private readonly views: (DataView | undefined)[];

  constructor(readonly base: number, readonly size: number, chunkSize = RAM_CHUNK) {
    if (!Number.isSafeInteger(size) || size <= 0 || size > RAM_MAX) {
      throw new RangeError(`RAM of ${size} bytes: expected 1 byte to ${RAM_MAX / 1024 ** 3} GiB`);
    }
    if (chunkSize < 4096 || (chunkSize & (chunkSize - 1)) !== 0) throw new RangeError(`RAM chunk of ${chunkSize} bytes: expected a power of two >= 4096`);
    this.chunkSize = chunkSize;
    this.end = base + size;
    const n = Math.ceil(size / chunkSize);
    this.chunks = new Array<Uint8Array | undefined>(n).fill(undefined);
    this.views = new Array<DataView | undefined>(n).fill(undefined);
    this.low = this.chunk(0);
    this.lowView = this.views[0]!;
    this.view = new RamView(this);
  }

  /** Whether the `size` bytes at physical address pa lie inside RAM. */
  contains(pa: number, size: number): boolean {
    return pa >= this.base && pa + size <= this.end;
  }

  /** Number of chunks. */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Whether chunk k has been created (written to, or chunk 0). */
  allocated(k: number): boolean {
    return this.chunks[k] !== undefined;
  }

  /** The view of the chunk holding offset o, for reading: undefined when it was never written (zeros). */
  readView(o: number): DataView | undefined {
    return this.views[Math.floor(o / this.chunkSize)];
  }

  /** The view of the chunk holding offset o, for writing: created (zeroed) on first use. */
  writeView(o: number): DataView {
    const k = Math.floor(o / this.chunkSize);
    const v = this.views[k];
    if (v !== undefined) return v;
    this.chunk(k);
    return this.views[k]!;
  }

  /** Offset o within its chunk. */
  inChunk(o: number): number {
    return o % this.chunkSize;
  }

  private chunk(k: number): Uint8Array {
    let c = this.chunks[k];
    if (c === undefined) {
      c = new Uint8Array(Math.min(this.chunkSize, this.size - k * this.chunkSize));
      this.chunks[k] = c;
      this.views[k] = new DataView(c.buffer);
    }
    return c;
  }

  /** Copies n bytes out from offset o (zeros where never written). */
  readBytes(o: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.eachPiece(o, n, (k, at, len, done) => {
      const c = this.chunks[k];
      if (c !== undefined) out.set(c.subarray(at, at + len), done);
    });
    return out;
  }

  /** Fills n bytes from offset o with a byte value (zero fills skip chunks never written). */
  fill(o: number, n: number, value = 0): void {
    this.eachPiece(o, n, (k, at, len) => {
      if (value === 0 && this.chunks[k] === undefined) return;
      this.chunk(k).fill(value, at, at + len);
    });
  }

  /** Copies bytes in at a physical address (image loading). Throws a RangeError naming the range if it does not fit. */
  load(pa: number, data: Uint8Array): void {
    if (!this.contains(pa, data.length)) {
      throw new RangeError(`0x${pa.toString(16)}..0x${(pa + data.length).toString(16)} is outside RAM ` +
        `0x${this.base.toString(16)}..0x${this.end.toString(16)}`);
    }
    this.eachPiece(pa - this.base, data.length, (k, at, len, done) => {
      this.chunk(k).set(data.subarray(done, done + len), at);
    });
  }

  /** Splits offsets o..o+n at chunk boundaries: (chunk, offset in it, length, bytes before this piece). */
  private eachPiece(o: number, n: number, f: (k: number, at: number, len: number, done: number) => void): void {
    if (o < 0 || o + n > this.size) throw new RangeError(`RAM offsets 0x${o.toString(16)}+0x${n.toString(16)} are outside its 0x${this.size.toString(16)} bytes`);
    let done = 0;
    while (done < n) {
      const p = o + done, k = Math.floor(p / this.chunkSize), at = p - k * this.chunkSize;
      const len = Math.min(n - done, this.chunkSize - at);
      f(k, at, len, done);
      done += len;
    }
  }
}
