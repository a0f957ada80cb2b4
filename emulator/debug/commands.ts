// The stepping shell's command interpreter (DESIGN §9): GDB's words and output shapes, plus the
// memory-management views. It produces text through `out` and knows nothing of terminals, files or
// sockets — the Node adapter (bin/debug.ts) feeds it lines and prints what it says.
//
// With several harts (`--smp N`) every command acts on the selected hart (`hart N`, GDB's `thread
// N`): its registers, its satp for `x`, `walk` and `info mem`, its TLB. A stop on any hart stops
// the machine and selects that hart, as GDB does with threads.

import { procCommand } from './proc.js';
import { disassemble, newDisasmState } from '../isa/disasm.js';
import { ABI_NAMES, FP_ABI_NAMES } from '../isa/csrs.js';
import { PRV_M } from '../mmu/access.js';
import { pagingModeOf } from '../mmu/modes.js';
import { backtrace, callAt } from './backtrace.js';
import type { Point } from './breakpoints.js';
import { parseTrap, trapName, trapNames, type TrapInfo } from './catch.js';
import { evaluate, EvalError, type EvalContext, type Value } from './expr.js';
import { hartActivity, hartState } from './hart-view.js';
import { hex, hex16, PRIV_NAMES, PRIV_WORDS } from './format.js';
import { defaultDrawingFile, drawing, drawingFile, DRAWINGS, type DrawRequest } from './draw/draw.js';
import { formatMappings } from './info-mem.js';
import { MemoryError } from './memory.js';
import { csrName, implementedCsrs, readReg, regByName, writeReg } from './regs.js';
import type { SymbolTable } from './symbols.js';
import { SCHEDULER_LOCKING_MODES, type ResumeOptions, type SchedulerLocking, type StopEvent, type Target } from './target.js';
import { floatUnion, formatCsrs, formatFloat, formatPma, formatPmp, formatRegisters, formatTlb, formatWalk, parseWalkOptions } from './views.js';
import { watchValue } from './watchpoints.js';

export interface SessionHost {
  /** Prints text (one or more lines, each ending in \n). */
  out(text: string): void;
  /** Opens a trace sink for `trace on FILE` (undefined FILE: the session's output); returns an error line. */
  openTrace?(file: string): ((line: string) => void) | string;
  closeTrace?(): void;
  /** Writes a drawing to FILE (`draw`); returns an error line, or undefined when written. */
  writeDrawing?(file: string, content: string): string | undefined;
}

interface Command {
  readonly names: readonly string[];
  readonly usage: string;
  readonly help: string;
  readonly run: (args: string, words: string[]) => Promise<void> | void;
  /** An empty line repeats it (GDB: stepping and continuing). */
  readonly repeats?: boolean;
}

class CommandError extends Error {}

const INFO_TOPICS = ['harts', 'threads', 'breakpoints', 'watchpoints', 'registers', 'all-registers', 'float', 'csr', 'priv', 'mem', 'tlb', 'pmp', 'pma', 'symbol', 'trap', 'frame', 'program', 'proc', 'vma'];

export class Session {
  private readonly commands: Command[] = [];
  private lastRepeat: string | undefined;
  private history = 0;
  private xState = { fmt: 'x', size: 4, count: 1, next: undefined as bigint | undefined, physical: false };
  private quitRequested = false;

  constructor(readonly target: Target, readonly symbols: SymbolTable, private readonly host: SessionHost) {
    this.define();
  }

  get quit(): boolean { return this.quitRequested; }

  /** The prompt: the current privilege, as `(rvhart S) `; with several harts, the selected one's: `(rvhart hart1 S) `. */
  prompt(): string {
    const t = this.target;
    return `(rvhart ${t.harts.length > 1 ? `hart${t.selected} ` : ''}${PRIV_NAMES[t.hart.priv]}) `;
  }

  /** More than one hart: stops name the hart, as GDB names the thread once there are several. */
  private get smp(): boolean { return this.target.harts.length > 1; }

  private say(...lines: string[]): void { this.host.out(lines.map((l) => l + '\n').join('')); }

  private sym(a: bigint): string { const s = this.symbols.describe(BigInt.asUintN(64, a)); return s ? ` <${s}>` : ''; }

  // ------------------------------------------------------------------ input

  /** Runs one line. Errors are one line; the session goes on. */
  async execute(line: string): Promise<void> {
    let text = line.trim();
    if (text.startsWith('#')) return;
    if (text === '') {
      if (this.lastRepeat === undefined) return;
      text = this.lastRepeat;
    }
    const m = /^([a-zA-Z][\w-]*|[^\s\w])(\/\S*)?\s*(.*)$/.exec(text);
    if (!m) { this.say(`Undefined command: "${text}".  Try "help".`); return; }
    const word = m[1]!, slash = m[2] ?? '', rest = m[3] ?? '';
    const cmd = this.find(word);
    if (!cmd) {
      this.say(`Undefined command: "${word}".  Try "help".`);
      this.lastRepeat = undefined;
      return;
    }
    this.lastRepeat = cmd.repeats && cmd.names[0] !== 'x' ? text : undefined;
    const args = (slash + (slash && rest ? ' ' : '') + rest).trim();
    try {
      await cmd.run(args, args === '' ? [] : args.split(/\s+/));
    } catch (e) {
      if (e instanceof CommandError || e instanceof EvalError || e instanceof MemoryError) this.say(e.message);
      else throw e;
    }
  }

  private find(word: string): Command | undefined {
    const w = word.toLowerCase();
    const exact = this.commands.find((c) => c.names.includes(w));
    if (exact) return exact;
    const pre = this.commands.filter((c) => c.names.some((n) => n.startsWith(w)));
    return pre.length === 1 ? pre[0] : undefined;
  }

  commandNames(): string[] { return this.commands.flatMap((c) => c.names).sort(); }

  /** Tab completion: command names first, then symbols, registers ($...) and `info` topics. */
  complete(line: string): string[] {
    const m = /^(\s*)(\S*)$/.exec(line);
    if (m) {
      // Aliases that are prefixes of another match (fin → finish) would only stall completion.
      const hits = this.commandNames().filter((n) => n.startsWith(m[2]!));
      return hits.filter((n) => !hits.some((o) => o !== n && o.startsWith(n))).map((n) => m[1]! + n);
    }
    const cut = Session.wordStart(line);
    const head = line.slice(0, cut), word = line.slice(cut);
    let pool: string[];
    if (/^\s*(i|info)\s+\S*$/.test(line)) pool = INFO_TOPICS;
    else if (/^\s*catch\s+trap\s+/.test(line)) pool = trapNames();
    else if (/^\s*catch\s+\S*$/.test(line)) pool = ['trap'];
    else if (/^\s*trace\s+\S*$/.test(line)) pool = ['on', 'off'];
    else if (/^\s*(set|show)\s+\S*$/.test(line)) pool = ['scheduler-locking'];
    else if (/^\s*set\s+scheduler-locking\s+\S*$/.test(line)) pool = [...SCHEDULER_LOCKING_MODES];
    else if (/^\s*(hart|thread)\s+\S*$/.test(line)) pool = ['apply', ...this.target.harts.map((_, i) => String(i))];
    else if (word.startsWith('$')) pool = [...ABI_NAMES, ...FP_ABI_NAMES, 'fp', 'pc', 'priv', ...implementedCsrs(this.target.hart).map((c) => csrName(this.target.hart, c))].map((n) => '$' + n);
    else pool = this.symbols.names();
    return pool.filter((n) => n.startsWith(word)).map((n) => head + n);
  }

  /** Where the word being completed starts (after a space, `*`, `(` or `+`). */
  private static wordStart(line: string): number {
    return Math.max(line.lastIndexOf(' '), line.lastIndexOf('*'), line.lastIndexOf('('), line.lastIndexOf('+')) + 1;
  }

  /** For a line editor: the candidates for the word being typed (not whole lines), and that word. */
  completeWord(line: string): [string[], string] {
    const cut = Session.wordStart(line);
    return [this.complete(line).map((h) => h.slice(cut)), line.slice(cut)];
  }

  // ------------------------------------------------------------------ shared pieces

  private ctx(physical = false): EvalContext {
    const t = this.target;
    return {
      reg: (name) => {
        const r = regByName(t.hart, name === 'fp' ? 's0' : name);
        if (!r) return undefined;
        const v = readReg(t.hart, r);
        return { v, kind: r.kind === 'pc' ? 'code' : name === 'sp' || name === 'fp' ? 'data' : 'int' };
      },
      setReg: (name, v) => {
        const r = regByName(t.hart, name);
        if (!r) throw new EvalError(`Invalid register \`$${name}'.`);
        const err = writeReg(t.hart, r, v);
        if (err) throw new EvalError(err);
      },
      sym: (name) => this.symbols.lookup(name)?.addr,
      read: (addr, size) => {
        const v = t.mem.readValue(addr, size, physical);
        if (v instanceof MemoryError) throw new EvalError(v.message);
        return v;
      },
      write: (addr, size, v) => {
        const e = t.mem.writeValue(addr, size, v, physical);
        if (e) throw new EvalError(e.message);
      },
    };
  }

  private eval(expr: string, physical = false): Value { return evaluate(expr, this.ctx(physical)); }

  /** An address argument: `SYM`, `*EXPR`, or an expression. */
  private address(spec: string): bigint {
    const s = spec.trim().replace(/^\*/, '');
    if (s === '') throw new CommandError('Argument required (an address or symbol).');
    return this.eval(s).v;
  }

  /** `0x0000000080000004 in _start ()` */
  private where(pc: bigint): string {
    const f = this.symbols.find(pc);
    return `${hex16(pc)} in ${f ? f.sym.name : '??'} ()`;
  }

  /** `=> 0x80000004 <_start+4>:\tli\tt0,1` */
  private insnLine(pc: bigint, marker: string): { text: string; size: number } {
    const b = this.target.mem.readCode(pc, 4);
    let bits: number | undefined;
    if (!(b instanceof MemoryError)) bits = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    else {
      const c = this.target.mem.readCode(pc, 2);
      if (!(c instanceof MemoryError) && (c[0]! & 3) !== 3) bits = c[0]! | (c[1]! << 8);
    }
    const head = `${marker}${hex(pc)}${this.sym(pc)}:\t`;
    if (bits === undefined) return { text: `${head}Cannot access memory at address ${hex(pc)}`, size: 2 };
    const d = disassemble(bits, pc, (a) => this.symbols.describeHex(a));
    return { text: head + d.text, size: d.size };
  }

  private showLocation(): void {
    const pc = this.target.hart.pcBig();
    this.say(this.where(pc), this.insnLine(pc, '=> ').text);
  }

  private trapText(t: TrapInfo): string {
    return `${trapName(t.cause, t.interrupt)} (${t.interrupt ? 'interrupt' : 'cause'} ${t.cause}) from ${PRIV_NAMES[t.fromPriv]} to ${PRIV_NAMES[t.toPriv]}, ` +
      `epc ${hex(t.epc)}${this.sym(t.epc)}, tval ${hex(t.tval)}${this.sym(t.tval)}`;
  }

  private watchTitle(p: Extract<Point, { kind: 'watchpoint' }>): string {
    const kind = p.type === 'watch' ? 'Hardware watchpoint' : p.type === 'rwatch' ? 'Hardware read watchpoint' : 'Hardware access (read/write) watchpoint';
    return `${kind} ${p.num}: ${p.spec}`;
  }

  /** Resumes the target; when the stop is on another hart than the selected one, says so (it is now selected). */
  private async resume(opts: ResumeOptions = {}): Promise<StopEvent> {
    const before = this.target.selected;
    const e = await this.target.resume(opts);
    if ('hart' in e && e.hart !== before) this.say(`[Switching to hart ${e.hart}]`);
    return e;
  }

  /** GDB's "Thread 2 hit " before a stop's title once there are several threads. */
  private hit(e: StopEvent): string { return this.smp && 'hart' in e ? `Hart ${e.hart} hit ` : ''; }

  /** Reports a stop in GDB's words. */
  private report(e: StopEvent): void {
    switch (e.kind) {
      case 'step': case 'reached': this.showLocation(); return;
      case 'breakpoint': {
        const bp = e.bp;
        this.say('', `${this.hit(e)}${bp.temporary ? 'Temporary breakpoint' : 'Breakpoint'} ${bp.num}, ${this.where(bp.addr)}`);
        if (bp.temporary) this.target.points.remove(bp.num);
        this.say(this.insnLine(this.target.hart.pcBig(), '=> ').text);
        return;
      }
      case 'watchpoint': {
        const h = e.hit, fmt = (v: bigint | undefined): string => (v === undefined ? '<unreadable>' : `${hex(v)}`);
        this.say('', this.hit(e) + this.watchTitle(h.wp), '');
        if (h.access === 'write') this.say(`Old value = ${fmt(h.old)}`, `New value = ${fmt(h.value)}`);
        else this.say(`Value = ${fmt(h.value)}`);
        this.say(`(${h.access} at ${hex(h.va)}${this.sym(h.va)} by the instruction before ${hex(this.target.hart.pcBig())})`);
        this.showLocation();
        return;
      }
      case 'trap':
        if (e.catchpoint) this.say('', `${this.hit(e)}Catchpoint ${e.catchpoint.num} (trap ${e.catchpoint.trap ? trapName(e.catchpoint.trap.cause, e.catchpoint.trap.interrupt) : 'any'}), ${this.trapText(e.trap)}`);
        else this.say(`${this.smp ? `Hart ${e.hart}: t` : 'T'}rap taken: ${this.trapText(e.trap)}; stopped at the handler's first instruction`);
        this.showLocation();
        return;
      case 'exit':
        this.say(e.code === 0 ? `[Inferior 1 (process 1) exited normally] (${e.reason})` : `[Inferior 1 (process 1) exited with code ${e.code.toString(8).padStart(2, '0')}] (${e.reason})`);
        return;
      case 'stopped': this.say(`[Inferior 1 (process 1) stopped: ${e.reason}]`); return;
      case 'limit': this.say('', `Stopped: ${e.reason}.`); this.showLocation(); return;
      case 'waiting':
        this.say(`Hart ${e.hart} waits in WFI with no interrupt pending, and the other harts are stopped (scheduler-locking ${this.target.schedulerLocking}): ` +
          'nothing could wake it. "set scheduler-locking off" lets them run.');
        this.showLocation();
        return;
      case 'interrupted': this.say('', `${this.smp ? `Hart ${e.hart} received` : 'Program received'} signal SIGINT, Interrupt.`); this.showLocation(); return;
    }
  }

  private running(): void {
    const f = this.target.finished;
    if (f) throw new CommandError('The program is not being run.');
  }

  private async stepInsns(n: number): Promise<void> {
    this.running();
    let e: StopEvent = { kind: 'step', hart: this.target.selected };
    for (let i = 0; i < n; i++) {
      e = await this.resume({ step: true });
      if (e.kind !== 'step') break;
    }
    this.report(e);
  }

  private count(args: string): number {
    if (args === '') return 1;
    // Signed: `si -1` is a mistake, not 2^64-1 steps.
    const v = BigInt.asIntN(64, this.eval(args).v);
    if (v < 1n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CommandError(`Bad count "${args}" (expected a positive number).`);
    return Number(v);
  }

  // ------------------------------------------------------------------ the commands

  private define(): void {
    const t = this.target;
    const add = (c: Command): void => { this.commands.push(c); };

    add({ names: ['stepi', 'si'], usage: 'si [N]', help: 'Step exactly one instruction (N times) of the selected hart, the others stopped (set scheduler-locking off: they run meanwhile); a step that takes a trap stops at the handler.', repeats: true,
      run: (a) => this.stepInsns(this.count(a)) });
    add({ names: ['step', 's'], usage: 'step [N]', help: 'Same as stepi (no source lines in these images).', repeats: true,
      run: (a) => this.stepInsns(this.count(a)) });
    add({ names: ['nexti', 'ni'], usage: 'ni [N]', help: 'Step one instruction, stepping over calls (jal/jalr that write ra).', repeats: true,
      run: async (a) => {
        this.running();
        const n = this.count(a);
        for (let i = 0; i < n; i++) {
          const pc = t.hart.pcBig(), len = callAt(t.mem, pc);
          let e: StopEvent;
          if (len === undefined) e = await this.resume({ step: true });
          else {
            const back = pc + BigInt(len), sp0 = BigInt.asUintN(64, t.hart.reg(2));
            e = await this.resume({ stepping: true, until: (h) => h.pcBig() === back && BigInt.asUintN(64, h.reg(2)) >= sp0 });
          }
          if (e.kind !== 'step' && e.kind !== 'reached' || i === n - 1) { this.report(e); return; }
        }
      } });
    add({ names: ['next', 'n'], usage: 'next', help: 'Same as nexti.', repeats: true, run: (a) => this.execute('ni ' + a) });
    add({ names: ['continue', 'c', 'cont'], usage: 'c [N]', help: 'Continue until a breakpoint, watchpoint, caught trap or guest exit (N: ignore the current breakpoint N-1 more times).', repeats: true,
      run: async (a) => {
        this.running();
        let ignore = a ? this.count(a) - 1 : 0;
        this.say('Continuing.');
        for (;;) {
          const e = await this.resume();
          if (e.kind === 'breakpoint' && ignore-- > 0) continue;
          this.report(e);
          return;
        }
      } });
    add({ names: ['until', 'u', 'advance'], usage: 'until [ADDR]', help: 'Continue until ADDR is reached or the current function returns (no ADDR: ni).', repeats: true,
      run: async (a) => {
        if (a === '') { await this.execute('ni'); return; }
        this.running();
        const target = this.address(a);
        const frames = backtrace(t.hart, t.mem, this.symbols, 2);
        const caller = frames[1], sp0 = BigInt.asUintN(64, t.hart.reg(2));
        const e = await this.resume({ until: (h) => h.pcBig() === target || (caller !== undefined && h.pcBig() === caller.pc && BigInt.asUintN(64, h.reg(2)) >= (caller.sp ?? sp0)) });
        this.report(e);
      } });
    add({ names: ['finish', 'fin'], usage: 'finish', help: 'Run until the current function returns (frame pointers), then show a0.',
      run: async () => {
        this.running();
        const frames = backtrace(t.hart, t.mem, this.symbols, 2);
        const caller = frames[1];
        if (!caller) throw new CommandError('"finish" not meaningful in the outermost frame.');
        // The handler returns wherever it chooses (after an ecall: xepc+4), so there is no return to wait for.
        if (caller.trap) throw new CommandError('"finish" not meaningful at a trap handler\'s entry; try "until *ADDR" or "c".');
        this.say(`Run till exit from #0  ${this.where(frames[0]!.pc)}`);
        const sp0 = BigInt.asUintN(64, t.hart.reg(2));
        const e = await this.resume({ until: (h) => h.pcBig() === caller.pc && BigInt.asUintN(64, h.reg(2)) >= (caller.sp ?? sp0) });
        this.report(e);
        if (e.kind === 'reached') this.say(`Value returned: $a0 = ${hex(BigInt.asUintN(64, t.hart.reg(10)))} (${BigInt.asIntN(64, t.hart.reg(10))})`);
      } });

    const breakCmd = (temporary: boolean) => (a: string): void => {
      const spec = a === '' ? '*$pc' : a;
      const addr = this.address(spec);
      const bp = t.points.addBreakpoint(addr, spec, temporary);
      this.say(`${temporary ? 'Temporary breakpoint' : 'Breakpoint'} ${bp.num} at ${hex(addr)}${this.sym(addr)}`);
    };
    add({ names: ['break', 'b', 'br'], usage: 'b ADDR|SYM|*EXPR', help: 'Set a breakpoint (virtual address of an instruction).', run: breakCmd(false) });
    add({ names: ['tbreak', 'tb'], usage: 'tbreak ADDR|SYM|*EXPR', help: 'Set a breakpoint deleted when first hit.', run: breakCmd(true) });
    add({ names: ['delete', 'd'], usage: 'delete [N...]', help: 'Delete breakpoints, watchpoints and catchpoints (all when no N).',
      run: (_a, w) => {
        if (w[0] === 'breakpoints') w = w.slice(1);
        if (w.length === 0) { t.points.clear(); return; }
        for (const n of w) if (!t.points.remove(Number(n))) this.say(`No breakpoint number ${n}.`);
      } });
    const able = (on: boolean) => (_a: string, w: string[]): void => {
      const nums = w.length ? w.map(Number) : t.points.all().map((p) => p.num);
      for (const n of nums) if (!t.points.setEnabled(n, on)) this.say(`No breakpoint number ${n}.`);
    };
    add({ names: ['disable', 'dis'], usage: 'disable [N...]', help: 'Disable breakpoints (all when no N).', run: able(false) });
    add({ names: ['enable', 'en'], usage: 'enable [N...]', help: 'Enable breakpoints (all when no N).', run: able(true) });

    const watchCmd = (type: 'watch' | 'rwatch' | 'awatch') => (_a: string, w: string[]): void => {
      const physical = w.includes('-p');
      const words = w.filter((x) => x !== '-p');
      if (words.length === 0) throw new CommandError(`Usage: ${type} [-p] ADDR [LEN]`);
      let len = 8, addrWords = words;
      if (words.length > 1 && /^(0x[0-9a-f]+|\d+)$/i.test(words[words.length - 1]!)) { len = Number(words[words.length - 1]); addrWords = words.slice(0, -1); }
      if (!(len >= 1 && len <= 64)) throw new CommandError(`${type}: LEN must be 1..64 bytes`);
      const addrText = addrWords.join(' ');
      const addr = this.address(addrText);
      const spec = `${physical ? 'physical ' : ''}${len === 8 ? '*(u64*)' : len === 4 ? '*(u32*)' : len === 2 ? '*(u16*)' : len === 1 ? '*(u8*)' : `${len} bytes at `}${hex(addr)}${this.sym(addr)}`;
      const old = watchValue(t.mem, { addr, len, physical });
      const wp = t.points.addWatchpoint(type, addr, len, physical, spec, old);
      this.say(`${this.watchTitle(wp)}`);
    };
    add({ names: ['watch'], usage: 'watch [-p] ADDR [LEN]', help: 'Stop when the LEN bytes (default 8) at ADDR change (-p: ADDR is physical).', run: watchCmd('watch') });
    add({ names: ['rwatch'], usage: 'rwatch [-p] ADDR [LEN]', help: 'Stop when the bytes at ADDR are read.', run: watchCmd('rwatch') });
    add({ names: ['awatch'], usage: 'awatch [-p] ADDR [LEN]', help: 'Stop when the bytes at ADDR are read or written.', run: watchCmd('awatch') });
    add({ names: ['catch'], usage: 'catch trap [CAUSE]', help: `Stop when a trap is taken (CAUSE: a name like load-page-fault, illegal-instruction, supervisor-timer-interrupt, or a number).`,
      run: (_a, w) => {
        if (w[0] !== 'trap') throw new CommandError('Usage: catch trap [CAUSE]  (e.g. catch trap load-page-fault)');
        const causeText = w.slice(1).join(' ');
        const spec = causeText ? parseTrap(causeText) : undefined;
        if (causeText && !spec) throw new CommandError(`catch trap: unknown cause "${causeText}" (try: ${trapNames().slice(0, 6).join(', ')}, …, or a number)`);
        const cp = t.points.addCatchpoint(spec, `trap ${spec ? trapName(spec.cause, spec.interrupt) : 'any'}`);
        this.say(`Catchpoint ${cp.num} (${cp.spec})`);
      } });

    add({ names: ['info', 'i'], usage: 'info TOPIC', help: `Show state: ${INFO_TOPICS.join(', ')}.`, run: (_a, w) => this.info(w) });
    add({ names: ['proc'], usage: 'proc PID [mem | walk VA [r|w|x]]', help: 'The bundled kernel\'s process PID: its satp; its user mappings; a walk of its table as U-mode, without running it.',
      run: (_a, w) => this.say(...this.procLines('proc', w)) });
    add({ names: ['print', 'p', 'output', 'call'], usage: 'p[/x|d|u|o|t|c|a] EXPR', help: 'Evaluate an expression ($a0, $pc, $satp, symbols, *(u64*)ADDR, arithmetic); assignments allowed.',
      run: (a) => {
        let fmt = '';
        const m = /^\/(\w+)\s*(.*)$/.exec(a);
        if (m) { fmt = m[1]!; a = m[2]!; }
        // A bare f register prints as GDB's riscv_double union; with a format, its raw bits.
        const f = fmt === '' ? regByName(this.target.hart, a.trim()) : undefined;
        if (f?.kind === 'f' && /^\$/.test(a.trim())) { this.say(`$${++this.history} = ${floatUnion(readReg(this.target.hart, f))}`); return; }
        const v = this.eval(a);
        const text = this.formatValue(v, fmt); // a bad format takes no history number
        this.say(`$${++this.history} = ${text}`);
      } });
    add({ names: ['set'], usage: 'set $R = EXPR | set *(u64*)ADDR = EXPR | set scheduler-locking off|step|on',
      help: 'Write a register, CSR, $priv or memory; or choose which harts run: step (default) = si/ni run the selected hart alone, c/finish/until run all; on = the selected hart alone for both; off = all harts for both.',
      run: (a, w) => {
        if (w[0] === 'scheduler-locking') { this.setLocking(w[1]); return; }
        const s = a.replace(/^var\s+/, '');
        if (!/=/.test(s)) throw new CommandError('Usage: set $R = EXPR  or  set *(u64*)ADDR = EXPR');
        const physical = /^-p\s+/.test(s);
        evaluate(s.replace(/^-p\s+/, ''), this.ctx(physical));
      } });
    add({ names: ['show'], usage: 'show scheduler-locking', help: 'Show which harts run during a step and a continue.',
      run: (_a, w) => {
        if (w[0] !== 'scheduler-locking') throw new CommandError('Usage: show scheduler-locking');
        this.say(`Mode for locking scheduler during execution is "${t.schedulerLocking}".`);
      } });
    add({ names: ['hart', 'thread'], usage: 'hart [N] | hart apply all|N... CMD', help: 'Select hart N (its mhartid) for the commands that follow, or show the selected one; `hart apply` runs CMD on each listed hart (all: highest first, as GDB; -ascending) and selects the first again.',
      run: (_a, w) => this.hartCommand(w) });
    add({ names: ['x'], usage: 'x/NFU [-p] ADDR', help: 'Examine memory: N units, format x d u o t c a s i, size b h w g; virtual through the current satp (-p: physical).', repeats: true,
      run: (a) => {
        this.examine(a);
        // RET repeats with the same count and format, from where this one stopped (GDB).
        this.lastRepeat = `x/${this.xState.count}${this.xState.fmt}${'bhwg'[Math.log2(this.xState.size)]}`;
      } });
    add({ names: ['disassemble', 'disas'], usage: 'disas [ADDR [N]]', help: 'Disassemble the function around pc, or N instructions (default 16) from ADDR.',
      run: (_a, w) => this.disas(w) });
    add({ names: ['backtrace', 'bt', 'where'], usage: 'bt', help: 'Show the call stack (frame pointers: ra at s0-8, caller s0 at s0-16).',
      run: () => {
        const frames = backtrace(t.hart, t.mem, this.symbols);
        for (const f of frames) this.say(`#${f.level}  ${this.where(f.pc)}${f.level > 0 ? this.sym(f.pc) : ''}${f.trap ? '  (trapped here)' : ''}`);
      } });
    add({ names: ['walk'], usage: 'walk VA [--priv s|u] [--access r|w|x]', help: 'Show every step of the page walk for VA: PTE address, raw PTE, flags, VPN[i], then the PA or the fault and its rule.',
      run: (_a, w) => {
        if (w.length === 0) throw new CommandError('Usage: walk VA [--priv s|u] [--access r|w|x]');
        const optAt = w.findIndex((x) => x.startsWith('-'));
        const vaText = (optAt < 0 ? w : w.slice(0, optAt)).join(' ');
        const opts = parseWalkOptions(optAt < 0 ? [] : w.slice(optAt));
        if (typeof opts === 'string') throw new CommandError(opts);
        this.say(...formatWalk(t.view, { va: this.address(vaText), ...opts }, (x) => this.symbols.describe(x)));
      } });
    add({ names: ['draw'], usage: 'draw pt|walk VA [--priv s|u] [--access r|w|x]|frames|tlb [FILE.svg|FILE.html]',
      help: 'Draw the page table (walk VA: with that walk\'s path), the physical frames or the TLB as SVG; FILE.html wraps it in a page. Default FILE: rvhart-WHAT.svg.',
      run: (_a, w) => {
        const usage = 'Usage: draw pt|walk VA [--priv s|u] [--access r|w|x]|frames|tlb [FILE.svg|FILE.html]';
        const kind = DRAWINGS.find((k) => k === w[0]);
        if (!kind) throw new CommandError(usage);
        let words = w.slice(1);
        const fileAt = words.findIndex((x) => /\.(svg|html?)$/i.test(x));
        const file = fileAt < 0 ? defaultDrawingFile(kind) : words[fileAt]!;
        if (fileAt >= 0) words = words.filter((_, i) => i !== fileAt);
        const req: DrawRequest = { kind, describe: (x) => this.symbols.describe(x) };
        if (kind === 'walk') {
          const optAt = words.findIndex((x) => x.startsWith('-'));
          const vaText = (optAt < 0 ? words : words.slice(0, optAt)).join(' ');
          if (vaText === '') throw new CommandError(usage);
          const opts = parseWalkOptions(optAt < 0 ? [] : words.slice(optAt));
          if (typeof opts === 'string') throw new CommandError(opts);
          req.walk = { va: this.address(vaText), ...opts };
        } else if (words.length) throw new CommandError(`draw ${kind}: unexpected "${words.join(' ')}" (${usage})`);
        if (!this.host.writeDrawing) throw new CommandError('draw: this session cannot write files');
        const svg = drawing(t.view, req);
        const err = this.host.writeDrawing(file, drawingFile(svg, file, `rvhart: draw ${kind}`));
        if (err) throw new CommandError(err);
        this.say(`Drew ${kind} to ${file} (${svg.length} bytes of SVG).`);
      } });
    add({ names: ['trace'], usage: 'trace on [FILE] | trace off', help: 'Print one line per executed instruction (to FILE) while continuing.',
      run: (_a, w) => {
        if (w[0] === 'off') { t.trace = undefined; this.host.closeTrace?.(); this.say('Tracing off.'); return; }
        if (w[0] !== 'on') throw new CommandError('Usage: trace on [FILE] | trace off');
        if (w[1] !== undefined) {
          const sink = this.host.openTrace?.(w[1]) ?? 'trace: files are not available here';
          if (typeof sink === 'string') throw new CommandError(sink);
          t.trace = sink;
        } else t.trace = (line) => this.say(line);
        this.say(`Tracing on${w[1] ? ` to ${w[1]}` : ''}.`);
      } });
    add({ names: ['help', 'h'], usage: 'help [CMD]', help: 'List commands, or show one command\'s usage.',
      run: (a) => {
        if (a) {
          const c = this.find(a.split(/\s+/)[0]!);
          if (!c) throw new CommandError(`Undefined command: "${a}".  Try "help".`);
          this.say(`${c.usage}`, `  ${c.help}`, ...(c.names.length > 1 ? [`  Aliases: ${c.names.slice(1).join(', ')}`] : []));
          return;
        }
        this.say('Commands (GDB words; an address may be a symbol; an empty line repeats a step):');
        for (const c of this.commands) this.say(`  ${c.usage.padEnd(40)} ${c.help}`);
      } });
    add({ names: ['quit', 'q', 'exit'], usage: 'quit', help: 'Leave the debugger.', run: () => { this.quitRequested = true; } });
  }

  /** `info harts` (GDB's `info threads`): one line per hart, `*` at the selected one. */
  private hartLines(): string[] {
    const t = this.target;
    return ['  Hart  Priv  State    Frame', ...t.harts.map((h, i) =>
      `${i === t.selected ? '*' : ' '} ${String(i).padEnd(5)} ${PRIV_NAMES[h.priv]!.padEnd(5)} ${hartActivity(h).padEnd(8)} ${this.where(h.pcBig())}`)];
  }

  private parseHart(text: string): number {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n < this.target.harts.length)) throw new CommandError(`Invalid hart ID: ${text} (harts 0..${this.target.harts.length - 1}).`);
    return n;
  }

  private async hartCommand(w: string[]): Promise<void> {
    const t = this.target;
    if (w.length === 0) { this.say(`[Current hart is ${t.selected} (${hartState(t.harts[t.selected]!)})]`); return; }
    if (w[0] !== 'apply') {
      if (w.length > 1) throw new CommandError('Usage: hart [N] | hart apply all|N... CMD');
      t.select(this.parseHart(w[0]!));
      this.say(`[Switching to hart ${t.selected} (${hartState(t.harts[t.selected]!)})]`, `#0  ${this.where(t.hart.pcBig())}`);
      return;
    }
    // hart apply all [-ascending] [-q] CMD | hart apply 1 2 4-5 [-q] CMD
    let rest = w.slice(1), list: number[] = [];
    if (rest[0] === 'all') {
      rest = rest.slice(1);
      const asc = rest[0] === '-ascending';
      if (asc) rest = rest.slice(1);
      list = t.harts.map((_, i) => i);
      if (!asc) list.reverse();
    } else {
      while (rest.length && /^\d+(-\d+)?$/.test(rest[0]!)) {
        const [lo, hi] = rest[0]!.split('-').map((x) => this.parseHart(x));
        for (let i = lo!; i <= (hi ?? lo!); i++) list.push(i);
        rest = rest.slice(1);
      }
      if (list.length === 0) throw new CommandError('Please specify a hart ID list (hart apply all|N... CMD).');
    }
    const quiet = rest[0] === '-q';
    if (quiet) rest = rest.slice(1);
    const cmd = rest.join(' ');
    if (rest.length === 0 || cmd === '') throw new CommandError('Please specify a command following the hart ID list.');
    const first = t.selected;
    try {
      for (const i of list) {
        t.select(i);
        if (!quiet) this.say('', `Hart ${i} (${hartState(this.target.harts[i]!)}):`);
        await this.execute(cmd);
        if (this.quitRequested) break;
      }
    } finally {
      t.select(first);
      this.lastRepeat = undefined;
    }
  }

  private setLocking(mode: string | undefined): void {
    const m = SCHEDULER_LOCKING_MODES.find((x) => x === mode);
    if (!m) throw new CommandError(`Usage: set scheduler-locking ${SCHEDULER_LOCKING_MODES.join('|')}`);
    this.target.schedulerLocking = m satisfies SchedulerLocking;
  }

  private formatValue(v: Value, fmt: string): string {
    const x = v.v;
    switch (fmt) {
      case 'x': return hex(x);
      case 'd': return BigInt.asIntN(64, x).toString();
      case 'u': return x.toString();
      case 'o': return '0' + x.toString(8);
      case 't': return x.toString(2);
      case 'c': return `${Number(x & 0xffn)} '${String.fromCharCode(Number(x & 0xffn))}'`;
      case 'a': return `${hex(x)}${this.sym(x)}`;
      case '': break;
      default: throw new CommandError(`Undefined output format "${fmt}".`);
    }
    if (v.kind === 'code') return `(void (*)()) ${hex(x)}${this.sym(x)}`;
    if (v.kind === 'data') return `(void *) ${hex(x)}${this.sym(x)}`;
    return BigInt.asIntN(64, x).toString();
  }

  /** info proc / info vma / proc: the kernel's processes read from guest memory (proc.ts). */
  private procLines(cmd: 'info proc' | 'info vma' | 'proc', w: string[]): string[] {
    const r = procCommand(this.target.view, this.target.mem, this.symbols, cmd, w, (x) => this.address(x));
    if (r instanceof Error) throw new CommandError(r.message);
    return r;
  }

  private info(w: string[]): void {
    const t = this.target, m = t.view, topic = (w[0] ?? '').toLowerCase(), rest = w.slice(1);
    const d = (x: bigint): string | undefined => this.symbols.describe(x);
    const pick = (name: string): boolean => name.startsWith(topic) && topic.length > 0;
    if (topic === '') throw new CommandError(`"info" must be followed by a topic: ${INFO_TOPICS.join(', ')}.`);
    if (topic === 'harts' || topic === 'hart' || topic === 'h' || (topic.length >= 2 && 'threads'.startsWith(topic))) { this.say(...this.hartLines()); return; }
    if (topic === 'proc' || topic === 'vma') { this.say(...this.procLines(`info ${topic}`, rest)); return; }
    if (pick('breakpoints') || pick('watchpoints') || topic === 'b') {
      const list = t.points.all().filter((p) => !pick('watchpoints') || p.kind === 'watchpoint');
      if (list.length === 0) { this.say(pick('watchpoints') ? 'No watchpoints.' : 'No breakpoints or watchpoints.'); return; }
      this.say('Num     Type            Disp Enb Address            What');
      for (const p of list) {
        const type = p.kind === 'breakpoint' ? 'breakpoint' : p.kind === 'catchpoint' ? 'catchpoint' : p.type === 'watch' ? 'hw watchpoint' : p.type === 'rwatch' ? 'read watchpoint' : 'acc watchpoint';
        const disp = p.kind === 'breakpoint' && p.temporary ? 'del ' : 'keep';
        const addr = p.kind === 'breakpoint' ? hex16(p.addr) : ''.padEnd(18);
        const what = p.kind === 'breakpoint' ? `<${this.symbols.describe(p.addr) ?? hex(p.addr)}>` : p.spec;
        this.say(`${String(p.num).padEnd(8)}${type.padEnd(16)}${disp} ${p.enabled ? 'y' : 'n'}   ${addr} ${what}`);
        if (p.hits) this.say(`\t${p.kind === 'catchpoint' ? 'catchpoint' : 'breakpoint'} already hit ${p.hits} time${p.hits > 1 ? 's' : ''}`);
      }
      return;
    }
    if (pick('registers') || topic === 'r' || pick('all-registers')) {
      if (rest.length === 0) {
        this.say(...formatRegisters(m, d));
        if (pick('all-registers')) this.say(...formatFloat(m).slice(0, 32), ...(formatCsrs(m) as string[])); // fcsr etc. are CSRs
        return;
      }
      for (const n0 of rest) {
        const n = n0.replace(/^\$/, '').toLowerCase();
        const r = regByName(m.hart, n === 'fp' ? 's0' : n);
        if (!r) throw new CommandError(`Invalid register \`${n}'`);
        if (r.kind === 'csr') this.say(...(formatCsrs(m, n) as string[]));
        else this.say(...formatRegisters(m, d, [r.kind === 'x' ? ABI_NAMES[r.n]! : r.kind === 'f' ? FP_ABI_NAMES[r.n]! : r.kind]));
      }
      return;
    }
    if (topic.length >= 2 && 'float'.startsWith(topic)) { this.say(...formatFloat(m)); return; } // `info f` stays frame
    if (topic === 'csr' || topic === 'csrs') {
      const r = formatCsrs(m, rest[0]?.replace(/^\$/, '').toLowerCase());
      if (typeof r === 'string') throw new CommandError(r);
      this.say(...r);
      return;
    }
    if (pick('priv')) {
      const h = t.hart, mmu = m.mmu, satp = mmu.getSatp(), mode = pagingModeOf(Number(satp >> 60n));
      this.say(`Privilege: ${PRIV_NAMES[h.priv]} (${PRIV_WORDS[h.priv]}); loads/stores use ${PRIV_NAMES[mmu.dataPriv]}${mmu.dataPriv !== h.priv ? ' (mstatus.MPRV=1)' : ''}`,
        `satp: ${mode ? mode.name.replace('sv', 'Sv') : 'Bare'}${mode ? `, ASID ${(satp >> 44n) & 0xffffn}, root table ${hex((satp & ((1n << 44n) - 1n)) << 12n)}` : ''}; ` +
        `translation ${h.priv === PRV_M && mmu.dataPriv === PRV_M ? 'off (M-mode)' : mode ? 'on' : 'off (Bare)'}; SUM=${mmu.sum ? 1 : 0} MXR=${mmu.mxr ? 1 : 0}`);
      return;
    }
    if (topic === 'mem') { this.say(...formatMappings(m, d)); return; }
    if (topic === 'tlb') { this.say(...formatTlb(m)); return; }
    if (topic === 'pmp') { this.say(...formatPmp(m)); return; }
    if (topic === 'pma') { this.say(...formatPma(m)); return; }
    if (pick('symbol')) {
      const addr = this.address(rest.join(' '));
      const f = this.symbols.find(addr);
      this.say(f ? `${f.sym.name}${f.offset ? ` + ${f.offset}` : ''}` : `No symbol matches ${rest.join(' ')}.`);
      return;
    }
    if (pick('trap')) {
      this.say(t.lastTrap ? `Last trap: ${this.trapText(t.lastTrap)}` : 'No trap taken yet.');
      return;
    }
    if (pick('frame') || pick('program')) {
      const f = t.finished;
      this.say(f ? `The program is not being run (${f.kind === 'exit' ? `exited with code ${f.code}` : f.kind === 'stopped' ? f.reason : f.kind}).`
        : `${this.smp ? `Hart ${t.selected} stopped` : 'Stopped'} at ${this.where(t.hart.pcBig())}, ${t.hart.retired} instructions retired${this.smp ? ` (${t.machine.retired} by all harts)` : ''}, privilege ${PRIV_NAMES[t.hart.priv]}.`);
      return;
    }
    throw new CommandError(`Undefined info command: "${topic}".  Try "help info".`);
  }

  private examine(a: string): void {
    const t = this.target;
    let words = a.split(/\s+/).filter((x) => x !== '');
    let physical = false;
    if (words.includes('-p')) { physical = true; words = words.filter((x) => x !== '-p'); }
    let spec = '';
    if (words[0]?.startsWith('/')) { spec = words[0].slice(1); words = words.slice(1); }
    const m = /^(\d*)([xduotacsi]?)([bhwg]?)([xduotacsi]?)$/.exec(spec);
    if (!m) throw new CommandError(`Invalid number or format "${spec}" (x/NFU: N count, F x d u o t a c s i, U b h w g).`);
    const n = m[1] ? Number(m[1]) : 1;
    const fmt = m[2] || m[4] || this.xState.fmt;
    let size = m[3] ? { b: 1, h: 2, w: 4, g: 8 }[m[3] as 'b' | 'h' | 'w' | 'g'] : fmt === 'a' ? 8 : fmt === 'c' ? 1 : this.xState.size;
    if (fmt === 'c' && !m[3]) size = 1;
    let addr: bigint;
    if (words.length) addr = this.eval(words.join(' '), false).v;
    else if (this.xState.next !== undefined) { addr = this.xState.next; physical = this.xState.physical; } else throw new CommandError('Argument required (starting display address).');
    this.xState = { fmt, size: fmt === 's' || fmt === 'i' ? this.xState.size : size, count: n, next: undefined, physical };
    const label = (x: bigint): string => `${hex(x)}${this.sym(x)}:`;
    if (fmt === 'i') {
      let pc = addr;
      const cur = t.hart.pcBig();
      for (let i = 0; i < n; i++) {
        const l = this.insnLine(pc, pc === cur ? '=> ' : '   ');
        this.say(l.text);
        pc += BigInt(l.size);
      }
      this.xState.next = pc;
      return;
    }
    if (fmt === 's') {
      let p = addr;
      for (let i = 0; i < n; i++) {
        const start = p;
        let text = '';
        for (let k = 0; k < 4096; k++, p++) {
          const b = t.mem.read(p, 1, physical);
          if (b instanceof MemoryError) { if (k === 0) throw b; break; }
          if (b[0] === 0) { p++; break; }
          text += b[0]! >= 32 && b[0]! < 127 ? (b[0] === 0x22 || b[0] === 0x5c ? '\\' : '') + String.fromCharCode(b[0]!) : `\\${b[0]!.toString(8).padStart(3, '0')}`;
        }
        this.say(`${label(start)}\t"${text}"`);
      }
      this.xState.next = p;
      return;
    }
    const perLine = fmt === 'c' ? 8 : size === 8 ? 2 : size === 4 ? 4 : 8;
    let line = '';
    for (let i = 0; i < n; i++) {
      const at = addr + BigInt(i * size);
      if (i % perLine === 0) { if (line) this.say(line); line = label(at); }
      const v = t.mem.readValue(at, size, physical);
      if (v instanceof MemoryError) { if (line !== label(at)) this.say(line); throw v; }
      line += '\t' + this.unit(v, size, fmt);
    }
    if (line) this.say(line);
    this.xState.next = addr + BigInt(n * size);
  }

  private unit(v: bigint, size: number, fmt: string): string {
    const bits = BigInt(size * 8);
    switch (fmt) {
      case 'x': return '0x' + v.toString(16).padStart(size * 2, '0');
      case 'd': return BigInt.asIntN(Number(bits), v).toString();
      case 'u': return v.toString();
      case 'o': return '0' + v.toString(8);
      case 't': return v.toString(2).padStart(size * 8, '0');
      case 'a': return `${hex(v)}${this.sym(v)}`;
      case 'c': { const c = Number(v & 0xffn); return `${c} '${c >= 32 && c < 127 ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0')}'`; }
    }
    return v.toString();
  }

  private disas(w: string[]): void {
    const t = this.target, pc = t.hart.pcBig();
    let start: bigint, end: bigint | undefined, count = 16;
    if (w.length === 0) {
      const f = this.symbols.find(pc);
      if (!f) throw new CommandError('No function contains the program counter; try "disas ADDR [N]".');
      start = f.sym.addr;
      end = f.sym.size > 0n ? f.sym.addr + f.sym.size : undefined;
      count = end === undefined ? Number(f.offset / 2n) + 16 : 4096;
      this.say(`Dump of assembler code for function ${f.sym.name}:`);
    } else {
      if (w.length > 1 && /^\d+$/.test(w[w.length - 1]!)) { count = Number(w[w.length - 1]); w = w.slice(0, -1); }
      start = this.address(w.join(' '));
      this.say(`Dump of assembler code from ${hex(start)}, ${count} instructions:`);
    }
    const state = newDisasmState(this.symbols.lookup('__global_pointer$')?.addr);
    let a = start;
    for (let i = 0; i < count && (end === undefined || a < end); i++) {
      const b = t.mem.readCode(a, 4);
      let bits: number | undefined;
      if (!(b instanceof MemoryError)) bits = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      else { const c = t.mem.readCode(a, 2); if (!(c instanceof MemoryError) && (c[0]! & 3) !== 3) bits = c[0]! | (c[1]! << 8); }
      if (bits === undefined) { this.say(`Cannot access memory at address ${hex(a)}`); break; }
      const dd = disassemble(bits, a, (x) => this.symbols.describeHex(x), state);
      this.say(`${a === pc ? '=> ' : '   '}${hex16(a)}${this.sym(a)}:\t${dd.text}`);
      a += BigInt(dd.size);
    }
    this.say('End of assembler dump.');
  }
}
