// Bare-metal programs built by our toolchain give the same UART output and exit status on
// `qemu-system-riscv64 -machine virt -bios none` and on `rvhart boot --bios none`.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf } from '../../helpers/build-asm.js';
import { have, rvhart, ROOT } from '../../helpers/cli.js';

const QEMU = 'qemu-system-riscv64';
const haveQemu = have(QEMU);
if (!haveQemu) console.warn(`virt-qemu: ${QEMU} is not installed (Debian: qemu-system-misc); comparison tests skipped`);

const DIR = join(ROOT, 'tests', 'emulator', 'board', 'qemu-programs');
const lib = readFileSync(join(DIR, 'lib.s'), 'utf8');
const programs = readdirSync(DIR).filter((f) => f.endsWith('.s') && f !== 'lib.s');
const tmp = mkdtempSync(join(tmpdir(), 'rvhart-qemu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('same behaviour as QEMU virt (-bios none)', () => {
  for (const p of programs) {
    it.skipIf(!haveQemu)(p, () => {
      const elf = join(tmp, p.replace(/\.s$/, '.elf'));
      writeFileSync(elf, buildElf(readFileSync(join(DIR, p), 'utf8') + '\n' + lib, p));
      const q = spawnSync(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-kernel', elf],
        { encoding: 'utf8', timeout: 60_000 });
      const r = rvhart(['boot', '--bios', 'none', elf]);
      expect(q.status, `qemu: ${q.stderr}`).not.toBeNull();
      expect(r.stdout).toBe(q.stdout);
      expect(r.status).toBe(q.status);
      expect(r.stdout.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
