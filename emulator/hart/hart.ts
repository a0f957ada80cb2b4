// One RV64IMAC hart: architectural state, the fetch–decode–execute loop and trap entry.
//
// Registers are two Int32Arrays (low and high halves); index 32 is a write sink that decoded
// instructions with rd = x0 write to, so x0 reads 0 without a test on every write. The pc is two
// 32-bit halves too, exact at all 64 bits (Sv57's upper half included); `pc` is a number view of it
// for the debugger and tests. Decoded instructions are cached by physical address (decode-cache.ts).
// Anything that goes wrong for the guest is a trap taken in the interpreter, never a host exception.

import type { Bus } from '../board/bus.js';
import type { InterruptSink } from '../board/device.js';
import { FETCH } from '../mmu/access.js';
import { TABLE } from '../isa/table.js';
import { Trap } from '../isa/trap.js';
import type { Clock, HartMmu } from './ports.js';
import { CodeCache, type CodePage } from './decode-cache.js';
import { makeInterpreter, type Interpreter, type RunFast } from './interpreter.js';
import { HOT, Translator, type TierStats } from './translator.js';
import { CSRS, CsrMap } from './csr.js';
import { createFpuState, type FpuState } from '../fpu/index.js';
import { pendingInterrupt } from './interrupts.js';
import { EV_DEBUG, EV_IRQ, EV_STOP, EV_WFI, EV_YIELD } from './events.js';
import {
  X_MCAUSE, X_MEPC, X_MSCRATCH, X_MTVAL, X_MTVEC, X_PAIRS, X_SCAUSE, X_SEPC, X_SSCRATCH, X_STVAL, X_STVEC,
} from './slot.js';
import { hiOf, loOf, toBig, toBigU, toNum } from './int64.js';
import {
  MENVCFG_ADUE, MENVCFG_STCE, MIP_STIP, MSTATUS_HI, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV,
  MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM, PRV_M, PRV_S, sdBit,
} from './mstatus.js';

let defaultInterpreter: Interpreter | undefined;
let defaultCsrs: CsrMap | undefined;
/** The interpreter of the project's table, compiled once per process. */
export function projectInterpreter(): Interpreter {
  return (defaultInterpreter ??= makeInterpreter(TABLE));
}

/** Why `run` returned early. */
export type HartStop = { kind: 'wfi' } | { kind: 'stop'; reason: string } | { kind: 'yield' }
  /** The debugger's hook asked to stop before the instruction at pc (resumable, unlike 'stop'). */
  | { kind: 'debug'; reason: string };

export interface HartOptions {
  bus: Bus;
  mmu: HartMmu;
  clock: Clock;
  hartid?: number;
  /** The instruction set it runs (a test's table with extra entries); the project's by default. */
  interpreter?: Interpreter;
  /** Its CSRs (a test's with extra records); csr.ts's by default. */
  csrs?: CsrMap;
  /** The decode cache, shared by the harts of one machine (decoding depends only on the bytes, and a
   *  store by any hart then drops what every hart decoded there); a new one by default. */
  code?: CodeCache;
  /** The execution tier: `jit` enters translated regions (translator.ts), `interp` only interprets. */
  tier?: Tier;
  /** With `jit`: entries into a block head before it is translated (translator.ts's HOT by default). */
  hot?: number;
}

/** The jump cache's entries (a power of two). */
const JUMPS = 64;

export type Tier = 'interp' | 'jit';
export const TIERS: readonly Tier[] = ['interp', 'jit'];
/**
 * The default: both are exact, and jit is the faster where time goes, on long runs (xv6 usertests
 * 1.6–2.1×; the bench's compiled C 0.9–5.0× over a short 60 M instructions), 0–30 % slower than the
 * interpreter on a short Linux boot (README).
 */
export const DEFAULT_TIER: Tier = 'jit';
let processTier: Tier = DEFAULT_TIER, processHot = HOT;
/**
 * The tier (and translation threshold) of harts built without one: the CLI and the test set-up take
 * them from RVHART_TIER and RVHART_HOT, so the whole test suite can run on either tier, and with
 * every block head translated at once (RVHART_HOT=1).
 */
export function setProcessTier(t: Tier, hot = HOT): void { processTier = t; processHot = hot; }

/** The most entries RVHART_HOT may ask for. */
export const MAX_HOT = 1 << 30;

/** RVHART_TIER and RVHART_HOT read (as text; absent: the defaults), or the one-line reason they are wrong. */
export function parseTierSetting(tierText: string | undefined, hotText: string | undefined): { tier: Tier; hot: number } | string {
  const tier = (tierText === undefined || tierText === '' ? DEFAULT_TIER : tierText) as Tier;
  if (!TIERS.includes(tier)) return `--tier ${tierText}: expected ${TIERS.join(' or ')}`;
  const hot = hotText === undefined || hotText === '' ? HOT : Number(hotText);
  if (!(Number.isInteger(hot) && hot >= 1 && hot <= MAX_HOT)) return `RVHART_HOT=${hotText}: expected a number of entries from 1 to ${MAX_HOT}`;
  return { tier, hot };
}

/** A store the trace sees: virtual address, size, value. */
export type StoreObserver = (vaLo: number, vaHi: number, size: number, value: bigint) => void;
/** A load the debugger's read watchpoints see: virtual address and size (before translation). */
export type LoadObserver = (vaLo: number, vaHi: number, size: number) => void;

const TWO32 = 4294967296;

export class Hart {
  /** Integer registers: low and high 32-bit halves; [32] is the x0 write sink. */
  readonly xl = new Int32Array(33);
  readonly xh = new Int32Array(33);
  /** F/D: f0..f31 as (lo, hi) pairs, fflags and frm (emulator/fpu's state; mstatus.FS guards it). */
  readonly fpu: FpuState = createFpuState();
  /** The pc's low and high halves. */
  pcLo = 0;
  pcHi = 0;
  /** The pc as a number: exact while |pc| < 2^53 (bigint: pcBig). */
  get pc(): number { return toNum(this.pcLo, this.pcHi); }
  set pc(v: number) { this.pcLo = v | 0; this.pcHi = Math.floor(v / TWO32) | 0; }
  /** Current privilege: 0 U, 1 S, 3 M. */
  priv = PRV_M;

  readonly bus: Bus;
  readonly mmu: HartMmu;
  readonly clock: Clock;
  readonly hartid: number;
  readonly code: CodeCache;
  readonly interpreter: Interpreter;
  readonly csrs: CsrMap;
  readonly tier: Tier;
  /** The loop the tier runs: the interpreter's, or the one that enters translated regions. */
  readonly loop: RunFast;

  // --- RAM fast path: RAM's first chunk (all of RAM up to 1 GiB), read without a chunk lookup ---
  readonly ramBase: number;
  readonly lowSize: number;
  readonly lowView: DataView;

  // --- The high halves of what two helpers return (the low half is their return value) ---
  /** The old value the last Zicsr instruction read (csr.ts's csrDo). */
  csrHi = 0;
  /** The value the last AMO computed (atomic.ts's amoValue). */
  amoHi = 0;

  // --- CSR state (csr.ts has the rules) ---
  /** mstatus[31:0]; the upper half is the constant MSTATUS_HI, SD derived from FS (sdBit). */
  mstatus = 0;
  mie = 0;
  /** mip bits written by software (SSIP, STIP without Sstc, SEIP). */
  mipSw = 0;
  /** mip bits driven by the platform (MSIP, MTIP, MEIP, SEIP from the PLIC, STIP from stimecmp). */
  mipHw = 0;
  medeleg = 0;
  mideleg = 0;
  /**
   * The trap CSRs (xtvec, xepc, xcause, xtval, xscratch) as 32-bit halves, indexed by the X_* pair
   * numbers of slot.ts ([2k] low, [2k+1] high): trap entry, xRET and csrr/csrw of them never allocate.
   * The bigint accessors below are for the debugger and tests.
   */
  readonly x64 = new Int32Array(2 * X_PAIRS);
  get mtvec(): bigint { return this.pair(X_MTVEC); } set mtvec(v: bigint) { this.setPair(X_MTVEC, v); }
  get stvec(): bigint { return this.pair(X_STVEC); } set stvec(v: bigint) { this.setPair(X_STVEC, v); }
  get mepc(): bigint { return this.pair(X_MEPC); } set mepc(v: bigint) { this.setPair(X_MEPC, v); }
  get sepc(): bigint { return this.pair(X_SEPC); } set sepc(v: bigint) { this.setPair(X_SEPC, v); }
  get mcause(): bigint { return this.pair(X_MCAUSE); } set mcause(v: bigint) { this.setPair(X_MCAUSE, v); }
  get scause(): bigint { return this.pair(X_SCAUSE); } set scause(v: bigint) { this.setPair(X_SCAUSE, v); }
  get mtval(): bigint { return this.pair(X_MTVAL); } set mtval(v: bigint) { this.setPair(X_MTVAL, v); }
  get stval(): bigint { return this.pair(X_STVAL); } set stval(v: bigint) { this.setPair(X_STVAL, v); }
  get mscratch(): bigint { return this.pair(X_MSCRATCH); } set mscratch(v: bigint) { this.setPair(X_MSCRATCH, v); }
  get sscratch(): bigint { return this.pair(X_SSCRATCH); } set sscratch(v: bigint) { this.setPair(X_SSCRATCH, v); }
  /** A trap CSR pair as an unsigned 64-bit bigint. */
  pair(k: number): bigint { return toBigU(this.x64[2 * k]!, this.x64[2 * k + 1]!); }
  setPair(k: number, v: bigint): void { this.x64[2 * k] = loOf(v); this.x64[2 * k + 1] = hiOf(v); }
  mcounteren = 0; scounteren = 0;
  mcountinhibit = 0;
  menvcfg = 0n; senvcfg = 0n;
  /** menvcfg.ADUE, as privChanged last read it. */
  private adue = false;
  stimecmp = (1n << 64n) - 1n;
  /** mcycle/minstret = retired + offset (frozen while inhibited). */
  cycleOffset = 0n; instretOffset = 0n;
  cycleFrozen = 0n; instretFrozen = 0n;

  // --- LR/SC ---
  resValid = false;
  /** Physical address of the reservation (the reserved doubleword or word). */
  resAddr = -1;
  /** Every hart of the machine, this one included (index = hartid): a store breaks their reservations. */
  peers: readonly Hart[] = [this];

  // --- run state ---
  /** Instructions retired since reset. */
  retired = 0;
  events = 0;
  waiting = false;
  stopReason: string | undefined;
  /** Traps taken by cause (interrupts as 'irq:N'), for --stats. */
  get trapCounts(): Map<string, number> {
    const m = new Map<string, number>();
    this.excCounts.forEach((n, c) => { if (n > 0) m.set(String(c), n); });
    this.irqCounts.forEach((n, c) => { if (n > 0) m.set(`irq:${c}`, n); });
    return m;
  }
  private readonly excCounts = new Float64Array(64);
  private readonly irqCounts = new Float64Array(64);
  /** Called on every trap (the debugger's `catch trap`); undefined normally. */
  onTrap: ((cause: number, interrupt: boolean, tval: bigint, epc: bigint) => void) | undefined;
  /** Sees every store (the trace); undefined normally. */
  storeObserver: StoreObserver | undefined;
  /** Sees every load (the debugger's rwatch/awatch); undefined normally. */
  loadObserver: LoadObserver | undefined;
  /**
   * The debugger's check at each instruction boundary (breakpoints, caught traps, watchpoint hits):
   * a reason stops `run` with {kind: 'debug'}. Set it with setDebugHook; while unset it costs
   * nothing (the loop sees it only through `events`).
   */
  private debugHook: (() => string | undefined) | undefined;
  /** Called for a store to a RAM page marked as watched (HTIF tohost). */
  onWatchedStore: ((pa: number, size: number) => void) | undefined;

  // trap-loop detection: traps taken without an instruction retiring in between
  private lastTrapRetired = -1;
  private trapStreak = 0;

  // Fetch translation cache (interpreter.ts): the VA page the pc is on (halves), its code page, and
  // the MMU generation it was translated under (-1: none yet).
  fetchVaLo = 0;
  fetchVaHi = 0;
  fetchPage: CodePage;
  fetchGen = -1;
  // The jump cache: recent fetch pages by VA page (direct-mapped), each with the code page it
  // translated to and the MMU generation then (any change of translation, privilege or PMP moves
  // it), so the calls and returns between pages a kernel makes all the time find their code page
  // again without the MMU's walk of its caches or the decode cache's map.
  private readonly jumpLo = new Int32Array(JUMPS).fill(1); // 1: no page (page tags are multiples of 4096)
  private readonly jumpHi = new Int32Array(JUMPS);
  private readonly jumpGen = new Float64Array(JUMPS).fill(-1);
  private readonly jumpPage: CodePage[];

  constructor(opts: HartOptions) {
    this.bus = opts.bus;
    this.mmu = opts.mmu;
    this.clock = opts.clock;
    this.hartid = opts.hartid ?? 0;
    this.ramBase = opts.bus.ram.base;
    this.lowSize = opts.bus.ram.low.length;
    this.lowView = opts.bus.ram.lowView;
    this.interpreter = opts.interpreter ?? projectInterpreter();
    this.csrs = opts.csrs ?? (defaultCsrs ??= new CsrMap(CSRS));
    this.code = opts.code ?? new CodeCache(opts.bus, this.interpreter.decoder, this.interpreter.illegal);
    this.tier = opts.tier ?? processTier;
    if (this.tier === 'jit') this.code.blocks ??= new Translator(this.interpreter.table, opts.hot ?? processHot);
    this.loop = this.tier === 'jit' ? this.interpreter.runTiered : this.interpreter.runFast;
    this.fetchPage = this.code.scratchPage;
    this.jumpPage = new Array<CodePage>(JUMPS).fill(this.code.scratchPage);
    this.mstatus = 0;
    this.privChanged();
  }

  // ------------------------------------------------------------------ registers

  /** x[n] as a signed 64-bit bigint. */
  reg(n: number): bigint {
    return n === 0 ? 0n : toBig(this.xl[n], this.xh[n]);
  }

  setReg(n: number, v: bigint): void {
    if (n === 0) return;
    this.xl[n] = Number(BigInt.asIntN(32, v));
    this.xh[n] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** pc as an unsigned 64-bit bigint. */
  pcBig(): bigint {
    return toBigU(this.pcLo, this.pcHi);
  }

  /** The full mstatus value. */
  mstatusBig(): bigint {
    return (BigInt((MSTATUS_HI | sdBit(this.mstatus)) >>> 0) << 32n) | BigInt(this.mstatus >>> 0);
  }

  mip(): number {
    return this.mipSw | this.mipHw;
  }

  // ------------------------------------------------------------------ platform inputs

  /** The InterruptSink devices drive (CLINT: MSIP/MTIP, PLIC: MEIP/SEIP). */
  readonly irqSink: InterruptSink = {
    setPending: (irq: number, level: boolean): void => {
      const bit = 1 << irq;
      const before = this.mipHw;
      this.mipHw = level ? before | bit : before & ~bit;
      if (this.mipHw !== before) this.events |= EV_IRQ;
    },
  };

  /** Re-evaluates Sstc's STIP (stimecmp ≤ time) for the given mtime. */
  updateStimecmp(mtime: bigint): void {
    const on = (this.menvcfg & MENVCFG_STCE) !== 0n && mtime >= this.stimecmp;
    this.irqSink.setPending(5, on);
  }

  /** Asks the loop to stop at the next instruction boundary (poweroff, debugger, ...). */
  requestStop(reason: string): void {
    if (this.stopReason === undefined) this.stopReason = reason;
    this.events |= EV_STOP;
  }

  /** Asks the loop to return at the next instruction boundary without stopping (a device needs service). */
  requestYield(): void {
    this.events |= EV_YIELD;
  }

  /** Installs or removes the debugger's boundary check (see debugHook). */
  setDebugHook(hook: (() => string | undefined) | undefined): void {
    this.debugHook = hook;
    if (hook !== undefined) this.events |= EV_DEBUG;
  }

  /** Whether some interrupt is pending and enabled in mie (what wakes WFI). */
  wakeable(): boolean {
    return (this.mip() & this.mie) !== 0;
  }

  /** Whether it has something to do: not waiting in WFI, or waiting with an interrupt to wake it. */
  runnable(): boolean {
    return !this.waiting || this.wakeable();
  }

  // ------------------------------------------------------------------ state changes

  /**
   * After any change of priv, mstatus or menvcfg: tell the MMU (whose generation then moves if the
   * fetch translation may differ, so the interpreter refetches) and recheck interrupts. `before`:
   * mstatus before a CSR write, which needs the recheck only when it set MIE or SIE (clearing one
   * makes no interrupt takeable; a kernel toggles SIE around every lock), and menvcfg is as it was
   * (its ADUE bit, a bigint's, is then not read again).
   */
  privChanged(before?: number): void {
    if (before === undefined) this.adue = (this.menvcfg & MENVCFG_ADUE) !== 0n;
    // What the MMU reads of mstatus (MPRV, MPP, SUM, MXR): told only when it may have changed.
    if (before === undefined || ((this.mstatus ^ before) & (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR)) !== 0) {
      this.mmu.setPrivilege(this.priv, this.mstatus, this.adue);
    }
    if (before === undefined || (this.mstatus & ~before & (MSTATUS_MIE | MSTATUS_SIE)) !== 0) this.events |= EV_IRQ;
  }

  /** The translation tier's counts (undefined with --tier interp). */
  get tierStats(): TierStats | undefined {
    return this.tier === 'jit' ? (this.code.blocks as Translator).stats : undefined;
  }

  /** fence.i, or a store to a page holding cached decodes. */
  flushCode(): void {
    this.code.flushAll();
  }

  // ------------------------------------------------------------------ the loop

  /**
   * Runs up to `budget` instructions. Returns why it stopped early, or undefined when the budget is
   * used up. Traps are taken here; nothing the guest does escapes as a host exception.
   */
  run(budget: number): HartStop | undefined {
    const end = this.retired + budget;
    while (this.retired < end) {
      try {
        if (this.events !== 0) {
          const why = this.handleEvents();
          if (why !== undefined) return why;
        }
        // With the debugger's hook installed every boundary is checked: one instruction per pass, on
        // the interpreter (breakpoints, watchpoints, single steps): nothing there to translate.
        if (this.debugHook !== undefined) this.interpreter.runFast(this, this.retired + 1);
        // Translated regions do not call the observers (translator.ts): the interpreter runs while one is installed.
        else if (this.loadObserver !== undefined || this.storeObserver !== undefined) this.interpreter.runFast(this, end);
        else this.loop(this, end);
      } catch (e) {
        if (!(e instanceof Trap)) throw e;
        this.takeTrap(e.cause, false, e.tval, e.epc !== undefined ? e.epc : this.pcBig());
        if (this.stopReason !== undefined) return { kind: 'stop', reason: this.stopReason };
      }
    }
    return undefined;
  }

  private handleEvents(): HartStop | undefined {
    const ev = this.events;
    this.events = 0;
    if (ev & EV_STOP || this.stopReason !== undefined) {
      this.events = EV_STOP;
      return { kind: 'stop', reason: this.stopReason ?? 'stopped' };
    }
    if (ev & EV_IRQ) {
      const irq = pendingInterrupt(this);
      if (irq >= 0) {
        this.waiting = false;
        this.takeTrap(irq, true, 0n, this.pcBig());
        if (this.stopReason !== undefined) return { kind: 'stop', reason: this.stopReason };
      }
    }
    if (this.waiting) {
      if (this.wakeable()) this.waiting = false;
      else { this.events |= EV_WFI; return { kind: 'wfi' }; }
    }
    if (this.debugHook !== undefined) {
      // Checked after interrupts are taken: the pc is the instruction about to run.
      this.events |= EV_DEBUG;
      const reason = this.debugHook();
      if (reason !== undefined) return { kind: 'debug', reason };
    }
    if (ev & EV_YIELD) return { kind: 'yield' };
    return undefined;
  }

  /**
   * The interpreter's check when `events` is set: whether Hart.run must see them. An EV_IRQ alone
   * with no interrupt takeable now (a CSR write, a trap, an xRET re-evaluating) is consumed here, so
   * the loop goes on at the same boundary where Hart.run would have found nothing to take.
   */
  mustLeave(): boolean {
    if (this.events !== EV_IRQ || this.waiting || pendingInterrupt(this) >= 0) return true;
    this.events = 0;
    return false;
  }

  /** Takes exception `cause` with tval (as halves) at the current pc (the instruction does not retire). */
  raise(cause: number, tvalLo: number, tvalHi: number): void {
    this.enterTrap(cause, false, tvalLo, tvalHi, this.pcLo, this.pcHi);
  }

  /**
   * The jump cache's code page for the VA page (lo, hi) (lo page-aligned) in the MMU's current
   * generation, or undefined. The one lookup rule: refillFetch, the translator (which pages a region
   * may reach) and a region's guard at a block on another page all use it.
   */
  jumpPageAt(lo: number, hi: number): CodePage | undefined {
    const k = (lo >>> 12) & (JUMPS - 1);
    return this.jumpLo[k] === lo && this.jumpHi[k] === hi && this.jumpGen[k] === this.mmu.generation ? this.jumpPage[k] : undefined;
  }

  /**
   * Translates the page of the pc (lo, hi) for fetch and selects its code page. Throws the fetch
   * fault. A jump-cache hit is the hart's own cache, not the MMU's: it counts in no MMU statistic,
   * so a region that crosses pages without coming here counts the same.
   */
  refillFetch(lo: number, hi: number): void {
    const vaLo = lo & ~0xfff, gen = this.mmu.generation;
    const cached = this.jumpPageAt(vaLo, hi);
    if (cached !== undefined) {
      this.fetchPage = cached;
    } else {
      // Through the MMU: its checks and its counters.
      const pa = this.mmu.translate(lo, hi, 2, FETCH) - (lo & 0xfff);
      if (this.mmu.wholePage(lo, hi, FETCH)) {
        const k = (lo >>> 12) & (JUMPS - 1);
        this.fetchPage = this.jumpPage[k] = this.code.pageAt(pa);
        this.jumpLo[k] = vaLo; this.jumpHi[k] = hi; this.jumpGen[k] = gen;
      } else {
        // PMP allows the page only in part: a view of it that checks every fetch (decode-cache.ts).
        this.fetchPage = this.code.pageAt(pa, true);
      }
    }
    this.fetchVaLo = vaLo;
    this.fetchVaHi = hi;
    this.fetchGen = gen;
  }

  // ------------------------------------------------------------------ traps

  /**
   * Trap entry (privileged spec 3.1.6.1, 3.1.12–3.1.16, 4.1.1): delegation through medeleg/mideleg
   * when in S or U, xEPC/xCAUSE/xTVAL, xPIE ← xIE, xIE ← 0, xPP ← priv, pc ← xtvec (vectored for
   * interrupts). The reservation is cleared.
   */
  takeTrap(cause: number, interrupt: boolean, tval: bigint, epc: bigint): void {
    this.enterTrap(cause, interrupt, loOf(tval), hiOf(tval), loOf(epc), hiOf(epc));
  }

  /** takeTrap with tval and epc as halves: the interpreter's path, which allocates nothing. */
  enterTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number, epcLo: number, epcHi: number): void {
    (interrupt ? this.irqCounts : this.excCounts)[cause & 63]++;
    if (this.onTrap) this.onTrap(cause, interrupt, toBigU(tvalLo, tvalHi), toBigU(epcLo, epcHi));
    if (this.retired === this.lastTrapRetired) {
      if (++this.trapStreak >= 1000) {
        this.requestStop(`trap loop: ${interrupt ? 'interrupt' : 'exception'} ${cause} at pc 0x${toBigU(epcLo, epcHi).toString(16)} ` +
          `taken 1000 times without an instruction retiring`);
        return;
      }
    } else {
      this.trapStreak = 0;
      this.lastTrapRetired = this.retired;
    }
    this.resValid = false;
    const deleg = interrupt ? this.mideleg : this.medeleg;
    const x = this.x64;
    let ms = this.mstatus, k: number;
    if (this.priv <= PRV_S && ((deleg >>> cause) & 1) !== 0) {
      ms = (ms & MSTATUS_SIE) ? ms | MSTATUS_SPIE : ms & ~MSTATUS_SPIE;
      ms &= ~MSTATUS_SIE;
      ms = this.priv === PRV_S ? ms | MSTATUS_SPP : ms & ~MSTATUS_SPP;
      this.priv = PRV_S;
      k = 1; // the S pairs: X_S* = X_M* + 1
    } else {
      ms = (ms & MSTATUS_MIE) ? ms | MSTATUS_MPIE : ms & ~MSTATUS_MPIE;
      ms &= ~MSTATUS_MIE;
      ms = (ms & ~MSTATUS_MPP) | (this.priv << MSTATUS_MPP_SHIFT);
      this.priv = PRV_M;
      k = 0;
    }
    x[2 * (X_MCAUSE + k)] = cause; x[2 * (X_MCAUSE + k) + 1] = interrupt ? 0x80000000 | 0 : 0;
    x[2 * (X_MEPC + k)] = epcLo; x[2 * (X_MEPC + k) + 1] = epcHi;
    x[2 * (X_MTVAL + k)] = tvalLo; x[2 * (X_MTVAL + k) + 1] = tvalHi;
    this.mstatus = ms;
    const tvLo = x[2 * (X_MTVEC + k)]!, tvHi = x[2 * (X_MTVEC + k) + 1]!;
    this.waiting = false;
    this.privChanged();
    // BASE, plus 4 × cause for a vectored interrupt (an unsigned add into the high half).
    const add = interrupt && (tvLo & 3) === 1 ? 4 * cause : 0;
    const lo = (tvLo & ~3) >>> 0;
    this.setPcHalves((lo + add) | 0, lo + add > 0xffffffff ? (tvHi + 1) | 0 : tvHi);
  }

  /** MRET (3.3.2): priv ← MPP, MIE ← MPIE, MPIE ← 1, MPP ← U; MPRV ← 0 when leaving M. */
  mret(): void {
    let ms = this.mstatus;
    const mpp = (ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
    ms = (ms & MSTATUS_MPIE) ? ms | MSTATUS_MIE : ms & ~MSTATUS_MIE;
    ms |= MSTATUS_MPIE;
    ms &= ~MSTATUS_MPP;
    if (mpp !== PRV_M) ms &= ~MSTATUS_MPRV;
    this.mstatus = ms;
    this.priv = mpp;
    this.resValid = false;
    this.privChanged();
    this.setPcHalves(this.x64[2 * X_MEPC]!, this.x64[2 * X_MEPC + 1]!);
  }

  /** SRET: priv ← SPP, SIE ← SPIE, SPIE ← 1, SPP ← U; MPRV ← 0 (SRET never returns to M). */
  sret(): void {
    let ms = this.mstatus;
    const spp = (ms & MSTATUS_SPP) ? PRV_S : 0;
    ms = (ms & MSTATUS_SPIE) ? ms | MSTATUS_SIE : ms & ~MSTATUS_SIE;
    ms |= MSTATUS_SPIE;
    ms &= ~MSTATUS_SPP;
    ms &= ~MSTATUS_MPRV;
    this.mstatus = ms;
    this.priv = spp;
    this.resValid = false;
    this.privChanged();
    this.setPcHalves(this.x64[2 * X_SEPC]!, this.x64[2 * X_SEPC + 1]!);
  }

  /** Sets pc from a 64-bit value as halves (xepc, xtvec). */
  setPcHalves(lo: number, hi: number): void {
    this.pcLo = lo;
    this.pcHi = hi;
  }

  /** Sets pc from a 64-bit value (the debugger, tests). */
  setPcBig(v: bigint): void {
    this.pcLo = loOf(v);
    this.pcHi = hiOf(v);
  }

  /** Whether Sstc's stimecmp drives STIP (menvcfg.STCE). */
  sstcEnabled(): boolean {
    return (this.menvcfg & MENVCFG_STCE) !== 0n;
  }

  /** mip as software sees it. */
  mipValue(): number {
    return this.mipSw | this.mipHw;
  }

  /** The STIP bit software may write in mip (only without Sstc). */
  stipWritable(): number {
    return this.sstcEnabled() ? 0 : MIP_STIP;
  }
}
