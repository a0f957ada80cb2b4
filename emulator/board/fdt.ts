// The device tree blob (DTB, format version 17) that describes this board to firmware and kernels, and
// the small flattened-tree writer that produces it. The nodes, compatible strings and phandles follow
// QEMU's virt machine (hw/riscv/virt.c) for every device we model, so OpenSBI's generic platform and
// Linux find the same UART, CLINT, PLIC and test finisher at the same places.

import { CLINT_BASE, CLINT_SIZE } from './clint.js';
import { PLIC_BASE, PLIC_NUM_SOURCES, PLIC_SIZE } from './plic.js';
import { SYSCON_BASE, SYSCON_SIZE, FINISHER_PASS, FINISHER_RESET } from './syscon.js';
import { UART0_BASE, UART0_IRQ, UART0_SIZE, UART_CLOCK_FREQUENCY } from './uart16550.js';
import { virtioIrq, VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE } from './virtio/mmio.js';
import { IRQ } from '../isa/trap.js';

// ---- the flattened tree format (Devicetree Specification v0.4, chapter 5) ----------------------------

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_END = 9;
const FDT_VERSION = 17, FDT_LAST_COMP_VERSION = 16;
const HEADER_SIZE = 40;

export interface FdtNode {
  readonly name: string;
  readonly props: ReadonlyArray<readonly [string, Uint8Array]>;
  readonly children: readonly FdtNode[];
}

/** Property value encoders. */
export const prop = {
  empty: (): Uint8Array => new Uint8Array(0),
  u32: (...cells: number[]): Uint8Array => {
    const b = new Uint8Array(cells.length * 4), v = new DataView(b.buffer);
    cells.forEach((c, k) => v.setUint32(k * 4, c >>> 0));
    return b;
  },
  /** #address-cells = #size-cells = 2: each number as two cells, high first. */
  u64: (...values: number[]): Uint8Array => prop.u32(...values.flatMap((x) => [Math.floor(x / 2 ** 32), x % 2 ** 32])),
  str: (...strings: string[]): Uint8Array => new TextEncoder().encode(strings.map((s) => s + '\0').join('')),
};

export function node(name: string, props: Record<string, Uint8Array>, children: FdtNode[] = []): FdtNode {
  return { name, props: Object.entries(props), children };
}

/** Serialises a tree into a DTB of at least `totalSize` bytes (the slack lets firmware add nodes in place). */
export function writeFdt(root: FdtNode, totalSize = 0): Uint8Array {
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      stringOffsets.set(name, off);
      for (const b of new TextEncoder().encode(name)) strings.push(b);
      strings.push(0);
    }
    return off;
  };

  const struct: number[] = [];
  const u32 = (x: number) => struct.push((x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
  const bytes = (b: Uint8Array) => {
    for (const x of b) struct.push(x);
    while (struct.length % 4) struct.push(0);
  };
  const emit = (n: FdtNode) => {
    u32(FDT_BEGIN_NODE);
    bytes(new TextEncoder().encode(n.name + '\0'));
    for (const [name, value] of n.props) {
      u32(FDT_PROP);
      u32(value.length);
      u32(nameOffset(name));
      bytes(value);
    }
    n.children.forEach(emit);
    u32(FDT_END_NODE);
  };
  emit(root);
  u32(FDT_END);

  const offMemRsvmap = HEADER_SIZE;           // 8-byte aligned; holds only the terminating (0, 0) entry
  const offStruct = offMemRsvmap + 16;
  const offStrings = offStruct + struct.length;
  const used = offStrings + strings.length;
  const size = Math.max(used, totalSize);
  const blob = new Uint8Array(size);
  const v = new DataView(blob.buffer);
  [FDT_MAGIC, size, offStruct, offStrings, offMemRsvmap, FDT_VERSION, FDT_LAST_COMP_VERSION,
    0 /* boot_cpuid_phys */, strings.length, struct.length].forEach((x, k) => v.setUint32(k * 4, x));
  blob.set(struct, offStruct);
  blob.set(strings, offStrings);
  return blob;
}

// ---- the virt board -------------------------------------------------------------------------------

export interface VirtFdtConfig {
  readonly memBase: number;
  readonly memSize: number;
  /** riscv,isa, e.g. 'rv64imac_zicsr_zifencei_sstc'; riscv,isa-base/-extensions are derived from it. */
  readonly isa: string;
  readonly mmuType: 'riscv,sv39' | 'riscv,sv48' | 'riscv,sv57';
  readonly timebaseFrequency: number;
  /** Harts: cpu@0..cpu@N-1 (default 1). */
  readonly harts?: number;
  /** /chosen/bootargs (the kernel command line), if any. */
  readonly bootargs?: string;
  /** /chosen linux,initrd-start/-end, if an initrd is loaded. */
  readonly initrd?: { readonly start: number; readonly end: number };
  /** Seeds /chosen/rng-seed (default 0): the same seed, the same bytes. */
  readonly rngSeed?: number;
  /** The root `model` (OpenSBI prints it as the platform name). */
  readonly model?: string;
  /** Pad the blob to this many bytes; QEMU's blob is 1 MiB, mostly free space firmware may grow into. */
  readonly totalSize?: number;
}

/**
 * Phandles, numbered as QEMU virt numbers them (create_fdt_socket_cpus walks the harts from the last
 * down): cpu N-1 gets 1 and its interrupt controller 2, ..., cpu 0 gets 2N-1 and 2N; then the PLIC
 * and the test device.
 */
const phandles = (harts: number) => ({
  cpu: (i: number) => 2 * (harts - 1 - i) + 1,
  intc: (i: number) => 2 * (harts - 1 - i) + 2,
  plic: 2 * harts + 1,
  test: 2 * harts + 2,
});

/** Default slack: room for OpenSBI's fixups (reserved-memory, PMP regions) without relocating the blob. */
export const FDT_DEFAULT_SIZE = 0x1_0000;

const hex = (x: number) => x.toString(16);

/** 'rv64imac_zicsr_zifencei' → base 'rv64i', extensions ['i', 'm', 'a', 'c', 'zicsr', 'zifencei']. */
export function splitIsa(isa: string): { base: string; extensions: string[] } {
  const m = /^(rv(?:32|64))([a-z]+)((?:_[a-z0-9]+)*)$/.exec(isa.toLowerCase());
  if (!m || !/^[ie]/.test(m[2])) throw new Error(`fdt: '${isa}' is not an ISA string like rv64imac_zicsr_zifencei`);
  return { base: m[1] + m[2][0], extensions: [...m[2], ...m[3].split('_').filter((s) => s)] };
}

/** 32 bytes from a 32-bit seed (xorshift32): /chosen/rng-seed, reproducible. */
function rngSeed(seed: number): Uint8Array {
  const out = new Uint8Array(32), v = new DataView(out.buffer);
  let x = (seed ^ 0x7276_6861) >>> 0 || 1;
  for (let i = 0; i < 8; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    v.setUint32(i * 4, x);
  }
  return out;
}

export function buildVirtFdt(cfg: VirtFdtConfig): Uint8Array {
  const { base, extensions } = splitIsa(cfg.isa);
  // rng-seed: 32 bytes as QEMU 7.2 gives, but derived from a fixed seed, so every boot is the same.
  const chosen: Record<string, Uint8Array> = { 'rng-seed': rngSeed(cfg.rngSeed ?? 0), 'stdout-path': prop.str(`/soc/serial@${hex(UART0_BASE)}`) };
  if (cfg.bootargs !== undefined) chosen.bootargs = prop.str(cfg.bootargs);
  if (cfg.initrd) {
    chosen['linux,initrd-start'] = prop.u64(cfg.initrd.start);
    chosen['linux,initrd-end'] = prop.u64(cfg.initrd.end);
  }

  const harts = cfg.harts ?? 1;
  const PHANDLE = phandles(harts);
  const cpus = Array.from({ length: harts }, (_, i) => node(`cpu@${i}`, {
    'device_type': prop.str('cpu'),
    reg: prop.u32(i),
    status: prop.str('okay'),
    compatible: prop.str('riscv'),
    'riscv,isa': prop.str(cfg.isa.toLowerCase()),
    'riscv,isa-base': prop.str(base),
    'riscv,isa-extensions': prop.str(...extensions),
    'mmu-type': prop.str(cfg.mmuType),
    // The cache-block size of Zicbom/Zicboz, as QEMU gives it (hart/cbo.ts's CBO_BLOCK).
    ...(extensions.includes('zicbom') ? { 'riscv,cbom-block-size': prop.u32(64) } : {}),
    ...(extensions.includes('zicboz') ? { 'riscv,cboz-block-size': prop.u32(64) } : {}),
    phandle: prop.u32(PHANDLE.cpu(i)),
  }, [
    node('interrupt-controller', {
      '#address-cells': prop.u32(0), // not in QEMU 7.2's tree; dtc warns without it, Linux's own trees have it
      '#interrupt-cells': prop.u32(1),
      'interrupt-controller': prop.empty(),
      compatible: prop.str('riscv,cpu-intc'),
      phandle: prop.u32(PHANDLE.intc(i)),
    }),
  ]));
  /** Each hart's interrupt controller with the given cause, in hart order (the PLIC's and CLINT's outputs). */
  const perHart = (...irqs: number[]) => prop.u32(...cpus.flatMap((_, i) => irqs.flatMap((irq) => [PHANDLE.intc(i), irq])));

  const soc = node('soc', {
    '#address-cells': prop.u32(2),
    '#size-cells': prop.u32(2),
    compatible: prop.str('simple-bus'),
    ranges: prop.empty(),
  }, [
    node(`serial@${hex(UART0_BASE)}`, {
      compatible: prop.str('ns16550a'),
      reg: prop.u64(UART0_BASE, UART0_SIZE),
      'clock-frequency': prop.u32(UART_CLOCK_FREQUENCY),
      'interrupt-parent': prop.u32(PHANDLE.plic),
      interrupts: prop.u32(UART0_IRQ),
    }),
    node(`test@${hex(SYSCON_BASE)}`, {
      compatible: prop.str('sifive,test1', 'sifive,test0', 'syscon'),
      reg: prop.u64(SYSCON_BASE, SYSCON_SIZE),
      phandle: prop.u32(PHANDLE.test),
    }),
    // Every virtio-mmio slot, empty or not, highest first as QEMU lists them (hw/riscv/virt.c creates
    // the nodes in reverse so that Linux probes them from 0x10001000 up).
    ...Array.from({ length: VIRTIO_MMIO_SLOTS }, (_, k) => VIRTIO_MMIO_SLOTS - 1 - k).map((i) => node(`virtio_mmio@${hex(VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE)}`, {
      interrupts: prop.u32(virtioIrq(i)),
      'interrupt-parent': prop.u32(PHANDLE.plic),
      reg: prop.u64(VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE, VIRTIO_MMIO_STRIDE),
      compatible: prop.str('virtio,mmio'),
    })),
    node(`plic@${hex(PLIC_BASE)}`, {
      '#interrupt-cells': prop.u32(1),
      '#address-cells': prop.u32(0),
      compatible: prop.str('sifive,plic-1.0.0', 'riscv,plic0'),
      'interrupt-controller': prop.empty(),
      'interrupts-extended': perHart(IRQ.MEI, IRQ.SEI),
      reg: prop.u64(PLIC_BASE, PLIC_SIZE),
      // QEMU 7.2 says 96 (its source count including source 0); kernels read it as the highest
      // source, and reads and writes of source 96's registers are harmless here.
      'riscv,ndev': prop.u32(PLIC_NUM_SOURCES + 1),
      phandle: prop.u32(PHANDLE.plic),
    }),
    node(`clint@${hex(CLINT_BASE)}`, {
      compatible: prop.str('sifive,clint0', 'riscv,clint0'),
      reg: prop.u64(CLINT_BASE, CLINT_SIZE),
      'interrupts-extended': perHart(IRQ.MSI, IRQ.MTI),
    }),
  ]);

  const root = node('', {
    '#address-cells': prop.u32(2),
    '#size-cells': prop.u32(2),
    compatible: prop.str('riscv-virtio'),
    model: prop.str(cfg.model ?? 'riscv-virtio,rvhart'),
  }, [
    node('chosen', chosen),
    node('poweroff', {
      compatible: prop.str('syscon-poweroff'),
      regmap: prop.u32(PHANDLE.test),
      offset: prop.u32(0),
      value: prop.u32(FINISHER_PASS),
    }),
    node('reboot', {
      compatible: prop.str('syscon-reboot'),
      regmap: prop.u32(PHANDLE.test),
      offset: prop.u32(0),
      value: prop.u32(FINISHER_RESET),
    }),
    node(`memory@${hex(cfg.memBase)}`, {
      'device_type': prop.str('memory'),
      reg: prop.u64(cfg.memBase, cfg.memSize),
    }),
    node('cpus', {
      '#address-cells': prop.u32(1),
      '#size-cells': prop.u32(0),
      'timebase-frequency': prop.u32(cfg.timebaseFrequency),
    }, [
      ...cpus,
      node('cpu-map', {}, [node('cluster0', {}, cpus.map((_, i) => node(`core${i}`, { cpu: prop.u32(PHANDLE.cpu(i)) })))]),
    ]),
    soc,
  ]);
  return writeFdt(root, cfg.totalSize ?? FDT_DEFAULT_SIZE);
}

/**
 * Where QEMU puts the DTB (hw/riscv/boot.c riscv_load_fdt): 2 MiB-aligned, just below the end of RAM or
 * 3 GiB, whichever is lower, so a kernel or initrd loaded low does not overwrite it.
 */
export function fdtLoadAddress(memBase: number, memSize: number, fdtSize: number): number {
  const MiB = 0x10_0000, limit = 3072 * MiB;
  const end = memBase + memSize;
  const top = memBase < limit ? Math.min(end, limit) : end;
  return Math.floor((top - fdtSize) / (2 * MiB)) * (2 * MiB);
}
