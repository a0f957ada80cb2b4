// What the hart needs from the outside world, as small interfaces: the MMU (emulator/mmu/mmu.ts
// implements it, see the hart–MMU contract) and a clock for `time`, Sstc and the counters.

import type { AccessType } from '../mmu/access.js';

/** The subset of emulator/mmu's Mmu the hart calls. */
export interface HartMmu {
  /** mstatus: its low 32 bits; adue: menvcfg.ADUE. */
  setPrivilege(priv: number, mstatus: number, adue: boolean): void;
  getSatp(): bigint;
  setSatp(value: bigint): void;
  readPmpcfg(cfgIndex: number): bigint;
  writePmpcfg(cfgIndex: number, value: bigint): void;
  readPmpaddr(addrIndex: number): bigint;
  writePmpaddr(addrIndex: number, value: bigint): void;
  sfence(vaddr: bigint | null, asid: bigint | null): void;
  translate(vaLo: number, vaHi: number, size: number, access: AccessType, atomic?: boolean): number;
  readonly generation: number;
}

/** The platform's time base (the CLINT's mtime), read by the `time` CSR and Sstc. */
export interface Clock {
  mtime(): bigint;
}
