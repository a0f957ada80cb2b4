// `rvhart boot --gdb PORT`: the hart waits before its first instruction, the port is printed on
// stderr, gdb-multiarch drives it, and after GDB detaches the boot goes on to the guest's exit code.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asmSession } from '../emulator/debug/harness.js';
import { CALLS } from '../emulator/debug/programs.js';
import { rvhartSpawn } from './debug-cli.js';

const haveGdb = spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveGdb) console.warn('gdb-multiarch is not installed: skipping the boot --gdb tests');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-bootgdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveGdb)('rvhart boot --gdb', () => {
  it('waits for GDB, which breaks, reads registers and memory, steps, and detaches; the boot then finishes', async () => {
    const elf = join(dir, 'calls.elf');
    writeFileSync(elf, asmSession(CALLS).elf);
    const boot = rvhartSpawn(['boot', elf, '--bios', 'none', '--gdb', '0']);
    let stderr = '';
    const port = await new Promise<number>((resolve, reject) => {
      boot.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /waiting for GDB on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      boot.on('exit', () => reject(new Error(`boot exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((r) => boot.on('exit', (code) => r(code)));
    const gdb = spawn('gdb-multiarch', ['-nx', '-batch', '-ex', `file ${elf}`, '-ex', `target remote 127.0.0.1:${port}`,
      '-ex', 'info registers pc', '-ex', 'break *inner', '-ex', 'continue', '-ex', 'bt', '-ex', 'x/gx &counter',
      '-ex', 'stepi', '-ex', 'info registers sp', '-ex', 'monitor info pmp', '-ex', 'detach']);
    // stdout and stderr apart: GDB's stderr notes (e.g. bt's "Backtrace stopped: PC not saved") would
    // otherwise land in the middle of the lines matched below, depending on pipe timing.
    let out = '', err = '';
    gdb.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    gdb.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    await new Promise((r) => gdb.on('close', r));
    expect(err).not.toMatch(/warning|error/i);
    expect(out).toMatch(/pc\s+0x1000\s+0x1000/);
    expect(out).toMatch(/Breakpoint 1, 0x0*8000[0-9a-f]+ in inner \(\)/);
    expect(out).toMatch(/#1\s+0x[0-9a-f]+ in outer \(\)/);
    expect(out).toMatch(/0x8000[0-9a-f]+:\s+0x0000000000000000/); // counter (no debug info: GDB shows no name)
    expect(err).toContain('PMP: 16 entries, 0 active'); // GDB prints monitor output on stderr
    expect(await exited).toBe(0);
  });
});
