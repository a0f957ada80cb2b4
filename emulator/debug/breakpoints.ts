// Breakpoints, watchpoints and catchpoints share one numbering, as in GDB (`info breakpoints`,
// `delete N`, `disable N`). The run loop asks `breakAt(pc)`: a Map lookup on the pc number.

import type { TrapSpec } from './catch.js';

export interface Breakpoint {
  readonly num: number;
  readonly kind: 'breakpoint';
  readonly addr: bigint;
  /** What the user typed (`kmain`, `*0x80200000`). */
  readonly spec: string;
  enabled: boolean;
  readonly temporary: boolean;
  hits: number;
}

export type WatchType = 'watch' | 'rwatch' | 'awatch';

export interface Watchpoint {
  readonly num: number;
  readonly kind: 'watchpoint';
  readonly type: WatchType;
  readonly addr: bigint;
  readonly len: number;
  /** The address is physical (`-p`), matched after translation. */
  readonly physical: boolean;
  readonly spec: string;
  enabled: boolean;
  hits: number;
  /** The value when last seen (undefined while unreadable). */
  old: bigint | undefined;
  /** Report every write, changed or not (the GDB stub: GDB compares values itself). */
  readonly reportUnchanged: boolean;
}

export interface Catchpoint {
  readonly num: number;
  readonly kind: 'catchpoint';
  /** undefined: any trap. */
  readonly trap: TrapSpec | undefined;
  readonly spec: string;
  enabled: boolean;
  hits: number;
}

export type Point = Breakpoint | Watchpoint | Catchpoint;

export class Points {
  private readonly list: Point[] = [];
  private next = 1;
  /** Enabled breakpoints by pc (numbers: every canonical address fits). */
  private readonly byPc = new Map<number, Breakpoint[]>();

  all(): readonly Point[] { return this.list; }

  get(num: number): Point | undefined { return this.list.find((p) => p.num === num); }

  addBreakpoint(addr: bigint, spec: string, temporary = false): Breakpoint {
    const bp: Breakpoint = { num: this.next++, kind: 'breakpoint', addr, spec, enabled: true, temporary, hits: 0 };
    this.list.push(bp);
    this.reindex();
    return bp;
  }

  addWatchpoint(type: WatchType, addr: bigint, len: number, physical: boolean, spec: string, old: bigint | undefined, reportUnchanged = false): Watchpoint {
    const wp: Watchpoint = { num: this.next++, kind: 'watchpoint', type, addr, len, physical, spec, enabled: true, hits: 0, old, reportUnchanged };
    this.list.push(wp);
    return wp;
  }

  addCatchpoint(trap: TrapSpec | undefined, spec: string): Catchpoint {
    const cp: Catchpoint = { num: this.next++, kind: 'catchpoint', trap, spec, enabled: true, hits: 0 };
    this.list.push(cp);
    return cp;
  }

  remove(num: number): boolean {
    const i = this.list.findIndex((p) => p.num === num);
    if (i < 0) return false;
    this.list.splice(i, 1);
    this.reindex();
    return true;
  }

  clear(): void { this.list.length = 0; this.reindex(); }

  setEnabled(num: number, on: boolean): boolean {
    const p = this.get(num);
    if (!p) return false;
    p.enabled = on;
    this.reindex();
    return true;
  }

  /** Call after changing a breakpoint's enabled flag directly. */
  reindex(): void {
    this.byPc.clear();
    for (const p of this.list) {
      if (p.kind !== 'breakpoint' || !p.enabled) continue;
      const k = Number(BigInt.asIntN(64, p.addr));
      const at = this.byPc.get(k);
      if (at) at.push(p); else this.byPc.set(k, [p]);
    }
  }

  /** The enabled breakpoint at pc (the hart's signed-number pc), if any. */
  breakAt(pc: number): Breakpoint | undefined { return this.byPc.get(pc)?.[0]; }

  get anyBreakpoints(): boolean { return this.byPc.size > 0; }

  watchpoints(): Watchpoint[] { return this.list.filter((p): p is Watchpoint => p.kind === 'watchpoint' && p.enabled); }

  catchpoints(): Catchpoint[] { return this.list.filter((p): p is Catchpoint => p.kind === 'catchpoint' && p.enabled); }

  findBreakpoint(addr: bigint): Breakpoint | undefined {
    return this.list.find((p): p is Breakpoint => p.kind === 'breakpoint' && p.addr === addr);
  }
}
