// The kernel-ts intrinsics. Kernel modules import them from here:
//
//   import { type u64, load64, store64, csrr } from '../runtime/intrinsics.js';
//
// The compiler recognises every function declared in this file by name and emits the instructions
// given beside it; natively, the bodies below run against the installed Host (host.ts). The compiled
// behaviour is the specification; the host reproduces it, wrapping results to 64 bits.

import { currentHost } from './host.js';
import { type u64, addr_of } from './struct.js';

// Structs, their field types (u8…i64: `u64` is the value type too), sizeof/offsetof, container_of.
export * from './struct.js';

const M64 = (1n << 64n) - 1n;
const SIGN = 1n << 63n;
const toSigned = (x: u64): bigint => BigInt.asIntN(64, x);
const toU = (x: bigint): u64 => BigInt.asUintN(64, x);

/** Reduce mod 2^64. Compiled: nothing (registers already wrap). Use it where a native run could leave [0, 2^64). */
export function wrap(x: u64): u64 { return toU(x); }

// ---- memory: lbu/lhu/lwu/ld and sb/sh/sw/sd -------------------------------------------------------
export function load8(addr: u64): u64 { return currentHost().memory.read(toU(addr), 1); }
export function load16(addr: u64): u64 { return currentHost().memory.read(toU(addr), 2); }
export function load32(addr: u64): u64 { return currentHost().memory.read(toU(addr), 4); }
export function load64(addr: u64): u64 { return currentHost().memory.read(toU(addr), 8); }
export function store8(addr: u64, value: u64): void { currentHost().memory.write(toU(addr), 1, toU(value)); }
export function store16(addr: u64, value: u64): void { currentHost().memory.write(toU(addr), 2, toU(value)); }
export function store32(addr: u64, value: u64): void { currentHost().memory.write(toU(addr), 4, toU(value)); }
export function store64(addr: u64, value: u64): void { currentHost().memory.write(toU(addr), 8, toU(value)); }

// ---- signed arithmetic (operators are unsigned): slt, div, rem, sra, addiw/sext.w ------------------
/** Signed a < b (slt). */
export function slt(a: u64, b: u64): boolean { return toSigned(a) < toSigned(b); }
/** Signed division as RISC-V div: x/0 = -1, MIN/-1 = MIN. */
export function sdiv(a: u64, b: u64): u64 {
  const x = toSigned(a), y = toSigned(b);
  if (y === 0n) return M64;
  return toU(x / y);
}
/** Signed remainder as RISC-V rem: x%0 = x, MIN%-1 = 0; the sign follows the dividend. */
export function srem(a: u64, b: u64): u64 {
  const x = toSigned(a), y = toSigned(b);
  if (y === 0n) return toU(a);
  return toU(x % y);
}
/** Arithmetic shift right by (b & 63) (sra). */
export function sra(a: u64, b: u64): u64 { return toU(toSigned(a) >> (toU(b) & 63n)); }
/** Sign-extend the low 32 bits (sext.w). */
export function sext32(a: u64): u64 { return toU(BigInt.asIntN(32, toU(a))); }

// ---- CSRs: the name must be a string literal naming a CSR in emulator/isa/csrs.ts -----------------
export function csrr(csr: string): u64 { return currentHost().csrRead(csr); }
export function csrw(csr: string, value: u64): void { currentHost().csrWrite(csr, value); }
/** csrrw: write and return the old value. */
export function csrrw(csr: string, value: u64): u64 { return currentHost().csrWrite(csr, value); }
export function csrs(csr: string, bits: u64): void { const h = currentHost(); h.csrWrite(csr, h.csrRead(csr) | toU(bits)); }
export function csrc(csr: string, bits: u64): void { const h = currentHost(); h.csrWrite(csr, h.csrRead(csr) & ~toU(bits) & M64); }

// ---- fences and waits ------------------------------------------------------------------------------
/** sfence.vma [va[, asid]]: no argument flushes everything. */
export function sfence_vma(va?: u64, asid?: u64): void {
  currentHost().events.push({ kind: 'sfence.vma', va: va === undefined ? undefined : toU(va), asid: asid === undefined ? undefined : toU(asid) });
}
export function fence(): void { currentHost().events.push({ kind: 'fence' }); }
export function fence_i(): void { currentHost().events.push({ kind: 'fence.i' }); }
export function wfi(): void { currentHost().events.push({ kind: 'wfi' }); }

// ---- atomics (A extension): for data several harts share, e.g. the firmware's per-hart IPI and HSM state
// Each is one fully ordered (.aqrl) AMO, or an LR/SC loop, on the dword at addr; each returns the old
// value, as Linux's xchg/atomic_fetch_* and cmpxchg do. Natively one host thread runs, so a plain
// read-modify-write is atomic.
/** amoswap.d.aqrl: store value, return the old dword. */
export function amoswap64(addr: u64, value: u64): u64 { return amo(addr, () => toU(value)); }
/** amoadd.d.aqrl: add value (mod 2^64), return the old dword. */
export function amoadd64(addr: u64, value: u64): u64 { return amo(addr, (old) => toU(old + value)); }
/** amoor.d.aqrl: or value in, return the old dword. */
export function amoor64(addr: u64, value: u64): u64 { return amo(addr, (old) => old | toU(value)); }
/** lr.d.aqrl/sc.d.aqrl loop: store `desired` if the dword equals `expected`; return the dword found
 *  (equal to `expected` exactly when the store happened). */
export function cmpxchg64(addr: u64, expected: u64, desired: u64): u64 { return amo(addr, (old) => (old === toU(expected) ? toU(desired) : old)); }
function amo(addr: u64, op: (old: u64) => u64): u64 {
  const m = currentHost().memory, a = toU(addr), old = m.read(a, 8);
  const next = op(old);
  if (next !== old) m.write(a, 8, next);
  return old;
}

// ---- environment calls (SBI): a7 = eid, a6 = fid, a0..a5 = args ----------------------------------
/** ecall with a7 = eid, a6 = fid, a0..a5 = args; returns a0 (the SBI error). */
export function ecall(eid: u64, fid: u64, a0?: u64, a1?: u64, a2?: u64, a3?: u64, a4?: u64, a5?: u64): u64 {
  return currentHost().ecall([a0 ?? 0n, a1 ?? 0n, a2 ?? 0n, a3 ?? 0n, a4 ?? 0n, a5 ?? 0n, fid, eid]);
}
/** a1 as returned by the most recent ecall executed by the calling function (the SBI value). */
export function ecall_value(): u64 { return currentHost().lastEcallValue; }

// ---- addresses of things -------------------------------------------------------------------------
/** The address of a linker symbol (la name); natively from the host's symbol map. */
export function sym(name: string): u64 { return currentHost().symbol(name); }
/** The address of a NUL-terminated string: a literal's in .rodata, or a C-string parameter's value.
 *  (A kernel-ts `string` is `const char *`: pass a literal where one is expected, read it with str().) */
export function str(s: string): u64 { return currentHost().string(s); }
/** A const enum value as a u64 (compiled: nothing). */
export function enum_value(e: number): u64 { return toU(BigInt(e)); }

// ---- loops -------------------------------------------------------------------------------------------
/** `for (const i of range(start, end))`: i = start, start + 1, …, end - 1 (unsigned; end read once).
 *  Compiled: the counting loop `for (i = start; i < end; i++)`, the test at the bottom. */
export function* range(start: u64, end: u64): Iterable<u64> {
  for (let i = toU(start); i < toU(end); i++) yield i;
}

// ---- checks ----------------------------------------------------------------------------------------
/** BUG_ON(cond): when cond holds, "BUG at file:line" (compiled: lib/bug.ts's __bug, which prints and
 *  counts; the code goes on). A statement. Natively it throws, so a unit test stops at the place. */
export function BUG_ON(cond: boolean | u64): void { if (cond !== false && cond !== 0n) throw new Error('BUG_ON: the condition holds'); }
/** assert(cond): BUG_ON(!cond). */
export function assert(cond: boolean | u64): void { if (cond === false || cond === 0n) throw new Error('assert: the condition does not hold'); }

// ---- printk-style formats (lib/printk.ts) ------------------------------------------------------------
/** A printf format parameter (`fmt: Format`): the compiler checks each call's literal against its
 *  arguments (%d %i %u %x %X %lx %p %c %s %%, flags 0 - #, a width), as GCC's format attribute does. */
export type Format = string;
/** What a format's conversions take: a u64, a boolean, a C string or a struct pointer. */
export type printk_arg = u64 | boolean | string | object | number;
/** A format argument as the register holds it (compiled: nothing; natively: strings and pointers become addresses). */
export function arg_value(a: printk_arg | undefined): u64 {
  if (typeof a === 'bigint') return toU(a);
  if (typeof a === 'boolean') return a ? 1n : 0n;
  if (typeof a === 'number') return toU(BigInt(a));   // a const enum value
  if (typeof a === 'string') return currentHost().string(a);
  if (a === undefined) return 0n;
  return addr_of(a);
}
/** Module level only: `const T = u64Table([1n, 2n])` — a read-only table of dwords in .rodata; its address. */
export function u64Table(values: readonly u64[]): u64 { return currentHost().table(values); }
/** Module level only: `const pg_dir = staticBuffer(4096n, 4096n)` — zeroed bytes in .bss, aligned; its address. */
export function staticBuffer(size: u64, align: u64): u64 { return currentHost().allocStatic(size, align); }

/**
 * A whole function written in assembly: `export function trap_entry(): void { naked`...`; }`, or
 * `function get_fp(): u64 { return naked`...`; }` when it returns a value (a0, as the assembly leaves it).
 * The body must be exactly this one statement; `${CONST}` substitutes a folded constant. The compiler
 * emits the text as the function body with no prologue or epilogue. Natively it cannot run.
 */
export function naked(_asm: TemplateStringsArray, ..._consts: u64[]): never {
  throw new Error('a naked (assembly) function cannot run natively');
}
