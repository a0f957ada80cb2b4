// The real-code benchmark programs (tests/bench/c, compiled by riscv64-unknown-elf-gcc -O2) run to
// completion on rvhart and print the checksum QEMU virt (-bios none) prints for the same ELF, so
// `npm run bench`'s real-code figures time correct programs on both.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GCC, QEMU, compile, have, programNames, runRvhart, withIterations } from '../../bench/real-code.js';

const haveGcc = have(GCC), haveQemu = have(QEMU);
if (!haveGcc) console.warn(`real-code: ${GCC} is not installed (Debian: gcc-riscv64-unknown-elf); tests skipped`);
else if (!haveQemu) console.warn(`real-code: ${QEMU} is not installed (Debian: qemu-system-misc); QEMU comparison skipped`);

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-real-code-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('real-code benchmark programs: rvhart prints what QEMU prints', () => {
  for (const name of programNames()) {
    it.skipIf(!haveGcc)(name, () => {
      const elf = withIterations(compile(name, tmp), 3);
      const r = runRvhart(elf, name, 200_000_000);
      expect(r.stop).toMatchObject({ kind: 'exit', code: 0 });
      expect(r.out).toMatch(new RegExp(`^${name}: iterations 0x0+3 checksum 0x[0-9a-f]{16}\\n$`));
      if (!haveQemu) return;
      const path = join(tmp, `${name}-3.elf`);
      writeFileSync(path, elf);
      const q = spawnSync(QEMU, ['-machine', 'virt', '-nographic', '-monitor', 'none', '-bios', 'none', '-kernel', path],
        { encoding: 'utf8', input: '', timeout: 60_000 });
      expect(q.status, `qemu: ${q.stderr}`).toBe(0);
      expect(r.out).toBe(q.stdout);
    }, 60_000);
  }
});
