// Guest RAM as devices reach it (DMA): bounds-checked reads and writes by physical address. A write
// drops the hart's cached decodes of the pages it touches, as a store would: a disk read can land
// on code (a kernel loading a program), and the hart must then fetch what is there now.

import type { Ram } from '../ram.js';
import type { GuestMemory } from './queue.js';

export class RamDma implements GuestMemory {
  constructor(private readonly ram: Ram, private readonly wrotePage: (ramPage: number) => void) {}

  read(pa: number, len: number): Uint8Array | undefined {
    return Number.isSafeInteger(pa) && len >= 0 && this.ram.contains(pa, len) ? this.ram.readBytes(pa - this.ram.base, len) : undefined;
  }

  write(pa: number, data: Uint8Array): boolean {
    if (!Number.isSafeInteger(pa) || !this.ram.contains(pa, data.length)) return false;
    if (data.length === 0) return true;
    this.ram.load(pa, data);
    const first = Math.floor((pa - this.ram.base) / 4096), last = Math.floor((pa - this.ram.base + data.length - 1) / 4096);
    for (let n = first; n <= last; n++) this.wrotePage(n);
    return true;
  }
}
