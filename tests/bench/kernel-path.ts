// `npm run bench`: the kernel's own paths (issue 21) — traps, system calls, page faults, timer
// interrupts and satp switches — each as a small bare-metal program (assembly, built with our own
// toolchain, linked at 0x80000000 for `-bios none`) run on rvhart in this process (`new Virt`, so the
// figure is the interpreter's, not Node's start-up) and, when installed, on
// `qemu-system-riscv64 -machine virt -nographic -bios none -kernel x.elf` on the SAME ELF. Both end
// through the sifive,test syscon (0x5555 to 0x100000); a program that finds something wrong ends with a
// failure code instead, and the line says so.
//
// Two-point differences, as real-code.ts: each program runs N1 and N2 iterations (the word after the
// magic "RVHITERS", patched), so start-up and set-up cancel; per-operation time =
// (time(N2) − time(N1)) / ((N2 − N1) × operations per iteration), best of ROUNDS runs at each point.
// The iteration counts are picked per emulator from a pilot pair so that the difference takes about
// RV_TARGET_MS on rvhart and QEMU_TARGET_MS on QEMU. "rvhart/QEMU" is QEMU's time over rvhart's (above
// 1: rvhart is faster), by wall clock and, in parentheses, by CPU time (user+system).
//
// Workloads:
//  trap     M-mode `ecall`, handler `csrr mepc; addi 4; csrw mepc; mret` (7 instructions per trip).
//  syscall  U-mode `ecall` delegated to S by medeleg, handler `csrr sepc; addi 4; csrw sepc; sret`.
//  fault    S-mode, Sv39: stores to 2048 unmapped 4 KiB pages; the handler writes the faulting page's
//           PTE into a prepared level-0 table, `sfence.vma` that page, `sret`s to retry. Then the
//           level-0 tables are cleared and `sfence.vma` (all), and the next pass faults again; one
//           operation is one fault (its share of the clearing included).
//  timer    S-mode timer interrupts by Sstc: the handler counts one and sets stimecmp = time + D.
//           Time bases differ: rvhart's `time` (the default `insns` source) advances one tick per
//           retired instruction, QEMU's is the host's wall clock at the 10 MHz timebase. With D = 0 the
//           next interrupt is due at once, so both measure the interrupt round trip itself (entry, the
//           handler's CSR reads and writes, sret). With D = 300 the guest spins between interrupts
//           until D ticks have passed: on rvhart that is ~300 instructions of spin (the per-interrupt
//           figure is speed on spin+interrupt); on QEMU 300 ticks are 30 µs of wall time whatever
//           QEMU's speed, so that ratio measures the clock, not the emulator (printed for the record).
//           Found here: rvhart notices a stimecmp (or CLINT mtimecmp) written inside a run chunk only
//           when the chunk ends (Virt.run sizes a chunk, 32768 instructions, by the deadline known at
//           its start), so with D = 300 an interrupt comes every ~32768 instructions, not ~300: the
//           insns/op figure shows it.
//           The guest counts interrupts taken; the per-op figure is per interrupt taken.
//  asid     two address spaces (satp with ASID 1 and ASID 2, the kernel's gigapages global) alternating
//           with no sfence.vma; after each switch 4 pages of the new space are loaded from. One
//           operation is one switch. rvhart's MMU counters (emulator/mmu/stats.ts) give TLB hits,
//           misses and walks per switch: ASID-tagged entries survive the switches, so misses stay at 0.
//           QEMU's TLB is not ASID-tagged: each satp write flushes it. `asid=` runs the same program
//           with one ASID for both spaces, where each switch flushes that ASID (for comparison).
//
// Skipped with one line when QEMU is absent. Runnable alone: node dist/tests/bench/kernel-path.js
// [name...] (after npm run build).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readElf } from '../../linker/elf/read.js';
import { bootImage } from '../../linker/elf/boot-image.js';
import { Virt, type MachineStop } from '../../emulator/board/virt.js';
import { buildElf } from '../helpers/build-asm.js';
import { have, QEMU, runQemu, withIterations } from './real-code.js';

const ROUNDS = 3;
const RV_TARGET_MS = 400;
const QEMU_TARGET_MS = 1000;

const hex = (v: bigint): string => `0x${v.toString(16)}`;

// ---- the programs ----------------------------------------------------------------------------------

/** M-mode prologue: PMP entry 0 opens all memory to S and U; s1 = the iteration count. */
const PROLOGUE = `
  .section .text.init
  .globl _start
_start:
  li t0, ${hex((1n << 54n) - 1n)}
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, iters
  ld s1, 8(t0)
`;
const EPILOGUE = `
pass:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
fail:
  li t0, 0x100000
  li t1, 0x13333
  sw t1, 0(t0)
1: j 1b
  .data
  .balign 8
iters:
  .ascii "RVHITERS"
  .dword 1
`;
/** M-mode: mret to S at s_entry (MPP = S, MPIE = 0). */
const TO_S = `
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, s_entry
  csrw mepc, t0
  mret
`;

const TRAP = `${PROLOGUE}
  la t0, mtrap
  csrw mtvec, t0
1: ecall
  addi s1, s1, -1
  bnez s1, 1b
  j pass
  .balign 4
mtrap:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
${EPILOGUE}`;

const SYSCALL = `${PROLOGUE}
  li t0, 0x100
  csrw medeleg, t0
  la t0, strap
  csrw stvec, t0
${TO_S}
s_entry:
  li t0, 0x100
  csrc sstatus, t0
  la t0, u_entry
  csrw sepc, t0
  sret
u_entry:
  li a7, 1
1: ecall
  addi s1, s1, -1
  bnez s1, 1b
  j pass
  .balign 4
strap:
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret
${EPILOGUE}`;

// Sv39 tables for the fault storm: root at PT, one level-1 table, four level-0 tables (contiguous, so
// page i's PTE is at L0 + 8i) for VA 0x4000_0000..0x4080_0000; page i maps frame FRAMES + 4096 i.
const PT = 0x8010_0000n, L1 = PT + 0x1000n, L0 = PT + 0x2000n, FRAMES = 0x8080_0000n, VBASE = 0x4000_0000n;
const PAGES = 2048;
const ptr = (pa: bigint): bigint => ((pa >> 12n) << 10n) | 1n;
const LEAF_RW = 0xc7n, LEAF_RWX = 0xcfn, GLOBAL = 0x20n;
const store = (pa: bigint, v: bigint): string => `  li t0, ${hex(pa)}\n  li t1, ${hex(v)}\n  sd t1, 0(t0)\n`;
/** Root entries shared by the S-mode programs: gigapage 0 (the syscon) and gigapage 2 (RAM, code). */
const kernelGigapages = (root: bigint): string =>
  store(root, LEAF_RW | GLOBAL) + store(root + 16n, ((0x8000_0000n >> 12n) << 10n) | LEAF_RWX | GLOBAL);

const FAULT = `${PROLOGUE}
${kernelGigapages(PT)}${store(PT + 8n, ptr(L1))}${[0n, 1n, 2n, 3n].map((j) => store(L1 + 8n * j, ptr(L0 + 4096n * j))).join('')}
  li t0, ${hex((1n << 12n) | (1n << 13n) | (1n << 15n))}
  csrw medeleg, t0
  la t0, strap
  csrw stvec, t0
  li t0, ${hex((8n << 60n) | (PT >> 12n))}
  csrw satp, t0
  sfence.vma
${TO_S}
s_entry:
  li s2, ${hex(VBASE)}
  li s4, ${hex(L0)}
  li t4, 4096
2: mv t2, s2
  li t3, ${PAGES}
3: sd t3, 0(t2)
  add t2, t2, t4
  addi t3, t3, -1
  bnez t3, 3b
  mv t2, s4
  li t3, ${PAGES}
4: sd zero, 0(t2)
  addi t2, t2, 8
  addi t3, t3, -1
  bnez t3, 4b
  sfence.vma
  addi s1, s1, -1
  bnez s1, 2b
  j pass
  .balign 4
strap:
  csrr a3, scause
  li a1, 15
  bne a3, a1, fail
  csrr a0, stval
  li a1, ${hex(VBASE)}
  sub a0, a0, a1
  srli a0, a0, 12
  slli a2, a0, 3
  li a1, ${hex(L0)}
  add a2, a2, a1
  li a1, ${hex(FRAMES >> 12n)}
  add a1, a1, a0
  slli a1, a1, 10
  ori a1, a1, ${hex(LEAF_RW)}
  sd a1, 0(a2)
  csrr a0, stval
  sfence.vma a0, zero
  sret
${EPILOGUE}`;

/** The timer storm: D ticks between interrupts (0: due at once). */
const timer = (d: number): string => `${PROLOGUE}
  li t0, ${hex(1n << 63n)}
  csrs menvcfg, t0
  csrsi mcounteren, 2
  li t0, 0x20
  csrs mideleg, t0
  csrs mie, t0
  la t0, strap
  csrw stvec, t0
${TO_S}
s_entry:
  li s2, 0
  csrr t0, time
  addi t0, t0, ${d}
  csrw stimecmp, t0
  li t0, 0x20
  csrs sie, t0
  csrsi sstatus, 2
1: bltu s2, s1, 1b
  csrci sstatus, 2
  j pass
  .balign 4
strap:
  csrr a1, scause
  bgez a1, fail
  addi s2, s2, 1
  csrr a0, time
  addi a0, a0, ${d}
  bltu s2, s1, 2f
  li a0, -1
2: csrw stimecmp, a0
  sret
${EPILOGUE}`;

// Two address spaces: roots A and B, each with its own level-1 and level-0 table mapping VA
// 0x4000_0000 + 4096 k (k < 4) to its own frames; the kernel's gigapages are global.
const ROOT_A = 0x8010_0000n, ROOT_B = 0x8011_0000n, SPACE_PAGES = 4;
const space = (root: bigint, frames: bigint): string => kernelGigapages(root) + store(root + 8n, ptr(root + 0x1000n)) +
  store(root + 0x1000n, ptr(root + 0x2000n)) +
  Array.from({ length: SPACE_PAGES }, (_, k) => store(root + 0x2000n + 8n * BigInt(k), ((frames + 4096n * BigInt(k)) >> 12n) << 10n | LEAF_RW)).join('');
/** Page k of the space is at VA 0x4000_0000 + 4096 k, kept in s8 + k. */
const touch = Array.from({ length: SPACE_PAGES }, (_, k) => `  ld t1, 0(s${8 + k})\n  add s5, s5, t1\n`).join('');
const satp = (asid: number, root: bigint): bigint => (8n << 60n) | (BigInt(asid) << 44n) | (root >> 12n);
const asid = (a: number, b: number): string => `${PROLOGUE}
${space(ROOT_A, 0x8040_0000n)}${space(ROOT_B, 0x8050_0000n)}
${Array.from({ length: SPACE_PAGES }, (_, k) => store(0x8040_0000n + 4096n * BigInt(k), BigInt(k + 1)) + store(0x8050_0000n + 4096n * BigInt(k), BigInt(16 * (k + 1)))).join('')}
  li t0, ${hex(satp(a, ROOT_A))}
  csrw satp, t0
  sfence.vma
${TO_S}
s_entry:
  li s6, ${hex(satp(a, ROOT_A))}
  li s7, ${hex(satp(b, ROOT_B))}
${Array.from({ length: SPACE_PAGES }, (_, k) => `  li s${8 + k}, ${hex(VBASE + 4096n * BigInt(k))}\n`).join('')}  li s5, 0
1: csrw satp, s6
${touch}  csrw satp, s7
${touch}  addi s1, s1, -1
  bnez s1, 1b
  la t1, iters
  ld t1, 8(t1)
  li t2, ${(1 + 2 + 3 + 4) * 17}
  mul t1, t1, t2
  bne s5, t1, fail
  j pass
${EPILOGUE}`;

interface Workload {
  readonly name: string;
  readonly what: string;
  readonly source: string;
  /** Operations (trips, faults, interrupts, switches) per iteration. */
  readonly opsPerIter: number;
  /** Iterations for rvhart's pilot point. */
  readonly pilot: number;
  /** Whether to print rvhart's TLB counters per operation. */
  readonly tlb?: boolean;
  /** Whether QEMU's figure measures its clock rather than its speed. */
  readonly clockBound?: boolean;
}

export const WORKLOADS: Workload[] = [
  { name: 'trap', what: 'M-mode ecall round trip (handler csrr/addi/csrw mepc, mret)', source: TRAP, opsPerIter: 1, pilot: 20000 },
  { name: 'syscall', what: 'U-mode ecall through an S-mode handler (medeleg), sret', source: SYSCALL, opsPerIter: 1, pilot: 20000 },
  { name: 'fault', what: `Sv39 page-fault storm, ${PAGES} pages a pass: map the PTE, sfence.vma the page, sret`, source: FAULT, opsPerIter: PAGES, pilot: 8, tlb: true },
  { name: 'timer', what: 'Sstc timer interrupt, stimecmp = time (due at once), per interrupt', source: timer(0), opsPerIter: 1, pilot: 20000 },
  { name: 'timer300', what: 'Sstc timer interrupt, stimecmp = time + 300, spinning between, per interrupt', source: timer(300), opsPerIter: 1, pilot: 2000, clockBound: true },
  { name: 'asid', what: `satp switch, ASID 1 <-> 2, ${SPACE_PAGES} pages loaded after each, per switch`, source: asid(1, 2), opsPerIter: 2, pilot: 5000, tlb: true },
  { name: 'asid=', what: `satp switch, one ASID for both (each switch flushes it), ${SPACE_PAGES} pages, per switch`, source: asid(1, 1), opsPerIter: 2, pilot: 5000, tlb: true },
];

// ---- running -----------------------------------------------------------------------------------------

interface RvRun { insns: number; ms: number; cpuMs: number; stop: MachineStop; hits: number; misses: number; walks: number }

function runRv(elf: Uint8Array, name: string): RvRun {
  const m = new Virt({ mem: 16 * 1024 * 1024 });
  m.boot(bootImage(readElf(elf, `${name}.elf`)));
  const t0 = performance.now(), c0 = process.cpuUsage();
  const stop = m.run(50e9);
  const ms = performance.now() - t0, c = process.cpuUsage(c0);
  const s = m.mmu.stats;
  return { insns: m.hart.retired, ms, cpuMs: (c.user + c.system) / 1000, stop, hits: s.hits, misses: s.misses, walks: s.walks };
}

const okRv = (r: RvRun): boolean => r.stop.kind === 'exit' && r.stop.code === 0;
const best = (xs: number[]): number => Math.min(...xs);

/** Iterations so that `perIterMs` × k ≈ target. */
const span = (perIterMs: number, target: number): number => Math.max(1, Math.round(target / Math.max(perIterMs, 1e-9)));

interface Figures { usPerOp: number; cpuUsPerOp: number; detail: string }

function measureRvhart(w: Workload, elf: Uint8Array): Figures {
  const at = (n: number): RvRun => {
    const r = runRv(withIterations(elf, n), w.name);
    if (!okRv(r)) throw new Error(`rvhart: did not pass at ${n} iterations: ${r.stop.reason}`);
    return r;
  };
  // Pilot (after one throwaway run, so compiling the interpreter's paths is not in it): grow the
  // difference until it is long enough to time, then scale it to the target.
  at(1 + w.pilot);
  let p = w.pilot, d = 0;
  for (let tries = 0; tries < 6; tries++) {
    d = Math.min(at(1 + p).ms, at(1 + p).ms) - Math.min(at(1).ms, at(1).ms);
    if (d >= 80) break;
    p *= 4;
  }
  let k = span(d / p, RV_TARGET_MS);
  let n1 = 0, n2 = 0, r1: RvRun, r2: RvRun;
  const t1: number[] = [], t2: number[] = [], c1: number[] = [], c2: number[] = [];
  // On a loaded machine the two points can come out in the wrong order: then measure a longer span.
  for (let attempt = 0; ; attempt++) {
    n1 = Math.max(1, Math.round(k / 4)); n2 = n1 + k;
    t1.length = t2.length = c1.length = c2.length = 0;
    r1 = at(n1); r2 = at(n2);
    for (let i = 0; i < ROUNDS; i++) {
      r1 = at(n1); t1.push(r1.ms); c1.push(r1.cpuMs);
      r2 = at(n2); t2.push(r2.ms); c2.push(r2.cpuMs);
    }
    if (best(t2) > best(t1) && best(c2) > best(c1)) break;
    if (attempt === 2) throw new Error('not measurable: the longer run was not the slower one three times (machine too loaded)');
    k *= 4;
  }
  const ops = k * w.opsPerIter;
  const per = (a: number, b: number): string => ((b - a) / ops).toFixed(2);
  let detail = `${per(r1.insns, r2.insns)} insns/op, ${(ops / 1e3).toFixed(0)}K ops in ${((best(t2) - best(t1)) / 1000).toFixed(2)} s`;
  if (w.tlb) detail += `; TLB per op: hits ${per(r1.hits, r2.hits)}, misses ${per(r1.misses, r2.misses)}, walks ${per(r1.walks, r2.walks)}`;
  return { usPerOp: (best(t2) - best(t1)) * 1000 / ops, cpuUsPerOp: (best(c2) - best(c1)) * 1000 / ops, detail };
}

function measureQemu(w: Workload, elf: Uint8Array, dir: string, rvUsPerOp: number): Figures {
  const files = new Map<number, string>();
  const at = (n: number) => {
    let p = files.get(n);
    if (!p) { p = join(dir, `${w.name}-${n}.elf`); writeFileSync(p, withIterations(elf, n)); files.set(n, p); }
    const r = runQemu(p);
    if (r.status !== 0) throw new Error(`QEMU: ${r.error ?? `exit status ${r.status}`} at ${n} iterations`);
    return r;
  };
  // Pilot: from rvhart's speed, growing until the difference is long enough to time.
  const n1 = 1;
  let k = Math.max(1, Math.round(50 / Math.max(rvUsPerOp * w.opsPerIter / 1000, 1e-6)));
  at(n1); // warms the file cache
  let d = 0;
  for (let tries = 0; tries < 5; tries++) {
    d = at(n1 + k).ms - at(n1).ms;
    if (d >= 100) break;
    k *= 8;
  }
  k = Math.max(1, Math.round(k * QEMU_TARGET_MS / Math.max(d, 1)));
  const t1: number[] = [], t2: number[] = [], c1: number[] = [], c2: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = at(n1), b = at(n1 + k);
    t1.push(a.ms); t2.push(b.ms); c1.push(a.cpuMs); c2.push(b.cpuMs);
  }
  const ops = k * w.opsPerIter;
  return {
    usPerOp: (best(t2) - best(t1)) * 1000 / ops, cpuUsPerOp: (best(c2) - best(c1)) * 1000 / ops,
    detail: `${(ops / 1e3).toFixed(0)}K ops in ${((best(t2) - best(t1)) / 1000).toFixed(2)} s`,
  };
}

const us = (x: number): string => `${x.toFixed(3)} µs`;

/** Prints one line per workload; `only` (names) picks some. */
export function printBench(only: string[] = []): void {
  console.log(`-- kernel paths (issue 21): bare-metal programs by our assembler, per operation, two-point, best of ${ROUNDS} per point, ` +
    `beside QEMU on the same ELF; rvhart/QEMU = QEMU time / rvhart time (CPU-time ratio in parentheses); ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const qemu = have(QEMU);
  if (!qemu) console.log(`kernel paths: QEMU's figures skipped: ${QEMU} is not installed (Debian: qemu-system-misc)`);
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-bench-kpath-'));
  try {
    for (const w of WORKLOADS.filter((x) => only.length === 0 || only.includes(x.name))) {
      let text: string;
      try {
        const elf = buildElf(w.source, `${w.name}.s`);
        const rv = measureRvhart(w, elf);
        text = `rvhart ${us(rv.usPerOp)}/op (${us(rv.cpuUsPerOp)} CPU; ${rv.detail})`;
        if (qemu) {
          try {
            const q = measureQemu(w, elf, dir, rv.usPerOp);
            text += `  QEMU ${us(q.usPerOp)}/op (${us(q.cpuUsPerOp)} CPU; ${q.detail})  rvhart/QEMU ${(q.usPerOp / rv.usPerOp).toFixed(2)}` +
              ` (${(q.cpuUsPerOp / rv.cpuUsPerOp).toFixed(2)})${w.clockBound ? ' [QEMU clock-bound: 300 ticks = 30 µs of wall time]' : ''}`;
          } catch (e) {
            text += `  QEMU failed: ${(e as Error).message.split('\n')[0]}`;
          }
        }
      } catch (e) {
        text = `failed: ${(e as Error).message.split('\n')[0]}`;
      }
      console.log(`${w.name.padEnd(9)} ${w.what}\n${''.padEnd(9)} ${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printBench(process.argv.slice(2));
