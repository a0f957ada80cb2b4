// `rvhart boot IMAGE`: boots an ELF on the virt board, UART on stdout, stdin to the UART.
// Exit status: the guest's (syscon, HTIF, SBI shutdown via syscon), EXIT.MAX_INSNS when --max-insns
// is reached, EXIT.GUEST_STOPPED for a stop that is not an exit (trap loop, WFI that nothing can wake),
// 2 for usage errors and 3 for an unloadable image.

import { openSync, writeSync, closeSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { Virt, type BootImage, type MachineStop } from '../emulator/board/virt.js';
import type { SatpModeName } from '../emulator/mmu/modes.js';
import { CAUSE_NAMES, INTERRUPT_NAMES } from '../emulator/hart/trap.js';
import { traceStep } from '../emulator/hart/trace.js';
import { EXIT, fail } from './exit.js';
import { ImageError, loadImage, parseSize } from './load.js';
import { buildBundled, BundledBuildError, KERNEL_SATP_MODES, type KernelSatp } from './bundled.js';
import { gdbSession } from './debug.js';

interface BootArgs {
  image?: string;
  bios?: string;
  mem: string;
  'max-insns'?: number;
  stats: boolean;
  trace?: string;
  'time-source': string;
  ad: string;
  'satp-modes': string;
  'pmp-entries': number;
  satp: string;
  gdb?: number;
}

const MODES: readonly SatpModeName[] = ['bare', 'sv39', 'sv48', 'sv57'];

export const bootOptions = (y: Argv) => y
  .positional('image', { type: 'string', describe: 'ELF image to boot (default: the bundled kernel, built on demand)' })
  .option('satp', { type: 'string', default: 'sv39', describe: 'paging mode of the bundled kernel build: sv39 | sv48' })
  .option('bios', { type: 'string', describe: 'builtin (the bundled SBI firmware, built on demand) | none (IMAGE starts in M-mode at its entry) | PATH (firmware ELF at 0x80000000, IMAGE at 0x80200000)', default: 'builtin' })
  .option('mem', { type: 'string', default: '128M', describe: 'RAM size (K/M/G suffixes)' })
  .option('max-insns', { type: 'number', describe: `stop after N instructions (exit ${EXIT.MAX_INSNS})` })
  .option('stats', { type: 'boolean', default: false, describe: 'print instructions, MIPS, traps and TLB counters to stderr' })
  .option('trace', { type: 'string', describe: 'one line per instruction to stderr, or to FILE with --trace=FILE' })
  .option('time-source', { type: 'string', default: 'insns', describe: 'insns (1 tick/instruction, deterministic) | wall' })
  .option('ad', { type: 'string', default: 'hardware', describe: 'PTE A/D policy: hardware | svade | svadu' })
  .option('satp-modes', { type: 'string', default: 'bare,sv39,sv48,sv57', describe: 'supported satp modes' })
  .option('pmp-entries', { type: 'number', default: 16, describe: 'PMP entries: 0, 16 or 64' })
  .option('gdb', { type: 'number', describe: 'wait for GDB on 127.0.0.1:PORT before the first instruction (0: any free port)' });

export const bootCommand: CommandModule<object, BootArgs> = {
  command: 'boot [image]',
  describe: 'boot an ELF image on the virt board',
  builder: (y) => bootOptions(y) as unknown as Argv<BootArgs>,
  handler: (args) => boot(args),
};

async function boot(args: BootArgs): Promise<void> {
  const mem = parseSize(args.mem);
  if (mem === undefined || mem < 0x10_0000 || mem % 4096 !== 0) fail(EXIT.USAGE, `--mem ${args.mem}: expected a size like 128M (at least 1M, a multiple of 4K)`);
  if (args['time-source'] !== 'insns' && args['time-source'] !== 'wall') fail(EXIT.USAGE, `--time-source ${args['time-source']}: expected insns or wall`);
  if (!['hardware', 'svade', 'svadu'].includes(args.ad)) fail(EXIT.USAGE, `--ad ${args.ad}: expected hardware, svade or svadu`);
  const modes = args['satp-modes'].split(',').map((s) => s.trim().toLowerCase());
  const bad = modes.find((m) => !MODES.includes(m as SatpModeName));
  if (bad !== undefined || !modes.includes('bare')) fail(EXIT.USAGE, `--satp-modes ${args['satp-modes']}: expected a list of bare, sv39, sv48, sv57 including bare`);
  const pmp = args['pmp-entries'];
  if (pmp !== 0 && pmp !== 16 && pmp !== 64) fail(EXIT.USAGE, `--pmp-entries ${pmp}: expected 0, 16 or 64`);
  const maxInsns = args['max-insns'];
  if (maxInsns !== undefined && !(Number.isInteger(maxInsns) && maxInsns > 0)) fail(EXIT.USAGE, `--max-insns: expected a positive integer`);
  if (!KERNEL_SATP_MODES.includes(args.satp as KernelSatp)) fail(EXIT.USAGE, `--satp ${args.satp}: expected sv39 or sv48`);
  if (args.gdb !== undefined && !(Number.isInteger(args.gdb) && args.gdb >= 0 && args.gdb <= 65535)) {
    fail(EXIT.USAGE, `--gdb ${args.gdb}: expected a TCP port 0..65535`);
  }
  // Opened before anything runs, so a bad path is a usage error and not a failure halfway through.
  let traceFd: number | undefined;
  if (args.trace !== undefined && args.trace !== '') {
    try {
      traceFd = openSync(args.trace, 'w');
    } catch (e) {
      fail(EXIT.USAGE, `--trace=${args.trace}: cannot write: ${errnoText(e)}`);
    }
  } else if (args.trace === '') traceFd = 2;
  // No image: the bundled kernel (for --satp) with the builtin firmware, (re)built into build/ when stale.
  const bundled = (): { kernel: string; firmware: string } => {
    try {
      return buildBundled({ satp: args.satp as KernelSatp });
    } catch (e) {
      if (e instanceof BundledBuildError) return fail(EXIT.BAD_IMAGE, e.message);
      throw e;
    }
  };
  if (args.image === undefined) args.image = bundled().kernel;

  // As QEMU: firmware by default (ours, as QEMU's is OpenSBI); an image linked at 0x80000000 wants --bios none.
  let biosPath: string | undefined;
  const bios = args.bios ?? 'builtin';
  if (bios === 'builtin') biosPath = bundled().firmware;
  else if (bios !== 'none') biosPath = bios;

  let kernel: BootImage, firmware: BootImage | undefined;
  try {
    kernel = loadImage(args.image);
    firmware = biosPath === undefined ? undefined : loadImage(biosPath);
  } catch (e) {
    if (e instanceof ImageError) fail(EXIT.BAD_IMAGE, e.message);
    throw e;
  }

  const out: Uint8Array[] = [];
  let machine: Virt;
  try {
    machine = new Virt({
      mem, satpModes: modes as SatpModeName[], pmpEntries: pmp as 0 | 16 | 64,
      ad: args.ad as 'hardware' | 'svade' | 'svadu', timeSource: args['time-source'] as 'insns' | 'wall',
      output: (b) => { out.push(b); },
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

  const flush = (): void => {
    if (out.length === 0) return;
    const all = Buffer.concat(out);
    out.length = 0;
    writeAll(1, all);
  };

  if (args.gdb !== undefined) {
    // As QEMU's -s -S: the hart waits for GDB; after GDB detaches the boot goes on as usual.
    if (await gdbSession(machine, [args.image, ...(biosPath ? [biosPath] : [])], args.gdb, flush) === 'kill') process.exit(0);
  }

  // stdin → UART: raw and non-blocking; it never keeps the process alive once the guest stops.
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  machine.inputOpen = true;
  let wake: (() => void) | undefined;
  stdin.on('data', (d: Buffer) => { machine.input(new Uint8Array(d)); wake?.(); });
  stdin.on('end', () => { machine.inputOpen = false; wake?.(); });
  stdin.on('error', () => { machine.inputOpen = false; });


  const started = performance.now();
  const limit = maxInsns ?? Number.POSITIVE_INFINITY;
  let stop: MachineStop;
  for (;;) {
    if (traceFd !== undefined) {
      let s: MachineStop | undefined;
      const lines: string[] = [];
      for (let i = 0; i < 4096; i++) {
        lines.push(traceStep(machine.hart, () => { s = machine.run(limit, 1, 1); }));
        if (s && s.kind !== 'slice') break;
      }
      writeAll(traceFd, Buffer.from(lines.join('\n') + '\n'));
      stop = s ?? { kind: 'slice', reason: '' };
    } else {
      stop = machine.run(limit, undefined, 4_000_000);
    }
    flush();
    if (stop.kind === 'slice') { await new Promise((r) => setImmediate(r)); continue; }
    if (stop.kind === 'idle') {
      await new Promise<void>((r) => { wake = r; setTimeout(r, machine.timeSource === 'wall' ? 1 : 50); });
      wake = undefined;
      continue;
    }
    break;
  }
  const elapsed = (performance.now() - started) / 1000;
  flush();
  if (traceFd !== undefined && traceFd !== 2) closeSync(traceFd);
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();

  if (args.stats) printStats(machine, elapsed);
  switch (stop.kind) {
    case 'exit':
      // A failure code whose low byte is 0 (256, -512) must not read as success to a CI script.
      if (stop.code !== (stop.code & 0xff)) {
        process.stderr.write(`rvhart: guest exit code ${stop.code} does not fit an exit status; exiting 1\n`);
        process.exit(1);
      }
      process.exit(stop.code);
    // eslint-disable-next-line no-fallthrough
    case 'limit':
      process.stderr.write(`rvhart: ${stop.reason}\n`);
      process.exit(EXIT.MAX_INSNS);
    // eslint-disable-next-line no-fallthrough
    default:
      process.stderr.write(`rvhart: guest stopped: ${stop.reason}\n`);
      process.exit(EXIT.GUEST_STOPPED);
  }
}

/** 'no such file or directory' from an fs error, else its message. */
function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory',
    ENOTDIR: 'a path component is not a directory', EROFS: 'read-only file system',
  };
  return (err.code !== undefined ? known[err.code] : undefined) ?? err.message;
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

function printStats(m: Virt, seconds: number): void {
  const h = m.hart, s = m.mmu.stats;
  const lines = [
    `instructions: ${h.retired}`,
    `host time: ${seconds.toFixed(3)} s`,
    `MIPS: ${(h.retired / seconds / 1e6).toFixed(1)}`,
  ];
  const traps = [...h.trapCounts.entries()].sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k.startsWith('irq:') ? INTERRUPT_NAMES[Number(k.slice(4))] + ' interrupt' : CAUSE_NAMES[Number(k)] ?? k} ${n}`);
  lines.push(`traps: ${traps.length ? traps.join(', ') : 'none'}`);
  const faults = Object.entries(s.faults).map(([c, n]) => `${CAUSE_NAMES[Number(c)] ?? c} ${n}`);
  lines.push(`tlb: hits ${s.hits}, misses ${s.misses}, walks ${s.walks}, faults ${faults.length ? faults.join(', ') : 'none'}`);
  process.stderr.write(lines.map((l) => `rvhart: ${l}\n`).join(''));
}
