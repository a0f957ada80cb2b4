// `rvhart boot IMAGE`: boots an ELF on the virt board, UART on stdout, stdin to the UART.
// Exit status: the guest's (syscon, HTIF, SBI shutdown via syscon); 0 once every --expect matched;
// 1 when a --fail-on matched or the guest exited 0 before every --expect matched; EXIT.MAX_INSNS
// when --max-insns or --timeout is reached; EXIT.GUEST_STOPPED for a stop that is not an exit (trap
// loop, WFI that nothing can wake); 2 for usage errors and 3 for an unloadable image.

import { closeSync, writeSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import type { MachineStop, Virt } from '../emulator/board/virt.js';
import { ConsoleEscape, ESCAPE_HELP } from './console-escape.js';
import { parseDrive } from './drive.js';
import { EXIT, fail } from './exit.js';
import { buildMachine, machineOptions, planMachine, single, type MachineArgs } from './machine.js';
import { checkOutputFile, type OutputFile } from './output-file.js';
import { ConsoleWatch, compilePattern, type Pattern } from './console-watch.js';
import { parseCount, parseDuration, parsePort } from './quantities.js';
import { statsReport, type RunOutcome, type StatsFormat } from './stats.js';

interface BootArgs extends MachineArgs {
  'max-insns'?: string;
  stats?: string;
  'stats-file'?: string;
  trace?: string;
  'console-log'?: string;
  expect?: string | string[];
  'fail-on'?: string | string[];
  timeout?: string;
  gdb?: string;
}

/** The options `boot` and `debug` share: the machine's, the instruction budget and GDB. */
export const bootOptions = (y: Argv) => machineOptions(y)
  .option('max-insns', { type: 'string', requiresArg: true, describe: `stop after N instructions (50M = 50,000,000); exit ${EXIT.MAX_INSNS}` })
  .option('gdb', { type: 'string', requiresArg: true, describe: 'wait for GDB on 127.0.0.1:PORT before the first instruction (0: any free port)' });

/** What only `boot` does: reports, outputs and the CI checks. */
const runOptions = (y: Argv) => y
  .option('stats', { type: 'string', describe: 'at the end, instructions, MIPS, traps and TLB counters on stderr: --stats (text) or --stats=json (one JSON object: instructions, wallSeconds, mips, traps, interrupts, tlb, exit)' })
  .option('stats-file', { type: 'string', requiresArg: true, describe: 'write the --stats report to FILE instead of stderr (JSON unless --stats=text)' })
  .option('trace', { type: 'string', describe: 'one line per instruction: --trace to stderr, --trace=FILE to FILE (only with "="; never over an input or an ELF file)' })
  .option('console-log', { type: 'string', requiresArg: true, describe: 'copy the guest console to FILE as well as stdout' })
  // Not `array: true`: that would take the image after it too; a repeated option collects into an array.
  .option('expect', { type: 'string', requiresArg: true, describe: 'stop with exit 0 once the console has matched every --expect REGEX (each on some line, in any order; a guest that exits first fails, exit 1 or its own code); repeatable' })
  .option('fail-on', { type: 'string', requiresArg: true, describe: 'stop with exit 1 as soon as a console line matches REGEX, and print it; repeatable' })
  .option('timeout', { type: 'string', requiresArg: true, describe: `stop after this much wall time: 10 or 10s, 500ms, 2m; exit ${EXIT.MAX_INSNS} naming any --expect not matched (a guest-instruction budget is --max-insns)` });

export const bootCommand: CommandModule<object, BootArgs> = {
  command: 'boot [image]',
  describe: 'boot an ELF image on the virt board',
  builder: (y) => runOptions(bootOptions(y)) as unknown as Argv<BootArgs>,
  handler: (args) => boot(args),
};

function patterns(name: string, texts: string | readonly string[] | undefined): Pattern[] {
  return (texts === undefined ? [] : typeof texts === 'string' ? [texts] : texts).map((t) => {
    const p = compilePattern(String(t));
    return typeof p === 'string' ? fail(EXIT.USAGE, `--${name} '${t}': not a regular expression: ${p}`) : p;
  });
}

const quoted = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ');

async function boot(args: BootArgs): Promise<void> {
  const maxText = single('max-insns', args['max-insns']);
  const maxInsns = maxText === undefined ? undefined : parseCount(maxText);
  if (maxText !== undefined && maxInsns === undefined) fail(EXIT.USAGE, `--max-insns ${maxText}: expected a positive integer (K/M/G: thousands, millions, billions)`);
  const gdbText = single('gdb', args.gdb);
  const gdb = gdbText === undefined ? undefined : parsePort(gdbText);
  if (gdbText !== undefined && gdb === undefined) fail(EXIT.USAGE, `--gdb ${gdbText}: expected a TCP port 0..65535`);
  const timeoutText = single('timeout', args.timeout);
  const timeoutMs = timeoutText === undefined ? undefined : parseDuration(timeoutText);
  if (timeoutText !== undefined && timeoutMs === undefined) fail(EXIT.USAGE, `--timeout ${timeoutText}: expected a wall-clock duration: 10 or 10s, 500ms, 2m, 1h`);
  const watch = new ConsoleWatch(patterns('expect', args.expect), patterns('fail-on', args['fail-on']));
  const statsText = single('stats', args.stats);
  const statsFileName = single('stats-file', args['stats-file']);
  let statsFormat: StatsFormat | undefined;
  if (statsText === '' || statsText === 'text') statsFormat = 'text';
  else if (statsText === 'json') statsFormat = 'json';
  else if (statsText !== undefined) fail(EXIT.USAGE, `--stats=${statsText}: expected --stats, --stats=text or --stats=json`);
  if (statsFileName !== undefined) statsFormat ??= 'json';
  // After the option values: `--gdb prog.elf` should say that --gdb took prog.elf.
  const plan = await planMachine('boot', args);
  const traceName = single('trace', args.trace);
  const consoleName = single('console-log', args['console-log']);

  // Checked now, opened (and truncated) only once the machine is built: a boot that fails to start
  // leaves an existing file as it was.
  const inputs = [...plan.inputs, ...plan.drives.map((d) => parseDrive(d).file)];
  const outputs: OutputFile[] = [];
  const traceFile = traceName ? checkOutputFile(`--trace=${traceName}`, traceName, inputs, outputs) : undefined;
  const consoleFile = consoleName !== undefined ? checkOutputFile(`--console-log ${consoleName}`, consoleName, inputs, outputs) : undefined;
  const statsFile = statsFileName !== undefined ? checkOutputFile(`--stats-file ${statsFileName}`, statsFileName, inputs, outputs) : undefined;

  const out: Uint8Array[] = [];
  let early: Virt | undefined;
  const built = buildMachine(plan, (b) => {
    out.push(b);
    // Stop right after the output that decided, not at the end of the slice.
    if (watch.feed(b)) early?.current.requestStop('console check decided');
  });
  const machine = early = built.machine;

  // The run really starts: now the output files may be created or truncated.
  const traceFd = traceFile ? traceFile.open() : traceName === '' ? 2 : undefined;
  const consoleFd = consoleFile?.open();

  const flush = (): void => {
    if (out.length === 0) return;
    const all = Buffer.concat(out);
    out.length = 0;
    writeAll(1, all);
    if (consoleFd !== undefined) writeAll(consoleFd, all);
  };

  if (gdb !== undefined) {
    // As QEMU's -s -S: the hart waits for GDB; after GDB detaches the boot goes on as usual.
    const { gdbSession } = await import('./debug.js');
    if (await gdbSession(machine, inputs, gdb, flush) === 'kill') process.exit(0);
  }

  // stdin → UART: raw and non-blocking; it never keeps the process alive once the guest stops.
  const stdin = process.stdin;
  // A terminal: raw (every key to the UART), restored however the process ends, with QEMU's Ctrl-A escape.
  const escape = stdin.isTTY ? new ConsoleEscape() : undefined;
  if (stdin.isTTY) {
    stdin.setRawMode(true);
    process.on('exit', () => { if (stdin.isTTY) stdin.setRawMode(false); });
  }
  machine.inputOpen = true;
  let wake: (() => void) | undefined;
  const m = machine;
  stdin.on('data', (d: Buffer) => {
    let keys: Uint8Array = new Uint8Array(d);
    if (escape) {
      const { data, commands } = escape.feed(keys);
      keys = data;
      for (const c of commands) {
        if (c === 'help') process.stderr.write(ESCAPE_HELP.map((l) => l + '\r\n').join(''));
        else {
          flush(); built.close();
          process.stderr.write('\r\nrvhart: terminated (C-a x)\r\n');
          // --stats and --stats-file still say what the run did, up to the user's quit.
          writeStats({ reason: 'user-quit', status: EXIT.OK, detail: 'terminated by the user (C-a x)' }, (performance.now() - started) / 1000);
          process.exit(0);
        }
      }
    }
    if (keys.length) m.input(keys);
    wake?.();
  });
  stdin.on('end', () => { m.inputOpen = false; wake?.(); });
  stdin.on('error', () => { m.inputOpen = false; });

  const started = performance.now();
  /** The --stats report, to --stats-file or stderr. */
  const writeStats = (outcome: RunOutcome, elapsed: number): void => {
    if (statsFormat === undefined) return;
    const report = statsReport(statsFormat, m, elapsed, outcome);
    if (statsFile) {
      const fd = statsFile.open();
      writeAll(fd, Buffer.from(report));
      closeSync(fd);
    } else {
      process.stderr.write(report);
    }
  };
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + timeoutMs;
  const limit = maxInsns ?? Number.POSITIVE_INFINITY;
  let stop: MachineStop;
  let timedOut = false;
  // Loaded only to trace: it brings the disassembler.
  const traceStep = traceFd === undefined ? undefined : (await import('../emulator/hart/trace.js')).traceStep;
  for (;;) {
    if (traceStep !== undefined && traceFd !== undefined) {
      let s: MachineStop | undefined;
      const lines: string[] = [];
      for (let i = 0; i < 4096; i++) {
        m.settle(); // if every hart waits, time moves on first: m.current is then the hart that runs
        lines.push(traceStep(m.current, () => { s = m.run(limit, 1, 1); }, m.harts.length > 1));
        if (s && s.kind !== 'slice') break;
      }
      writeAll(traceFd, Buffer.from(lines.join('\n') + '\n'));
      stop = s ?? { kind: 'slice', reason: '' };
    } else {
      stop = m.run(limit, undefined, 4_000_000);
    }
    flush();
    if (watch.verdict || watch.checkPartial()) break;
    if (stop.kind !== 'slice' && stop.kind !== 'idle') break;
    if (performance.now() >= deadline) { timedOut = true; break; }
    if (stop.kind === 'slice') { await new Promise((r) => setImmediate(r)); continue; }
    await new Promise<void>((r) => {
      wake = r;
      setTimeout(r, Math.max(0, Math.min(m.timeSource === 'wall' ? 1 : 50, deadline - performance.now())));
    });
    wake = undefined;
  }
  const elapsed = (performance.now() - started) / 1000;
  flush();
  if (traceFd !== undefined && traceFd !== 2) closeSync(traceFd);
  if (consoleFd !== undefined) closeSync(consoleFd);
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  built.close();

  const { outcome, message } = ending(stop, watch, timedOut ? timeoutText : undefined);
  writeStats(outcome, elapsed);
  if (message !== undefined) process.stderr.write(`rvhart: ${message}\n`);
  process.exit(outcome.status);
}

/** How the run ended: rvhart's exit status and the one line that explains it (none for a plain success). */
function ending(stop: MachineStop, watch: ConsoleWatch, timeout: string | undefined): { outcome: RunOutcome; message?: string } {
  const pending = watch.unmatched;
  const notMatched = pending.length > 0 ? `; --expect not matched: ${quoted(pending)}` : '';
  const v = watch.verdict;
  if (v?.kind === 'pass') return { outcome: { reason: 'expect', status: EXIT.OK, detail: 'the console matched every --expect' } };
  if (v?.kind === 'fail') {
    const detail = `--fail-on '${v.pattern}' matched: ${v.line}`;
    return { outcome: { reason: 'fail-on', status: EXIT.CHECK_FAILED, detail }, message: detail };
  }
  if (timeout !== undefined) {
    const detail = `timeout: ${timeout} of wall time passed${notMatched}`;
    return { outcome: { reason: 'timeout', status: EXIT.MAX_INSNS, detail }, message: detail };
  }
  switch (stop.kind) {
    case 'exit': {
      const code = stop.code;
      if (pending.length > 0) {
        // A clean exit before the console showed what CI waits for is a failure, never a pass.
        const status = code === 0 || code !== (code & 0xff) ? EXIT.CHECK_FAILED : code;
        const detail = `the guest exited with code ${code} before the console matched --expect ${quoted(pending)}`;
        return { outcome: { reason: 'guest-exit', status, guestCode: code, detail }, message: detail };
      }
      // A failure code whose low byte is 0 (256, -512) must not read as success to a CI script.
      if (code !== (code & 0xff)) {
        return {
          outcome: { reason: 'guest-exit', status: EXIT.CHECK_FAILED, guestCode: code, detail: stop.reason },
          message: `guest exit code ${code} does not fit an exit status; exiting 1`,
        };
      }
      return { outcome: { reason: 'guest-exit', status: code, guestCode: code, detail: stop.reason } };
    }
    case 'limit':
      return { outcome: { reason: 'max-insns', status: EXIT.MAX_INSNS, detail: stop.reason + notMatched }, message: stop.reason + notMatched };
    default:
      return {
        outcome: { reason: 'guest-stopped', status: EXIT.GUEST_STOPPED, detail: stop.reason + notMatched },
        message: `guest stopped: ${stop.reason}${notMatched}`,
      };
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}
