// The host implementation of the kernel-ts intrinsics, so vitest can import a kernel module and call
// its functions natively. Install one before importing the module under test (static buffers, tables
// and strings are placed when the module is evaluated):
//
//   const host = installHost({ memory: new SparseMemory(), symbols: { _end: 0x80400000n }, csrs: {} });
//   const mm = await import('../../kernel-ts/kernel/mm.js');
//
// Values stored through store8/16/32/64 are truncated to the access width, loads zero-extend, and
// every intrinsic result is in [0, 2^64): the intrinsics wrap exactly as the compiled code does.
// Plain TypeScript operators on bigint do NOT wrap natively (see README.md in this folder).

import { CSR_NUMBERS } from '../../emulator/isa/csrs.js';
import { type HostMemory, SparseMemory } from './memory.js';

export type SbiHandler = (args: readonly bigint[]) => { a0: bigint; a1: bigint };

export interface HostOptions {
  /** The memory that load8..load64 and store8..store64 reach; default a fresh SparseMemory. */
  memory?: HostMemory;
  /** Linker symbols that sym("name") resolves. */
  symbols?: ReadonlyMap<string, bigint> | Readonly<Record<string, bigint>>;
  /** Initial CSR values by name (missing CSRs read 0). The record is used live, not copied. */
  csrs?: Record<string, bigint>;
  /** Where staticBuffer/u64Table/str place their data natively; default 0x1_0000_0000. */
  staticBase?: bigint;
  /** Called for ecall with [a0..a7]; default answers SBI_ERR_NOT_SUPPORTED (-2). */
  ecall?: SbiHandler;
}

export type HostEvent =
  | { kind: 'sfence.vma'; va?: bigint; asid?: bigint }
  | { kind: 'fence' | 'fence.i' | 'wfi' }
  | { kind: 'ecall'; args: readonly bigint[] };

const M64 = (1n << 64n) - 1n;

export class Host {
  readonly memory: HostMemory;
  readonly csrs: Record<string, bigint>;
  readonly events: HostEvent[] = [];
  private readonly symbols: ReadonlyMap<string, bigint>;
  private readonly sbi: SbiHandler;
  private arena: bigint;
  private readonly strings = new Map<string, bigint>();
  /** a1 of the last ecall (what ecall_value() returns). */
  lastEcallValue = 0n;

  constructor(opts: HostOptions = {}) {
    this.memory = opts.memory ?? new SparseMemory();
    this.csrs = opts.csrs ?? {};
    const s = opts.symbols;
    this.symbols = s instanceof Map ? s : new Map(Object.entries((s ?? {}) as Record<string, bigint>));
    this.arena = opts.staticBase ?? 0x1_0000_0000n;
    this.sbi = opts.ecall ?? (() => ({ a0: M64 - 1n, a1: 0n }));
  }

  /** Carve `size` bytes aligned to `align` out of the static arena (zeroed, as .bss is). */
  allocStatic(size: bigint, align: bigint): bigint {
    if (align <= 0n || (align & (align - 1n)) !== 0n) throw new RangeError(`staticBuffer alignment ${align} is not a power of two`);
    const addr = (this.arena + align - 1n) & ~(align - 1n);
    this.arena = addr + size;
    for (let i = 0n; i < size; i += 8n) this.memory.write(addr + i, size - i >= 8n ? 8 : 1, 0n);
    for (let i = size & ~7n; i < size; i++) this.memory.write(addr + i, 1, 0n);
    return addr;
  }

  table(values: readonly bigint[]): bigint {
    const addr = this.allocStatic(BigInt(values.length) * 8n, 8n);
    values.forEach((v, i) => this.memory.write(addr + BigInt(i) * 8n, 8, v));
    return addr;
  }

  /** A NUL-terminated UTF-8 copy of `s`, interned like .rodata strings. */
  string(s: string): bigint {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    const bytes = utf8(s);
    const addr = this.allocStatic(BigInt(bytes.length + 1), 1n);
    bytes.forEach((b, i) => this.memory.write(addr + BigInt(i), 1, BigInt(b)));
    this.memory.write(addr + BigInt(bytes.length), 1, 0n);
    this.strings.set(s, addr);
    return addr;
  }

  symbol(name: string): bigint {
    const v = this.symbols.get(name);
    if (v === undefined) throw new Error(`sym("${name}"): the host has no symbol ${name} (pass it in installHost({ symbols }))`);
    return BigInt.asUintN(64, v);
  }

  private csrName(name: string): string {
    if (CSR_NUMBERS[name] === undefined) throw new Error(`unknown CSR "${name}"`);
    return name;
  }

  csrRead(name: string): bigint { return this.csrs[this.csrName(name)] ?? 0n; }
  csrWrite(name: string, v: bigint): bigint {
    const old = this.csrRead(name);
    this.csrs[name] = BigInt.asUintN(64, v);
    return old;
  }

  ecall(args: readonly bigint[]): bigint {
    const a = args.map((v) => BigInt.asUintN(64, v));
    this.events.push({ kind: 'ecall', args: a });
    const r = this.sbi(a);
    this.lastEcallValue = BigInt.asUintN(64, r.a1);
    return BigInt.asUintN(64, r.a0);
  }
}

/** UTF-8 bytes of a string (no TextEncoder: the runtime needs only the ES library). */
function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

let current: Host | undefined;

/** Make `host` (or a new Host built from options) the one the intrinsics use; returns it. */
export function installHost(opts: HostOptions | Host = {}): Host {
  current = opts instanceof Host ? opts : new Host(opts);
  return current;
}

/** The installed host; a default one (sparse memory, no symbols) is installed on first use. */
export function currentHost(): Host {
  return current ?? installHost();
}
