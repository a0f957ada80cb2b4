// `npm run bench`: the bundled kernel's processes in guest instructions per operation (issue 17),
// picked up by run.ts (printBench). The kernel, booted with `proc-bench=N`, runs the embedded bench
// program as pid 1 instead of init; it times with the time CSR (one tick per retired instruction under
// the default --time-source insns, kernel and user alike): N fork+exit+wait round trips, N
// demand-zero faults, N copy-on-write copies (a child writing pages it shares) and N reuses (the
// parent writing them once the child has gone). Per second on this host = MIPS / instructions.
// Runnable alone: node dist/tests/bench/kernel-proc.js (after npm run build).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundled } from '../../bin/bundled.js';
import { loadImage } from '../../bin/load.js';
import { Virt } from '../../emulator/board/virt.js';

const ROUNDS = 64;

export function printBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-bench-proc-'));
  try {
    const imgs = buildBundled({ satp: 'sv39', outDir: dir, force: true });
    let text = '';
    const dec = new TextDecoder();
    const m = new Virt({ bootargs: `proc-bench=${ROUNDS}`, output: (b) => { text += dec.decode(b, { stream: true }); } });
    m.boot(loadImage(imgs.kernel), loadImage(imgs.firmware));
    const t0 = performance.now();
    const stop = m.run(2_000_000_000);
    const seconds = (performance.now() - t0) / 1000;
    if (stop.kind !== 'exit' || stop.code !== 0) {
      console.log(`kernel processes: the proc-bench boot did not shut down with status 0:\n${text}`);
      return;
    }
    const mips = Number(m.hart.retired) / seconds / 1e6;
    console.log(`-- bundled kernel processes (Sv39, 128 MiB; guest instructions per operation, kernel and user, ${ROUNDS} of each; per second at this run's ${mips.toFixed(1)} MIPS)`);
    const rows: [string, RegExp][] = [
      ['fork+exit+wait', /^proc-bench: fork\+exit\+wait (\d+) instructions per round trip/m],
      ['demand-zero fault', /^proc-bench: demand-zero fault (\d+) instructions per page/m],
      ['COW copy fault', /^proc-bench: COW copy fault (\d+) instructions per page/m],
      ['COW reuse fault', /^proc-bench: COW reuse fault (\d+) instructions per page/m],
    ];
    for (const [name, re] of rows) {
      const n = Number(re.exec(text)?.[1] ?? NaN);
      console.log(`${name.padEnd(20)}${String(n).padStart(8)} instructions${Math.round((mips * 1e6) / n).toString().padStart(10)} per second`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printBench();
