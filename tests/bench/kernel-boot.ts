// `npm run bench` workloads of the bundled kernel (issue 6), picked up by run.ts (printBench):
//   - kernel boot: firmware + kernel to the SBI shutdown, per paging mode — instructions retired and
//     wall time (best and median of ROUNDS);
//   - page-fault storm: the same boot with `fault-storm=N` on the command line (/chosen/bootargs), so
//     the kernel touches N fresh pages of a lazy area (N page faults: allocate, zero, map, fence,
//     return) and frees them. Faults per second = N / (storm boot − plain boot), best against best.
// Runnable alone: node dist/tests/bench/kernel-boot.js (after npm run build).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundled, type KernelSatp } from '../../bin/bundled.js';
import { loadImage } from '../../bin/load.js';
import { Virt, type BootImage } from '../../emulator/board/virt.js';

const ROUNDS = 3;
const STORM_PAGES = 8192;

interface Run { insns: number; ms: number; cpuMs: number; ok: boolean; text: string }

function bootOnce(kernel: BootImage, firmware: BootImage, bootargs?: string): Run {
  let text = '';
  const dec = new TextDecoder();
  const m = new Virt({ bootargs, output: (b) => { text += dec.decode(b, { stream: true }); } });
  m.boot(kernel, firmware);
  const t0 = performance.now(), c0 = process.cpuUsage();
  const stop = m.run(2_000_000_000);
  const ms = performance.now() - t0, c = process.cpuUsage(c0);
  return { insns: m.hart.retired, ms, cpuMs: (c.user + c.system) / 1000, ok: stop.kind === 'exit' && stop.code === 0, text };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};

function rounds(kernel: BootImage, firmware: BootImage, bootargs?: string): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(bootOnce(kernel, firmware, bootargs));
  return runs;
}

export function printBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-bench-kernel-'));
  try {
    console.log('-- bundled kernel (firmware + kernel to SBI shutdown)');
    for (const satp of ['sv39', 'sv48'] as KernelSatp[]) {
      const t0 = performance.now();
      const imgs = buildBundled({ satp, outDir: dir, force: true });
      const buildMs = performance.now() - t0;
      const kernel = loadImage(imgs.kernel), firmware = loadImage(imgs.firmware);
      const plain = rounds(kernel, firmware);
      const storm = rounds(kernel, firmware, `fault-storm=${STORM_PAGES}`);
      if (![...plain, ...storm].every((r) => r.ok)) {
        console.log(`kernel boot (${satp}): did not shut down with status 0:\n${plain.concat(storm).find((r) => !r.ok)!.text}`);
        continue;
      }
      const insns = plain[0]!.insns, wall = plain.map((r) => r.ms);
      const best = Math.min(...wall);
      console.log(`${`kernel boot (${satp})`.padEnd(44)} ${(insns / 1e6).toFixed(2)}M instructions retired; ` +
        `best ${best.toFixed(0)} ms / median ${median(wall).toFixed(0)} ms wall (${(insns / best / 1e3).toFixed(1)} MIPS); ` +
        `build ${buildMs.toFixed(0)} ms`);
      const extraInsns = storm[0]!.insns - insns;
      const extraMs = Math.min(...storm.map((r) => r.ms)) - best;
      const extraCpu = Math.min(...storm.map((r) => r.cpuMs)) - Math.min(...plain.map((r) => r.cpuMs));
      console.log(`${`page-fault storm (${satp}, ${STORM_PAGES} faults)`.padEnd(44)} ` +
        `${(STORM_PAGES / (extraMs / 1000)).toFixed(0)} faults/s wall, ${(STORM_PAGES / (extraCpu / 1000)).toFixed(0)} per CPU-second; ` +
        `${(extraInsns / STORM_PAGES).toFixed(0)} instructions per fault (touch, fault, allocate, zero, map, fence, and the free)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printBench();
