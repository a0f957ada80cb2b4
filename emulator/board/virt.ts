// The machine: QEMU `virt`'s memory map (DESIGN §5) wired to N harts (`--smp`), each with its own
// MMU, image loading (firmware + kernel, or `--bios none`), the device tree and boot ROM, and the
// run loop that schedules the harts, advances time, services devices between instruction chunks
// and reports why it stopped.
//
// Harts run round-robin, `quantum` instructions each, in hartid order: the same image, options and
// input give the same interleaving on every run. A hart in WFI with nothing to wake it is passed
// over at no cost. The harts share RAM and the decode cache (decodes depend only on the bytes, and a
// store by any hart drops them); each has its own CSRs, TLB and reservation.
//
// Time: with the default `insns` time source mtime advances by one tick (of the 10 MHz timebase)
// per instruction retired by any hart, so every run is reproducible; when every hart waits in WFI,
// mtime fast-forwards to the next timer deadline instead of spinning. `wall` reads the host clock.

import { Bus } from './bus.js';
import { Ram } from './ram.js';
import { BOOTROM_BASE, BOOTROM_SIZE, BOOTROM_VECTOR_SIZE, bootRomImage } from './bootrom.js';
import { Clint, CLINT_BASE, TIMEBASE_FREQUENCY, type TimeSource } from './clint.js';
import { Plic, type PlicGateway } from './plic.js';
import { Uart16550, UART0_IRQ } from './uart16550.js';
import { Syscon, type PowerEvent } from './syscon.js';
import { Htif } from './htif.js';
import { buildVirtFdt, fdtLoadAddress } from './fdt.js';
import { VirtioBlk } from './virtio/blk.js';
import type { BlockBackend } from './virtio/disk.js';
import { RamDma } from './virtio/dma.js';
import { VirtioMmio, virtioIrq, VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE, type VirtioDevice } from './virtio/mmio.js';
import { VirtioRng } from './virtio/rng.js';
import { Mmu, type MmuOptions } from '../mmu/mmu.js';
import type { SatpModeName } from '../mmu/modes.js';
import { Hart, type HartOptions, type Tier } from '../hart/hart.js';
import { ramWritten } from '../hart/memory.js';
import { warmUp } from './warm-up.js';

export const RAM_BASE = 0x8000_0000;
export const DEFAULT_MEM = 128 * 1024 * 1024;
/** Where a kernel goes when firmware occupies 0x80000000 (QEMU's `-bios FW -kernel IMAGE`). */
export const KERNEL_BASE = 0x8020_0000;
/** The ISA the device tree advertises: exactly what the hart (and the MMU: Svnapot when on) implements. */
// What the hart implements, multi-letter extensions in the canonical order QEMU writes them.
export const VIRT_ISA = 'rv64imafdc_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zba_zbb_zbs_sstc';
const virtIsa = (svnapot: boolean): string => VIRT_ISA + (svnapot ? '_svnapot' : '');

/** A loadable image, already parsed (emulator/ reads no files: bin/ converts an ELF into this). */
export interface BootImage {
  readonly name: string;
  readonly entry: number;
  readonly segments: readonly { readonly paddr: number; readonly data: Uint8Array; readonly memsz: number }[];
  /** Symbol addresses (tohost/fromhost for HTIF). */
  readonly symbols: ReadonlyMap<string, number>;
}

export interface VirtOptions {
  /** RAM size in bytes (default 128 MiB). */
  readonly mem?: number;
  /** RAM's allocation chunk in bytes (default RAM_CHUNK, 1 GiB); tests use small ones to cross chunks cheaply. */
  readonly ramChunk?: number;
  readonly satpModes?: readonly SatpModeName[];
  readonly pmpEntries?: 0 | 16 | 64;
  readonly ad?: MmuOptions['ad'];
  /** Svnapot in the MMU (and `svnapot` in the device tree's ISA string). */
  readonly svnapot?: boolean;
  readonly timeSource?: 'insns' | 'wall';
  /** Harts, 1..MAX_HARTS (QEMU's -smp; default 1). */
  readonly smp?: number;
  /** Instructions each hart runs before the next one's turn (default DEFAULT_QUANTUM). */
  readonly quantum?: number;
  /** The hart's instruction set and CSRs, when not the project's (tests that extend them). */
  readonly hart?: Pick<HartOptions, 'interpreter' | 'csrs'>;
  /** Interpreter only, or translated blocks too (default: the process's, normally `jit`). */
  readonly tier?: Tier;
  /** With `jit`: entries into a block head before it is translated (default: the process's). */
  readonly hot?: number;
  /** UART and HTIF console output. */
  readonly output?: (bytes: Uint8Array) => void;
  readonly bootargs?: string;
  /** The PLIC gateway: 'qemu' (default, QEMU 7.2's behaviour) or 'level' (the specification's). */
  readonly plicGateway?: PlicGateway;
  /** Devices on the virtio-mmio slots, in slot order from 0x10001000 (QEMU's virtio-mmio-bus.0 up). */
  readonly virtio?: readonly VirtioSpec[];
  /** Whether the first machine of the process warms the interpreter up (warm-up.ts); default yes. */
  readonly warmUp?: boolean;
}

/** A device for a virtio-mmio slot: a disk (`--drive`), or the entropy source (seeded: reproducible). */
export type VirtioSpec =
  | { readonly kind: 'blk'; readonly disk: BlockBackend; readonly serial?: string }
  | { readonly kind: 'rng'; readonly seed?: bigint };

/** Why the machine stopped. */
export type MachineStop =
  | { readonly kind: 'exit'; readonly code: number; readonly reason: string }
  | { readonly kind: 'limit'; readonly reason: string }
  | { readonly kind: 'stopped'; readonly reason: string }
  /** WFI with nothing pending: only host input or wall time can wake it (the async caller waits). */
  | { readonly kind: 'idle'; readonly reason: string }
  /** runHart: the hart waits in WFI for an interrupt only another hart (not running) could send. */
  | { readonly kind: 'waiting'; readonly reason: string }
  /** `slice` instructions ran; call run again (lets an async caller service its event loop). */
  | { readonly kind: 'slice'; readonly reason: string }
  /** The debugger's hook stopped hart `hart` before an instruction (breakpoint, watchpoint, caught trap); resumable. */
  | { readonly kind: 'debug'; readonly reason: string; readonly hart: number };

/** The most harts `--smp` allows (QEMU virt allows 512; the CLINT and PLIC here have room for any N). */
export const MAX_HARTS = 8;
/**
 * Instructions a hart runs before the next hart's turn. Smaller interleaves finer (a lock holder
 * waits less for its turn) but leaves the loop more often; xv6 and Linux boot well at this value.
 */
export const DEFAULT_QUANTUM = 1000;

/** Instructions per chunk between device polls. */
const CHUNK = 1 << 15;

function virtioDevice(spec: VirtioSpec): VirtioDevice {
  return spec.kind === 'blk' ? new VirtioBlk(spec.disk, spec.serial) : new VirtioRng(spec.seed);
}

/** The interpreters already warmed up in this process (V8's type feedback is per process). */
const warmedUp = new WeakSet<object>();
/** Instructions a machine runs before the process's interpreter is warmed up (see warmUpOnce). */
const WARM_AFTER = 20_000;

export class Virt {
  readonly ram: Ram;
  readonly bus: Bus;
  /** Hart 0's MMU. */
  readonly mmu: Mmu;
  /** Each hart's MMU, by hartid (`harts[i].mmu`, typed as the MMU it is). */
  readonly mmus: readonly Mmu[];
  /** The harts, by hartid. */
  readonly harts: readonly Hart[];
  /** Hart 0: the boot hart, and the only one without --smp. */
  readonly hart: Hart;
  readonly quantum: number;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly syscon: Syscon;
  /** The eight virtio-mmio slots (empty ones read as QEMU's: device ID 0). */
  readonly virtio: VirtioMmio[];
  htif: Htif | undefined;
  readonly timeSource: 'insns' | 'wall';
  /** Ticks skipped by WFI fast-forward (insns time source). A bigint: a guest can program a deadline
   *  2^63 ticks away, and a float sum would lose the low bits and never reach it. */
  private idleTicks = 0n;
  private readonly wallStart = typeof performance !== 'undefined' ? performance.now() : Date.now();
  private result: MachineStop | undefined;
  /** The scheduler: the hart whose turn it is and what is left of its quantum. */
  private turn = 0;
  /** The hart inside Hart.run now (a device's yield goes to it), else the next to run. */
  private running: Hart | undefined;
  private quantumLeft: number;
  /** The warm-up is still to run (options.warmUp, and no machine of this process has run it). */
  private warmPending: boolean;
  /** Whether host input may still arrive (stdin open): a WFI with no timer then waits instead of stopping. */
  inputOpen = false;
  /** Where the DTB was put. */
  dtbAddr = 0;
  /** What boot() put in RAM, for the pictures of physical memory: each image's extent and the DTB. */
  readonly loaded: { readonly name: string; readonly base: number; readonly size: number }[] = [];
  readonly output: (bytes: Uint8Array) => void;

  constructor(readonly options: VirtOptions = {}) {
    const mem = options.mem ?? DEFAULT_MEM;
    this.output = options.output ?? (() => {});
    this.timeSource = options.timeSource ?? 'insns';
    this.ram = new Ram(RAM_BASE, mem, options.ramChunk);
    this.bus = new Bus(this.ram, BOOTROM_BASE, BOOTROM_SIZE);
    const smp = options.smp ?? 1;
    if (!Number.isInteger(smp) || smp < 1 || smp > MAX_HARTS) throw new RangeError(`${smp} harts: the virt board here has 1 to ${MAX_HARTS}`);
    this.quantum = options.quantum ?? DEFAULT_QUANTUM;
    if (!Number.isInteger(this.quantum) || this.quantum < 1) throw new RangeError(`quantum ${this.quantum}: it is a number of instructions, at least 1`);
    this.quantumLeft = this.quantum;
    const time: TimeSource = this.timeSource === 'insns'
      ? { read: () => BigInt(this.retired) + this.idleTicks }
      : { read: () => BigInt(Math.floor((performance.now() - this.wallStart) * (TIMEBASE_FREQUENCY / 1000))) };
    // The harts are created before the CLINT (whose sinks they are), so their clock reads through `this`.
    const clock = { mtime: () => this.clint.mtime() };
    const harts: Hart[] = [], mmus: Mmu[] = [];
    for (let id = 0; id < smp; id++) {
      const mmu = new Mmu(this.bus, {
        modes: options.satpModes ? [...options.satpModes] : undefined,
        pmpEntries: options.pmpEntries,
        ad: options.ad,
        svnapot: options.svnapot,
      });
      mmus.push(mmu);
      harts.push(new Hart({ ...options.hart, bus: this.bus, mmu, clock, hartid: id, code: harts[0]?.code, tier: options.tier, hot: options.hot }));
    }
    for (const h of harts) h.peers = harts;
    this.harts = harts;
    this.hart = harts[0]!;
    this.mmus = mmus;
    this.mmu = mmus[0]!;
    const sinks = harts.map((h) => h.irqSink);
    this.clint = new Clint(sinks, time, CLINT_BASE, () => this.active.requestYield());
    this.plic = new Plic(sinks, options.plicGateway);
    this.uart = new Uart16550((b) => this.output(Uint8Array.of(b)), (level) => this.plic.setSource(UART0_IRQ, level));
    this.syscon = new Syscon((e) => this.power(e));
    const specs = options.virtio ?? [];
    if (specs.length > VIRTIO_MMIO_SLOTS) throw new RangeError(`${specs.length} virtio devices: the virt board has ${VIRTIO_MMIO_SLOTS} virtio-mmio slots`);
    const hart0 = this.hart;
    for (const mmu of mmus) mmu.onRamWrite = (pa, size) => ramWritten(hart0, pa, size);
    const dma = new RamDma(this.ram, (n) => ramWritten(hart0, this.ram.base + n * 4096, 4096));
    this.virtio = Array.from({ length: VIRTIO_MMIO_SLOTS }, (_, i) => new VirtioMmio(VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE, i,
      specs[i] && virtioDevice(specs[i]!), dma, (level) => this.plic.setSource(virtioIrq(i), level)));
    for (const d of [this.clint, this.plic, this.uart, this.syscon, ...this.virtio]) this.bus.attach(d);
    this.warmPending = options.warmUp !== false && !warmedUp.has(this.hart.loop);
  }

  /**
   * The interpreter's warm-up (warm-up.ts), once per process, at the first run chunk after this
   * machine has run WARM_AFTER instructions (the chunks are not changed for it): a short run (a CLI start-up, most tests) never pays its 15 ms; a long one gets the
   * complete type feedback before V8 re-optimizes the loop after its first deoptimizations.
   */
  private warmUpOnce(): void {
    this.warmPending = false;
    if (warmedUp.has(this.hart.loop)) return;
    warmedUp.add(this.hart.loop);
    // The tiered loop twice: first interpreting (nothing hot yet), then with every block head
    // translated at its first entry, so both its own cases and its paths into and out of regions
    // get their type feedback (a Linux boot deoptimized it twice when only the second ran).
    const hots = this.hart.tier === 'jit' ? [Number.POSITIVE_INFINITY, 1] : [undefined];
    for (const hot of hots) {
      const chunk = 64 * 1024;
      const w = new Virt({ mem: 4 * chunk, ramChunk: chunk, warmUp: false, hart: this.options.hart, tier: this.hart.tier, hot });
      warmUp({
        base: RAM_BASE,
        write: (pa, bytes) => w.ram.load(pa, bytes),
        start: (pc) => { w.hart.pc = pc; },
        run: (n) => { w.run(w.hart.retired + n); },
        fastCache: (on) => { w.mmu.fastFill = on; w.mmu.refreshPma(); },
        watch: (pa) => { w.hart.code.watch(pa); w.hart.onWatchedStore = () => {}; },
      }, w.hart.interpreter.table, RAM_BASE + 2 * chunk + 0x100);
    }
  }

  private power(e: PowerEvent): void {
    if (e.kind === 'reset') this.finish({ kind: 'exit', code: 0, reason: 'guest requested reset (syscon 0x7777)' });
    else if (e.kind === 'pass') this.finish({ kind: 'exit', code: 0, reason: 'syscon poweroff (pass)' });
    else this.finish({ kind: 'exit', code: e.code, reason: `syscon fail, code ${e.code}` });
  }

  private finish(stop: MachineStop): void {
    if (this.result === undefined) this.result = stop;
    for (const h of this.harts) h.requestStop(stop.reason);
  }

  /** Instructions retired by all harts (what mtime, --max-insns and slices count). */
  get retired(): number {
    const hs = this.harts;
    if (hs.length === 1) return hs[0]!.retired;
    let n = 0;
    for (const h of hs) n += h.retired;
    return n;
  }

  /** The hart running now (inside a run), else the one the scheduler runs next. */
  get active(): Hart {
    return this.running ?? this.current;
  }

  /**
   * Every hart waits in WFI with nothing pending: time jumps to the next timer deadline, as the
   * scheduler would do before running anything (a caller that names `current` before a one-
   * instruction run, as --trace does, calls this first so that it names the hart that will run).
   */
  settle(): void {
    if (this.harts.length > 1 && this.nextRunnable() < 0 && this.timeSource === 'insns') {
      const d = this.nextDeadline();
      if (d !== undefined) { this.idleTicks += d - this.timeNow(); this.service(); }
    }
  }

  /** The hart the scheduler runs next: the one whose turn it is, or the next after it with something to do. */
  get current(): Hart {
    return this.harts[Math.max(0, this.nextRunnable())]!;
  }

  /** The hartid of the next hart with something to do from the current turn on, or -1 if every hart waits in WFI. */
  private nextRunnable(): number {
    const harts = this.harts, smp = harts.length;
    for (let k = 0, id = this.turn; k < smp; k++, id = (id + 1) % smp) if (Virt.runnable(harts[id]!)) return id;
    return -1;
  }

  /**
   * Loads the images and sets up reset: firmware at its addresses and the kernel (`-bios FW -kernel
   * IMAGE`), or the kernel alone started in M-mode from the boot ROM (`-bios none`). Segments load as
   * QEMU loads them (loadSegments). An initrd goes where QEMU 7.2 puts it (riscv_load_initrd: the
   * kernel's start plus half the RAM, at most 128 MiB), named in /chosen. Throws a RangeError naming
   * what cannot load.
   */
  boot(kernel: BootImage | undefined, firmware?: BootImage, initrd?: Uint8Array): void {
    if (kernel && firmware) {
      for (const k of kernel.segments) {
        const f = firmware.segments.find((s) => k.memsz > 0 && s.memsz > 0 && k.paddr < s.paddr + s.memsz && s.paddr < k.paddr + k.memsz);
        if (f) {
          throw new RangeError(`${kernel.name}: segment at 0x${k.paddr.toString(16)} overlaps the firmware ${firmware.name} ` +
            `at 0x${f.paddr.toString(16)}..0x${(f.paddr + f.memsz).toString(16)} (an image linked for 0x80000000 boots with --bios none: ` +
            `rvhart boot --bios none ${kernel.name})`);
        }
      }
    }
    for (const img of [firmware, kernel]) if (img) this.loadSegments(img);
    let initrdImage: BootImage | undefined;
    if (initrd) {
      const kernelStart = kernel ? Math.min(...kernel.segments.map((g) => g.paddr)) : RAM_BASE;
      const start = kernelStart + Math.min(this.ram.size / 2, 128 << 20);
      if (!this.ram.contains(start, initrd.length)) {
        throw new RangeError(`the initrd (${initrd.length} bytes) does not fit in RAM at 0x${start.toString(16)}, where QEMU puts it (use a larger --mem)`);
      }
      this.ram.load(start, initrd);
      initrdImage = { name: 'initrd', entry: start, segments: [{ paddr: start, data: initrd, memsz: initrd.length }], symbols: new Map() };
    }
    const modes = this.mmu.options.modes;
    const fdt = buildVirtFdt({
      memBase: RAM_BASE, memSize: this.ram.size, isa: virtIsa(this.mmu.svnapot),
      mmuType: modes.includes('sv57') ? 'riscv,sv57' : modes.includes('sv48') ? 'riscv,sv48' : 'riscv,sv39',
      timebaseFrequency: TIMEBASE_FREQUENCY, bootargs: this.options.bootargs, harts: this.harts.length,
      initrd: initrdImage && { start: initrdImage.entry, end: initrdImage.entry + initrd!.length },
    });
    this.dtbAddr = this.placeFdt(fdt.length, [firmware, kernel, initrdImage]);
    this.ram.load(this.dtbAddr, fdt);
    for (const img of [firmware, kernel, initrdImage]) {
      const segs = img?.segments.filter((g) => g.memsz > 0) ?? [];
      if (!img || segs.length === 0) continue;
      const lo = Math.min(...segs.map((g) => g.paddr)), hi = Math.max(...segs.map((g) => g.paddr + g.memsz));
      this.loaded.push({ name: img.name, base: lo, size: hi - lo });
    }
    this.loaded.push({ name: 'device tree', base: this.dtbAddr, size: fdt.length });
    const entry = firmware ? firmware.entry : kernel ? kernel.entry : RAM_BASE;
    this.bus.rom.load(BOOTROM_BASE, bootRomImage({ entry, dtbAddr: this.dtbAddr, nextAddr: nextAddr(kernel, firmware) }));
    const syms = (firmware ?? kernel)?.symbols;
    const tohost = syms?.get('tohost') ?? kernel?.symbols.get('tohost');
    if (tohost !== undefined) {
      const fromhost = syms?.get('fromhost') ?? kernel?.symbols.get('fromhost');
      this.htif = new Htif(this.bus, tohost, fromhost, this.output,
        (code) => this.finish({ kind: 'exit', code, reason: `HTIF exit, code ${code}` }),
        (msg) => this.finish({ kind: 'stopped', reason: `HTIF: ${msg}` }));
      const htif = this.htif;
      this.hart.code.watch(tohost);
      for (const h of this.harts) h.onWatchedStore = (pa, size) => htif.noteStore(pa, size);
    }
    // Every hart starts at the reset vector, as on QEMU: firmware picks its boot hart by mhartid.
    for (const h of this.harts) h.pc = BOOTROM_BASE;
  }

  /**
   * Copies each segment's bytes that fall in RAM or the boot ROM, and zeroes its memsz - filesz tail
   * there, as QEMU 7.2 does: load_elf registers every PT_LOAD segment as a ROM blob and rom_reset
   * writes it with address_space_write_rom, which writes RAM and ROM and skips whatever else the
   * range covers. So the ELF and program headers GNU ld puts in the first segment, below
   * `-Ttext=0x80000000` (at 0x7ffff000, QEMU's PCIe window), are dropped. Departures: a segment with
   * no byte in RAM or ROM is refused here (QEMU loads nothing of it and starts the guest on zeros),
   * and so is one over the reset vector (QEMU: "rom: requested regions overlap").
   */
  private loadSegments(img: BootImage): void {
    const vectorEnd = BOOTROM_BASE + BOOTROM_VECTOR_SIZE;
    for (const s of img.segments) {
      if (s.memsz === 0) continue;
      const end = s.paddr + s.memsz, where = `${img.name}: segment at 0x${s.paddr.toString(16)} (0x${s.memsz.toString(16)} bytes)`;
      if (s.paddr < vectorEnd && end > BOOTROM_BASE) {
        throw new RangeError(`${where} overlaps the boot ROM's reset vector at 0x${BOOTROM_BASE.toString(16)}..0x${vectorEnd.toString(16)}`);
      }
      let loaded = 0;
      for (const mem of [this.ram, this.bus.rom]) {
        const lo = Math.max(s.paddr, mem.base), hi = Math.min(end, mem.end);
        if (lo >= hi) continue;
        loaded += hi - lo;
        mem.fill(lo - mem.base, hi - lo);
        const fileEnd = Math.min(hi, s.paddr + s.data.length);
        if (fileEnd > lo) mem.load(lo, s.data.subarray(lo - s.paddr, fileEnd - s.paddr));
      }
      if (loaded === 0) {
        throw new RangeError(`${where} is outside RAM 0x${RAM_BASE.toString(16)}..0x${this.ram.end.toString(16)} and the boot ROM: ` +
          'nothing of it would load (link it for RAM at 0x80000000, as rvhart build does without -T)');
      }
    }
  }

  /**
   * Where the DTB goes: QEMU's address (the top of RAM below 3 GiB, 2 MiB-aligned), or, when that
   * would overwrite a loaded segment (a small --mem), the highest 4 KiB-aligned address in RAM that
   * overwrites nothing. Throws a RangeError when RAM has no room for it.
   */
  private placeFdt(size: number, images: readonly (BootImage | undefined)[]): number {
    const segs = images.flatMap((img) => img?.segments ?? []).filter((s) => s.memsz > 0);
    const overlaps = (a: number) => segs.find((s) => a < s.paddr + s.memsz && a + size > s.paddr);
    const qemu = fdtLoadAddress(RAM_BASE, this.ram.size, size);
    if (qemu >= RAM_BASE && overlaps(qemu) === undefined) return qemu;
    let addr = Math.floor((this.ram.end - size) / 4096) * 4096;
    for (;;) {
      if (addr < RAM_BASE) {
        throw new RangeError(`no room in ${this.ram.size} bytes of RAM for the image and the ${size}-byte device tree (use a larger --mem)`);
      }
      const hit = overlaps(addr);
      if (hit === undefined) return addr;
      addr = Math.floor((hit.paddr - size) / 4096) * 4096;
    }
  }

  /** Host input to the UART (and HTIF console). */
  input(bytes: Uint8Array): void {
    this.uart.pushInput(bytes);
    this.htif?.pushInput(bytes);
    this.active.requestYield();
  }

  /** The stop, once there is one. */
  get stopped(): MachineStop | undefined {
    return this.result;
  }

  /** The time-source reading at which the next timer fires (CLINT or any hart's Sstc), if any. */
  private nextDeadline(only = -1): bigint | undefined {
    let d = this.clint.nextDeadline(only);
    let now: bigint | undefined;
    for (const h of only >= 0 ? [this.harts[only]!] : this.harts) {
      if (!h.sstcEnabled()) continue;
      now ??= this.clint.mtime();
      if (h.stimecmp > now) {
        const t = this.timeNow() + (h.stimecmp - now);
        if (d === undefined || t < d) d = t;
      }
    }
    return d;
  }

  private timeNow(): bigint {
    return this.timeSource === 'insns' ? BigInt(this.retired) + this.idleTicks
      : BigInt(Math.floor((performance.now() - this.wallStart) * (TIMEBASE_FREQUENCY / 1000)));
  }

  /** Devices' view of time catches up: MTIP, Sstc's STIP, HTIF. */
  private service(): void {
    this.clint.update();
    const mtime = this.clint.mtime();
    for (const h of this.harts) h.updateStimecmp(mtime);
    this.htif?.poll();
  }

  /** Whether hart h has something to do. */
  private static runnable(h: Hart): boolean {
    return h.runnable();
  }

  /**
   * Runs until the guest stops, `maxInsns` instructions have retired in total (all harts), or every
   * hart idles waiting for input. Synchronous; an async caller (the CLI) calls it again after input
   * arrives, and the round-robin goes on where it left off.
   */
  run(maxInsns = Number.POSITIVE_INFINITY, chunk = CHUNK, slice = Number.POSITIVE_INFINITY): MachineStop {
    return this.schedule(maxInsns, chunk, slice, -1);
  }

  /**
   * Runs hart `i` alone for up to n instructions (the debugger's step of one hart), devices serviced
   * and time advancing, leaving the round-robin where it was. Undefined when the n instructions ran;
   * kind 'waiting' when the hart waits in WFI for what only another hart could send.
   */
  runHart(i: number, n: number): MachineStop | undefined {
    if (!this.harts[i]) throw new RangeError(`no hart ${i}: the machine has ${this.harts.length}`);
    const s = this.schedule(this.retired + n, CHUNK, Number.POSITIVE_INFINITY, i);
    return s.kind === 'limit' ? undefined : s;
  }

  /** The scheduler: `only` ≥ 0 runs that hart alone. */
  private schedule(maxInsns: number, chunk: number, slice: number, only: number): MachineStop {
    const harts = this.harts, smp = harts.length;
    const sliceEnd = this.retired + slice;
    for (;;) {
      const total = this.retired;
      if (total >= sliceEnd && !this.result && total < maxInsns && harts.every((x) => x.stopReason === undefined)) {
        return { kind: 'slice', reason: 'slice done' };
      }
      if (this.result) return this.result;
      const halted = harts.find((x) => x.stopReason !== undefined);
      if (halted) return (this.result = { kind: 'stopped', reason: halted.stopReason! });
      const left = maxInsns - total;
      if (left <= 0) return { kind: 'limit', reason: `instruction limit reached (${maxInsns})` };
      // Whose turn: the next hart with something to do (with one hart, always hart 0).
      let id = only >= 0 ? only : this.turn;
      if (smp > 1 && only < 0) {
        id = this.nextRunnable();
        if (id < 0) {
          const idle = this.idle();
          if (idle) return idle;
          continue;
        }
        if (id !== this.turn) { this.turn = id; this.quantumLeft = this.quantum; }
      }
      const h = harts[id]!;
      let n = Math.min(chunk, left, sliceEnd - total);
      if (smp > 1 && only < 0) n = Math.min(n, this.quantumLeft);
      if (this.timeSource === 'insns') {
        const d = this.nextDeadline();
        if (d !== undefined) n = Math.max(1, Math.min(n, Number(d - this.timeNow())));
      }
      if (this.warmPending && total >= WARM_AFTER) this.warmUpOnce();
      const before = h.retired;
      this.running = h;
      let why;
      try { why = h.run(n); } finally { this.running = undefined; }
      this.service();
      if (smp > 1 && only < 0) {
        this.quantumLeft -= h.retired - before;
        if (this.quantumLeft <= 0 || why?.kind === 'wfi') this.nextTurn();
      }
      if (why?.kind === 'debug') return { kind: 'debug', reason: why.reason, hart: id };
      if (why?.kind !== 'wfi') continue;
      if (h.wakeable()) { h.waiting = false; continue; }
      if (smp > 1 && only < 0) continue; // the others' turn; all waiting is handled above
      const idle = this.idle(smp > 1 && only >= 0 ? only : -1);
      if (idle) return idle;
    }
  }

  /** The next hart's turn, with a whole quantum. */
  private nextTurn(): void {
    this.turn = (this.turn + 1) % this.harts.length;
    this.quantumLeft = this.quantum;
  }

  /**
   * Every hart that may run waits in WFI with nothing pending: time jumps to the next timer deadline
   * (insns), or the caller waits for the host (wall time, input), or nothing can ever wake them.
   */
  private idle(alone = -1): MachineStop | undefined {
    // Hart `alone` runs by itself (runHart): only its own deadlines can wake it, and if it has none,
    // the harts not running may still send the interrupt (the machine is not over).
    const d = this.nextDeadline(alone);
    if (this.timeSource === 'insns' && d !== undefined) {
      this.idleTicks += d - this.timeNow();
      this.service();
      return undefined;
    }
    if (this.timeSource === 'wall' && d !== undefined) return { kind: 'idle', reason: 'wfi: waiting for the timer' };
    if (alone >= 0) return { kind: 'waiting', reason: 'wfi: the hart waits for an interrupt only another hart could send' };
    if (this.inputOpen) return { kind: 'idle', reason: 'wfi: waiting for input' };
    const where = this.harts.map((h) => `0x${h.pcBig().toString(16)}`).join(', ');
    return (this.result = {
      kind: 'stopped',
      reason: this.harts.length === 1 ? `wfi at pc 0x${this.hart.pcBig().toString(16)} with no interrupt that could ever wake it`
        : `every hart in wfi (pcs ${where}) with no interrupt that could ever wake them`,
    });
  }
}

/**
 * fw_dynamic_info.next_addr. QEMU 7.2 writes what riscv_load_kernel returns: the kernel's lowest
 * load address (0x80000000 for an image linked there; 0x7ffff000 for gcc's -Ttext=0x80000000 image,
 * whose first segment holds the ELF headers), with or without firmware, and 0 without a kernel.
 * With --bios none we write the same. With firmware we write the kernel's entry: firmware jumps to
 * next_addr, and the entry is where a kernel starts (the same address for the bundled kernel).
 */
function nextAddr(kernel: BootImage | undefined, firmware: BootImage | undefined): number {
  if (!kernel) return 0;
  if (firmware) return kernel.entry;
  return kernel.segments.reduce((low, s) => Math.min(low, s.paddr), Number.POSITIVE_INFINITY);
}
