// The page: one Debugger on the current images and every view of it, redrawn when the machine
// stops, steps, or (bounded) while it runs. Controls are the shell's commands.

import { hex, PRIV_NAMES } from '../emulator/debug/format.js';
import { ConsoleView } from './console-view.js';
import { Debugger, type Images } from './debugger.js';
import { DisasmView } from './disasm-view.js';
import { byId, el } from './dom.js';
import { loadedRegions, renderFrames } from './frames-view.js';
import type { LoadedRegion } from './drawings.js';
import { PageTableView } from './page-table-view.js';
import { RegistersView } from './registers-view.js';
import { renderTlb } from './tlb-view.js';
import { renderTrapLog } from './trap-log-view.js';
import { nextFrame, yieldToEventLoop } from './yield.js';

/** While running, the pictures (page table, frames, TLB) and the trap log are redrawn at most this often (ms). */
const RUNNING_PICTURES_MS = 1000;
/** The kernel's first instruction: the walk shown until the user picks another VA. */
const DEFAULT_WALK = 0x8020_0000n;

export class App {
  private dbg!: Debugger;
  private images!: Images;
  private loaded: LoadedRegion[] = [];
  private disasm!: DisasmView;
  private readonly console = new ConsoleView(byId('console'), (b) => this.dbg.machine.input(b));
  private readonly registers = new RegistersView(byId('registers'), byId('csrs'));
  private readonly pageTable: PageTableView;
  private readonly shell = byId('shell');
  private drawing = false;
  private redrawAgain = false;
  private runStart = { t: 0, retired: 0 };
  private lastPictures = 0;
  private bootargs: string | undefined;

  constructor() {
    this.pageTable = new PageTableView({ picture: byId('page-table'), walk: byId('walk'), mappings: byId('mappings'), input: byId<HTMLInputElement>('walk-va'), error: byId('walk-error'), others: [byId('tlb'), byId('traps')] },
      DEFAULT_WALK, (name) => this.dbg.symbols.lookup(name)?.addr, () => this.update());
    this.wireControls();
  }

  /** Boots images (paused at the reset vector); `run` continues at once. bootargs: the device tree's /chosen/bootargs. */
  boot(images: Images, run: boolean, bootargs: string | undefined): void {
    this.bootargs = bootargs;
    if (this.dbg?.busy) this.dbg.pause();
    this.images = images;
    this.console.clear();
    this.shell.textContent = '';
    // A machine replaced while it runs stops at its next slice; until then its output is dropped.
    const current = (): boolean => this.dbg === dbg;
    const dbg: Debugger = new Debugger(images, {
      console: (b) => { if (current()) this.console.write(b); },
      shell: (t) => { if (current()) this.say(t); },
      update: () => { if (current()) this.update(); },
    }, bootargs);
    this.dbg = dbg;
    this.disasm = new DisasmView(byId('disasm'), this.dbg.target, this.dbg.symbols);
    this.loaded = loadedRegions(this.dbg.machine, this.dbg.target.mem, [images.firmware, images.kernel]);
    byId('image').textContent = [images.firmware?.name, images.kernel.name].filter(Boolean).join(' + ') + (bootargs ? ` (bootargs ${bootargs})` : '');
    byId('symbols').replaceChildren(...this.dbg.symbols.names().map((n) => el('option', { value: n })));
    this.update();
    // Run once the page has been painted: the first layout of every view is not the run's.
    if (run) void nextFrame().then(yieldToEventLoop).then(() => { if (this.dbg === dbg) return this.command('c'); });
  }

  private say(text: string): void {
    this.shell.textContent += text;
    this.shell.scrollTop = this.shell.scrollHeight;
  }

  private async command(line: string): Promise<void> {
    this.say(`(rvhart ${PRIV_NAMES[this.dbg.machine.hart.priv]}) ${line}\n`);
    this.runStart = { t: performance.now(), retired: this.dbg.machine.hart.retired };
    await this.dbg.command(line);
  }

  /** `tbreak SYM` then `c` — only if the breakpoint was set (a mistyped name must not run to the end). */
  private async runTo(spec: string): Promise<void> {
    if (spec === '' || this.dbg.busy) return;
    const points = this.dbg.target.points, before = points.all().length;
    await this.command(`tbreak ${spec}`);
    if (points.all().length > before) await this.command('c');
  }

  private wireControls(): void {
    const symbol = byId<HTMLInputElement>('symbol');
    const on = (id: string, f: () => void): void => byId(id).addEventListener('click', f);
    on('run', () => void this.command('c'));
    on('pause', () => this.dbg.pause());
    on('step', () => void this.command('si'));
    on('next', () => void this.command('ni'));
    on('reset', () => this.boot(this.images, false, this.bootargs));
    on('run-to', () => void this.runTo(symbol.value.trim()));
    on('break', () => { const s = symbol.value.trim(); if (s) void this.command(`break ${s}`); });
    const cmd = byId<HTMLInputElement>('command');
    cmd.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter') return;
      const line = cmd.value;
      cmd.value = '';
      void this.command(line);
    });
    byId('breakpoints').addEventListener('click', (ev) => {
      const num = (ev.target as HTMLElement).dataset.delete;
      if (num) void this.command(`delete ${num}`);
    });
  }

  /** Redraws every view (coalesced: one redraw at a time, one more if asked meanwhile). */
  update(): void {
    if (this.drawing) { this.redrawAgain = true; return; }
    this.drawing = true;
    void this.draw().finally(() => {
      this.drawing = false;
      if (this.redrawAgain) { this.redrawAgain = false; this.update(); }
    });
  }

  private async draw(): Promise<void> {
    const d = this.dbg, m = d.machine, h = m.hart;
    this.console.flush();
    const stop = m.stopped;
    const state = stop ? (stop.kind === 'exit' ? 'exited' : 'stopped') : d.busy ? 'running' : 'paused';
    const status = byId('status');
    status.dataset.state = state;
    const secs = (performance.now() - this.runStart.t) / 1000;
    const last = d.lastRun;
    const mips = d.busy && secs > 0 ? `, ${((h.retired - this.runStart.retired) / secs / 1e6).toFixed(1)} MIPS`
      : last && last.insns >= 1e6 ? ` (the last run: ${(last.insns / 1e6).toFixed(1)} M in ${last.secs.toFixed(2)} s, ${(last.insns / last.secs / 1e6).toFixed(1)} MIPS)` : '';
    const idle = d.busy && h.waiting ? ' · idle in WFI (waiting for an interrupt: type into the console?)' : '';
    const where = `${PRIV_NAMES[h.priv]}-mode, pc ${hex(h.pcBig())}${d.describe(h.pcBig()) ? ` <${d.describe(h.pcBig())}>` : ''}`;
    status.textContent = `${stop ? (stop.kind === 'exit' ? `exited, code ${stop.code}` : `stopped: ${stop.reason}`) : state} · ${h.retired.toLocaleString('en')} insns${mips} · ${where}${idle}`;
    for (const id of ['run', 'step', 'next', 'run-to']) (byId(id) as HTMLButtonElement).disabled = d.busy || stop !== undefined;
    (byId('pause') as HTMLButtonElement).disabled = !d.busy;
    this.registers.render(m, d.describe);
    // The pictures and long lists cost the most to lay out and paint: while running, once a second.
    const now = performance.now();
    if (!d.busy || now - this.lastPictures >= RUNNING_PICTURES_MS) {
      this.lastPictures = now;
      this.pageTable.render(m, d.describe);
      renderFrames(byId('frames'), m, this.loaded);
      renderTlb(byId('tlb'), byId('tlb-text'), m);
      renderTrapLog(byId<HTMLTableElement>('traps'), byId('trap-summary'), d.traps, d.describe);
    }
    byId('breakpoints').replaceChildren(...d.target.points.all().flatMap((p) => p.kind !== 'breakpoint' ? [] : [
      el('div', {}, `${p.temporary ? 'temporary ' : ''}breakpoint ${p.num} at ${hex(p.addr)} <${p.spec}>, hit ${p.hits}×`, el('button', { 'data-delete': String(p.num) }, 'delete'))]));
    await this.disasm.render();
  }
}
