// Platform-Level Interrupt Controller, with QEMU virt's register layout (hw/intc/sifive_plic.c) and the
// RISC-V PLIC specification's semantics. Two contexts per hart, as QEMU virt numbers them:
//   context 2·hart = that hart's M-mode → mip.MEIP (irq 11), context 2·hart+1 = its S-mode → mip.SEIP (irq 9).
//   0x000000 + 4*src          priority of source src (0..7; source 0 does not exist and reads 0)
//   0x001000 + 4*word         pending bits, read-only
//   0x002000 + 0x80*ctx + 4*w enable bits of context ctx
//   0x200000 + 0x1000*ctx     priority threshold of ctx; +4 claim (read) / complete (write)
// The gateway, two ways (PlicGateway):
//   'qemu' (the default): as QEMU 7.2's sifive_plic.c — each time a device drives its line, pending
//     becomes that level; claim clears it; completion only ends the claim. A line left high is pending
//     again only when the device drives it again. Images written for QEMU rely on this: xv6 enables
//     the UART's transmit-empty interrupt and never clears it.
//   'level': the PLIC specification's level-triggered reading — the gateway forwards a request while
//     the line is high and none is in flight; completion re-arms it, so a line still high after
//     completion is pending again at once.

import type { AccessSize, Device, InterruptSink } from './device.js';
import { IRQ } from '../isa/trap.js';

export const PLIC_BASE = 0x0c00_0000;
export const PLIC_SIZE = 0x60_0000;
/**
 * Sources 1..95, as QEMU virt's PLIC has (VIRT_IRQCHIP_NUM_SOURCES = 96 including source 0), so an
 * image written for QEMU never touches a register we lack. The device tree says riscv,ndev = 96, as QEMU.
 */
export const PLIC_NUM_SOURCES = 95;
/** Priorities and thresholds are 3 bits wide (QEMU virt: VIRT_IRQCHIP_NUM_PRIO_BITS = 3). */
export const PLIC_MAX_PRIORITY = 7;

export type PlicGateway = 'qemu' | 'level';

const PRIORITY_BASE = 0x0;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;

/** The interrupt context ctx drives on its hart (ctx >> 1): M-mode contexts are even. */
const contextIrq = (ctx: number): number => (ctx & 1) === 0 ? IRQ.MEI : IRQ.SEI;

export class Plic implements Device {
  readonly name = 'plic';
  readonly size = PLIC_SIZE;
  readonly accessSizes: readonly AccessSize[] = [4];

  readonly numSources: number;
  private readonly words: number;
  private readonly priority: Uint8Array;
  private readonly pending: Uint32Array;
  /** Sources claimed by some context and not yet completed (the gateway holds them off). */
  private readonly inFlight: Uint32Array;
  /** The current level of each source's interrupt line. */
  private readonly line: Uint32Array;
  private readonly enable: Uint32Array[];
  private readonly threshold: number[];
  private readonly output: boolean[];
  /** 2 × harts. */
  private readonly contexts: number;
  /** Bits that name an existing source (bit 0 and bits past numSources are hardwired to 0). */
  private readonly validMask: Uint32Array;

  /** `sinks`: each hart's interrupt inputs, by hartid. */
  constructor(private readonly sinks: readonly InterruptSink[], readonly gatewayMode: PlicGateway = 'qemu', readonly base = PLIC_BASE, numSources = PLIC_NUM_SOURCES) {
    this.numSources = numSources;
    this.words = Math.floor(numSources / 32) + 1;
    this.priority = new Uint8Array(numSources + 1);
    this.pending = new Uint32Array(this.words);
    this.inFlight = new Uint32Array(this.words);
    this.line = new Uint32Array(this.words);
    this.contexts = 2 * sinks.length;
    this.enable = Array.from({ length: this.contexts }, () => new Uint32Array(this.words));
    this.threshold = Array.from({ length: this.contexts }, () => 0);
    this.output = Array.from({ length: this.contexts }, () => false);
    this.validMask = new Uint32Array(this.words);
    for (let s = 1; s <= numSources; s++) this.validMask[s >>> 5] |= 1 << (s & 31);
    for (let ctx = 0; ctx < this.contexts; ctx++) sinks[ctx >> 1]!.setPending(contextIrq(ctx), false);
  }

  /**
   * A device drives the interrupt line of source `src` (1..numSources). Devices call this each time
   * they re-evaluate their interrupt, as QEMU's do, not only when the level changes.
   */
  setSource(src: number, level: boolean): void {
    if (src < 1 || src > this.numSources) throw new RangeError(`plic: no interrupt source ${src}`);
    const w = src >>> 5, bit = 1 << (src & 31);
    if (level) this.line[w] |= bit; else this.line[w] &= ~bit;
    if (this.gatewayMode === 'qemu') {
      if (level) this.pending[w] |= bit; else this.pending[w] &= ~bit;
    } else this.gateway(src);
    this.update();
  }

  /** Whether source src is pending (what the pending array shows). */
  isPending(src: number): boolean {
    return (this.pending[src >>> 5] & (1 << (src & 31))) !== 0;
  }

  read(offset: number, _size: AccessSize): bigint {
    return BigInt(this.read32(offset) >>> 0);
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    this.write32(offset, Number(value & 0xffff_ffffn));
  }

  private read32(offset: number): number {
    if (offset < PENDING_BASE) {
      const src = (offset - PRIORITY_BASE) >>> 2;
      return src >= 1 && src <= this.numSources ? this.priority[src] : 0;
    }
    if (offset < ENABLE_BASE) {
      const w = (offset - PENDING_BASE) >>> 2;
      return w < this.words ? this.pending[w] : 0;
    }
    if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE), w = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >>> 2;
      return ctx < this.contexts && w < this.words ? this.enable[ctx][w] : 0;
    }
    const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE), reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (ctx >= this.contexts) return 0;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  private write32(offset: number, v: number): void {
    if (offset < PENDING_BASE) {
      const src = (offset - PRIORITY_BASE) >>> 2;
      if (src >= 1 && src <= this.numSources) this.priority[src] = v & PLIC_MAX_PRIORITY; // WARL: 3 bits
    } else if (offset < ENABLE_BASE) {
      return; // pending bits are read-only
    } else if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE), w = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >>> 2;
      if (ctx < this.contexts && w < this.words) this.enable[ctx][w] = v & this.validMask[w];
    } else {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE), reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
      if (ctx >= this.contexts) return;
      if (reg === 0) {
        if (v >>> 0 <= PLIC_MAX_PRIORITY) this.threshold[ctx] = v; // QEMU ignores out-of-range thresholds
      } else if (reg === 4) {
        this.complete(ctx, v >>> 0);
        return;
      } else {
        return;
      }
    }
    this.update();
  }

  /**
   * The source a claim by ctx would return: the pending, enabled source with the highest priority above
   * the context's threshold, ties going to the lowest ID; 0 if none.
   */
  private best(ctx: number): number {
    let best = 0, bestPrio = this.threshold[ctx];
    const en = this.enable[ctx];
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w] & ~this.inFlight[w] & en[w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const src = w * 32 + b;
        if (this.priority[src] > bestPrio) { best = src; bestPrio = this.priority[src]; }
      }
    }
    return best;
  }

  /** Claim: returns the best source and clears its pending bit; the gateway holds it until completion. */
  private claim(ctx: number): number {
    const src = this.best(ctx);
    if (src !== 0) {
      const w = src >>> 5, bit = 1 << (src & 31);
      this.pending[w] &= ~bit;
      this.inFlight[w] |= bit;
      this.update();
    }
    return src;
  }

  /**
   * Completion ends the claim. 'level': ignored unless src is enabled for ctx (as the PLIC spec says),
   * and re-arms the gateway. 'qemu': any valid source, and nothing is re-sampled.
   */
  private complete(ctx: number, src: number): void {
    if (src < 1 || src > this.numSources) return;
    const w = src >>> 5, bit = 1 << (src & 31);
    if (this.gatewayMode === 'level' && (this.enable[ctx][w] & bit) === 0) return;
    this.inFlight[w] &= ~bit;
    if (this.gatewayMode === 'level') this.gateway(src);
    this.update();
  }

  /** The level-triggered gateway: pending follows the line while no request is in flight. */
  private gateway(src: number): void {
    const w = src >>> 5, bit = 1 << (src & 31);
    if (this.inFlight[w] & bit) return;
    if (this.line[w] & bit) this.pending[w] |= bit; else this.pending[w] &= ~bit;
  }

  /** Drives MEIP/SEIP: a context's output is high while some claimable source exceeds its threshold. */
  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const level = this.best(ctx) !== 0;
      if (level !== this.output[ctx]) {
        this.output[ctx] = level;
        this.sinks[ctx >> 1]!.setPending(contextIrq(ctx), level);
      }
    }
  }
}
