// Run control for the shell and the GDB stub: exact single steps, continue until a breakpoint,
// watchpoint, caught trap, guest exit or interruption — on a machine of one or more harts. The
// harts' debug hooks (Hart.setDebugHook) are installed only while something needs them — stepping,
// a breakpoint, a watchpoint or a catchpoint — so a plain `continue` runs at full speed.
//
// All-stop, as GDB's default: the board runs the harts round-robin, and a stop of any hart stops
// the whole machine (the others stay where they are). Commands read the selected hart (`select`),
// as GDB's read the selected thread; a stop selects the hart it happened on. Which harts run during
// a step or a continue follows GDB's `set scheduler-locking`: `step` (the default) steps the
// selected hart alone (si, and ni over a call) and continues all of them (c, finish, until ADDR);
// `on` runs the selected hart alone for both; `off` lets the scheduler run every hart for both (a
// step ends when the selected hart has retired one instruction).
//
// A step that takes a trap (an ecall, a fault, an interrupt that arrives first) stops at the trap
// handler's first instruction and reports the trap: the hook runs at the next boundary, which is
// the handler's.

import type { MachineStop, Virt } from '../board/virt.js';
import type { Hart } from '../hart/hart.js';
import { traceStep } from '../hart/trace.js';
import { Points, type Breakpoint, type Catchpoint } from './breakpoints.js';
import { trapMatches, type TrapInfo } from './catch.js';
import { hartView, type HartView } from './hart-view.js';
import { DebugMemory } from './memory.js';
import { evaluate, matchAccess, type WatchCandidate, type WatchHit } from './watchpoints.js';

/** A stop; `hart` is the hart it happened on (the one a run-control command ran, for a step). */
export type StopEvent =
  | { readonly kind: 'step'; readonly hart: number }
  | { readonly kind: 'breakpoint'; readonly bp: Breakpoint; readonly hart: number }
  | { readonly kind: 'watchpoint'; readonly hit: WatchHit; readonly hart: number }
  /** A trap taken: caught by a catchpoint, or during a step. */
  | { readonly kind: 'trap'; readonly trap: TrapInfo; readonly catchpoint?: Catchpoint; readonly hart: number }
  /** The caller's own stop condition (finish, until, ni). */
  | { readonly kind: 'reached'; readonly hart: number }
  | { readonly kind: 'exit'; readonly code: number; readonly reason: string }
  /** The guest stopped for good without an exit code (trap loop, WFI nothing can wake). */
  | { readonly kind: 'stopped'; readonly reason: string }
  | { readonly kind: 'limit'; readonly reason: string; readonly hart: number }
  | { readonly kind: 'interrupted'; readonly hart: number }
  /**
   * The hart to run alone waits in WFI, or is about to execute one, with no interrupt pending: only
   * the others, which the debugger keeps stopped, could wake it.
   */
  | { readonly kind: 'waiting'; readonly hart: number };

/** GDB's `set scheduler-locking` modes (without `replay`: there is no reverse execution here). */
export type SchedulerLocking = 'off' | 'on' | 'step';
export const SCHEDULER_LOCKING_MODES: readonly SchedulerLocking[] = ['off', 'on', 'step'];

export interface ResumeOptions {
  /** Run exactly one instruction of the hart (or stop at the trap it takes). */
  readonly step?: boolean;
  /** An extra stop condition checked before each of the hart's instructions (not at the starting one). */
  readonly until?: (h: Hart) => boolean;
  /** A stepping command that runs to its `until` (ni over a call): scheduler-locking `step` locks it as a step. */
  readonly stepping?: boolean;
  /** The hart that steps and whose `until` counts (default: the selected one). */
  readonly hart?: number;
  /** Whether the other harts run meanwhile (default: as `schedulerLocking` says). */
  readonly others?: boolean;
}

/** Instructions between returns to the event loop during `continue` (lets Ctrl-C and sockets in). */
const SLICE = 1 << 20;

export class Target {
  readonly harts: readonly Hart[];
  /** Memory as the selected hart sees it. */
  readonly mem: DebugMemory;
  readonly points = new Points();
  /** The instruction limit (--max-insns), in instructions retired by all harts since reset. */
  limit = Number.POSITIVE_INFINITY;
  /** One line per executed instruction while set (`trace on`). */
  trace: ((line: string) => void) | undefined;
  schedulerLocking: SchedulerLocking = 'step';
  /** The last trap each hart took (for `info trap`). */
  private readonly lastTraps: (TrapInfo | undefined)[];
  private readonly views: HartView[];
  private readonly mems: DebugMemory[];
  /** Where each hart was when a stop was reported on it: resuming from there passes its breakpoint. */
  private readonly parked: ({ readonly retired: number; readonly pc: number } | undefined)[];
  private sel = 0;
  private interruptRequested = false;
  /** Lets the event loop run between slices; the Node adapters pass setImmediate. */
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0));

  constructor(readonly machine: Virt) {
    this.harts = machine.harts;
    this.views = this.harts.map((_, i) => hartView(machine, i));
    this.mems = this.harts.map((x) => new DebugMemory(machine, () => x));
    this.mem = new DebugMemory(machine, () => this.hart);
    this.lastTraps = this.harts.map(() => undefined);
    this.parked = this.harts.map(() => undefined);
  }

  /** The selected hart's index (its mhartid). */
  get selected(): number { return this.sel; }

  /** Selects hart i for the commands that read or run "the" hart. */
  select(i: number): void {
    if (!Number.isInteger(i) || !this.harts[i]) throw new RangeError(`no hart ${i}: the machine has ${this.harts.length} (0..${this.harts.length - 1})`);
    this.sel = i;
  }

  /** The selected hart. */
  get hart(): Hart { return this.harts[this.sel]!; }

  /** The selected hart with its MMU and the bus, for the views. */
  get view(): HartView { return this.views[this.sel]!; }

  /** Memory as hart i sees it. */
  memOf(i: number): DebugMemory { return this.mems[i]!; }

  /** The last trap the selected hart took. */
  get lastTrap(): TrapInfo | undefined { return this.lastTraps[this.sel]; }

  /** Asks a running `resume` to stop at the next slice boundary (Ctrl-C, GDB's 0x03). */
  interrupt(): void { this.interruptRequested = true; }

  /** The final stop, once the guest has exited or stopped for good. */
  get finished(): StopEvent | undefined {
    const s = this.machine.stopped;
    if (!s) return undefined;
    return s.kind === 'exit' ? { kind: 'exit', code: s.code, reason: s.reason } : { kind: 'stopped', reason: s.reason };
  }

  /** Runs until a stop; the hart the stop happened on is selected. */
  async resume(opts: ResumeOptions = {}): Promise<StopEvent> {
    const e = await this.run(opts);
    if ('hart' in e) {
      this.sel = e.hart;
      const h = this.harts[e.hart]!;
      this.parked[e.hart] = { retired: h.retired, pc: h.pc };
    }
    return e;
  }

  private async run(opts: ResumeOptions): Promise<StopEvent> {
    const done = this.finished;
    if (done) return done;
    const m = this.machine, harts = this.harts, points = this.points;
    const me = opts.hart ?? this.sel;
    const h = harts[me];
    if (!h) throw new RangeError(`no hart ${me}`);
    const lock = this.schedulerLocking;
    const others = opts.others ?? (lock === 'off' || (lock === 'step' && !opts.step && !opts.stepping));
    /** Only hart `me` runs (runHart); else the board's scheduler runs them all. */
    const alone = !others && harts.length > 1;
    const named = harts.length > 1;
    this.interruptRequested = false;
    // A hart resumed from where a stop was reported on it passes a breakpoint there (GDB steps the
    // thread over it); a hart that merely sits on one, unreported, reports it.
    const start = harts.map((x) => ({ retired: x.retired, pc: x.pc }));
    const passes = harts.map((x, i) => i === me || (this.parked[i]?.retired === x.retired && this.parked[i]?.pc === x.pc));
    let pending: StopEvent | undefined;
    const cands: WatchCandidate[][] = harts.map(() => []);

    const prevTraps = harts.map((x) => x.onTrap);
    harts.forEach((x, i) => {
      x.onTrap = (cause, interrupt, tval, epc) => {
        prevTraps[i]?.(cause, interrupt, tval, epc);
        // An exception means the access that raised it did not happen.
        if (!interrupt) cands[i]!.length = 0;
        const info: TrapInfo = { cause, interrupt, tval: BigInt.asUintN(64, tval), epc: BigInt.asUintN(64, epc), fromPriv: x.priv, toPriv: trapTarget(x, cause, interrupt) };
        this.lastTraps[i] = info;
        if (pending) return;
        const cp = points.catchpoints().find((c) => trapMatches(c.trap, cause, interrupt));
        if (cp) { cp.hits++; pending = { kind: 'trap', trap: info, catchpoint: cp, hart: i }; } else if (opts.step && i === me) pending = { kind: 'trap', trap: info, hart: i };
      };
    });

    // Watchpoints see every hart's accesses, each by its own virtual address (a physical watchpoint
    // through that hart's translation).
    const wps = points.watchpoints();
    const myStores = harts.map((x, i) => {
      if (!wps.length) return undefined;
      const va = (lo: number, hi: number): bigint => BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
      const mem = this.mems[i]!;
      x.storeObserver = (lo, hi, size) => { cands[i]!.push(...matchAccess(wps, mem, va(lo, hi), size, 'write')); };
      if (wps.some((w) => w.type !== 'watch')) x.loadObserver = (lo, hi, size) => { cands[i]!.push(...matchAccess(wps, mem, va(lo, hi), size, 'read')); };
      return x.storeObserver;
    });

    /** Hart i's boundary: pending stops first (any hart's: all-stop), then its breakpoints and the caller's condition. */
    const check = (i: number, withBreakpoints: boolean): string | undefined => {
      for (let k = 0; k < harts.length && !pending; k++) {
        const c = cands[k]!;
        if (!c.length) continue;
        const hit = evaluate(c, this.mems[k]!);
        c.length = 0;
        if (hit) pending = { kind: 'watchpoint', hit, hart: k };
      }
      if (pending) return 'debug';
      const x = harts[i]!;
      if (opts.step && i === me && x.retired > start[i]!.retired) { pending = { kind: 'step', hart: i }; return 'debug'; }
      if (withBreakpoints && !(passes[i] && x.retired === start[i]!.retired && x.pc === start[i]!.pc)) {
        const bp = points.breakAt(x.pc);
        if (bp) { bp.hits++; pending = { kind: 'breakpoint', bp, hart: i }; return 'breakpoint'; }
        if (i === me && opts.until?.(x)) { pending = { kind: 'reached', hart: i }; return 'reached'; }
      }
      return undefined;
    };
    const needHook = opts.step || points.anyBreakpoints || wps.length > 0 || points.catchpoints().length > 0 || opts.until !== undefined || this.trace !== undefined;
    if (needHook) harts.forEach((x, i) => x.setDebugHook(() => check(i, !(opts.step && i === me))));

    /** Runs `run` for one instruction of hart x, with a trace line when `trace on` (none when its hook stopped it first). */
    const traced = (x: Hart, run: () => MachineStop | undefined): MachineStop | undefined => {
      const trace = this.trace;
      if (!trace) return run();
      let s: MachineStop | undefined;
      const before = x.retired, mine = myStores[x.hartid];
      const line = traceStep(x, () => {
        const traceStore = x.storeObserver;
        if (mine) x.storeObserver = (lo, hi, size, v) => { traceStore?.(lo, hi, size, v); mine(lo, hi, size, v); };
        s = run();
      }, named);
      x.storeObserver = mine;
      if (x.retired !== before || s?.kind !== 'debug') trace(line);
      return s;
    };
    /** The hart the scheduler runs next (time moved on first if every hart waits, so it is the one that will run). */
    const next = (): Hart => { m.settle(); return m.current; };
    const limitStop = (): StopEvent => ({ kind: 'limit', reason: `instruction limit reached (${this.limit})`, hart: me });

    try {
      // A step of the hart alone: one instruction (or up to the trap handler's first).
      if (opts.step && (alone || harts.length === 1)) {
        for (;;) {
          if (m.retired >= this.limit) return limitStop();
          const s = traced(h, () => m.runHart(me, 1));
          if (!pending && h.retired > start[me]!.retired) check(me, false);
          if (pending) return pending;
          if (h.retired > start[me]!.retired) return { kind: 'step', hart: me };
          const other = s ? this.machineStop(s, me) : undefined;
          if (other) return other;
          if (s?.kind === 'idle') {
            await this.pause();
            if (this.interruptRequested) return { kind: 'interrupted', hart: me };
          }
        }
      }
      // Otherwise the scheduler runs every hart (a step with the others: until the hart's hook sees
      // it one instruction on), or hart `me` alone.
      for (;;) {
        let s: MachineStop | undefined;
        if (this.trace) {
          let n = 0;
          do {
            const x = alone ? h : next();
            if (check(x.hartid, true)) break;
            if (m.retired >= this.limit) return limitStop();
            s = traced(x, () => (alone ? m.runHart(me, 1) ?? { kind: 'slice', reason: 'one instruction' } : m.run(this.limit, 1, 1)));
          } while (++n < 4096 && (s === undefined || s.kind === 'slice'));
        } else if (alone) {
          const left = this.limit - m.retired;
          if (left <= 0) return limitStop();
          s = m.runHart(me, Math.min(SLICE, left));
        } else {
          s = m.run(this.limit, undefined, SLICE);
        }
        if (pending) return pending;
        const other = s ? this.machineStop(s, me) : undefined;
        if (other) return other;
        await this.pause();
        if (this.interruptRequested) return { kind: 'interrupted', hart: me };
      }
    } finally {
      for (const [i, x] of harts.entries()) {
        x.setDebugHook(undefined);
        x.onTrap = prevTraps[i];
        x.storeObserver = undefined;
        x.loadObserver = undefined;
      }
      this.interruptRequested = false;
    }
  }

  /** The MachineStop kinds that end a resume (slice, idle and debug do not). */
  private machineStop(s: MachineStop, hart: number): StopEvent | undefined {
    switch (s.kind) {
      case 'waiting': return { kind: 'waiting', hart };
      case 'exit': return { kind: 'exit', code: s.code, reason: s.reason };
      case 'stopped': return { kind: 'stopped', reason: s.reason };
      case 'limit': return { kind: 'limit', reason: s.reason, hart };
      default: return undefined;
    }
  }
}

/** The privilege a trap goes to (onTrap runs before trap entry): S when delegated from S or U, else M. */
function trapTarget(h: Hart, cause: number, interrupt: boolean): number {
  const deleg = interrupt ? h.mideleg : h.medeleg;
  return h.priv <= 1 && ((deleg >>> cause) & 1) !== 0 ? 1 : 3;
}
