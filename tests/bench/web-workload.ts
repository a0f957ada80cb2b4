// The workload tests/bench/web.ts times in Node and in headless Chromium: the bundled firmware and
// kernel booted to the SBI shutdown (optionally with `fault-storm=N`), by the page's own loader
// (web/images.ts) on the emulator's Virt. No Node import: this file is also bundled for the browser.

import { Virt } from '../../emulator/board/virt.js';
import { loadElf } from '../../web/images.js';

export interface BootRun { insns: number; ms: number; ok: boolean }

export function bootRounds(firmware: Uint8Array, kernel: Uint8Array, bootargs: string | undefined, rounds: number): BootRun[] {
  const fw = loadElf(firmware, 'firmware.elf').image, k = loadElf(kernel, 'kernel.elf').image;
  const out: BootRun[] = [];
  for (let i = 0; i < rounds; i++) {
    const m = new Virt({ bootargs });
    m.boot(k, fw);
    const t0 = performance.now();
    const stop = m.run(2_000_000_000);
    out.push({ insns: m.hart.retired, ms: performance.now() - t0, ok: stop.kind === 'exit' && stop.code === 0 });
  }
  return out;
}
