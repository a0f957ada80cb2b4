// The shell on the bundled kernel with two harts: the boot hart stops at verify_all in S-mode with
// paging on, while the firmware holds hart 1 in WFI until HSM hart_start — `info harts` says so,
// `hart 1` shows its own (M-mode, Bare) satp and its own frame, and `hart apply all` reads both.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { Session } from '../../../emulator/debug/commands.js';
import { Target } from '../../../emulator/debug/target.js';
import { elfSymbols } from '../../../bin/debug.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const haveKernel = existsSync(join(ROOT, 'kernel-ts', 'kernel', 'main.ts'));
if (!haveKernel) console.warn('kernel-ts/kernel is not there yet: skipping the two-hart kernel session');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-kharts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveKernel)('the bundled kernel on two harts in the shell', () => {
  it('info harts, hart 1\'s own satp and frame, hart apply all', async () => {
    const images = buildBundled({ satp: 'sv39', outDir: dir });
    const machine = new Virt({ output: () => {}, smp: 2 });
    machine.boot(loadImage(images.kernel), loadImage(images.firmware));
    const symbols = elfSymbols([images.kernel, images.firmware]); // as `rvhart debug` reads them
    const target = new Target(machine);
    target.pause = () => new Promise((r) => setImmediate(r));
    let out = '';
    const session = new Session(target, symbols, { out: (t) => { out += t; } });
    const run = async (...lines: string[]): Promise<string> => { out = ''; for (const l of lines) await session.execute(l); return out; };

    let o = await run('b verify_all', 'c');
    expect(o).toMatch(/Hart 0 hit Breakpoint 1, 0x0000000080[0-9a-f]+ in verify_all \(\)/);
    expect(session.prompt()).toBe('(rvhart hart0 S) ');
    o = await run('info harts');
    expect(o).toMatch(/^\* 0 {5}S {5}running  0x[0-9a-f]{16} in verify_all \(\)$/m);
    expect(o).toMatch(/^ {2}1 {5}M {5}WFI {6}0x[0-9a-f]{16} in \w+ \(\)$/m); // in the firmware, named by its symbols
    o = await run('hart 1', 'info csr satp', 'p $mhartid', 'bt');
    expect(o).toContain('[Switching to hart 1 (M-mode, WFI)]');
    expect(o).toMatch(/satp\s+0x0\s+MODE=Bare/);
    expect(o).toMatch(/\$1 = 1\n/);
    expect(o).toMatch(/#0  0x[0-9a-f]+ in \w+ \(\)\n#1  0x[0-9a-f]+ in \w+ \(\)/);
    o = await run('hart apply all -q info csr satp');
    expect(o).toMatch(/^satp\s+0x0\s+MODE=Bare[^]*\nsatp\s+0x8000[0-9a-f]{12}\s+MODE=Sv39/);
    expect(target.selected).toBe(1);
  });
});
