// MMU benchmark workloads (run by `npm run bench`; also runnable alone: node dist/tests/bench/mmu-sv39.js).
// An S-mode load/store loop sweeping 16 MiB: with Sv39 over 4 KiB pages (4096 pages: the TLB misses),
// with Sv39 over 2 MiB pages (8 entries: fits in the TLB), and in Bare mode for comparison.
// Page tables are written into RAM from TypeScript before the run.

import { pathToFileURL } from 'node:url';
import { Virt } from '../../emulator/board/virt.js';
import { readElf } from '../../linker/elf/read.js';
import { bootImage } from '../../linker/elf/boot-image.js';
import { buildElf } from '../helpers/build-asm.js';

export interface MmuBenchResult {
  name: string; instructions: number; seconds: number; mips: number; walks: number; misses: number;
  /** CPU time of the run (user + system): MIPS per CPU-second shows the speed on a shared machine. */
  cpuSeconds: number; cpuMips: number;
}
export interface MmuBenchWorkload { name: string; run(): MmuBenchResult }

const RAM = 0x8000_0000, DATA_PA = 0x8100_0000, SPAN = 16 << 20, VA_BASE = 0x4000_0000, PT = 0x8080_0000;
const V = 1, R = 2, W = 4, X = 8, A = 0x40, D = 0x80;

function source(satp: bigint, base: number, sweeps: number): string {
  return `
    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    li t0, ${'0x' + satp.toString(16)}
    csrw satp, t0
    sfence.vma
    li t0, 0x1800
    csrc mstatus, t0
    li t0, 0x800
    csrs mstatus, t0
    la t0, s_main
    csrw mepc, t0
    mret
    .text
s_main:
    li s2, ${sweeps}
2:  li t0, ${'0x' + base.toString(16)}
    li t1, ${'0x' + (base + SPAN).toString(16)}
1:  ld t2, 0(t0)
    sd t2, 8(t0)
    ld t3, 16(t0)
    add t3, t3, t2
    sd t3, 24(t0)
    addi t0, t0, 64
    bltu t0, t1, 1b
    addi s2, s2, -1
    bnez s2, 2b
    ecall
    .balign 4
trap:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
3:  j 3b
`;
}

/** Writes an Sv39 table mapping [VA_BASE, +SPAN) → [DATA_PA, +SPAN) with leaves of `level`, plus an
 *  identity 2 MiB map of the code at 0x8000_0000. Returns satp. */
function buildTables(m: Virt, level: 0 | 1): bigint {
  const view = m.ram.view;
  let next = PT;
  const alloc = (): number => { const a = next; next += 4096; m.ram.fill(a - RAM, 4096); return a; };
  const root = alloc();
  const put = (addr: number, pte: number): void => view.setBigUint64(addr - RAM, BigInt(pte), true);
  const get = (addr: number): number => Number(view.getBigUint64(addr - RAM, true));
  const pteAddr = (va: number, lvl: number): number => {
    let table = root;
    for (let i = 2; i > lvl; i--) {
      const at = table + (Math.floor(va / 2 ** (12 + 9 * i)) % 512) * 8;
      if (!(get(at) & V)) put(at, (alloc() / 4096) * 1024 + V);
      table = Math.floor(get(at) / 1024) * 4096;
    }
    return table + (Math.floor(va / 2 ** (12 + 9 * lvl)) % 512) * 8;
  };
  put(pteAddr(RAM, 1), (RAM / 4096) * 1024 + (V | R | W | X | A | D));
  const step = level === 0 ? 4096 : 2 << 20;
  for (let off = 0; off < SPAN; off += step) put(pteAddr(VA_BASE + off, level), ((DATA_PA + off) / 4096) * 1024 + (V | R | W | A | D));
  return (8n << 60n) | BigInt(root / 4096);
}

function workload(name: string, kind: 'bare' | '4k' | '2m', sweeps: number): MmuBenchWorkload {
  return {
    name,
    run(): MmuBenchResult {
      const m = new Virt({ mem: 64 << 20 });
      // Build the tables in a scratch machine first to know satp, then boot the program with it.
      const satp = kind === 'bare' ? 0n : buildTables(m, kind === '4k' ? 0 : 1);
      const elf = readElf(buildElf(source(satp, kind === 'bare' ? DATA_PA : VA_BASE, sweeps), `${name}.s`), `${name}.elf`);
      m.boot(bootImage(elf));
      const t0 = performance.now(), c0 = process.cpuUsage();
      const stop = m.run(4_000_000_000);
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0), cpuSeconds = (c.user + c.system) / 1e6;
      if (stop.kind !== 'exit' || stop.code !== 0) throw new Error(`${name}: ${stop.reason}`);
      const instructions = Number(m.hart.retired);
      return {
        name, instructions, seconds, mips: instructions / seconds / 1e6, walks: m.mmu.stats.walks, misses: m.mmu.stats.misses,
        cpuSeconds, cpuMips: instructions / cpuSeconds / 1e6,
      };
    },
  };
}

export const workloads: MmuBenchWorkload[] = [
  workload('mmu: S-mode load/store, Bare, 16 MiB', 'bare', 8),
  workload('mmu: S-mode load/store, Sv39 4 KiB pages over 16 MiB (TLB misses)', '4k', 8),
  workload('mmu: S-mode load/store, Sv39 2 MiB pages over 16 MiB (fits the TLB)', '2m', 8),
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const w of workloads) {
    const r = w.run();
    console.log(`${r.name}: ${r.mips.toFixed(1)} MIPS (${r.instructions} insns in ${r.seconds.toFixed(2)} s; ${r.walks} walks, ${r.misses} misses)`);
  }
}
