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
  /** Whether the access's verdict holds for the whole page of the VA (see Mmu.wholePage). */
  wholePage(vaLo: number, vaHi: number, access: AccessType): boolean;
  readonly generation: number;
  // The fast cache, which the interpreter's loads and stores read inline (Mmu.windowSource).
  readonly fastTagLo: Int32Array;
  readonly fastTagHi: Int32Array;
  readonly fastRam: Int32Array;
  readonly seg: Int32Array;
  readonly stats: { hits: number };
}

/** The platform's time base (the CLINT's mtime), read by the `time` CSR and Sstc. */
export interface Clock {
  mtime(): bigint;
}
