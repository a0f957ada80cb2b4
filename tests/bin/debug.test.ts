// `rvhart debug` as a script runner: -x FILE and piped stdin run the commands and exit; a bad
// command is one line and the session goes on; bad images and options are one line and an exit code.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asmSession } from '../emulator/debug/harness.js';
import { CALLS } from '../emulator/debug/programs.js';
import { rvhartSync } from './debug-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rvhart-debug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const elf = join(dir, 'calls.elf');
writeFileSync(elf, asmSession(CALLS).elf);

describe('rvhart debug (scripts)', () => {
  it('-x FILE runs the commands and exits', () => {
    const script = join(dir, 'session.gdb');
    writeFileSync(script, 'b inner\nc\nbt\nfinish\nfrobnicate\ninfo registers a0\nc\n');
    const r = rvhartSync(['debug', elf, '--bios', 'none', '-x', script]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Breakpoint 1, 0x');
    expect(r.stdout).toMatch(/#1  0x[0-9a-f]+ in outer \(\) <outer\+\d+>/);
    expect(r.stdout).toContain('Value returned: $a0 = 0x29 (41)');
    expect(r.stdout).toContain('Undefined command: "frobnicate".  Try "help".');
    expect(r.stdout).toMatch(/a0\s+0x29\s+41/);
    expect(r.stdout).toContain('[Inferior 1 (process 1) exited normally]');
  });

  it('piped stdin runs the commands and exits', () => {
    const r = rvhartSync(['debug', elf, '--bios', 'none'], 'si\np $pc\ninfo priv\nquit\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('0x0000000000001004 in ?? ()');
    expect(r.stdout).toContain('$1 = (void (*)()) 0x1004');
    expect(r.stdout).toContain('Privilege: M (machine)');
  });

  it('a missing image or script is one line and a non-zero exit', () => {
    let r = rvhartSync(['debug', join(dir, 'nope.elf'), '--bios', 'none'], '');
    expect(r.status).toBe(3);
    expect(r.stderr.trim()).toMatch(/^rvhart: .*nope\.elf: no such file$/);
    r = rvhartSync(['debug', elf, '--bios', 'none', '-x', join(dir, 'nope.gdb')], '');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^rvhart: -x .*nope\.gdb: no such file$/);
  });
});
