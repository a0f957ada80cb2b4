// The device tree reports the RAM size as QEMU's does for the same -m, beyond 4 GiB too (8 GiB:
// reg = <0x0 0x80000000 0x2 0x0>). Skips when qemu-system-riscv64 or fdtget is absent.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Virt } from '../../../emulator/board/virt.js';

const have = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const haveTools = have('qemu-system-riscv64', ['--version']) && have('fdtget', ['-h']);
if (!haveTools) console.warn('fdt-mem: qemu-system-riscv64 or fdtget absent (apt-get install qemu-system-misc device-tree-compiler): skipping');
const dir = mkdtempSync(join(tmpdir(), 'rvhart-fdt-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reg = (dtb: string) => execFileSync('fdtget', ['-t', 'x', dtb, '/memory@80000000', 'reg'], { encoding: 'utf8' }).trim();

describe.skipIf(!haveTools)('device tree memory node', () => {
  for (const [mem, bytes] of [['128M', 128 * 2 ** 20], ['8G', 8 * 2 ** 30]] as const) {
    it(`-m ${mem}: the same reg as QEMU's`, () => {
      const theirs = join(dir, `qemu-${mem}.dtb`);
      execFileSync('qemu-system-riscv64', ['-machine', `virt,dumpdtb=${theirs}`, '-m', mem, '-display', 'none'], { stdio: 'ignore' });
      const m = new Virt({ mem: bytes });
      m.boot(undefined);
      const ours = join(dir, `ours-${mem}.dtb`);
      const off = m.dtbAddr - m.ram.base;
      const totalsize = new DataView(m.ram.readBytes(off, 8).buffer).getUint32(4); // big-endian FDT header
      writeFileSync(ours, m.ram.readBytes(off, totalsize));
      expect(reg(ours)).toBe(reg(theirs));
    });
  }
});
