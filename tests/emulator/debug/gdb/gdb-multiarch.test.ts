// Against real GDB: gdb-multiarch -batch connects to the stub (served in this process on a free
// port), reads the target description, breaks at a symbol, continues, reads registers and CSRs,
// memory by virtual address, single-steps and runs `monitor walk`. Skips when gdb-multiarch is absent.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveGdb } from '../../../../emulator/debug/gdb/node-server.js';
import { buildBundled } from '../../../../bin/bundled.js';
import { loadImage } from '../../../../bin/load.js';
import { Virt } from '../../../../emulator/board/virt.js';
import { Target } from '../../../../emulator/debug/target.js';
import { asmSession, symbolsOf } from '../harness.js';
import { CALLS, PAGING } from '../programs.js';

const haveGdb = spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveGdb) console.warn('gdb-multiarch is not installed: skipping the real-GDB stub tests');

const haveKernel = existsSync(join(import.meta.dirname, '..', '..', '..', '..', 'kernel-ts', 'kernel', 'main.ts'));
if (!haveKernel) console.warn('kernel-ts/kernel is not there yet: skipping gdb-multiarch on the bundled kernel');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-gdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runGdb(args: string[]): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve) => {
    const p = spawn('gdb-multiarch', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // stdout, then stderr (where GDB prints monitor output and notes): collected apart, so a note
    // never lands in the middle of a line the tests match, whatever the pipe timing.
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ out: `${out}\n${err}`, code }); });
  });
}

describe.skipIf(!haveGdb)('gdb-multiarch against the stub', () => {
  it('connects, breaks at a symbol, reads satp and memory by VA, steps, runs monitor walk', async () => {
    const s = asmSession(PAGING);
    const elf = join(dir, 'paging.elf');
    writeFileSync(elf, s.elf);
    let port = 0;
    const portSeen = new Promise<void>((resolve) => {
      void serveGdb(s.target, s.symbols, 0, { log: (l) => { port = Number(/:(\d+) /.exec(l)![1]); resolve(); } });
    });
    await portSeen;
    const smain = s.symbols.lookup('smain')!.addr;
    const r = await runGdb(['-nx', '-batch',
      '-ex', 'set pagination off',
      '-ex', `file ${elf}`,
      '-ex', `target remote 127.0.0.1:${port}`,
      '-ex', 'info registers pc',
      '-ex', 'break *smain',
      '-ex', 'continue',
      '-ex', 'info registers satp',
      '-ex', 'info registers priv',
      '-ex', 'x/2gx 0x40000000',
      '-ex', 'stepi',
      '-ex', 'stepi',
      '-ex', 'stepi',
      '-ex', 'info registers pc a1',
      '-ex', 'x/2gx 0x40000000',
      '-ex', 'monitor walk 0x40000010',
      '-ex', 'monitor info mem',
      '-ex', 'kill',
    ]);
    const out = r.out;
    expect(out).toMatch(/pc\s+0x1000\s+0x1000/);
    expect(out).toContain(`Breakpoint 1 at 0x${smain.toString(16)}`);
    expect(out).toMatch(new RegExp(`Breakpoint 1, 0x0*${smain.toString(16)} in smain \\(\\)`));
    expect(out).toMatch(/satp\s+0x8000000000080\w+/);
    expect(out).toMatch(/priv\s+0x1\s+prv:1 \[Supervisor\]/);
    expect(out).toMatch(/0x40000000:\s+0x0000000000000000\s+0x0000000000000000/);
    expect(out).toMatch(/a1\s+0x2a\s+42/);
    expect(out).toMatch(new RegExp(`pc\\s+0x[0-9a-f]+\\s+0x[0-9a-f]+ <smain\\+\\d+>`));
    expect(out).toMatch(/0x40000000:\s+0x000000000000002a\s+0x0000000000000000/);
    expect(out).toContain('leaf, 2 MiB page at 0x80200000');
    expect(out).toContain('=> PA 0x0000000080200010 (2 MiB page, level 1)');
    expect(out).toContain('1 GiB block');
  });

  it('stepi over an ecall stops at the trap handler\'s first instruction (the stub\'s exact step, not a breakpoint at pc+4)', async () => {
    const s = asmSession(CALLS);
    const elf = join(dir, 'calls.elf');
    writeFileSync(elf, s.elf);
    const ecall = s.symbols.lookup('outer')!.addr - 6n; // ecall, then c.j, before outer
    const handler = s.symbols.lookup('handler')!.addr;
    let port = 0;
    await new Promise<void>((resolve) => {
      void serveGdb(s.target, s.symbols, 0, { log: (l) => { port = Number(/:(\d+) /.exec(l)![1]); resolve(); } });
    });
    const r = await runGdb(['-nx', '-batch',
      '-ex', 'set pagination off',
      '-ex', `file ${elf}`,
      '-ex', `target remote 127.0.0.1:${port}`,
      '-ex', 'show osabi',
      '-ex', `break *0x${ecall.toString(16)}`,
      '-ex', 'continue',
      '-ex', 'stepi',
      '-ex', 'info registers pc mcause',
      '-ex', 'stepi',
      '-ex', 'info registers pc a5',
      '-ex', 'kill',
    ]);
    const out = r.out;
    expect(out).toContain('(currently "none")');
    expect(out).toMatch(new RegExp(`Breakpoint 1, 0x0*${ecall.toString(16)} in _start \\(\\)`));
    expect(out).toMatch(new RegExp(`pc\\s+0x${handler.toString(16)}\\s+0x${handler.toString(16)} <handler>`));
    expect(out).toMatch(/mcause\s+0xb\s+11/);
    expect(out).toMatch(new RegExp(`pc\\s+0x${(handler + 4n).toString(16)}\\s+0x${(handler + 4n).toString(16)} <handler\\+4>`));
    expect(out).toMatch(/a5\s+0xb\s+11/); // the handler's `csrr a5, mcause` ran: one instruction, exactly
  });

  it.skipIf(!haveKernel)('on the bundled kernel: break at a kernel symbol, satp, memory by VA through the high alias, stepi, monitor walk', async () => {
    const images = buildBundled({ satp: 'sv39', outDir: join(dir, 'kernel') });
    const machine = new Virt({ output: () => {} });
    machine.boot(loadImage(images.kernel), loadImage(images.firmware));
    const symbols = symbolsOf(new Uint8Array(readFileSync(images.kernel)), 'kernel.elf');
    const target = new Target(machine);
    let port = 0;
    await new Promise<void>((resolve) => {
      void serveGdb(target, symbols, 0, { log: (l) => { port = Number(/:(\d+) /.exec(l)![1]); resolve(); } });
    });
    const r = await runGdb(['-nx', '-batch',
      '-ex', 'set pagination off',
      '-ex', `file ${images.kernel}`,
      '-ex', `target remote 127.0.0.1:${port}`,
      '-ex', 'break lazy_demo',
      '-ex', 'continue',
      '-ex', 'info registers satp',
      '-ex', 'info registers priv',
      '-ex', 'x/2gx 0x80200000',
      '-ex', 'x/2gx 0xffffffc000200000',
      '-ex', 'stepi',
      '-ex', 'info registers pc',
      '-ex', 'monitor walk 0xffffffc000200000',
      '-ex', 'kill',
    ]);
    const out = r.out;
    expect(out).toMatch(/Breakpoint 1 at 0x802[0-9a-f]+/);
    expect(out).toMatch(/Breakpoint 1, 0x00000000802[0-9a-f]+ in lazy_demo \(\)/);
    expect(out).toMatch(/satp\s+0x8000[0-9a-f]{12}\s/);
    expect(out).toMatch(/priv\s+0x1\s+prv:1 \[Supervisor\]/);
    const direct = /0x80200000 <[^>]+>:\s+(0x[0-9a-f]{16})\s+(0x[0-9a-f]{16})/.exec(out);
    const alias = /0xffffffc000200000:\s+(0x[0-9a-f]{16})\s+(0x[0-9a-f]{16})/.exec(out);
    expect(direct).not.toBeNull();
    expect(alias).not.toBeNull();
    expect(alias!.slice(1)).toEqual(direct!.slice(1)); // the same bytes through the 1 GiB alias
    expect(out).toMatch(/pc\s+0x802[0-9a-f]+\s+0x802[0-9a-f]+ <\w+(\+\d+)?>/); // one instruction on (it may be a call)
    expect(out).toContain('level 2: VPN[2] = 0x100');
    expect(out).toContain('leaf, 1 GiB page at 0x80000000');
    expect(out).toContain('=> PA 0x0000000080200000');
  });
});
