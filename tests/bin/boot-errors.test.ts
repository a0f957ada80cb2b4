// Bad input to `rvhart boot` and `rvhart test`, as a user would give it: each case is one line on
// stderr (or one FAIL line for `test`) naming what and where, exit 2 for usage and 3 for a bad image,
// never a stack trace.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf } from '../helpers/build-asm.js';
import { MAX_HOT } from '../../emulator/hart/hart.js';
import { rvhart } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-boot-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const PASS = `  .globl _start
_start:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
  .data
  .globl tohost
tohost: .dword 0
`;
const good = join(tmp, 'good.elf');
const goodBytes = buildElf(PASS, 'good.elf');
writeFileSync(good, goodBytes);

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

/** One line on stderr, no stack trace, the given status; returns the line. */
function oneLine(args: string[], status: number, env?: Record<string, string>): string {
  const r = rvhart(args, { env });
  expect(r.stderr, r.stderr).not.toMatch(/\n\s+at |Error:|file:\/\//);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.status, r.stderr).toBe(status);
  return r.stderr.trim();
}

describe('rvhart boot: bad images exit 3 with one line naming the file', () => {
  it('missing file, directory, garbage, empty file', () => {
    expect(oneLine(['boot', '--bios', 'none', join(tmp, 'nope.elf')], 3)).toMatch(/nope\.elf: no such file/);
    expect(oneLine(['boot', '--bios', 'none', tmp], 3)).toContain(tmp);
    expect(oneLine(['boot', '--bios', 'none', file('garbage.elf', 'garbage, not an ELF at all')], 3)).toMatch(/garbage\.elf: offset 0x0: not an ELF/);
    expect(oneLine(['boot', '--bios', 'none', file('empty.elf', '')], 3)).toMatch(/empty\.elf: .*truncated/);
  });
  it('ELF32 and truncated ELF64', () => {
    const e32 = goodBytes.slice();
    e32[4] = 1; // EI_CLASS = ELFCLASS32
    expect(oneLine(['boot', '--bios', 'none', file('e32.elf', e32)], 3)).toMatch(/e32\.elf: .*ELF32/);
    for (const n of [16, 64, 100, goodBytes.length - 1]) {
      expect(oneLine(['boot', '--bios', 'none', file(`trunc${n}.elf`, goodBytes.slice(0, n))], 3)).toContain(`trunc${n}.elf`);
    }
  });
  it('segments outside RAM (below it, above it, past a small --mem)', () => {
    const low = file('low.elf', buildElf(PASS, 'low.elf', 0x4000_0000));
    expect(oneLine(['boot', '--bios', 'none', low], 3)).toMatch(/low\.elf: segment at 0x40000000 .*outside RAM/);
    const high = file('high.elf', buildElf(PASS, 'high.elf', 0x8800_0000));
    expect(oneLine(['boot', '--bios', 'none', high], 3)).toMatch(/high\.elf: segment at 0x88000000 .*outside RAM/);
    expect(oneLine(['boot', '--bios', 'none', '--mem', '1M', file('mid.elf', buildElf(PASS, 'mid.elf', 0x8010_0000))], 3)).toMatch(/outside RAM/);
  });
  it('--bios: a missing or unloadable firmware', () => {
    expect(oneLine(['boot', '--bios', join(tmp, 'nofw.elf'), good], 3)).toMatch(/nofw\.elf: no such file/);
    expect(oneLine(['boot', '--bios', file('fw.bin', 'xx'), good], 3)).toMatch(/fw\.bin: /);
  });
});

describe('rvhart boot: usage errors exit 2 with one line naming the option', () => {
  it('--mem 0, 1, abc, -5, 1.5G, and a size the host cannot allocate', () => {
    for (const m of ['0', '1', 'abc', '1.5G', '4097']) expect(oneLine(['boot', '--bios', 'none', '--mem', m, good], 2)).toContain(`--mem ${m}`);
    expect(oneLine(['boot', '--bios', 'none', '--mem=-5', good], 2)).toContain('--mem');
    expect(oneLine(['boot', '--bios', 'none', '--mem', '99999G', good], 2)).toMatch(/--mem 99999G: cannot allocate/);
  });
  it('a small --mem boots: the device tree goes where it overwrites no segment', () => {
    expect(rvhart(['boot', '--bios', 'none', '--mem', '1M', good]).status).toBe(0);
    expect(rvhart(['boot', '--bios', 'none', '--mem', '2M', good]).status).toBe(0);
  });
  it('an image that leaves no room for the device tree is a bad image', () => {
    const big = file('big.elf', buildElf(`${PASS}\n  .bss\n  .space 0xf8000\n`, 'big.elf'));
    expect(oneLine(['boot', '--bios', 'none', '--mem', '1M', big], 3)).toMatch(/no room .* device tree \(use a larger --mem\)/);
  });
  it('--max-insns 0, -3, 1.5, abc', () => {
    for (const n of ['0', '-3', '1.5', 'abc']) expect(oneLine(['boot', '--bios', 'none', `--max-insns=${n}`, good], 2)).toContain('--max-insns');
  });
  it('--trace to a file that cannot be written', () => {
    expect(oneLine(['boot', '--bios', 'none', `--trace=${join(tmp, 'no', 'dir', 't.txt')}`, good], 2))
      .toMatch(/--trace=.*t\.txt: cannot write: no such file or directory/);
    expect(oneLine(['boot', '--bios', 'none', `--trace=${tmp}`, good], 2)).toMatch(/cannot write: is a directory/);
  });
  it('--satp, --gdb, --time-source, --ad, --pmp-entries, --satp-modes with bad values', () => {
    expect(oneLine(['boot', '--bios', 'none', '--satp', 'sv64', good], 2)).toContain('--satp sv64');
    expect(oneLine(['boot', '--bios', 'none', '--gdb', '99999', good], 2)).toContain('--gdb 99999');
    expect(oneLine(['boot', '--bios', 'none', '--time-source', 'moon', good], 2)).toContain('--time-source moon');
    expect(oneLine(['boot', '--bios', 'none', '--ad', 'maybe', good], 2)).toContain('--ad maybe');
    expect(oneLine(['boot', '--bios', 'none', '--pmp-entries', '7', good], 2)).toContain('--pmp-entries 7');
    expect(oneLine(['boot', '--bios', 'none', '--satp-modes', 'sv39', good], 2)).toContain('--satp-modes sv39');
  });
});

describe('rvhart test: unloadable programs are FAIL lines, never a crash', () => {
  it('a segment outside RAM, a missing file and garbage each get one FAIL line', () => {
    const high = file('t-high.elf', buildElf(PASS, 't-high.elf', 0x9000_0000));
    const r = rvhart(['test', high, join(tmp, 'missing.elf'), file('t-garbage.elf', 'zzz'), good]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^FAIL .*t-high\.elf: segment at 0x90000000 .*outside RAM/),
      expect.stringMatching(/^FAIL .*missing\.elf: no such file$/),
      expect.stringMatching(/^FAIL .*t-garbage\.elf: offset 0x0: /),
      '1 passed, 3 failed',
    ]);
    expect(r.status).toBe(1);
  });
  it('--max-insns must be a positive integer', () => {
    for (const n of ['0', '1.5', 'abc']) expect(oneLine(['test', `--max-insns=${n}`, good], 2)).toContain('--max-insns');
  });
  it('--smp takes 1 to 8 harts and --quantum at least one instruction', () => {
    for (const n of ['0', '9', '1.5', 'two']) expect(oneLine(['boot', '--bios', 'none', `--smp=${n}`, good], 2)).toMatch(/^rvhart: --smp .*: expected a number of harts from 1 to 8$/);
    for (const n of ['0', '-3', 'x']) expect(oneLine(['boot', '--bios', 'none', '--smp', '2', `--quantum=${n}`, good], 2)).toMatch(/^rvhart: --quantum .*: expected a number of instructions, at least 1$/);
    const r = rvhart(['boot', '--bios', 'none', '--smp', '8', '--quantum', '7', '--stats=json', good]);
    expect(r.status, r.stderr).toBe(0);
    const stats = JSON.parse(r.stderr.trim()) as { harts: number[] };
    expect(stats.harts).toHaveLength(8);
  });
  it('--tier is jit or interp, once; RVHART_HOT a number of entries', () => {
    expect(oneLine(['boot', '--bios', 'none', '--tier', 'fast', good], 2)).toBe('rvhart: --tier fast: expected interp or jit');
    expect(oneLine(['boot', '--bios', 'none', '--tier', 'jit', '--tier', 'interp', good], 2)).toBe('rvhart: --tier given more than once');
    expect(oneLine(['boot', '--bios', 'none', good], 2, { RVHART_TIER: 'quick' })).toBe('rvhart: --tier quick: expected interp or jit');
    expect(oneLine(['test', '--tier', 'fast', good], 2)).toBe('rvhart: --tier fast: expected interp or jit');
    for (const tier of ['interp', 'jit']) {
      const r = rvhart(['test', '--tier', tier, good], { env: { RVHART_HOT: '1' } });
      expect(r.stdout, r.stderr).toBe('1 passed, 0 failed\n');
    }
    for (const n of ['0', 'x', '1.5', String(2 ** 31)]) expect(oneLine(['boot', '--bios', 'none', good], 2, { RVHART_HOT: n })).toBe(`rvhart: RVHART_HOT=${n}: expected a number of entries from 1 to ${MAX_HOT}`);
  });
});
