// The FP registers seen from outside: the shell's `info float`, `info registers fa0`, `p $fa0` (GDB's
// riscv_double union; p/x the raw bits) and `info all-registers`, and the GDB stub's org.gnu.gdb.riscv.fpu feature read by gdb-multiarch itself
// (`info float`, `p $fa0`, `info registers fcsr`). Skips the GDB part when gdb-multiarch is absent.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveGdb } from '../../../emulator/debug/gdb/node-server.js';
import { targetXml } from '../../../emulator/debug/gdb/protocol.js';
import { asmSession } from '../debug/harness.js';

// fa0 = 1.5 (double), fa1 = 2.5f NaN-boxed, frm = rtz, NX raised by 1/3.
const PROGRAM = `
  li t0, 0x2000
  csrs mstatus, t0
  li t0, 0x3ff8000000000000
  fmv.d.x fa0, t0
  li t0, 0x40200000
  fmv.w.x fa1, t0
  fsrmi 1
  li t0, 1
  fcvt.d.l ft0, t0
  li t0, 3
  fcvt.d.l ft1, t0
  fdiv.d ft2, ft0, ft1
done:
  j done
`;

const haveGdb = spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'rvhart-fpgdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FP registers in the shell', () => {
  it('info float, info registers fa0, p $fa0', async () => {
    const s = asmSession(PROGRAM);
    await s.run('break done', 'continue');
    const out = await s.run('info float');
    expect(out).toMatch(/fa0 +\{float = 0, double = 1\.5\}\t\(raw 0x3ff8000000000000\)/);
    expect(out).toMatch(/fa1 +\{float = 2\.5, double = -nan\(0xfffff40200000\)\}\t\(raw 0xffffffff40200000\)/);
    expect(out).toMatch(/ft2 +\{float = [^,]+, double = 0\.33333333333333331\}/);
    expect(out).toMatch(/frm +0x1 +FRM:1 \[RTZ/);
    expect(out).toMatch(/fflags +0x1 +NV:0 DZ:0 OF:0 UF:0 NX:1/);
    expect(await s.run('info registers fa0')).toMatch(/fa0 +\{float = 0, double = 1\.5\}/);
    expect(await s.run('p/x $fa0')).toContain('0x3ff8000000000000');
    expect(await s.run('p $fa0')).toMatch(/^\$\d+ = \{float = 0, double = 1\.5\}\n$/);
    expect(await s.run('p $fa1')).toMatch(/= \{float = 2\.5, double = -nan\(0xfffff40200000\)\}/);
    const all = await s.run('info all-registers');
    expect(all).toMatch(/ft11 +\{float/);
    expect(all.match(/^fcsr /gm)?.length).toBe(1);
  });

  it('the target description has the fpu feature, fcsr in it and not in the csr feature', () => {
    const s = asmSession(PROGRAM);
    const xml = targetXml(s.machine.hart);
    expect(xml).toContain('<feature name="org.gnu.gdb.riscv.fpu">');
    expect(xml).toContain('<reg name="ft0" bitsize="64" type="riscv_double" regnum="33"/>');
    expect(xml).toContain('<reg name="ft11" bitsize="64" type="riscv_double" regnum="64"/>');
    expect(xml.match(/name="fcsr"/g)?.length).toBe(1);
  });
});

describe.skipIf(!haveGdb)('FP registers through gdb-multiarch', () => {
  it('info float, p $fa0, info registers fcsr', async () => {
    const s = asmSession(PROGRAM);
    const elf = join(dir, 'fp.elf');
    writeFileSync(elf, s.elf);
    let port = 0;
    await new Promise<void>((resolve) => {
      void serveGdb(s.target, s.symbols, 0, { log: (l) => { port = Number(/:(\d+) /.exec(l)![1]); resolve(); } });
    });
    const out = await new Promise<string>((resolve) => {
      const p = spawn('gdb-multiarch', ['-nx', '-batch', '-ex', 'set pagination off', '-ex', `file ${elf}`,
        '-ex', `target remote 127.0.0.1:${port}`, '-ex', 'break done', '-ex', 'continue',
        '-ex', 'info float', '-ex', 'p $fa0', '-ex', 'p $fa1.float', '-ex', 'info registers fcsr', '-ex', 'kill'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let o = '';
      p.stdout.on('data', (d: Buffer) => { o += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { o += d.toString(); });
      const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.on('close', () => { clearTimeout(timer); resolve(o); });
    });
    expect(out).toMatch(/fa0 +\{float = 0, double = 1\.5\}\t\(raw 0x3ff8000000000000\)/);
    expect(out).toMatch(/fa1 +\{float = 2\.5, double = -nan\(0xfffff40200000\)\}\t\(raw 0xffffffff40200000\)/);
    expect(out).toMatch(/ft2 +\{float = 1\.46601547e\+13, double = 0\.33333333333333331\}/);
    expect(out).toMatch(/\$1 = \{float = 0, double = 1\.5\}/);
    expect(out).toMatch(/\$2 = 2\.5/);
    expect(out).toMatch(/fcsr +0x21/);
  }, 90_000);
});
