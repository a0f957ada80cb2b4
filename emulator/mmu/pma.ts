// Physical memory attributes: the board's region table (Bus.regions()) and what each kind permits.
// RAM: read/write/execute, AMO and LR/SC, misaligned fine. Boot ROM: read/execute. A device: read/write
// only in the sizes it accepts, naturally aligned, no execute, no AMO/LR/SC. Anything else is a hole.

import type { AccessSize } from '../board/device.js';
import type { Region } from '../board/bus.js';
import { FETCH, STORE, type AccessType } from './access.js';

export const PMA_OK = 0, PMA_HOLE = 1, PMA_NO_EXEC = 2, PMA_READ_ONLY = 3, PMA_NO_ATOMIC = 4,
  PMA_BAD_SIZE = 5, PMA_MISALIGNED = 6, PMA_NOT_MEMORY = 7;

const REASONS = ['', 'no region there (hole)', 'region is not executable', 'region is read-only',
  'region does not support AMO/LR/SC', 'device does not accept this access size',
  'misaligned device access', 'page tables must be in RAM or ROM, not a device'];

export class Pma {
  /** The region found by the last check() (undefined for a hole). */
  region: Region | undefined;

  constructor(readonly regions: readonly Region[]) {}

  /** The region the last find() returned: most accesses are to the same one (RAM). */
  private last: Region | undefined;

  find(pa: number, size: number): Region | undefined {
    const l = this.last;
    if (l !== undefined && pa >= l.base && pa + size <= l.base + l.size) return l;
    for (const r of this.regions) if (pa >= r.base && pa + size <= r.base + r.size) return (this.last = r);
    return undefined;
  }

  /** PMA check of an access; `pageTable` marks the walker's implicit PTE accesses. */
  check(pa: number, size: number, access: AccessType, atomic: boolean, pageTable = false): number {
    const r = this.region = this.find(pa, size);
    if (!r) return PMA_HOLE;
    switch (r.kind) {
      case 'ram': return PMA_OK;
      case 'rom':
        if (access === STORE) return PMA_READ_ONLY;
        return atomic ? PMA_NO_ATOMIC : PMA_OK;
      case 'io':
        if (pageTable) return PMA_NOT_MEMORY;
        if (access === FETCH) return PMA_NO_EXEC;
        if (atomic) return PMA_NO_ATOMIC;
        if (!(r.accessSizes as readonly number[]).includes(size)) return PMA_BAD_SIZE;
        if ((pa - r.base) % size !== 0) return PMA_MISALIGNED;
        // A device may accept a size only at some registers (8-byte msip faults on QEMU's CLINT).
        return r.accepts?.(pa - r.base, size as AccessSize) === false ? PMA_BAD_SIZE : PMA_OK;
    }
  }

  /** Whether the verdict for a non-atomic access of this type may be cached for the whole 4 KiB page:
   *  the page lies inside one RAM or ROM region that permits it. */
  pageAllows(pageBase: number, access: AccessType): boolean {
    const r = this.find(pageBase, 4096);
    if (!r) return false;
    return r.kind === 'ram' || (r.kind === 'rom' && access !== STORE);
  }

  explain(code: number): string {
    const r = this.region;
    return r ? `${REASONS[code]} (${r.name} 0x${r.base.toString(16)}..0x${(r.base + r.size).toString(16)})` : REASONS[code]!;
  }
}
