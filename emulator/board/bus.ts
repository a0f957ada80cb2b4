// The physical bus: RAM, a read-only boot ROM and memory-mapped devices. It routes an access that
// has already passed PMP and PMA to whatever sits at that physical address. PMA (emulator/mmu/pma.ts)
// is built from `regions()`, so the two can never disagree about what is where.

import type { AccessSize, Device } from './device.js';
import { Ram } from './ram.js';

export type RegionKind = 'ram' | 'rom' | 'io';

export interface Region {
  readonly name: string;
  readonly kind: RegionKind;
  readonly base: number;
  readonly size: number;
  /** For io regions: the access sizes the device accepts. */
  readonly accessSizes: readonly AccessSize[];
  /** For io regions whose device refines accessSizes per register (Device.accepts): offset from base. */
  readonly accepts?: (offset: number, size: AccessSize) => boolean;
}

export class Bus {
  private readonly devices: Device[] = [];
  readonly rom: Ram;

  constructor(readonly ram: Ram, romBase: number, romSize: number) {
    this.rom = new Ram(romBase, romSize);
  }

  attach(device: Device): void {
    this.devices.push(device);
    this.devices.sort((a, b) => a.base - b.base);
  }

  /** Every region, in address order: what PMA and `info pma` describe. */
  regions(): Region[] {
    const all: Region[] = [
      { name: 'bootrom', kind: 'rom', base: this.rom.base, size: this.rom.size, accessSizes: [1, 2, 4, 8] },
      { name: 'ram', kind: 'ram', base: this.ram.base, size: this.ram.size, accessSizes: [1, 2, 4, 8] },
      ...this.devices.map((d): Region => ({ name: d.name, kind: 'io', base: d.base, size: d.size, accessSizes: d.accessSizes,
        accepts: d.accepts?.bind(d) })),
    ];
    return all.sort((a, b) => a.base - b.base);
  }

  deviceAt(pa: number): Device | undefined {
    for (const d of this.devices) if (pa >= d.base && pa < d.base + d.size) return d;
    return undefined;
  }

  /** Reads `size` bytes at pa (zero-extended). The caller has checked PMA, so pa is mapped. */
  read(pa: number, size: AccessSize): bigint {
    const mem = this.ram.contains(pa, size) ? this.ram : this.rom.contains(pa, size) ? this.rom : undefined;
    if (mem) {
      const o = pa - mem.base;
      switch (size) {
        case 1: return BigInt(mem.view.getUint8(o));
        case 2: return BigInt(mem.view.getUint16(o, true));
        case 4: return BigInt(mem.view.getUint32(o, true));
        case 8: return mem.view.getBigUint64(o, true);
      }
    }
    const d = this.deviceAt(pa);
    if (!d) throw new RangeError(`bus: no region at 0x${pa.toString(16)}`);
    return d.read(pa - d.base, size);
  }

  /** Writes the low `size` bytes of value at pa. ROM ignores writes (PMA refuses them first). */
  write(pa: number, size: AccessSize, value: bigint): void {
    if (this.ram.contains(pa, size)) {
      const o = pa - this.ram.base, v = this.ram.view;
      switch (size) {
        case 1: v.setUint8(o, Number(value & 0xffn)); return;
        case 2: v.setUint16(o, Number(value & 0xffffn), true); return;
        case 4: v.setUint32(o, Number(value & 0xffffffffn), true); return;
        case 8: v.setBigUint64(o, BigInt.asUintN(64, value), true); return;
      }
    }
    const d = this.deviceAt(pa);
    if (d) d.write(pa - d.base, size, BigInt.asUintN(size * 8, value));
  }
}
