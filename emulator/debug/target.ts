// Run control for the shell and the GDB stub: exact single steps, continue until a breakpoint,
// watchpoint, caught trap, guest exit or interruption. The hart's debug hook (Hart.setDebugHook) is
// installed only while something needs it — stepping, a breakpoint, a watchpoint or a catchpoint —
// so a plain `continue` runs at full speed.
//
// A step that takes a trap (an ecall, a fault, an interrupt that arrives first) stops at the trap
// handler's first instruction and reports the trap: the hook runs at the next boundary, which is
// the handler's.

import type { Virt } from '../board/virt.js';
import type { Hart } from '../hart/hart.js';
import { traceStep } from '../hart/trace.js';
import { Points, type Breakpoint, type Catchpoint } from './breakpoints.js';
import { trapMatches, type TrapInfo } from './catch.js';
import { DebugMemory } from './memory.js';
import { evaluate, matchAccess, type WatchCandidate, type WatchHit } from './watchpoints.js';

export type StopEvent =
  | { readonly kind: 'step' }
  | { readonly kind: 'breakpoint'; readonly bp: Breakpoint }
  | { readonly kind: 'watchpoint'; readonly hit: WatchHit }
  /** A trap taken: caught by a catchpoint, or during a step. */
  | { readonly kind: 'trap'; readonly trap: TrapInfo; readonly catchpoint?: Catchpoint }
  /** The caller's own stop condition (finish, until, ni). */
  | { readonly kind: 'reached' }
  | { readonly kind: 'exit'; readonly code: number; readonly reason: string }
  /** The guest stopped for good without an exit code (trap loop, WFI nothing can wake). */
  | { readonly kind: 'stopped'; readonly reason: string }
  | { readonly kind: 'limit'; readonly reason: string }
  | { readonly kind: 'interrupted' };

export interface ResumeOptions {
  /** Run exactly one instruction (or stop at the trap it takes). */
  readonly step?: boolean;
  /** An extra stop condition checked before each instruction (not at the starting one). */
  readonly until?: (h: Hart) => boolean;
}

/** Instructions between returns to the event loop during `continue` (lets Ctrl-C and sockets in). */
const SLICE = 1 << 20;

export class Target {
  readonly hart: Hart;
  readonly mem: DebugMemory;
  readonly points = new Points();
  /** The instruction limit (--max-insns), in retired instructions since reset. */
  limit = Number.POSITIVE_INFINITY;
  /** One line per executed instruction while set (`trace on`). */
  trace: ((line: string) => void) | undefined;
  /** The last trap the hart took (for `info trap`-like displays). */
  lastTrap: TrapInfo | undefined;
  private interruptRequested = false;
  /** Lets the event loop run between slices; the Node adapters pass setImmediate. */
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0));

  constructor(readonly machine: Virt) {
    this.hart = machine.hart;
    this.mem = new DebugMemory(machine);
  }

  /** Asks a running `resume` to stop at the next slice boundary (Ctrl-C, GDB's 0x03). */
  interrupt(): void { this.interruptRequested = true; }

  /** The final stop, once the guest has exited or stopped for good. */
  get finished(): StopEvent | undefined {
    const s = this.machine.stopped;
    if (!s) return undefined;
    return s.kind === 'exit' ? { kind: 'exit', code: s.code, reason: s.reason } : { kind: 'stopped', reason: s.reason };
  }

  async resume(opts: ResumeOptions = {}): Promise<StopEvent> {
    const done = this.finished;
    if (done) return done;
    const h = this.hart, m = this.machine, points = this.points;
    this.interruptRequested = false;
    const startRetired = h.retired, startPc = h.pc;
    let pending: StopEvent | undefined;
    const cands: WatchCandidate[] = [];

    const prevTrap = h.onTrap;
    h.onTrap = (cause, interrupt, tval, epc) => {
      prevTrap?.(cause, interrupt, tval, epc);
      // An exception means the access that raised it did not happen.
      if (!interrupt) cands.length = 0;
      const toPriv = this.trapTarget(cause, interrupt);
      const info: TrapInfo = { cause, interrupt, tval: BigInt.asUintN(64, tval), epc: BigInt.asUintN(64, epc), fromPriv: h.priv, toPriv };
      this.lastTrap = info;
      if (pending) return;
      const cp = points.catchpoints().find((c) => trapMatches(c.trap, cause, interrupt));
      if (cp) { cp.hits++; pending = { kind: 'trap', trap: info, catchpoint: cp }; } else if (opts.step) pending = { kind: 'trap', trap: info };
    };

    const wps = points.watchpoints();
    if (wps.length) {
      const va = (lo: number, hi: number): bigint => BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
      h.storeObserver = (lo, hi, size) => { cands.push(...matchAccess(wps, this.mem, va(lo, hi), size, 'write')); };
      if (wps.some((w) => w.type !== 'watch')) h.loadObserver = (lo, hi, size) => { cands.push(...matchAccess(wps, this.mem, va(lo, hi), size, 'read')); };
    }
    const myStore = h.storeObserver;

    /** The boundary check: pending stops first, then breakpoints and the caller's condition. */
    const check = (withBreakpoints: boolean): string | undefined => {
      if (!pending && cands.length) {
        const hit = evaluate(cands, this.mem);
        cands.length = 0;
        if (hit) pending = { kind: 'watchpoint', hit };
      }
      if (pending) return 'debug';
      if (!withBreakpoints || (h.retired === startRetired && h.pc === startPc)) return undefined;
      const bp = points.breakAt(h.pc);
      if (bp) { bp.hits++; pending = { kind: 'breakpoint', bp }; return 'breakpoint'; }
      if (opts.until?.(h)) { pending = { kind: 'reached' }; return 'reached'; }
      return undefined;
    };
    const needHook = opts.step || points.anyBreakpoints || wps.length > 0 || points.catchpoints().length > 0 || opts.until !== undefined || this.trace !== undefined;
    if (needHook) h.setDebugHook(() => check(!opts.step));

    try {
      for (;;) {
        if (opts.step) {
          let s = undefined as ReturnType<Virt['run']> | undefined;
          const step = (): void => { s = m.run(Math.min(h.retired + 1, this.limit)); };
          if (this.trace) {
            const line = traceStep(h, () => {
              const traceStore = h.storeObserver;
              if (myStore) h.storeObserver = (lo, hi, size, v) => { traceStore?.(lo, hi, size, v); myStore(lo, hi, size, v); };
              step();
            });
            h.storeObserver = myStore;
            this.trace(line);
          } else step();
          if (!s) return { kind: 'step' };
          check(false);
          if (pending) return pending;
          if (s.kind === 'limit' && h.retired > startRetired) return { kind: 'step' };
          const other = this.machineStop(s);
          if (other) return other;
          continue;
        }
        let s;
        if (this.trace) {
          const trace = this.trace;
          let n = 0;
          do {
            if (check(true)) break;
            const line = traceStep(h, () => {
              const traceStore = h.storeObserver;
              if (myStore) h.storeObserver = (lo, hi, size, v) => { traceStore?.(lo, hi, size, v); myStore(lo, hi, size, v); };
              s = m.run(this.limit, 1, 1);
            });
            h.storeObserver = myStore;
            if (h.retired !== startRetired || s?.kind !== 'debug') trace(line);
          } while (++n < 4096 && (s === undefined || s.kind === 'slice'));
          if (pending) return pending;
        } else {
          s = m.run(this.limit, undefined, SLICE);
          if (pending) return pending;
        }
        const other = s ? this.machineStop(s) : undefined;
        if (other) return other;
        await this.pause();
        if (this.interruptRequested) return { kind: 'interrupted' };
      }
    } finally {
      h.setDebugHook(undefined);
      h.onTrap = prevTrap;
      h.storeObserver = undefined;
      h.loadObserver = undefined;
      this.interruptRequested = false;
    }
  }

  /** The MachineStop kinds that end a resume (slice and debug do not). */
  private machineStop(s: ReturnType<Virt['run']>): StopEvent | undefined {
    switch (s.kind) {
      case 'exit': return { kind: 'exit', code: s.code, reason: s.reason };
      case 'stopped': return { kind: 'stopped', reason: s.reason };
      case 'limit': return { kind: 'limit', reason: s.reason };
      case 'idle': return undefined;
      default: return undefined;
    }
  }

  /** The privilege a trap goes to (onTrap runs before trap entry): S when delegated from S or U, else M. */
  private trapTarget(cause: number, interrupt: boolean): number {
    const h = this.hart, deleg = interrupt ? h.mideleg : h.medeleg;
    return h.priv <= 1 && ((deleg >>> cause) & 1) !== 0 ? 1 : 3;
  }
}
