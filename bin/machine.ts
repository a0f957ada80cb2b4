// The machine a command runs — `boot`, `debug` and `draw` alike: the board options, checked once;
// which images (IMAGE or --kernel: an ELF or a raw Linux Image; --initrd, --append, as QEMU's; the
// bundled kernel and firmware when none is named; `--bios none` chosen for an image
// linked over the firmware at 0x80000000 when no --bios was given, so the first `rvhart build` +
// `rvhart boot` works); the drives; then the board built and booted. Resolving comes first and
// building second, so a command can check its output files against every input in between.

import type { Argv } from 'yargs';
import { DEFAULT_QUANTUM, KERNEL_BASE, MAX_HARTS, RAM_BASE, Virt, type BootImage, type VirtioSpec, type VirtOptions } from '../emulator/board/virt.js';
import type { PlicGateway } from '../emulator/board/plic.js';
import { VIRTIO_MMIO_SLOTS } from '../emulator/board/virtio/mmio.js';
import type { SatpModeName } from '../emulator/mmu/modes.js';
import { TIER_OPTION, tierSetting } from './tier.js';
import { ensureBundled, BundledBuildError, KERNEL_SATP_MODES, type KernelSatp } from './bundled-images.js';
import { openDrives } from './drive.js';
import { EXIT, fail } from './exit.js';
import { ImageError, loadKernel, parseSize, readImageFile } from './load.js';

export interface MachineArgs {
  _: (string | number)[];
  image?: string;
  bios?: string;
  mem: string;
  'time-source': string;
  ad: string;
  'satp-modes': string;
  'pmp-entries': number;
  satp?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  drive?: string | string[];
  device?: string | string[];
  snapshot?: boolean;
  plic?: string;
  smp: number;
  quantum: number;
  svnapot?: boolean;
  tier: string;
}

const MODES: readonly SatpModeName[] = ['bare', 'sv39', 'sv48', 'sv57'];
const BIOS_DEFAULT = 'builtin';

/** The options every machine-running command takes. */
export const machineOptions = (y: Argv) => y
  .positional('image', { type: 'string', describe: 'ELF image to boot (default: the bundled kernel, built on demand)' })
  .option('satp', { type: 'string', default: 'sv39', describe: 'paging mode of the bundled kernel build: sv39 | sv48' })
  .option('bios', { type: 'string', describe: `builtin (the bundled SBI firmware; the default, except for an image linked at 0x80000000, which starts as with none) | none (IMAGE starts in M-mode at its entry) | PATH (firmware ELF at 0x80000000, IMAGE at 0x80200000)` })
  .option('mem', { type: 'string', default: '128M', describe: 'RAM size (K/M/G suffixes, up to 256G; allocated as the guest touches it)' })
  .option('time-source', { type: 'string', default: 'insns', describe: 'insns (1 tick/instruction, deterministic) | wall' })
  .option('ad', { type: 'string', default: 'hardware', describe: 'PTE A/D policy: hardware | svade | svadu' })
  .option('satp-modes', { type: 'string', default: 'bare,sv39,sv48,sv57', describe: 'supported satp modes' })
  .option('pmp-entries', { type: 'number', default: 16, describe: 'PMP entries: 0, 16 or 64' })
  .option('kernel', { type: 'string', requiresArg: true, describe: 'the kernel, as QEMU\'s -kernel: an ELF, or a raw RISC-V Linux Image (placed after the firmware at 0x80200000, or at 0x80000000 with --bios none)' })
  .option('initrd', { type: 'string', requiresArg: true, describe: 'an initial RAM disk, loaded where QEMU puts it (kernel + min(RAM/2, 128M)) and named in /chosen' })
  .option('append', { type: 'string', requiresArg: true, describe: 'the kernel command line (/chosen/bootargs)' })
  .option('drive', { type: 'string', requiresArg: true, describe: 'file=IMG[,format=raw][,readonly=on][,serial=ID]: a virtio-blk disk, in slot order from 0x10001000 (the guest writes the file, as QEMU; repeatable)' })
  .option('device', { type: 'string', requiresArg: true, describe: 'virtio-rng-device[,seed=N]: the entropy source, in the next free virtio slot after the drives (seeded, so runs repeat; default seed fixed); repeatable' })
  .option('snapshot', { type: 'boolean', describe: 'keep the guest\'s disk writes in memory: the --drive files are never written' })
  .option('svnapot', { type: 'boolean', describe: 'Svnapot: PTE.N marks 64 KiB NAPOT runs (one TLB entry each), and the device tree says svnapot; off by default, as QEMU 7.2' })
  .option('smp', { type: 'number', default: 1, describe: 'harts, 1..8 (as QEMU\'s -smp): mhartid 0..N-1, each with its own CSRs and TLB, run round-robin' })
  .option('quantum', { type: 'number', default: DEFAULT_QUANTUM, describe: 'with --smp: instructions each hart runs before the next one\'s turn (the interleaving is the same on every run)' })
  .option('tier', TIER_OPTION)
  .option('plic', { type: 'string', default: 'qemu', describe: 'PLIC gateway: qemu (as QEMU 7.2: pending set each time a device drives its line) | level (the specification\'s level-triggered reading)' });

/** A single-valued option given twice is a mistake worth naming, not a guess at which one counts. */
export function single(name: string, v: unknown): string | undefined {
  if (Array.isArray(v)) fail(EXIT.USAGE, `--${name} given more than once`);
  return v === undefined ? undefined : String(v);
}

/** Everything decided about the machine before it is built. */
export interface MachinePlan {
  board: Omit<VirtOptions, 'output' | 'virtio'>;
  kernel: string;
  firmware: string | undefined;
  kernelImage: BootImage;
  initrd: Uint8Array | undefined;
  /** Every file the run reads (no output may be written over one of these). */
  inputs: string[];
  drives: readonly string[];
  /** --device: the virtio devices after the drives. */
  devices: readonly VirtioSpec[];
  snapshot: boolean;
  /** --mem as typed, for messages. */
  memText: string;
}

/**
 * Checks the options and decides the images (exit 2 for a usage error, 3 for an image). The kernel is
 * read here (whether it needs the firmware depends on where it loads); the firmware when building.
 */
export async function planMachine(command: string, args: MachineArgs): Promise<MachinePlan> {
  // Words after `--` would be silently ignored (the bundled kernel booted instead).
  const afterDashes = args._.slice(1).map(String);
  if (afterDashes.length > 0) {
    const name = afterDashes[0]!;
    fail(EXIT.USAGE, `${command}: put the image before any '--': rvhart ${command} [OPTIONS] ${name.startsWith('-') ? `./${name}` : name}`);
  }
  const positional = single('image', args.image), kernelOption = single('kernel', args.kernel);
  if (positional !== undefined && kernelOption !== undefined) fail(EXIT.USAGE, `${command}: name the kernel once: ${positional} or --kernel ${kernelOption}`);
  const image = positional ?? kernelOption;
  const initrd = single('initrd', args.initrd), append = single('append', args.append);
  const biosGiven = single('bios', args.bios);
  for (const name of ['mem', 'satp', 'time-source', 'ad', 'satp-modes', 'pmp-entries', 'plic', 'smp', 'quantum', 'tier'] as const) single(name, args[name]);
  const { tier, hot } = tierSetting(args.tier);
  const smp = args.smp, quantum = args.quantum;
  if (!Number.isInteger(smp) || smp < 1 || smp > MAX_HARTS) fail(EXIT.USAGE, `--smp ${smp}: expected a number of harts from 1 to ${MAX_HARTS}`);
  if (!Number.isInteger(quantum) || quantum < 1) fail(EXIT.USAGE, `--quantum ${quantum}: expected a number of instructions, at least 1`);
  if ((initrd !== undefined || append !== undefined) && image === undefined) fail(EXIT.USAGE, `--initrd and --append go with a kernel: rvhart ${command} --kernel Image --initrd FILE --append ARGS`);
  const mem = parseSize(args.mem);
  if (mem === undefined || mem < 0x10_0000 || mem % 4096 !== 0) fail(EXIT.USAGE, `--mem ${args.mem}: expected a size like 128M (at least 1M, a multiple of 4K)`);
  if (args['time-source'] !== 'insns' && args['time-source'] !== 'wall') fail(EXIT.USAGE, `--time-source ${args['time-source']}: expected insns or wall`);
  if (!['hardware', 'svade', 'svadu'].includes(args.ad)) fail(EXIT.USAGE, `--ad ${args.ad}: expected hardware, svade or svadu`);
  const modes = args['satp-modes'].split(',').map((s) => s.trim().toLowerCase());
  if (modes.some((m) => !MODES.includes(m as SatpModeName)) || !modes.includes('bare')) fail(EXIT.USAGE, `--satp-modes ${args['satp-modes']}: expected a list of bare, sv39, sv48, sv57 including bare`);
  const pmp = args['pmp-entries'];
  if (pmp !== 0 && pmp !== 16 && pmp !== 64) fail(EXIT.USAGE, `--pmp-entries ${pmp}: expected 0, 16 or 64`);
  const satp = args.satp ?? 'sv39';
  if (!KERNEL_SATP_MODES.includes(satp as KernelSatp)) fail(EXIT.USAGE, `--satp ${satp}: expected sv39 or sv48`);
  const plic = args.plic ?? 'qemu';
  if (plic !== 'qemu' && plic !== 'level') fail(EXIT.USAGE, `--plic ${plic}: expected qemu or level`);
  if (biosGiven === 'none' && image === undefined) fail(EXIT.USAGE, `--bios none needs an IMAGE: rvhart ${command} --bios none prog.elf`);
  const drives = args.drive === undefined ? [] : typeof args.drive === 'string' ? [args.drive] : args.drive.map(String);
  if (args.snapshot && drives.length === 0) fail(EXIT.USAGE, '--snapshot goes with --drive (it keeps the drives\' writes in memory)');
  const devices = (args.device === undefined ? [] : typeof args.device === 'string' ? [args.device] : args.device.map(String)).map(parseDevice);
  if (drives.length + devices.length > VIRTIO_MMIO_SLOTS) fail(EXIT.USAGE, `${drives.length + devices.length} virtio devices (--drive, --device): the virt board has ${VIRTIO_MMIO_SLOTS} virtio-mmio slots`);

  // No image: the bundled kernel (for --satp) with the builtin firmware, (re)built into build/ when stale.
  let bundled: Promise<{ kernel: string; firmware: string }> | undefined;
  const bundledImages = (): Promise<{ kernel: string; firmware: string }> => (bundled ??= (async () => {
    try {
      return await ensureBundled({ satp: satp as KernelSatp });
    } catch (e) {
      if (e instanceof BundledBuildError) return fail(EXIT.BAD_IMAGE, e.message);
      throw e;
    }
  })());
  const kernel = image ?? (await bundledImages()).kernel;
  // A raw Linux Image goes where QEMU puts one: after the firmware, or at the RAM base without it.
  const { image: kernelImage, raw } = load(kernel, biosGiven === 'none' ? RAM_BASE : KERNEL_BASE);
  // As QEMU, firmware by default (ours, as QEMU's is OpenSBI) — but an image that would load over
  // it (linked at 0x80000000, as `rvhart build` links) can only mean --bios none.
  const bios = biosGiven ?? (image !== undefined && !raw && overlapsFirmware(kernelImage) ? 'none' : BIOS_DEFAULT);
  const firmware = bios === 'builtin' ? (await bundledImages()).firmware : bios === 'none' ? undefined : bios;
  const initrdBytes = initrd === undefined ? undefined : readInput(initrd, '--initrd');
  return {
    board: {
      bootargs: append,
      mem, satpModes: modes as SatpModeName[], pmpEntries: pmp as 0 | 16 | 64,
      ad: args.ad as 'hardware' | 'svade' | 'svadu', timeSource: args['time-source'] as 'insns' | 'wall', plicGateway: plic as PlicGateway,
      svnapot: args.svnapot === true, smp, quantum, tier, hot,
    },
    kernel, firmware, kernelImage, initrd: initrdBytes,
    inputs: [kernel, ...(firmware !== undefined ? [firmware] : []), ...(initrd !== undefined ? [initrd] : [])],
    drives, devices, snapshot: args.snapshot === true, memText: args.mem,
  };
}

function load(path: string, rawBase?: number): { image: BootImage; raw: boolean } {
  try {
    return loadKernel(path, rawBase);
  } catch (e) {
    if (e instanceof ImageError) fail(EXIT.BAD_IMAGE, e.message);
    throw e;
  }
}

/** `virtio-rng-device[,seed=N]`, as QEMU's -device names it. */
function parseDevice(text: string): VirtioSpec {
  const [kind, ...opts] = text.split(',');
  if (kind !== 'virtio-rng-device' && kind !== 'virtio-rng') fail(EXIT.USAGE, `--device ${text}: only virtio-rng-device is offered here (disks are --drive)`);
  let seed: bigint | undefined;
  for (const o of opts) {
    const m = /^seed=(\d+|0x[0-9a-f]+)$/i.exec(o);
    if (!m) fail(EXIT.USAGE, `--device ${text}: unknown option '${o}' (seed=N)`);
    seed = BigInt.asUintN(64, BigInt(m[1]!));
  }
  return { kind: 'rng', seed };
}

function readInput(path: string, option: string): Uint8Array {
  try {
    return readImageFile(path);
  } catch (e) {
    if (e instanceof ImageError) fail(EXIT.BAD_IMAGE, `${option} ${e.message}`);
    throw e;
  }
}

/** Whether an image has bytes in the firmware's first 2 MiB at 0x80000000 (where the kernel goes after it). */
function overlapsFirmware(img: BootImage): boolean {
  return img.segments.some((s) => s.memsz > 0 && s.paddr < 0x8020_0000 && s.paddr + s.memsz > 0x8000_0000);
}

/** Builds and boots the board; `close` flushes and closes the drives (call it at exit). */
export function buildMachine(plan: MachinePlan, output: (b: Uint8Array) => void): { machine: Virt; close: () => void } {
  const firmwareImage = plan.firmware === undefined ? undefined : load(plan.firmware).image;
  const drives = openDrives(plan.drives, plan.snapshot, plan.inputs);
  let machine: Virt;
  try {
    machine = new Virt({ ...plan.board, output, virtio: [...drives.specs, ...plan.devices] });
  } catch (e) {
    // RAM beyond what the host (or the board, 256 GiB) can give.
    if (e instanceof RangeError) fail(EXIT.USAGE, `--mem ${plan.memText}: cannot allocate ${plan.board.mem} bytes of RAM (${e.message})`);
    throw e;
  }
  try {
    machine.boot(plan.kernelImage, firmwareImage, plan.initrd);
  } catch (e) {
    if (e instanceof RangeError) fail(EXIT.BAD_IMAGE, e.message);
    throw e;
  }
  return { machine, close: drives.close };
}
