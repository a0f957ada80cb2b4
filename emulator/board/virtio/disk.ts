// What a virtio-blk device reads and writes: a disk of 512-byte sectors behind a small interface, so
// that the board needs no file system (a file-backed disk is a thin adapter in bin/). Here: a disk in
// memory (tests, the browser) and the snapshot overlay (`--snapshot`: writes kept in memory, the
// disk below never changed).

export const SECTOR = 512;

export interface BlockBackend {
  /** Bytes; a multiple of 512. */
  readonly size: number;
  readonly readOnly: boolean;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, data: Uint8Array): void;
  /** Makes earlier writes durable (virtio FLUSH, and at exit). */
  flush(): void;
}

export class MemoryDisk implements BlockBackend {
  constructor(readonly bytes: Uint8Array, readonly readOnly = false) {
    if (bytes.length % SECTOR) throw new RangeError(`a disk of ${bytes.length} bytes is not a multiple of ${SECTOR}`);
  }
  get size(): number { return this.bytes.length; }
  read(offset: number, length: number): Uint8Array { return this.bytes.slice(offset, offset + length); }
  write(offset: number, data: Uint8Array): void { this.bytes.set(data, offset); }
  flush(): void {}
}

/** Copy-on-write over another disk: the guest sees its writes, the disk below is never written. */
export class SnapshotDisk implements BlockBackend {
  private readonly sectors = new Map<number, Uint8Array>();
  constructor(private readonly below: BlockBackend) {}
  get size(): number { return this.below.size; }
  get readOnly(): boolean { return this.below.readOnly; }

  read(offset: number, length: number): Uint8Array {
    const out = this.below.read(offset, length);
    for (let s = Math.floor(offset / SECTOR); s * SECTOR < offset + length; s++) {
      const mine = this.sectors.get(s);
      if (!mine) continue;
      const from = Math.max(offset, s * SECTOR), to = Math.min(offset + length, (s + 1) * SECTOR);
      out.set(mine.subarray(from - s * SECTOR, to - s * SECTOR), from - offset);
    }
    return out;
  }

  write(offset: number, data: Uint8Array): void {
    for (let s = Math.floor(offset / SECTOR); s * SECTOR < offset + data.length; s++) {
      const sector = this.sectors.get(s) ?? this.below.read(s * SECTOR, SECTOR);
      const from = Math.max(offset, s * SECTOR), to = Math.min(offset + data.length, (s + 1) * SECTOR);
      sector.set(data.subarray(from - offset, to - offset), from - s * SECTOR);
      this.sectors.set(s, sector);
    }
  }

  flush(): void {}
}
