// The kernel-path benchmark programs (tests/bench/kernel-path.ts: trap, syscall, page-fault storm,
// timer storm, ASID switches) end through the syscon with status 0 on rvhart and, when installed, on
// QEMU virt (-bios none) for the same ELF, so `npm run bench`'s per-operation figures time programs
// that did what they say on both; and the ASID programs take the TLB misses they claim.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Virt } from '../../../emulator/board/virt.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { readElf } from '../../../linker/elf/read.js';
import { buildElf } from '../../helpers/build-asm.js';
import { WORKLOADS } from '../../bench/kernel-path.js';
import { QEMU, have, withIterations } from '../../bench/real-code.js';

const haveQemu = have(QEMU);
const tmp = mkdtempSync(join(tmpdir(), 'rvhart-kernel-path-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function rv(elf: Uint8Array) {
  const m = new Virt({ mem: 16 << 20 });
  m.boot(bootImage(readElf(elf, 'kp.elf')));
  const stop = m.run(200_000_000);
  return { stop, insns: m.hart.retired, misses: m.mmu.stats.misses, traps: new Map(m.hart.trapCounts) };
}

describe('kernel-path benchmark programs', () => {
  for (const w of WORKLOADS) {
    it(`${w.name}: passes on rvhart${haveQemu ? ' and QEMU' : ''}; each iteration the same instructions`, () => {
      const elf = buildElf(w.source, `${w.name}.s`);
      const n = w.name === 'fault' ? 2 : 20;
      const a = rv(withIterations(elf, n)), b = rv(withIterations(elf, n + 1)), c = rv(withIterations(elf, n + 2));
      for (const r of [a, b, c]) expect(r.stop).toMatchObject({ kind: 'exit', code: 0 });
      if (w.name !== 'timer300') expect(c.insns - b.insns).toBe(b.insns - a.insns); // timer300: time-driven
      if (w.name === 'asid') expect(c.misses).toBe(a.misses); // ASID-tagged: no misses once both spaces are in
      if (w.name === 'asid=') expect(c.misses - b.misses).toBe(8); // one ASID: each switch drops the 4 pages
      if (w.name === 'fault') expect(c.traps.get('15')! - b.traps.get('15')!).toBe(w.opsPerIter);
      if (!haveQemu) return;
      const path = join(tmp, `${w.name}.elf`);
      writeFileSync(path, withIterations(elf, n));
      const q = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-monitor', 'none', '-bios', 'none', '-kernel', path],
        { encoding: 'utf8', input: '', timeout: 60_000 });
      expect(q.status, `qemu: ${q.stderr}`).toBe(0);
    }, 60_000);
  }
});
