// One booted machine and the debugger around it: the board (Virt), run control (Target), the
// stepping shell's commands (Session: the page's buttons are its commands — `c`, `si`, `b SYM` —
// so a stop reads as it does in `rvhart debug`), the symbols and the trap log. Runs in slices: the
// Target yields between them, and the page redraws at a bounded rate while it runs.

import { Virt, type BootImage } from '../emulator/board/virt.js';
import { Session } from '../emulator/debug/commands.js';
import { SymbolTable, type DebugSymbol } from '../emulator/debug/symbols.js';
import { Target } from '../emulator/debug/target.js';
import { TrapLog } from './trap-log.js';
import { nextFrame, sleep, yieldToEventLoop } from './yield.js';

export interface Images {
  readonly kernel: BootImage;
  readonly firmware: BootImage | undefined;
  readonly symbols: readonly DebugSymbol[];
}

export interface DebuggerHooks {
  /** Guest console output (UART, HTIF). */
  console(bytes: Uint8Array): void;
  /** The shell's own output (stop reports, command results). */
  shell(text: string): void;
  /** Redraw everything: paused, stepped, or a while has passed while running. */
  update(): void;
}

/** The fastest redraw while running (ms between); a costly redraw (a big page table) waits longer. */
const RUNNING_REDRAW_MS = 250;
/** Redrawing (with the browser's layout and paint) takes at most 1/REDRAW_SHARE of the time while running. */
const REDRAW_SHARE = 8;

export class Debugger {
  readonly machine: Virt;
  readonly target: Target;
  readonly session: Session;
  readonly symbols: SymbolTable;
  readonly traps: TrapLog;
  /** A command (run, step, ...) is in progress. */
  busy = false;
  /** The last command's run (redraws while it ran included; the ones before and after not). */
  lastRun: { insns: number; secs: number } | undefined;
  private lastRedraw = 0;
  private lastRetired = 0;
  private redrawCost = 0;

  constructor(images: Images, private readonly hooks: DebuggerHooks, bootargs?: string) {
    this.machine = new Virt({ output: (b) => hooks.console(b), bootargs });
    this.machine.boot(images.kernel, images.firmware);
    // Keys typed into the console can always arrive: a WFI waits for them instead of ending the run.
    this.machine.inputOpen = true;
    this.target = new Target(this.machine);
    this.target.pause = () => this.betweenSlices();
    this.symbols = new SymbolTable(images.symbols);
    this.session = new Session(this.target, this.symbols, { out: (t) => hooks.shell(t) });
    this.traps = new TrapLog(this.machine.hart, this.target);
  }

  /** `<sym+off>` text for an address, as the shell shows it. */
  readonly describe = (a: bigint): string | undefined => this.symbols.describe(a);

  /** Runs one shell command (`c`, `si`, `b __create_pgd_mapping`, `walk 0x80200000`, ...); one at a time. */
  async command(line: string): Promise<void> {
    if (this.busy) { this.hooks.shell('The machine is running: pause it first.\n'); return; }
    this.busy = true;
    this.hooks.update();
    const h = this.machine.hart, retired = h.retired, t0 = (this.lastRedraw = performance.now());
    try {
      await this.session.execute(line);
    } finally {
      this.lastRun = { insns: h.retired - retired, secs: (performance.now() - t0) / 1000 };
      this.busy = false;
      this.hooks.update();
    }
  }

  /** Stops a running command at the next slice boundary. */
  pause(): void { this.target.interrupt(); }

  /** Between run slices: let the page breathe, redraw now and then; doze while the hart idles in WFI. */
  private async betweenSlices(): Promise<void> {
    const now = performance.now(), retired = this.machine.hart.retired;
    if (now - this.lastRedraw >= Math.max(RUNNING_REDRAW_MS, REDRAW_SHARE * this.redrawCost)) {
      this.hooks.update();
      // The cost counted is the browser's too: style, layout and paint happen after the next
      // animation frame's callbacks, before a message posted from one.
      await nextFrame();
      await yieldToEventLoop();
      this.lastRedraw = performance.now();
      this.redrawCost = this.lastRedraw - now;
      this.lastRetired = retired;
      return;
    }
    if (retired === this.lastRetired) await sleep(10);
    else await yieldToEventLoop();
    this.lastRetired = retired;
  }
}
