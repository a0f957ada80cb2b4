// Against real GDB with four harts: gdb-multiarch -batch sees one thread per hart named "hart N"
// (`info threads`), a breakpoint only hart 2 reaches is reported as thread 3 and switches to it,
// `thread 2` shows hart 1's own registers and backtrace, memory is read through the selected
// thread's satp, and stepi steps the selected thread. Skips when gdb-multiarch is absent.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveGdb } from '../../../../emulator/debug/gdb/node-server.js';
import { asmSession } from '../harness.js';
import { SMP } from '../programs.js';

const haveGdb = spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveGdb) console.warn('gdb-multiarch is not installed: skipping the real-GDB thread tests');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-gdb-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runGdb(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('gdb-multiarch', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', () => { clearTimeout(timer); resolve(`${out}\n${err}`); });
  });
}

describe.skipIf(!haveGdb)('gdb-multiarch against the stub, four harts', () => {
  it('info threads names the harts; a breakpoint on hart 2 is thread 3; thread 2 shows hart 1; stepi steps the selected thread', async () => {
    const s = asmSession(SMP, { smp: 4 });
    const elf = join(dir, 'smp.elf');
    writeFileSync(elf, s.elf);
    let port = 0;
    await new Promise<void>((resolve) => {
      void serveGdb(s.target, s.symbols, 0, { log: (l) => { port = Number(/:(\d+) /.exec(l)![1]); resolve(); } });
    });
    const h2fn = s.symbols.lookup('h2fn')!.addr, sPark = s.symbols.lookup('s_park')!.addr;
    const out = await runGdb(['-nx', '-batch',
      '-ex', 'set pagination off',
      '-ex', `file ${elf}`,
      '-ex', `target remote 127.0.0.1:${port}`,
      '-ex', 'info threads',
      '-ex', 'break *s_park',
      '-ex', 'continue',
      '-ex', 'delete',
      '-ex', 'break *h2fn',
      '-ex', 'continue',
      '-ex', 'info threads',
      '-ex', 'p $mhartid',
      '-ex', 'bt',
      '-ex', 'thread 2',
      '-ex', 'p $mhartid',
      '-ex', 'p $pc',
      '-ex', 'p/x $satp',
      '-ex', 'x/gx (char *)&magic - 0x40000000',
      '-ex', 'thread 1',
      '-ex', 'p $mhartid',
      '-ex', 'echo STEP\\n',
      '-ex', 'p $s1',
      '-ex', 'stepi',
      '-ex', 'stepi',
      '-ex', 'p $s1',
      '-ex', 'info threads',
      '-ex', 'thread apply all bt 1',
      '-ex', 'echo LOCKED\\n',
      '-ex', 'set scheduler-locking on',
      '-ex', 'thread 2',
      '-ex', 'p $minstret',
      '-ex', 'thread 1',
      '-ex', 'stepi',
      '-ex', 'stepi',
      '-ex', 'thread 2',
      '-ex', 'p $minstret',
      '-ex', 'kill',
    ]);
    // Before anything ran: four threads, every one at the reset vector.
    expect(out).toMatch(/\* 1 {4}Thread 1 "hart 0" \(M-mode\) 0x0*1000 in \?\? \(\)/);
    expect(out).toMatch(/ {2}4 {4}Thread 4 "hart 3" \(M-mode\) 0x0*1000 in \?\? \(\)/);
    // s_park is hart 1's: thread 2.
    expect(out).toMatch(new RegExp(`Thread 2 "hart 1" hit Breakpoint 1, 0x0*${sPark.toString(16)} in s_park \\(\\)`));
    expect(out).toMatch(new RegExp(`\\[Switching to Thread 3\\][^]*Thread 3 "hart 2" hit Breakpoint 2, 0x0*${h2fn.toString(16)} in h2fn \\(\\)`));
    expect(out).toMatch(/\* 3 {4}Thread 3 "hart 2" \(M-mode\) 0x[0-9a-f]+ in h2fn \(\)/);
    expect(out).toMatch(/ {2}2 {4}Thread 2 "hart 1" \(S-mode\) 0x[0-9a-f]+ in s_park \(\)/);
    expect(out).toMatch(/\$1 = 2\n/);
    expect(out).toMatch(/#0 {2}0x[0-9a-f]+ in h2fn \(\)\n#1 {2}0x[0-9a-f]+ in (hart2|h2_park) \(\)/); // GDB names a return address by pc - 1
    expect(out).toMatch(/\[Switching to thread 2 \(Thread 2\)\]/);
    expect(out).toMatch(/\$2 = 1\n/);
    expect(out).toMatch(new RegExp(`\\$3 = \\(void \\(\\*\\)\\(\\)\\) 0x${sPark.toString(16)} <s_park>`));
    expect(out).toMatch(/\$4 = 0x8000000000080\w+/);
    expect(out).toMatch(/0x40\w+ <\w+>:\s+0x1122334455667788|0x40\w+:\s+0x1122334455667788/);
    expect(out).toMatch(/\$5 = 0\n/);
    const step = out.slice(out.indexOf('STEP'));
    const s1 = [...step.matchAll(/\$(?:6|7) = (\d+)/g)].map((m) => Number(m[1]));
    expect(s1.length).toBe(2);
    expect(s1[1]! - s1[0]!).toBeLessThanOrEqual(1); // two steps of hart 0's loop: addi, j
    expect(out).toMatch(/Thread 4 \(Thread 4 "hart 3" \(M-mode, WFI\)\):\n#0  0x[0-9a-f]+ in h3_park \(\)[^]*Thread 1 \(Thread 1 "hart 0" \(M-mode\)\):\n#0  0x[0-9a-f]+ in p_loop \(\)/);
    // scheduler-locking on: GDB steps thread 1 alone (vCont;s:1), and hart 1 retires nothing meanwhile
    const locked = out.slice(out.indexOf('LOCKED'));
    const minstret = [...locked.matchAll(/\$(?:8|9) = (\d+)/g)].map((m) => Number(m[1]));
    expect(minstret.length).toBe(2);
    expect(minstret[1]).toBe(minstret[0]);
  });
});
