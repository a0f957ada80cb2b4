// Test helper: a board-less bus (RAM at 0x8000_0000, ROM at 0x1000, one 4-byte-register device at
// 0x1000_0000) and a page-table builder writing PTEs into RAM from TypeScript.

import { Bus } from '../../../emulator/board/bus.js';
import type { AccessSize, Device } from '../../../emulator/board/device.js';
import { Ram } from '../../../emulator/board/ram.js';
import { PRV_M } from '../../../emulator/mmu/access.js';
import { Mmu, type MmuOptions } from '../../../emulator/mmu/mmu.js';
import { SATP_MODE_OF, type PagingMode } from '../../../emulator/mmu/modes.js';
import { PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X } from '../../../emulator/mmu/pte.js';

export const RAM_BASE = 0x8000_0000;
export const DEV_BASE = 0x1000_0000;

export class RegDevice implements Device {
  readonly name = 'dev';
  readonly base = DEV_BASE;
  readonly size = 0x100;
  readonly accessSizes: readonly AccessSize[] = [1, 4];
  read(): bigint { return 0n; }
  write(): void {}
}

export function makeBus(ramSize = 8 << 20): Bus {
  const bus = new Bus(new Ram(RAM_BASE, ramSize), 0x1000, 0x1000);
  bus.attach(new RegDevice());
  return bus;
}

/** A fresh MMU; unless `closed`, the last PMP entry opens all memory to S/U (as firmware does), so S/U
 *  accesses are not refused by "no PMP entry matches". */
export function makeMmu(opts: Partial<MmuOptions> = {}, ramSize?: number, closed = false): { bus: Bus; mmu: Mmu } {
  const bus = makeBus(ramSize);
  const mmu = new Mmu(bus, opts);
  if (!closed && mmu.pmp.count > 0) allowAllPmp(mmu);
  return { bus, mmu };
}

/** pmp entry (count-1) = NAPOT over the whole address space, RWX. */
export function allowAllPmp(mmu: Mmu): void {
  const last = mmu.pmp.count - 1;
  mmu.writePmpaddr(last, (1n << 54n) - 1n);
  const cfgReg = Math.floor(last / 8) * 2, shift = BigInt((last % 8) * 8);
  mmu.writePmpcfg(cfgReg, mmu.readPmpcfg(cfgReg) | (0x1fn << shift));
}

export const RWX = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
export const LEAF_RW = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;

/** Allocates 4 KiB tables from `next` upward in RAM and writes PTEs. */
export class PageTables {
  root: number;
  constructor(readonly bus: Bus, readonly mode: PagingMode, private next = RAM_BASE + 0x10_0000) {
    this.root = this.alloc();
  }
  alloc(): number {
    const a = this.next;
    this.next += 4096;
    this.bus.ram.fill(a - RAM_BASE, 4096);
    return a;
  }
  satp(asid = 0): bigint {
    return (BigInt(SATP_MODE_OF[this.mode.name]) << 60n) | (BigInt(asid) << 44n) | BigInt(this.root / 4096);
  }
  vpn(va: bigint, i: number): number { return Number((va >> BigInt(12 + 9 * i)) & 511n); }
  writePte(addr: number, pte: bigint): void { this.bus.ram.view.setBigUint64(addr - RAM_BASE, pte, true); }
  readPte(addr: number): bigint { return this.bus.ram.view.getBigUint64(addr - RAM_BASE, true); }
  /** Address of the PTE for va at `level`, creating pointer tables above it. */
  pteAddr(va: bigint, level: number, pointerFlags = PTE_V): number {
    let table = this.root;
    for (let i = this.mode.levels - 1; i > level; i--) {
      const at = table + this.vpn(va, i) * 8;
      let pte = this.readPte(at);
      if (!(pte & 1n)) {
        const t = this.alloc();
        pte = (BigInt(t / 4096) << 10n) | BigInt(pointerFlags);
        this.writePte(at, pte);
      }
      table = Number((pte >> 10n) & ((1n << 44n) - 1n)) * 4096;
    }
    return table + this.vpn(va, level) * 8;
  }
  /** Maps va → pa with a leaf at `level` (0 = 4 KiB). Returns the PTE address. */
  map(va: bigint, pa: bigint, flags: number, level = 0, extra = 0n): number {
    const at = this.pteAddr(va, level);
    this.writePte(at, ((pa >> 12n) << 10n) | BigInt(flags) | extra);
    return at;
  }
}

/** Sets priv, with mstatus bits SUM/MXR/MPRV/MPP as given. */
export function setPriv(mmu: Mmu, priv: number, bits: { sum?: boolean; mxr?: boolean; mprv?: boolean; mpp?: number; adue?: boolean } = {}): void {
  let ms = 0n;
  if (bits.sum) ms |= 1n << 18n;
  if (bits.mxr) ms |= 1n << 19n;
  if (bits.mprv) ms |= 1n << 17n;
  ms |= BigInt(bits.mpp ?? PRV_M) << 11n;
  mmu.setPrivilege(priv, Number(BigInt.asIntN(32, ms)), bits.adue === true);
}

export function halves(va: bigint): [number, number] {
  const v = BigInt.asUintN(64, va);
  return [Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0];
}

/** mmu.translate on a bigint VA; returns the PA or the Trap's {cause, tval}. */
export function tr(mmu: Mmu, va: bigint, access: 0 | 1 | 2, size = 1, atomic = false): number | { cause: number; tval: bigint } {
  const [lo, hi] = halves(va);
  try {
    return mmu.translate(lo, hi, size, access, atomic);
  } catch (e) {
    const t = e as { cause?: number; tval?: bigint };
    if (typeof t.cause === 'number' && typeof t.tval === 'bigint') return { cause: t.cause, tval: t.tval };
    throw e;
  }
}
