// The trap log: every trap the hart takes (cause, tval, epc, from which privilege, handled by whom),
// recorded through Hart.onTrap. The debugger's Target chains its own onTrap after ours and works out
// where the trap goes (lastTrap.toPriv); each entry's handler is filled in from it at the next trap
// or when the log is read, so the delegation rule lives in one place.

import type { Hart } from '../emulator/hart/hart.js';
import type { Target } from '../emulator/debug/target.js';

export interface TrapEntry {
  /** 1-based count since boot. */
  readonly n: number;
  readonly retired: number;
  readonly cause: number;
  readonly interrupt: boolean;
  readonly tval: bigint;
  readonly epc: bigint;
  readonly fromPriv: number;
  toPriv: number | undefined;
}

/** Entries kept (a fault storm takes thousands; the count goes on). */
const KEEP = 256;

export class TrapLog {
  private readonly entries: TrapEntry[] = [];
  total = 0;

  constructor(private readonly hart: Hart, private readonly target: Target) {
    hart.onTrap = (cause, interrupt, tval, epc) => {
      this.settle();
      this.total++;
      this.entries.push({ n: this.total, retired: hart.retired, cause, interrupt, tval: BigInt.asUintN(64, tval), epc: BigInt.asUintN(64, epc), fromPriv: hart.priv, toPriv: undefined });
      if (this.entries.length > KEEP * 2) this.entries.splice(0, this.entries.length - KEEP);
    };
  }

  /** The newest entries, newest last. */
  recent(): readonly TrapEntry[] {
    this.settle();
    return this.entries.slice(-KEEP);
  }

  private settle(): void {
    const last = this.entries[this.entries.length - 1], t = this.target.lastTrap;
    if (last && last.toPriv === undefined && t && t.epc === last.epc && t.cause === last.cause) last.toPriv = t.toPriv;
  }
}
