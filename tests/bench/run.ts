// `npm run bench`: MIPS per workload, built with our own toolchain. A benchmark, never a test: it
// prints numbers and asserts nothing. Every workload runs several rounds; we print the best and the
// median, both as wall-clock MIPS (what a user sees) and MIPS per CPU-second (the speed when the
// machine is shared), with the host's core count and load average, so figures can be judged.
//
// Sections: the hart in bare mode (issue 3: ALU, load/store, call-heavy); the MMU (issue 4: S-mode
// load/store over 16 MiB in Bare, Sv39 4 KiB pages, Sv39 2 MiB pages, and the Bare/Sv39 ratio when
// the working set fits the TLB); then every tests/bench/kernel-*.ts module that exports
// `printBench(): void | Promise<void>` (kernel boot, page-fault storm, ...; kernel-path.ts: traps,
// system calls, page faults, timer interrupts and ASID switches beside QEMU), and the kernel-ts
// compiled-loop-vs-assembly figure; then real compiled C beside QEMU (real-code.ts); then start-up (the CLI booting a tiny image, beside QEMU); last, the
// bundled kernel in headless Chromium against Node (web.ts).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readElf } from '../../linker/elf/read.js';
import { Virt } from '../../emulator/board/virt.js';
import { bootImage } from '../../linker/elf/boot-image.js';
import { buildElf } from '../helpers/build-asm.js';
import { workloads as mmuWorkloads } from './mmu-sv39.js';
import { printKernelTsLoopBench } from './kernel-ts-loop.js';
import { printBench as printWebBench } from './web.js';
import { printStartupBench } from './startup.js';
import { printBench as printRealCodeBench } from './real-code.js';

const WORKLOADS: Record<string, string> = {
  'ALU loop': `
  .globl _start
_start:
  li a0, 0
  li a1, 1
  li a2, 0x12345
1:add a0, a0, a1
  xor a3, a0, a2
  slli a4, a3, 3
  srli a5, a4, 7
  sub a0, a0, a5
  addi a1, a1, 1
  and a6, a1, a2
  or a7, a6, a0
  addiw a2, a2, 3
  j 1b
`,
  'load/store loop': `
  .globl _start
_start:
  li s0, 0x80100000
  li s1, 0x80140000
1:mv a0, s0
2:ld a1, 0(a0)
  addi a1, a1, 1
  sd a1, 0(a0)
  lw a2, 8(a0)
  sw a2, 12(a0)
  addi a0, a0, 16
  bltu a0, s1, 2b
  j 1b
`,
  'call-heavy loop': `
  .globl _start
_start:
  li sp, 0x80200000
1:li a0, 10
  call fib
  j 1b
fib:
  li t0, 2
  blt a0, t0, 2f
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s0, 8(sp)
  mv s0, a0
  addi a0, a0, -1
  call fib
  mv t1, a0
  addi a0, s0, -2
  mv s0, t1
  call fib
  add a0, a0, s0
  ld ra, 0(sp)
  ld s0, 8(sp)
  addi sp, sp, 16
2:ret
`,
};

const ROUNDS = 5;
const INSNS = 20_000_000;

interface Figures { wall: number[]; cpu: number[] }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number): string => x.toFixed(1).padStart(6);

function line(name: string, f: Figures, note: string): void {
  console.log(`${name.padEnd(44)} best ${fmt(Math.max(...f.wall))} / median ${fmt(median(f.wall))} MIPS wall,` +
    ` best ${fmt(Math.max(...f.cpu))} / median ${fmt(median(f.cpu))} per CPU-second  (${note})`);
}

function bareWorkload(name: string, source: string): Figures {
  const image = bootImage(readElf(buildElf(source, `${name}.s`), `${name}.elf`));
  const f: Figures = { wall: [], cpu: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const m = new Virt({ mem: 16 * 1024 * 1024 });
    m.boot(image);
    const t0 = performance.now(), c0 = process.cpuUsage();
    m.run(INSNS);
    const secs = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0), cpuSecs = (c.user + c.system) / 1e6;
    f.wall.push(m.hart.retired / secs / 1e6);
    f.cpu.push(m.hart.retired / cpuSecs / 1e6);
  }
  return f;
}

/** Other engineers' kernel workloads: tests/bench/kernel-*.ts exporting printBench. */
async function kernelBenches(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const files = fs.readdirSync(here).filter((f) => /^kernel-.*\.js$/.test(f)).sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { printBench?: () => void | Promise<void> };
    if (typeof mod.printBench === 'function') await mod.printBench();
  }
}

console.log(`host: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min); ` +
  `${ROUNDS} rounds per workload`);

console.log('-- hart, bare mode (M-mode, no translation)');
for (const [name, source] of Object.entries(WORKLOADS)) line(name, bareWorkload(name, source), `${INSNS / 1e6}M instructions`);

console.log('-- MMU: S-mode load/store loop sweeping 16 MiB');
const mmu = new Map<string, Figures & { walks: number; insns: number }>();
for (const w of mmuWorkloads) {
  const f = { wall: [] as number[], cpu: [] as number[], walks: 0, insns: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const r = w.run();
    f.wall.push(r.mips); f.cpu.push(r.cpuMips); f.walks = r.walks; f.insns = r.instructions;
  }
  mmu.set(w.name, f);
  line(w.name.replace(/^mmu: S-mode load\/store, /, ''), f, `${(f.insns / 1e6).toFixed(1)}M instructions, ${f.walks} walks`);
}
const [bare, , big] = [...mmu.values()];
if (bare && big) {
  console.log(`Bare / Sv39-in-TLB (2 MiB pages) slowdown: ${(median(bare.cpu) / median(big.cpu)).toFixed(2)}x ` +
    `(median per CPU-second; ${(median(bare.wall) / median(big.wall)).toFixed(2)}x by wall median)`);
}

console.log('-- kernel');
await kernelBenches();
printKernelTsLoopBench();
printRealCodeBench();
printStartupBench();
await printWebBench();
