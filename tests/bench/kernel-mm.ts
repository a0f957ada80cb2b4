// `npm run bench`: the bundled kernel's allocators in guest instructions per call (issue 15), picked up
// by run.ts (printBench). The kernel, booted with `mm-bench=N` on its command line, times BATCH
// allocations then their frees, N rounds after a warm-up, for every buddy order (alloc_pages /
// __free_pages) and every kmalloc class (kmalloc / kfree), reading the time CSR — one tick per retired
// instruction under the default --time-source insns — and prints one line per case; this prints them
// as a table. Instruction counts are the same on every host; the wall clock is not involved.
// Runnable alone: node dist/tests/bench/kernel-mm.js (after npm run build).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundled } from '../../bin/bundled.js';
import { loadImage } from '../../bin/load.js';
import { Virt } from '../../emulator/board/virt.js';

const ROUNDS = 16;

export function printBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-bench-mm-'));
  try {
    const imgs = buildBundled({ satp: 'sv39', outDir: dir, force: true });
    let text = '';
    const dec = new TextDecoder();
    const m = new Virt({ bootargs: `mm-bench=${ROUNDS}`, output: (b) => { text += dec.decode(b, { stream: true }); } });
    m.boot(loadImage(imgs.kernel), loadImage(imgs.firmware));
    const stop = m.run(2_000_000_000);
    if (stop.kind !== 'exit' || stop.code !== 0) {
      console.log(`kernel allocators: the mm-bench boot did not shut down with status 0:\n${text}`);
      return;
    }
    console.log(`-- bundled kernel allocators (Sv39, 128 MiB; guest instructions per call, steady state, ${ROUNDS} rounds of 16)`);
    const buddy = [...text.matchAll(/^mm-bench: buddy order (\d+): alloc_pages (\d+), __free_pages (\d+) instructions per call$/gm)];
    console.log(`${'buddy order'.padEnd(16)}${buddy.map((b) => b[1]!.padStart(6)).join('')}`);
    console.log(`${'  alloc_pages'.padEnd(16)}${buddy.map((b) => b[2]!.padStart(6)).join('')}`);
    console.log(`${'  __free_pages'.padEnd(16)}${buddy.map((b) => b[3]!.padStart(6)).join('')}`);
    const slab = [...text.matchAll(/^mm-bench: kmalloc-(\d+): kmalloc (\d+), kfree (\d+) instructions per call$/gm)];
    console.log(`${'kmalloc class'.padEnd(16)}${slab.map((s) => s[1]!.padStart(6)).join('')}`);
    console.log(`${'  kmalloc'.padEnd(16)}${slab.map((s) => s[2]!.padStart(6)).join('')}`);
    console.log(`${'  kfree'.padEnd(16)}${slab.map((s) => s[3]!.padStart(6)).join('')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printBench();
