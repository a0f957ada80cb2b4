// `rvhart boot` never loses the user's data and never guesses: the file form of --trace is
// `--trace=FILE` only (a bare --trace leaves the next word alone), no output file is written over an
// input or an ELF file, an output file is not touched when the boot fails before it starts, and a
// command line that would be silently misread (`boot -- prog.elf`, `--bios none` without an image,
// `--gdb prog.elf`) is a usage error naming what to write.

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf } from '../helpers/build-asm.js';
import { rvhart } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-boot-safety-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const PROG = `  .globl _start
_start:
  li a0, 0x10000000
  li a1, 'k'
  sb a1, 0(a0)
  li a1, 10
  sb a1, 0(a0)
  li t0, 0x100000
  li t1, (7 << 16) | 0x3333
  sw t1, 0(t0)
1: j 1b
`;
const progBytes = buildElf(PROG, 'prog.elf');

/** A fresh copy of the program (each test may try to clobber it). */
function prog(name: string): string {
  const p = join(tmp, name);
  writeFileSync(p, progBytes);
  return p;
}

function unchanged(path: string): void {
  expect(Buffer.compare(readFileSync(path), Buffer.from(progBytes)), `${path} was modified`).toBe(0);
}

/** One line on stderr, no stack trace, exit 2; returns the line. */
function usage(args: string[]): string {
  const r = rvhart(args);
  expect(r.stderr, r.stderr).not.toMatch(/\n\s+at |Error:/);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.status, r.stderr).toBe(2);
  return r.stderr.trim();
}

describe('--trace: the file form is --trace=FILE only', () => {
  it('--trace FILE (a space) traces to stderr and boots FILE; the ELF is not overwritten', () => {
    const p = prog('space.elf');
    const r = rvhart(['boot', '--bios', 'none', '--trace', p]);
    unchanged(p);
    expect(r.stdout).toBe('k\n');
    expect(r.status).toBe(7);
    expect(r.stderr).toMatch(/^M 0x0000000080000000 /m); // the trace, on stderr
  });
  it('--trace=FILE writes the trace to FILE', () => {
    const p = prog('eq.elf');
    const t = join(tmp, 'eq-trace.txt');
    const r = rvhart(['boot', '--bios', 'none', `--trace=${t}`, p]);
    expect(r.status, r.stderr).toBe(7);
    expect(readFileSync(t, 'utf8')).toMatch(/^M 0x0000000080000000 /m);
  });
});

describe('an output file is never written over an input or an ELF file', () => {
  it('--trace=IMAGE, through a symlink too, and an ELF that is not an input', () => {
    const p = prog('self.elf');
    expect(usage(['boot', '--bios', 'none', `--trace=${p}`, p])).toMatch(/--trace=.*self\.elf: refusing to write over .*self\.elf, an input of this run/);
    unchanged(p);
    const link = join(tmp, 'self-link.txt');
    symlinkSync(p, link);
    expect(usage(['boot', '--bios', 'none', `--trace=${link}`, p])).toMatch(/refusing to write over .*self\.elf, an input/);
    unchanged(p);
    const other = prog('other.elf');
    expect(usage(['boot', '--bios', 'none', `--trace=${other}`, p])).toMatch(/--trace=.*other\.elf: refusing to overwrite an ELF file/);
    unchanged(other);
  });
  it('the --bios file, --console-log and --stats-file are guarded the same way', () => {
    const p = prog('img.elf');
    const fw = join(tmp, 'fw.bin');
    writeFileSync(fw, 'firmware bytes');
    expect(usage(['boot', '--bios', fw, `--trace=${fw}`, p])).toMatch(/--trace=.*fw\.bin: refusing to write over .*fw\.bin, an input/);
    expect(readFileSync(fw, 'utf8')).toBe('firmware bytes');
    expect(usage(['boot', '--bios', 'none', '--console-log', p, p])).toMatch(/--console-log .*img\.elf: refusing to write over/);
    expect(usage(['boot', '--bios', 'none', '--stats-file', p, p])).toMatch(/--stats-file .*img\.elf: refusing to write over/);
    unchanged(p);
  });
  it('two outputs of one run naming the same file', () => {
    const p = prog('two.elf');
    const t = join(tmp, 'both.txt');
    expect(usage(['boot', '--bios', 'none', `--trace=${t}`, '--console-log', t, p])).toMatch(/--console-log .*both\.txt: --trace=.*both\.txt already writes that file/);
  });
});

describe('the debug shell\'s trace on FILE is guarded the same way', () => {
  it('refuses an ELF file and the image being debugged, in one line each; the files stay as they were', () => {
    const p = prog('dbg.elf');
    const other = prog('other.elf');
    const r = rvhart(['debug', '--bios', 'none', p], { input: `trace on ${other}\ntrace on ${p}\n` });
    expect(r.stdout).toContain(`trace on ${other}: refusing to overwrite an ELF file (an image?); name another file`);
    expect(r.stdout).toContain(`trace on ${p}: refusing to write over ${p}, an input of this run`);
    unchanged(p);
    unchanged(other);
  });
});

describe('a boot that fails before it starts leaves output files alone', () => {
  it('an existing trace file keeps its contents; a new one is not created', () => {
    const old = join(tmp, 'old-trace.txt');
    writeFileSync(old, 'yesterday\'s trace\n');
    const garbage = join(tmp, 'garbage.elf');
    writeFileSync(garbage, 'not an ELF');
    const r = rvhart(['boot', '--bios', 'none', `--trace=${old}`, '--console-log', join(tmp, 'new-console.txt'), garbage]);
    expect(r.status).toBe(3);
    expect(readFileSync(old, 'utf8')).toBe('yesterday\'s trace\n');
    expect(existsSync(join(tmp, 'new-console.txt'))).toBe(false);
  });
});

describe('command lines that would be misread are usage errors saying what to write', () => {
  it('boot -- prog.elf', () => {
    const p = prog('dashes.elf');
    expect(usage(['boot', '--', p])).toBe(`rvhart: boot: put the image before any '--': rvhart boot [OPTIONS] ${p}`);
    expect(usage(['boot', '--', '-odd.elf'])).toContain('rvhart boot [OPTIONS] ./-odd.elf');
  });
  it('--bios none without an image', () => {
    expect(usage(['boot', '--bios', 'none'])).toBe('rvhart: --bios none needs an IMAGE: rvhart boot --bios none prog.elf');
  });
  it('debug: the same two mistakes', () => {
    const p = prog('debug.elf');
    expect(usage(['debug', '--', p])).toBe(`rvhart: debug: put the image before any '--': rvhart debug [OPTIONS] ${p}`);
    expect(usage(['debug', '--bios', 'none'])).toBe('rvhart: --bios none needs an IMAGE: rvhart debug --bios none prog.elf');
  });
  it('--gdb quotes what the user typed', () => {
    expect(usage(['boot', '--bios', 'none', '--gdb', 'prog.elf'])).toBe('rvhart: --gdb prog.elf: expected a TCP port 0..65535');
    expect(usage(['debug', '--gdb', 'x1'])).toBe('rvhart: --gdb x1: expected a TCP port 0..65535');
  });
});
