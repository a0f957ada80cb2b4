// `rvhart boot IMAGE`: boots an ELF on the virt board, UART on stdout, stdin to the UART.
// Exit status: the guest's (syscon, HTIF, SBI shutdown via syscon); 0 once every --expect matched;
// 1 when a --fail-on matched or the guest exited 0 before every --expect matched; EXIT.MAX_INSNS
// when --max-insns or --timeout is reached; EXIT.GUEST_STOPPED for a stop that is not an exit (trap
// loop, WFI that nothing can wake); 2 for usage errors and 3 for an unloadable image.

import { closeSync, writeSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { Virt, type BootImage, type MachineStop } from '../emulator/board/virt.js';
import type { SatpModeName } from '../emulator/mmu/modes.js';
import { EXIT, fail } from './exit.js';
import { ImageError, loadImage, parseSize } from './load.js';
import { ensureBundled, BundledBuildError, KERNEL_SATP_MODES, type KernelSatp } from './bundled-images.js';
import { checkOutputFile, type OutputFile } from './output-file.js';
import { ConsoleWatch, compilePattern, type Pattern } from './console-watch.js';
import { parseCount, parseDuration, parsePort } from './quantities.js';
import { statsReport, type RunOutcome, type StatsFormat } from './stats.js';

interface BootArgs {
  _: (string | number)[];
  image?: string;
  bios?: string;
  mem: string;
  'max-insns'?: string;
  stats?: string;
  'stats-file'?: string;
  trace?: string;
  'console-log'?: string;
  expect?: string | string[];
  'fail-on'?: string | string[];
  timeout?: string;
  'time-source': string;
  ad: string;
  'satp-modes': string;
  'pmp-entries': number;
  satp: string;
  gdb?: string;
}

const MODES: readonly SatpModeName[] = ['bare', 'sv39', 'sv48', 'sv57'];

/** The machine options `boot` and `debug` share. */
export const bootOptions = (y: Argv) => y
  .positional('image', { type: 'string', describe: 'ELF image to boot (default: the bundled kernel, built on demand)' })
  .option('satp', { type: 'string', default: 'sv39', describe: 'paging mode of the bundled kernel build: sv39 | sv48' })
  .option('bios', { type: 'string', describe: 'builtin (the bundled SBI firmware, built on demand) | none (IMAGE starts in M-mode at its entry) | PATH (firmware ELF at 0x80000000, IMAGE at 0x80200000)', default: 'builtin' })
  .option('mem', { type: 'string', default: '128M', describe: 'RAM size (K/M/G suffixes)' })
  .option('max-insns', { type: 'string', requiresArg: true, describe: `stop after N instructions (50M = 50,000,000); exit ${EXIT.MAX_INSNS}` })
  .option('time-source', { type: 'string', default: 'insns', describe: 'insns (1 tick/instruction, deterministic) | wall' })
  .option('ad', { type: 'string', default: 'hardware', describe: 'PTE A/D policy: hardware | svade | svadu' })
  .option('satp-modes', { type: 'string', default: 'bare,sv39,sv48,sv57', describe: 'supported satp modes' })
  .option('pmp-entries', { type: 'number', default: 16, describe: 'PMP entries: 0, 16 or 64' })
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

/** A single-valued option given twice is a mistake worth naming, not a guess at which one counts. */
function single(name: string, v: unknown): string | undefined {
  if (Array.isArray(v)) fail(EXIT.USAGE, `--${name} given more than once`);
  return v === undefined ? undefined : String(v);
}

function patterns(name: string, texts: string | readonly string[] | undefined): Pattern[] {
  return (texts === undefined ? [] : typeof texts === 'string' ? [texts] : texts).map((t) => {
    const p = compilePattern(String(t));
    return typeof p === 'string' ? fail(EXIT.USAGE, `--${name} '${t}': not a regular expression: ${p}`) : p;
  });
}

const quoted = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ');

/**
 * `boot`/`debug`: words after `--` would be silently ignored (the bundled kernel booted instead), so
 * they are a usage error saying what to write. Returns the image and the --bios value.
 */
export function imageArgs(command: string, args: { _: (string | number)[]; image?: unknown; bios?: unknown }): { image?: string; bios: string } {
  const afterDashes = args._.slice(1).map(String);
  if (afterDashes.length > 0) {
    const name = afterDashes[0]!;
    fail(EXIT.USAGE, `${command}: put the image before any '--': rvhart ${command} [OPTIONS] ${name.startsWith('-') ? `./${name}` : name}`);
  }
  return { image: single('image', args.image), bios: single('bios', args.bios) ?? 'builtin' };
}

/** `--bios none` starts IMAGE in M-mode; without one it would run the S-mode kernel there, into a trap loop. */
export function needImageForBiosNone(command: string, image: string | undefined, bios: string): void {
  if (bios === 'none' && image === undefined) fail(EXIT.USAGE, `--bios none needs an IMAGE: rvhart ${command} --bios none prog.elf`);
}

async function boot(args: BootArgs): Promise<void> {
  const { image, bios } = imageArgs('boot', args);
  for (const name of ['mem', 'satp', 'time-source', 'ad', 'satp-modes', 'pmp-entries'] as const) single(name, args[name]);

  const mem = parseSize(args.mem);
  if (mem === undefined || mem < 0x10_0000 || mem % 4096 !== 0) fail(EXIT.USAGE, `--mem ${args.mem}: expected a size like 128M (at least 1M, a multiple of 4K)`);
  if (args['time-source'] !== 'insns' && args['time-source'] !== 'wall') fail(EXIT.USAGE, `--time-source ${args['time-source']}: expected insns or wall`);
  if (!['hardware', 'svade', 'svadu'].includes(args.ad)) fail(EXIT.USAGE, `--ad ${args.ad}: expected hardware, svade or svadu`);
  const modes = args['satp-modes'].split(',').map((s) => s.trim().toLowerCase());
  const bad = modes.find((m) => !MODES.includes(m as SatpModeName));
  if (bad !== undefined || !modes.includes('bare')) fail(EXIT.USAGE, `--satp-modes ${args['satp-modes']}: expected a list of bare, sv39, sv48, sv57 including bare`);
  const pmp = args['pmp-entries'];
  if (pmp !== 0 && pmp !== 16 && pmp !== 64) fail(EXIT.USAGE, `--pmp-entries ${pmp}: expected 0, 16 or 64`);
  const maxText = single('max-insns', args['max-insns']);
  const maxInsns = maxText === undefined ? undefined : parseCount(maxText);
  if (maxText !== undefined && maxInsns === undefined) fail(EXIT.USAGE, `--max-insns ${maxText}: expected a positive integer (K/M/G: thousands, millions, billions)`);
  if (!KERNEL_SATP_MODES.includes(args.satp as KernelSatp)) fail(EXIT.USAGE, `--satp ${args.satp}: expected sv39 or sv48`);
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
  needImageForBiosNone('boot', image, bios);
  const traceName = single('trace', args.trace);
  const consoleName = single('console-log', args['console-log']);

  // No image: the bundled kernel (for --satp) with the builtin firmware, (re)built into build/ when stale.
  let bundledImages: Promise<{ kernel: string; firmware: string }> | undefined;
  const bundled = (): Promise<{ kernel: string; firmware: string }> => (bundledImages ??= (async () => {
    try {
      return await ensureBundled({ satp: args.satp as KernelSatp });
    } catch (e) {
      if (e instanceof BundledBuildError) return fail(EXIT.BAD_IMAGE, e.message);
      throw e;
    }
  })());
  const imagePath = image ?? (await bundled()).kernel;
  // As QEMU: firmware by default (ours, as QEMU's is OpenSBI); an image linked at 0x80000000 wants --bios none.
  const biosPath = bios === 'builtin' ? (await bundled()).firmware : bios === 'none' ? undefined : bios;

  // Checked now, opened (and truncated) only once the machine is built: a boot that fails to start
  // leaves an existing file as it was.
  const inputs = [imagePath, ...(biosPath !== undefined ? [biosPath] : [])];
  const outputs: OutputFile[] = [];
  const traceFile = traceName ? checkOutputFile(`--trace=${traceName}`, traceName, inputs, outputs) : undefined;
  const consoleFile = consoleName !== undefined ? checkOutputFile(`--console-log ${consoleName}`, consoleName, inputs, outputs) : undefined;
  const statsFile = statsFileName !== undefined ? checkOutputFile(`--stats-file ${statsFileName}`, statsFileName, inputs, outputs) : undefined;

  let kernel: BootImage, firmware: BootImage | undefined;
  try {
    kernel = loadImage(imagePath);
    firmware = biosPath === undefined ? undefined : loadImage(biosPath);
  } catch (e) {
    if (e instanceof ImageError) fail(EXIT.BAD_IMAGE, e.message);
    throw e;
  }

  const out: Uint8Array[] = [];
  let machine: Virt | undefined;
  try {
    machine = new Virt({
      mem, satpModes: modes as SatpModeName[], pmpEntries: pmp as 0 | 16 | 64,
      ad: args.ad as 'hardware' | 'svade' | 'svadu', timeSource: args['time-source'] as 'insns' | 'wall',
      output: (b) => {
        out.push(b);
        // Stop right after the output that decided, not at the end of the slice.
        if (watch.feed(b)) machine?.hart.requestStop('console check decided');
      },
    });
  } catch (e) {
    // The RAM is one ArrayBuffer: the host refuses sizes it cannot allocate.
    if (e instanceof RangeError) fail(EXIT.USAGE, `--mem ${args.mem}: cannot allocate ${mem} bytes of RAM on this host (${e.message})`);
    throw e;
  }
  try {
    machine.boot(kernel, firmware);
  } catch (e) {
    if (e instanceof RangeError) fail(EXIT.BAD_IMAGE, e.message);
    throw e;
  }

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
  if (stdin.isTTY) stdin.setRawMode(true);
  machine.inputOpen = true;
  let wake: (() => void) | undefined;
  const m = machine;
  stdin.on('data', (d: Buffer) => { m.input(new Uint8Array(d)); wake?.(); });
  stdin.on('end', () => { m.inputOpen = false; wake?.(); });
  stdin.on('error', () => { m.inputOpen = false; });

  const started = performance.now();
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
        lines.push(traceStep(m.hart, () => { s = m.run(limit, 1, 1); }));
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

  const { outcome, message } = ending(stop, watch, timedOut ? timeoutText : undefined);
  if (statsFormat !== undefined) {
    const report = statsReport(statsFormat, m, elapsed, outcome);
    if (statsFile) {
      const fd = statsFile.open();
      writeAll(fd, Buffer.from(report));
      closeSync(fd);
    } else {
      process.stderr.write(report);
    }
  }
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
