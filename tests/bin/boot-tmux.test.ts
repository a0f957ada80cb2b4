// `rvhart boot` in a terminal, as a person uses it (tmux): keys reach the guest as typed (raw mode),
// QEMU's escape works (C-a h lists the keys, C-a x quits), and the terminal is itself again after.
// Skips when tmux is absent.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveTmux, Terminal } from '../helpers/tmux.js';
import { buildElf } from '../helpers/build-asm.js';
import { ROOT } from '../helpers/cli.js';

if (!haveTmux) console.warn('tmux is not installed: skipping the interactive console test');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-boot-tmux-'));
const term = new Terminal(`rvhart-boot-${process.pid}`);
afterAll(() => {
  term.kill();
  rmSync(dir, { recursive: true, force: true });
});
const keys = (...k: string[]): void => term.keys(...k);
const waitFor = (re: RegExp): Promise<string> => term.waitFor(re);

/** Echoes each received byte in hex as [61], forever (M-mode, polling the UART). */
const ECHO = `  .globl _start
_start:
  li a0, 0x10000000
  la a1, hello
1:lbu a2, 0(a1)
  beqz a2, 2f
  sb a2, 0(a0)
  addi a1, a1, 1
  j 1b
2:lbu a2, 5(a0)
  andi a2, a2, 1
  beqz a2, 2b
  lbu a3, 0(a0)
  li a2, '['
  sb a2, 0(a0)
  la a4, digits
  srli a2, a3, 4
  add a2, a2, a4
  lbu a2, 0(a2)
  sb a2, 0(a0)
  andi a2, a3, 15
  add a2, a2, a4
  lbu a2, 0(a2)
  sb a2, 0(a0)
  li a2, ']'
  sb a2, 0(a0)
  j 2b
hello: .asciz "echo ready\\n"
digits: .ascii "0123456789abcdef"
`;

describe.skipIf(!haveTmux)('rvhart boot in a terminal', () => {
  it('raw keys to the guest, C-a h, C-a x, the terminal restored', async () => {
    const elf = join(dir, 'echo.elf');
    writeFileSync(elf, buildElf(ECHO, 'echo.s'));
    term.start(ROOT, 'bash --norc --noprofile');
    const stats = join(dir, 'quit-stats.json');
    keys(`node dist/bin/rvhart.js boot --bios none --stats-file ${stats} ${elf}; echo "status=$?"; stty -a | grep -o -- '-\\?icanon' | head -1`, 'Enter');
    await waitFor(/echo ready/);
    // Raw: Enter is a CR, Ctrl-C a byte for the guest (no signal).
    keys('a', 'b', 'Enter', 'C-c');
    await waitFor(/\[61\]\[62\]\[0d\]\[03\]/);
    keys('C-a', 'h');
    await waitFor(/C-a x +exit rvhart/);
    keys('C-a', 'C-a');
    await waitFor(/\[01\]/); // C-a C-a sends one C-a
    keys('C-a', 'x');
    const s = await waitFor(/status=0\s*\n\s*icanon/);
    expect(s).toContain('rvhart: terminated (C-a x)');
    // --stats-file still says what the run did, up to the quit.
    const report = JSON.parse(readFileSync(stats, 'utf8')) as { instructions: number; exit: { reason: string; status: number } };
    expect(report.exit).toMatchObject({ reason: 'user-quit', status: 0 });
    expect(report.instructions).toBeGreaterThan(0);
  }, 60_000);
});
