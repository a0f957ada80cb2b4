// riscv-tests -v- variants (rv64ui/um/ua/uc/uf/ud/uzba/uzbb/uzbs/uzicond in the virtual-memory environment: S/U code on Sv39 page
// tables the test env builds, demand-paged through page faults). Built outside the repo into
// /tmp/riscv-tests-build (never committed); skipped with a message when absent. Each runs under both
// A/D policies: `hardware` (the env finds A/D already set) and `svade` (the env's fault handler sets them).

import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';

const DIR = process.env.RVHART_RISCV_TESTS ?? '/tmp/riscv-tests-build';
const files = existsSync(DIR)
  ? readdirSync(DIR).filter((f) => /^rv64u(i|m|a|c|f|d|zba|zbb|zbs|zicond)-v-[\w-]+$/.test(f)).sort()
  : [];
if (files.length === 0) console.warn(`riscv-tests -v- variants not found in ${DIR}: skipping (build them there from riscv-tests' env/v)`);

function run(file: string, ad: 'hardware' | 'svade'): string {
  const m = new Virt({ mem: 64 << 20, ad });
  m.boot(loadImage(`${DIR}/${file}`));
  const stop = m.run(50_000_000);
  return stop.kind === 'exit' ? `exit ${stop.code}` : `${stop.kind}: ${stop.reason}`;
}

describe('riscv-tests -v- (virtual memory environment)', () => {
  it.skipIf(files.length === 0)(`all ${files.length} rv64ui/um/ua/uc/uf/ud/uzba/uzbb/uzbs/uzicond -v- programs pass with A/D policy hardware and svade`, () => {
    const failures: string[] = [];
    for (const f of files) {
      for (const ad of ['hardware', 'svade'] as const) {
        const r = run(f, ad);
        if (r !== 'exit 0') failures.push(`${f} (${ad}): ${r}`);
      }
    }
    expect(failures).toEqual([]);
    expect(files.length).toBeGreaterThan(80);
  });
});
