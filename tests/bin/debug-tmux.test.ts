// `rvhart debug` driven as a person would in a terminal (tmux send-keys / capture-pane): the prompt
// shows the privilege, Tab completes commands and symbols, Up recalls history, Ctrl-C stops `c`.
// Skips when tmux is absent.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveTmux, Terminal } from '../helpers/tmux.js';
import { asmSession } from '../emulator/debug/harness.js';
import { CALLS } from '../emulator/debug/programs.js';
import { CLI, ROOT, VITE_NODE } from './debug-cli.js';

if (!haveTmux) console.warn('tmux is not installed: skipping the interactive shell test');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-tmux-'));
const term = new Terminal(`rvhart-debug-${process.pid}`);
afterAll(() => {
  term.kill();
  rmSync(dir, { recursive: true, force: true });
});
const keys = (...k: string[]): void => term.keys(...k);
const waitFor = (re: RegExp): Promise<string> => term.waitFor(re);

describe.skipIf(!haveTmux)('rvhart debug in a terminal', () => {
  it('prompt, tab completion of commands and symbols, history, Ctrl-C', async () => {
    const elf = join(dir, 'calls.elf');
    writeFileSync(elf, asmSession(CALLS).elf);
    term.start(ROOT, `${VITE_NODE} ${CLI} debug ${elf} --bios none`);
    await waitFor(/\(rvhart M\)\s*$/m); // capture-pane trims trailing spaces
    keys('b inn', 'Tab');
    await waitFor(/\(rvhart M\) b inner$/m);
    keys('Enter');
    await waitFor(/Breakpoint 1 at 0x8000004a <inner>/);
    keys('fini', 'Tab');
    await waitFor(/\(rvhart M\) finish$/m);
    keys('C-u', 'p 40+2', 'Enter');
    await waitFor(/\$1 = 42/);
    keys('Up');
    await waitFor(/\(rvhart M\) p 40\+2$/m);
    keys('Enter');
    await waitFor(/\$2 = 42/);
    keys('info tl', 'Tab');
    await waitFor(/\(rvhart M\) info tlb$/m);
    // Several candidates are listed as words (as GDB and bash list them), not as whole lines.
    keys('C-u', 'catch trap load-', 'Tab');
    keys('Tab');
    await waitFor(/^load-address-misaligned +load-access-fault +load-page-fault\s*$/m);
    // A count below 1 is one line, not 2^64-1 steps.
    keys('C-u', 'si -1', 'Enter');
    await waitFor(/^Bad count "-1" \(expected a positive number\)\.\n\(rvhart M\)$/m);
    keys('C-u', 'c', 'Enter');
    await waitFor(/Breakpoint 1, 0x000000008000004a in inner \(\)/);
    // A loop that never ends: Ctrl-C stops it.
    keys('set $pc = 0x1000', 'Enter', 'set *(u32*)0x1000 = 0xa001', 'Enter', 'delete', 'Enter', 'c', 'Enter');
    await waitFor(/Continuing\.\n(?![\s\S]*Continuing)[\s\S]*$/);
    keys('C-c');
    const s = await waitFor(/Program received signal SIGINT, Interrupt\./);
    expect(s).toContain('=> 0x1000:');
    keys('quit', 'Enter');
  });
});
