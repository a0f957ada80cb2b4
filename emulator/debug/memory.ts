// The debugger's view of memory (shell x/, set *(u64*), GDB m/M/X packets). Virtual addresses go
// through the side-effect-free translate() (no TLB fill, no A/D update); the debugger reads with
// the hart's effective data privilege, but as a debugger may: SUM and MXR on, U pages seen from U
// as from S. Only RAM and the boot ROM are read: a device register read has side effects (UART RX),
// so a device address is refused as GDB refuses unmapped memory. With several harts, a virtual
// address means what it means to the selected hart (its satp, its privilege, its MPRV).

import type { RamView } from '../board/ram-view.js';
import type { Virt } from '../board/virt.js';
import type { Hart } from '../hart/hart.js';
import { mmuOf } from './hart-view.js';
import { LOAD, PRV_M, PRV_S, PRV_U } from '../mmu/access.js';
import { hex } from './format.js';
import { translate } from './translate.js';

export class MemoryError extends Error {
  constructor(readonly addr: bigint, why: string) { super(`Cannot access memory at address ${hex(addr)}: ${why}`); }
}

export class DebugMemory {
  /** `hart`: whose address space a virtual address is in (default: hart 0). */
  constructor(private readonly m: Virt, private readonly hart: () => Hart = () => m.hart) {}

  /** The physical address of one byte, or a MemoryError saying why not. */
  physical(va: bigint, physical: boolean, fetch = false): bigint | MemoryError {
    if (physical) return va;
    const mmu = mmuOf(this.m, this.hart());
    let priv = fetch ? mmu.priv : mmu.dataPriv;
    if (priv === PRV_M) return va & ((1n << 64n) - 1n);
    if (priv === PRV_U) priv = PRV_S;
    const r = translate(mmu, va, LOAD, priv, { sum: true, mxr: true });
    if (r.result && (!r.fault || r.fault.step === 10)) return r.result.pa;
    return new MemoryError(va, r.fault ? `${r.mode} walk: ${r.fault.rule}` : 'not mapped');
  }

  /** Where pa lives, if it is RAM or ROM: the memory and offset. */
  private backing(pa: bigint): { view: RamView; off: number } | undefined {
    if (pa >= 1n << 53n || pa < 0n) return undefined;
    const p = Number(pa), { ram, rom } = this.m.bus;
    if (ram.contains(p, 1)) return { view: ram.view, off: p - ram.base };
    if (rom.contains(p, 1)) return { view: rom.view, off: p - rom.base };
    return undefined;
  }

  private byteAt(addr: bigint, physical: boolean, fetch = false): { view: RamView; off: number } | MemoryError {
    const pa = this.physical(addr, physical, fetch);
    if (pa instanceof MemoryError) return pa;
    const b = this.backing(pa);
    if (!b) return new MemoryError(addr, `physical 0x${pa.toString(16)} is not RAM or ROM`);
    return b;
  }

  read(addr: bigint, len: number, physical = false): Uint8Array | MemoryError {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const a = (addr + BigInt(i)) & ((1n << 64n) - 1n);
      const b = this.byteAt(a, physical);
      if (b instanceof MemoryError) return b;
      out[i] = b.view.getUint8(b.off);
    }
    return out;
  }

  /** Reads instruction bytes as the hart fetches them (fetch privilege: MPRV does not apply). */
  readCode(addr: bigint, len: number): Uint8Array | MemoryError {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const b = this.byteAt((addr + BigInt(i)) & ((1n << 64n) - 1n), false, true);
      if (b instanceof MemoryError) return b;
      out[i] = b.view.getUint8(b.off);
    }
    return out;
  }

  /** Reads as many bytes as are readable from addr (GDB's partial m reply); empty when none. */
  readPartial(addr: bigint, len: number, physical = false): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < len; i++) {
      const b = this.byteAt((addr + BigInt(i)) & ((1n << 64n) - 1n), physical);
      if (b instanceof MemoryError) break;
      out.push(b.view.getUint8(b.off));
    }
    return Uint8Array.from(out);
  }

  /** Little-endian unsigned value of `size` bytes. */
  readValue(addr: bigint, size: number, physical = false): bigint | MemoryError {
    const b = this.read(addr, size, physical);
    if (b instanceof MemoryError) return b;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  /** Writes bytes (all translated first, so a failure writes nothing); cached decodes are dropped. */
  write(addr: bigint, data: Uint8Array, physical = false): MemoryError | undefined {
    const targets: { view: RamView; off: number }[] = [];
    for (let i = 0; i < data.length; i++) {
      const b = this.byteAt((addr + BigInt(i)) & ((1n << 64n) - 1n), physical);
      if (b instanceof MemoryError) return b;
      targets.push(b);
    }
    targets.forEach((t, i) => { t.view.setUint8(t.off, data[i]!); });
    this.m.hart.flushCode(); // the harts share one decode cache
    return undefined;
  }

  writeValue(addr: bigint, size: number, value: bigint, physical = false): MemoryError | undefined {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    return this.write(addr, data, physical);
  }
}
