// `rvhart boot` in a CI pipeline: --expect / --fail-on on the console, --timeout, --stats=json,
// --stats-file, --console-log — through the real CLI, with guests that print and then never stop
// (so only the console check can end the run) or that exit before printing what is expected.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf } from '../helpers/build-asm.js';
import { rvhart } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-boot-ci-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A program that prints each string in turn (spinning `delay` iterations before each), then `end`. */
function printer(name: string, parts: string[], end: 'spin' | number, delay = 0): string {
  const strings = parts.map((s, i) => `s${i}: .asciz ${JSON.stringify(s)}`).join('\n');
  const calls = parts.map((_, i) => `  li a3, ${delay}\n5${i}: beqz a3, 6${i}f\n  addi a3, a3, -1\n  j 5${i}b\n6${i}:\n  la a1, s${i}\n  call puts`).join('\n');
  const stop = end === 'spin' ? '9: j 9b' : `  li t0, 0x100000\n  li t1, ${end === 0 ? 0x5555 : (end << 16) | 0x3333}\n  sw t1, 0(t0)\n9: j 9b`;
  const src = `  .globl _start
_start:
  li a0, 0x10000000
${calls}
${stop}
puts:
1: lbu a2, 0(a1)
  beqz a2, 2f
  sb a2, 0(a0)
  addi a1, a1, 1
  j 1b
2: ret
  .section .rodata
${strings}
`;
  const p = join(tmp, name);
  writeFileSync(p, buildElf(src, name));
  return p;
}

const boot = (args: string[], image: string) => rvhart(['boot', '--bios', 'none', ...args, image]);

describe('--expect', () => {
  it('exits 0 once the console matched, and stops there (the guest itself never stops)', () => {
    const p = printer('ready.elf', ['booting\n', 'ready\n', 'after\n'], 'spin');
    const r = boot(['--expect', '^ready$'], p);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('booting\nready\n');
  });
  it('matches a line printed in two halves, millions of instructions apart (different run slices)', () => {
    const p = printer('halves.elf', ['rea', 'dy\n'], 'spin', 3_000_000);
    const r = boot(['--expect', '^ready$'], p);
    expect(r.status, r.stderr).toBe(0);
  });
  it('matches a prompt that never ends with a newline', () => {
    const r = boot(['--expect', 'login: $'], printer('prompt.elf', ['login: '], 'spin'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('login: ');
  });
  it('several: exit 0 only once every one has matched, in any order', () => {
    const p = printer('two.elf', ['alpha\n', 'beta\n'], 'spin');
    expect(boot(['--expect', 'beta', '--expect', 'alpha'], p).status).toBe(0);
  });
  it('a guest that exits 0 before every --expect matched fails with 1, naming what did not match', () => {
    const r = boot(['--expect', 'alpha', '--expect', 'gamma'], printer('early.elf', ['alpha\n'], 0));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("rvhart: the guest exited with code 0 before the console matched --expect 'gamma'\n");
  });
  it('a guest that fails keeps its own status', () => {
    const r = boot(['--expect', 'gamma'], printer('fails.elf', ['alpha\n'], 9));
    expect(r.status).toBe(9);
    expect(r.stderr).toContain("--expect 'gamma'");
  });
});

describe('--fail-on', () => {
  it('exits 1 at the first matching line and prints it', () => {
    const p = printer('panic.elf', ['ok\n', 'Kernel panic - not syncing\n', 'ready\n'], 'spin');
    const r = boot(['--expect', 'ready', '--fail-on', 'panic', '--fail-on', 'Oops'], p);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('ok\nKernel panic - not syncing\n');
    expect(r.stderr).toBe("rvhart: --fail-on 'panic' matched: Kernel panic - not syncing\n");
  });
  it('alone, a clean run keeps the guest status', () => {
    expect(boot(['--fail-on', 'panic'], printer('clean.elf', ['fine\n'], 5)).status).toBe(5);
  });
});

describe('--timeout and --max-insns', () => {
  it('--timeout stops a spinning guest with 124 and one line naming the --expect not matched', () => {
    const r = boot(['--timeout', '1s', '--expect', 'never'], printer('spin.elf', ['hi\n'], 'spin'));
    expect(r.status).toBe(124);
    expect(r.stderr).toBe("rvhart: timeout: 1s of wall time passed; --expect not matched: 'never'\n");
  });
  it('--max-insns takes K/M/G and names the --expect not matched too', () => {
    const r = boot(['--max-insns', '1M', '--expect', 'never'], printer('spin2.elf', ['hi\n'], 'spin'));
    expect(r.status).toBe(124);
    expect(r.stderr).toBe("rvhart: instruction limit reached (1000000); --expect not matched: 'never'\n");
  });
  it('bad values are usage errors quoting them', () => {
    const p = printer('u.elf', ['x\n'], 0);
    for (const [args, msg] of [
      [['--timeout', '10x'], '--timeout 10x: expected a wall-clock duration'],
      [['--timeout', '0'], '--timeout 0: expected'],
      [['--max-insns', '5Q'], '--max-insns 5Q: expected a positive integer'],
      [['--expect', '(oops'], "--expect '(oops': not a regular expression"],
      [['--fail-on', '[a-'], "--fail-on '[a-': not a regular expression"],
      [['--stats=xml'], '--stats=xml: expected --stats, --stats=text or --stats=json'],
      [['--timeout', '1s', '--timeout', '2s'], '--timeout given more than once'],
      [['--mem', '2M', '--mem', '4M'], '--mem given more than once'],
    ] as const) {
      const r = boot([...args], p);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`rvhart: ${msg}`);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('--stats=json, --stats-file, --console-log', () => {
  it('--stats=json is one JSON object on stderr: instructions, traps by name, TLB counts, wall time, how it ended', () => {
    const r = boot(['--stats=json'], printer('json.elf', ['hi\n'], 3));
    expect(r.status).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(s).toMatchObject({
      traps: {}, interrupts: {},
      tlb: {
        hits: expect.any(Number), misses: 0, walks: 0, faults: {},
        flushes: { sfence: { all: 0, asid: 0, address: 0, addressAsid: 0 }, satp: { flushedAll: 0, flushedAsid: 0, kept: 0 } },
      },
      exit: { reason: 'guest-exit', status: 3, guestCode: 3, detail: 'syscon fail, code 3' },
    });
    expect(s.instructions).toBeGreaterThan(10);
    expect(typeof s.wallSeconds).toBe('number');
  });
  it('the exit reason says which check ended the run', () => {
    const r = boot(['--stats=json', '--expect', 'hi'], printer('json2.elf', ['hi\n'], 'spin'));
    expect(JSON.parse(r.stderr)).toMatchObject({ exit: { reason: 'expect', status: 0 } });
  });
  it('plain --stats keeps the text lines', () => {
    const r = boot(['--stats'], printer('text.elf', ['hi\n'], 0));
    expect(r.stderr).toMatch(/^rvhart: instructions: \d+\nrvhart: host time: .*\nrvhart: MIPS: .*\nrvhart: traps: none\nrvhart: tlb: hits \d+, misses 0, walks 0, faults none\nrvhart: tlb flushes: sfence.vma all 0, by ASID 0, by address 0, by address\+ASID 0; satp writes flushing all 0, flushing one ASID 0, keeping the TLB 0\nrvhart: tier: (jit, regions compiled \d+ \([\d.]+ s\), entered \d+ \([\d.]+% of instructions\), evicted \d+, invalidated \d+, live \d+ \(\d+ KiB\)|interp)\n$/);
  });
  it('--stats says what the translation tier did: --tier interp has none; jit translating every block head runs most of the program in regions', () => {
    const image = printer('tier.elf', ['hi\n'], 0, 300);
    const interp = boot(['--stats=json', '--tier', 'interp'], image);
    expect(JSON.parse(interp.stderr)).toMatchObject({ tier: null, exit: { status: 0 } });
    expect(boot(['--stats', '--tier', 'interp'], image).stderr).toMatch(/\nrvhart: tier: interp\n$/);
    const r = rvhart(['boot', '--bios', 'none', '--stats=json', '--tier', 'jit', image], { env: { RVHART_HOT: '1' } });
    const s = JSON.parse(r.stderr) as { instructions: number; tier: Record<string, number> };
    expect(s.tier).toMatchObject({ regionsEvicted: 0, regionsInvalidated: 0 });
    expect(s.tier.regionsCompiled).toBeGreaterThan(0);
    expect(s.tier.regionsEntered).toBeGreaterThan(0);
    expect(s.tier.regionInstructions).toBeGreaterThan(s.instructions / 2);
    expect(s.tier.regionsLive).toBe(s.tier.regionsCompiled);
    expect(s.tier.sourceBytes).toBeGreaterThan(0);
    expect(s.tier.compileSeconds).toBeGreaterThan(0);
  });
  it('--stats-file FILE writes JSON to FILE and nothing on stderr; --stats=text --stats-file writes the text', () => {
    const f = join(tmp, 'stats.json');
    const r = boot(['--stats-file', f], printer('sf.elf', ['hi\n'], 0));
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ exit: { reason: 'guest-exit', status: 0 } });
    const t = join(tmp, 'stats.txt');
    boot(['--stats=text', '--stats-file', t], printer('sf2.elf', ['hi\n'], 0));
    expect(readFileSync(t, 'utf8')).toMatch(/^rvhart: instructions: /);
  });
  it('--console-log FILE gets the console bytes as well as stdout', () => {
    const f = join(tmp, 'console.log');
    const r = boot(['--console-log', f], printer('cl.elf', ['one\n', 'two'], 0));
    expect(r.stdout).toBe('one\ntwo');
    expect(readFileSync(f, 'utf8')).toBe('one\ntwo');
  });
});
