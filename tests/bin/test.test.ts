// `rvhart test` semantics over every riscv-tests ELF in $RVHART_RISCV_TESTS (default /tmp/riscv-tests-build).
// Build them outside the repo (see README); the suite skips with a message when the directory is absent.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestFile } from '../../bin/test.js';
import { buildElf } from '../helpers/build-asm.js';
import { rvhart } from '../helpers/cli.js';

const DIR = process.env.RVHART_RISCV_TESTS ?? '/tmp/riscv-tests-build';
const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => /^rv64(ui|um|ua|uc|uf|ud|uzba|uzbb|uzbs|uzicond|si|mi|mzicbo)-p-/.test(f) && !f.endsWith('.dump')).sort() : [];
if (files.length === 0) console.warn(`riscv-tests: no rv64*-p-* ELFs in ${DIR} (set RVHART_RISCV_TESTS); skipped`);

describe('riscv-tests', () => {
  it.skipIf(files.length === 0)(`every rv64ui/um/ua/uc/uf/ud/uzba/uzbb/uzbs/uzicond/si/mi/mzicbo -p- test in ${DIR} passes`, () => {
    const failures = files.map((f) => runTestFile(join(DIR, f))).filter((r) => !r.passed).map((r) => `${r.file}: ${r.reason}`);
    expect(failures).toEqual([]);
  }, 600_000);
});

describe('rvhart test', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rvhart-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const htif = (value: number) => `
  .globl _start
_start:
  li t0, ${value}
  la t1, tohost
  sd t0, 0(t1)
1: j 1b
  .data
  .align 3
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
`;
  it('prints a line per failure, then N passed, M failed', () => {
    const pass = join(tmp, 'pass.elf'), fail = join(tmp, 'fail.elf');
    writeFileSync(pass, buildElf(htif(1), 'pass.s'));
    writeFileSync(fail, buildElf(htif(7), 'fail.s'));
    const r = rvhart(['test', pass, fail]);
    expect(r.stdout).toBe(`FAIL ${fail}: exit code 3 (test 3 failed)\n1 passed, 1 failed\n`);
    expect(r.status).toBe(1);
    expect(rvhart(['test', pass]).status).toBe(0);
  });
});
