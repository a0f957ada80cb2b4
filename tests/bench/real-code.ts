// `npm run bench`: workloads made of real compiled code (issue 11). The C programs in tests/bench/c/
// (a hash, two sorts, matrix multiply, a bytecode interpreter, an LZ compressor, and call-heavy code
// with one function per 4 KiB page) are compiled at bench time with Debian's riscv64-unknown-elf-gcc
// -O2 into a temporary directory, linked at 0x80000000 for `-bios none`, and run on rvhart (in this
// process, `new Virt`, so the figure is the emulator's, not Node's start-up; on both tiers, the
// translation tier and the interpreter alone, with their ratio) and, when installed,
// on `qemu-system-riscv64 -machine virt -bios none` on the same ELF. Both print the program's
// checksum on the UART and power off through the sifive,test syscon; the checksums must agree.
//
// Two-point differences, so start-up and the program's set-up cancel: each program runs N1 and N2
// iterations (a word after the magic "RVHITERS" in the ELF, patched here); every iteration executes
// the same instructions, so rvhart's instruction counts give the per-iteration count, and
// MIPS = (instructions(N2) − instructions(N1)) / (time(N2) − time(N1)), best time of ROUNDS for each N,
// by wall clock and per CPU-second (user+system: rvhart's from process.cpuUsage, QEMU's from sh's
// `times`), as the machine may be shared.
// QEMU executes the same instructions (same ELF, same ISA); it runs more iterations than rvhart so its
// difference is long enough to time by wall clock, process start to exit.
//
// Last, the bundled kernel's page-fault storm (the workload of kernel-boot.ts) beside QEMU booting the
// same firmware and kernel ELFs: `fault-storm=0` and `fault-storm=STORM` on the command line are the
// two points; QEMU is assumed to execute the instructions rvhart counted.
//
// The C programs are skipped with one line when gcc is absent; QEMU's figures with one line when QEMU
// is absent. Runnable alone: node dist/tests/bench/real-code.js [name... | storm] (after npm run build).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readElf } from '../../linker/elf/read.js';
import { bootImage } from '../../linker/elf/boot-image.js';
import { Virt, type BootImage, type MachineStop } from '../../emulator/board/virt.js';
import type { Tier } from '../../emulator/hart/hart.js';
import { buildBundled } from '../../bin/bundled.js';
import { loadImage } from '../../bin/load.js';

export const GCC = 'riscv64-unknown-elf-gcc';
export const QEMU = 'qemu-system-riscv64';
export const GCC_FLAGS = ['-O2', '-march=rv64imac', '-mabi=lp64', '-mcmodel=medany', '-nostdlib', '-ffreestanding',
  '-fno-tree-loop-distribute-patterns', '-Wl,--no-warn-rwx-segments'];

const ROUNDS = 3;
/** Instructions in rvhart's N2 − N1 difference, and in QEMU's (QEMU is 10–40 times faster). */
const RVHART_SPAN = 60e6;
const QEMU_SPAN = 1e9;

/** tests/bench/c/ in the source tree, from tests/bench (vitest) or dist/tests/bench (the bench). */
export function sourceDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('real-code: cannot find the repository root');
    d = up;
  }
  return join(d, 'tests', 'bench', 'c');
}

/** Whether a host tool is on PATH. */
export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** The benchmark programs' names: every tests/bench/c/*.c except the runtime. */
export function programNames(): string[] {
  return readdirSync(sourceDir()).filter((f) => f.endsWith('.c') && f !== 'rt.c').map((f) => f.slice(0, -2)).sort();
}

/** Compiles one program (with crt0.S and rt.c) into dir; its ELF bytes, or throws with gcc's message. */
export function compile(name: string, dir: string): Uint8Array {
  const src = sourceDir(), out = join(dir, `${name}.elf`);
  const r = spawnSync(GCC, [...GCC_FLAGS, '-T', join(src, 'link.ld'), '-o', out,
    join(src, 'crt0.S'), join(src, 'rt.c'), join(src, `${name}.c`), '-lgcc'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${GCC} ${name}.c: ${r.error?.message ?? r.stderr.trim()}`);
  return readFileSync(out);
}

const MAGIC = Buffer.from('RVHITERS', 'latin1');

/** A copy of the ELF whose iteration count (the word after "RVHITERS" in .data) is n. */
export function withIterations(elf: Uint8Array, n: number): Uint8Array {
  const b = Buffer.from(elf);
  const at = b.indexOf(MAGIC);
  if (at < 0 || b.indexOf(MAGIC, at + 1) >= 0) throw new Error('real-code: the ELF must hold "RVHITERS" exactly once');
  b.writeBigUInt64LE(BigInt(n), at + 8);
  return b;
}

/** Instructions retired, wall and CPU milliseconds of the run loop, the console, why it stopped. */
export interface Run { insns: number; ms: number; cpuMs: number; out: string; stop: MachineStop }

/** One run on rvhart in this process, from boot to the syscon's power-off. */
export function runRvhart(elf: Uint8Array, name: string, budget = 50e9, tier?: Tier): Run {
  const image = bootImage(readElf(elf, `${name}.elf`));
  let out = '';
  const dec = new TextDecoder();
  const m = new Virt({ mem: 16 * 1024 * 1024, tier, output: (bytes) => { out += dec.decode(bytes, { stream: true }); } });
  m.boot(image);
  const t0 = performance.now(), c0 = process.cpuUsage();
  const stop = m.run(budget);
  const ms = performance.now() - t0, c = process.cpuUsage(c0);
  return { insns: m.hart.retired, ms, cpuMs: (c.user + c.system) / 1000, out, stop };
}

interface QemuRun { ms: number; cpuMs: number; out: string; status: number | null; error?: string }

/** One run on QEMU, process start to exit: wall and CPU milliseconds, and its console. */
export function runQemu(elfPath: string): QemuRun {
  return runQemuArgs(['-bios', 'none', '-kernel', elfPath]);
}

/** QEMU under sh, whose `times` gives the child's user and system time (the machine may be shared). */
function runQemuArgs(args: string[]): QemuRun {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', '"$@"; s=$?; times >&2; exit $s', 'sh', QEMU, '-machine', 'virt', '-nographic', '-monitor', 'none', ...args],
    { encoding: 'utf8', input: '', timeout: 120_000 });
  const ms = performance.now() - t0;
  const t = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stderr ?? '');
  const cpuMs = t ? (Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4])) * 1000 : NaN;
  return { ms, cpuMs, out: r.stdout ?? '', status: r.status, error: r.error?.message };
}

/** The two-point time: best of the rounds at the second point minus best at the first. */
const diff = (a: number[], b: number[]): number => Math.min(...b) - Math.min(...a);

const ok = (r: Run): boolean => r.stop.kind === 'exit' && r.stop.code === 0 && /checksum 0x[0-9a-f]{16}\n$/.test(r.out);
const checksum = (out: string): string => /checksum (0x[0-9a-f]+)/.exec(out)?.[1] ?? '(none)';

/** The figures for one program, or a reason it could not be measured. */
function measure(name: string, elf: Uint8Array, dir: string, qemu: boolean): string {
  // Instructions per iteration (the same for every iteration, checked below).
  const one = runRvhart(withIterations(elf, 1), name), two = runRvhart(withIterations(elf, 2), name);
  if (!ok(one) || !ok(two)) return `did not finish on rvhart: ${(ok(one) ? two : one).stop.reason}: ${(ok(one) ? two : one).out.trim()}`;
  const perIter = two.insns - one.insns;
  const k = Math.max(1, Math.round(RVHART_SPAN / perIter));
  const n1 = Math.max(1, Math.round(k / 4)), n2 = n1 + k;
  const e1 = withIterations(elf, n1), e2 = withIterations(elf, n2);
  /** Two points on one tier: MIPS wall and per CPU-second, or why not. */
  const onTier = (tier: Tier): { mips: number; cpuMips: number; ms: number; r1: Run } | string => {
    const t1: number[] = [], t2: number[] = [], c1: number[] = [], c2: number[] = [];
    let r1 = one, r2 = two;
    for (let i = 0; i < ROUNDS; i++) {
      r1 = runRvhart(e1, name, undefined, tier); t1.push(r1.ms); c1.push(r1.cpuMs);
      r2 = runRvhart(e2, name, undefined, tier); t2.push(r2.ms); c2.push(r2.cpuMs);
      if (!ok(r1) || !ok(r2)) return `did not finish on rvhart (${tier}): ${(ok(r1) ? r2 : r1).out.trim()}`;
    }
    const span = r2.insns - r1.insns;
    if (span !== perIter * k) return `iterations differ in instruction count (${perIter} per iteration from 1→2, ${span / k} over ${n1}→${n2})`;
    const ms = diff(t1, t2);
    return { mips: span / ms / 1e3, cpuMips: span / diff(c1, c2) / 1e3, ms, r1 };
  };
  const jit = onTier('jit'), interp = onTier('interp');
  if (typeof jit === 'string') return jit;
  if (typeof interp === 'string') return interp;
  const r1 = jit.r1, rvMips = jit.mips, rvCpuMips = jit.cpuMips, span = perIter * k;
  if (checksum(interp.r1.out) !== checksum(r1.out)) return `CHECKSUMS DIFFER between the tiers: jit ${checksum(r1.out)}, interp ${checksum(interp.r1.out)}`;
  let text = `${(perIter / 1e6).toFixed(3).padStart(7)}M insns/iter  rvhart jit ${rvMips.toFixed(1).padStart(6)} MIPS ` +
    `(${rvCpuMips.toFixed(1)} per CPU-s; ${(span / 1e6).toFixed(0)}M in ${(jit.ms / 1000).toFixed(2)} s), ` +
    `interp ${interp.mips.toFixed(1)} (${interp.cpuMips.toFixed(1)} per CPU-s), jit/interp ${(rvCpuMips / interp.cpuMips).toFixed(2)} per CPU-s`;
  if (!qemu) return `${text}  QEMU skipped: ${QEMU} is not installed`;
  const kq = Math.max(1, Math.round(QEMU_SPAN / perIter));
  const q1Path = join(dir, `${name}-q1.elf`), q2Path = join(dir, `${name}-q2.elf`);
  writeFileSync(q1Path, e1);
  writeFileSync(q2Path, withIterations(elf, n1 + kq));
  const q1: number[] = [], q2: number[] = [], qc1: number[] = [], qc2: number[] = [];
  runQemu(q1Path); // warms the file cache
  for (let i = 0; i < ROUNDS; i++) {
    const a = runQemu(q1Path), b = runQemu(q2Path);
    if (a.status !== 0 || b.status !== 0) return `${text}  QEMU failed: ${a.error ?? b.error ?? `exit ${a.status}/${b.status}`}`;
    if (i === 0 && checksum(a.out) !== checksum(r1.out)) return `${text}  CHECKSUMS DIFFER: rvhart ${checksum(r1.out)}, QEMU ${checksum(a.out)}`;
    q1.push(a.ms); q2.push(b.ms); qc1.push(a.cpuMs); qc2.push(b.cpuMs);
  }
  const qMs = diff(q1, q2), qInsns = perIter * kq;
  const qMips = qInsns / qMs / 1e3, qCpuMips = qInsns / diff(qc1, qc2) / 1e3;
  text += `  QEMU ${qMips.toFixed(0).padStart(5)} MIPS (${qCpuMips.toFixed(0)} per CPU-s; ${(qInsns / 1e6).toFixed(0)}M in ${(qMs / 1000).toFixed(2)} s)` +
    `  rvhart/QEMU ${(rvMips / qMips).toFixed(3)} (${(rvCpuMips / qCpuMips).toFixed(3)} per CPU-s)`;
  return text;
}

const STORM = 24576;

/** The bundled kernel's page-fault storm (kernel-boot.ts's workload) beside QEMU booting the same
 *  firmware and kernel ELFs: two points, `fault-storm=0` (the plain boot) and `fault-storm=STORM`. */
function faultStorm(qemu: boolean, dir: string): string {
  const imgs = buildBundled({ satp: 'sv39', outDir: dir, force: true });
  const kernel = loadImage(imgs.kernel), firmware = loadImage(imgs.firmware);
  const boot = (k: BootImage, fw: BootImage, args: string): Run => {
    let out = '';
    const dec = new TextDecoder();
    const m = new Virt({ bootargs: args, output: (b) => { out += dec.decode(b, { stream: true }); } });
    m.boot(k, fw);
    const t0 = performance.now(), c0 = process.cpuUsage();
    const stop = m.run(5_000_000_000);
    const ms = performance.now() - t0, c = process.cpuUsage(c0);
    return { insns: m.hart.retired, ms, cpuMs: (c.user + c.system) / 1000, out, stop };
  };
  const args = (n: number) => `fault-storm=${n}`;
  const t1: number[] = [], t2: number[] = [], c1: number[] = [], c2: number[] = [];
  let r1: Run | undefined, r2: Run | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    r1 = boot(kernel, firmware, args(0)); t1.push(r1.ms); c1.push(r1.cpuMs);
    r2 = boot(kernel, firmware, args(STORM)); t2.push(r2.ms); c2.push(r2.cpuMs);
    for (const r of [r1, r2]) if (r.stop.kind !== 'exit' || r.stop.code !== 0) return `did not shut down with status 0: ${r.stop.reason}`;
  }
  const span = r2!.insns - r1!.insns, rvMs = diff(t1, t2), rvCpuMs = diff(c1, c2);
  let text = `${(span / STORM).toFixed(0)} insns/fault  rvhart ${(span / rvMs / 1e3).toFixed(1).padStart(6)} MIPS ` +
    `(${(span / rvCpuMs / 1e3).toFixed(1)} per CPU-s), ${(STORM / rvMs).toFixed(1)}K faults/s (${(span / 1e6).toFixed(0)}M in ${(rvMs / 1000).toFixed(2)} s)`;
  if (!qemu) return `${text}  QEMU skipped: ${QEMU} is not installed`;
  const q = (n: number) => runQemuArgs(['-bios', imgs.firmware, '-kernel', imgs.kernel, '-append', args(n)]);
  const q1: number[] = [], q2: number[] = [], qc1: number[] = [], qc2: number[] = [];
  q(0);
  for (let i = 0; i < ROUNDS; i++) {
    const a = q(0), b = q(STORM);
    if (a.status !== 0 || b.status !== 0) return `${text}  QEMU failed: ${a.error ?? b.error ?? `exit ${a.status}/${b.status}`}`;
    if (!b.out.includes(`fault storm: ${STORM} page faults handled`)) return `${text}  QEMU: no fault storm line`;
    q1.push(a.ms); q2.push(b.ms); qc1.push(a.cpuMs); qc2.push(b.cpuMs);
  }
  const qMs = diff(q1, q2), qCpuMs = diff(qc1, qc2);
  return `${text}  QEMU ${(span / qMs / 1e3).toFixed(0).padStart(5)} MIPS (${(span / qCpuMs / 1e3).toFixed(0)} per CPU-s), ` +
    `${(STORM / qMs).toFixed(1)}K faults/s  rvhart/QEMU ${(qMs / rvMs).toFixed(3)} (${(qCpuMs / rvCpuMs).toFixed(3)} per CPU-s)`;
}

/** Prints one line per workload; `only` (names, or 'storm') picks some. */
export function printBench(only: string[] = []): void {
  const pick = (n: string) => only.length === 0 || only.includes(n);
  console.log(`-- real code: C programs (tests/bench/c) by ${GCC} -O2 -march=rv64imac, bare metal at 0x80000000, ` +
    `and the bundled kernel's fault storm; two-point MIPS, best of ${ROUNDS} per point, beside QEMU on the same ELF`);
  const gcc = have(GCC), qemu = have(QEMU);
  if (!gcc) console.log(`real code: C programs skipped: ${GCC} is not installed (Debian: gcc-riscv64-unknown-elf)`);
  if (!qemu) console.log(`real code: QEMU's figures skipped: ${QEMU} is not installed (Debian: qemu-system-misc)`);
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-bench-real-'));
  const line = (name: string, what: () => string): void => {
    let text: string;
    try {
      text = what();
    } catch (e) {
      text = `failed: ${(e as Error).message.split('\n')[0]}`;
    }
    console.log(`${name.padEnd(8)} ${text}`);
  };
  try {
    for (const name of gcc ? programNames().filter(pick) : []) line(name, () => measure(name, compile(name, dir), dir, qemu));
    if (pick('storm')) line('storm', () => `bundled kernel (Sv39), fault-storm=${STORM} against the plain boot: ${faultStorm(qemu, dir)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printBench(process.argv.slice(2));
