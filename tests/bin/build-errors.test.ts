// `rvhart build` and `rvhart disasm` with bad input, as a user meets them on the command line:
// every case is exactly one line on stderr naming what and where, exit 2 (usage) or 3 (bad input),
// and never a stack trace.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, rvhart } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rvhart-build-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => join(dir, name);
const file = (name: string, text: string | Uint8Array): string => { writeFileSync(at(name), text); return at(name); };

const START = '  .globl _start\n_start:\n';
file('ok.s', `${START}  nop\n`);
file('huge-const.s', `${START}  li a0, 0x10000000000000000\n`);
file('huge-zero.s', `${START}  nop\n  .zero 1 << 33\n`);
file('undef.s', `${START}  call missing\n`);
file('dup.s', '  .globl _start\n_start:\n  nop\n');
file('hole.ld', 'SECTIONS {\n  .text 0x80000000 : { *(.text) }\n  .data : { . += 1 << 33; BYTE(1) }\n}\n');
file('wrap.ld', 'SECTIONS {\n  . = 0xfffffffffffffffe;\n  .text : { *(.text) LONG(0) }\n}\n');
mkdirSync(at('adir'));

/** Runs the CLI; checks the one-line contract and returns the line (without `rvhart: `). */
function oneLine(args: string[], status: number): string {
  const r = rvhart(args);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^rvhart: /), '']);
  expect(r.status).toBe(status);
  return r.stderr.slice('rvhart: '.length, -1);
}

describe('rvhart build: bad input is one line and exit 3', () => {
  it('a directory where a source or script should be', () => {
    expect(oneLine(['build', at('adir'), '-o', at('x.elf')], 3)).toBe(`${at('adir')}: is a directory`);
    expect(oneLine(['build', at('ok.s'), '-T', at('adir'), '-o', at('x.elf')], 3)).toBe(`${at('adir')}: is a directory`);
  });
  it('a missing linker script', () => {
    expect(oneLine(['build', at('ok.s'), '-T', at('none.ld'), '-o', at('x.elf')], 3)).toBe(`${at('none.ld')}: no such linker script`);
  });
  it('a .o that is not an ELF object', () => {
    file('junk.o', 'junk');
    expect(oneLine(['build', at('junk.o'), '-o', at('x.elf')], 3)).toBe(`${at('junk.o')}: offset 0x0: not an ELF file (bad magic, expected 7f 45 4c 46)`);
  });
  it('a constant wider than 64 bits (was silently wrapped to 0)', () => {
    expect(oneLine(['build', at('huge-const.s'), '-o', at('x.elf')], 3)).toBe(`${at('huge-const.s')}:3:10: constant 0x10000000000000000 does not fit in 64 bits`);
  });
  it('a section too large to build (was a RangeError from the allocator)', () => {
    expect(oneLine(['build', at('huge-zero.s'), '-o', at('x.elf')], 3)).toMatch(/huge-zero\.s:4:3: section \.text would be 8589934594 bytes, more than rvhart's limit/);
    expect(oneLine(['build', at('ok.s'), '-T', at('hole.ld'), '-o', at('x.elf')], 3)).toMatch(/hole\.ld:3:3: section \.data \[0x80000002\.\.0x280000003\) would be 8589934593 bytes/);
  });
  it('a section that wraps past the top of the address space (was linked silently)', () => {
    expect(oneLine(['build', at('ok.s'), '-T', at('wrap.ld'), '-o', at('x.elf')], 3)).toBe(`${at('wrap.ld')}:3:3: section .text at 0xfffffffffffffffe wraps around the end of the 64-bit address space`);
  });
  it('undefined and duplicate symbols name both places', () => {
    expect(oneLine(['build', at('undef.s'), '-o', at('x.elf')], 3)).toBe(`${at('undef.s')}:3:3: undefined reference to 'missing'; no input object defines it`);
    expect(oneLine(['build', at('ok.s'), at('dup.s'), '-o', at('x.elf')], 3)).toBe(`${at('dup.s')}:2:1: duplicate symbol '_start' (first defined at ${at('ok.s')}:2:1)`);
  });
});

describe('rvhart build: usage errors are one line and exit 2', () => {
  it('an unknown option, a missing option value, an option given twice', () => {
    expect(oneLine(['build', at('ok.s'), '--frob'], 2)).toBe('Unknown argument: frob');
    expect(oneLine(['build', at('ok.s'), '-T'], 2)).toBe('Not enough arguments following: T');
    expect(oneLine(['build', at('ok.s'), '-o', at('a.elf'), '-o', at('b.elf')], 2)).toBe('-o given more than once');
  });
});

describe('rvhart disasm: bad input', () => {
  it('a directory, a missing file', () => {
    expect(oneLine(['disasm', at('adir')], 3)).toBe(`${at('adir')}: is a directory`);
    expect(oneLine(['disasm', at('none.elf')], 3)).toBe(`${at('none.elf')}: no such file`);
  });
  it('an empty file and an ELF32 file', () => {
    expect(oneLine(['disasm', file('empty.elf', '')], 3)).toBe(`${at('empty.elf')}: offset 0x0: truncated: 0 bytes, not an ELF file`);
    const ident = new Uint8Array(64);
    ident.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
    expect(oneLine(['disasm', file('e32.elf', ident)], 3)).toBe(`${at('e32.elf')}: offset 0x4: ELF32 file (ELFCLASS32); rvhart needs ELF64 (RV64)`);
  });
  it('a reader that stops early (| head) is not an error', () => {
    const elf = at('ok.elf');
    expect(rvhart(['build', at('ok.s'), '-o', elf]).status).toBe(0);
    const r = spawnSync('sh', ['-c', `node "${join(ROOT, 'dist', 'bin', 'rvhart.js')}" disasm "${elf}" | head -c 1`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
  });
});

describe('rvhart build never overwrites a source or a user\'s file (exit 2, one line)', () => {
  it('-o naming an input, or an existing file that is not an ELF; an earlier ELF is replaced', () => {
    const src = file('keep.s', `${START}  nop\n`);
    expect(oneLine(['build', src, '-o', src], 2)).toBe(`-o ${src}: refusing to write over ${src}, an input of this run`);
    expect(readFileSync(src, 'utf8')).toBe(`${START}  nop\n`);
    const script = file('keep.ld', 'SECTIONS { .text 0x80000000 : { *(.text) } }\n');
    expect(oneLine(['build', src, '-T', script, '-o', script], 2)).toBe(`-o ${script}: refusing to write over ${script}, an input of this run`);
    const notes = file('notes.txt', 'my notes\n');
    expect(oneLine(['build', src, '-o', notes], 2)).toBe(`-o ${notes}: exists and is not an ELF file; refusing to overwrite it (name another file)`);
    expect(readFileSync(notes, 'utf8')).toBe('my notes\n');
    const elf = at('again.elf');
    for (let i = 0; i < 2; i++) expect(rvhart(['build', src, '-o', elf]).status).toBe(0);
  });

  it('--emit-asm replaces only assembly it compiled before, never a hand-written .s of the same name', () => {
    const d = mkdtempSync(join(dir, 'emit-'));
    writeFileSync(join(d, 'package.json'), '{ "type": "module" }');
    const runtime = relative(d, join(ROOT, 'kernel-ts', 'runtime', 'intrinsics.js'));
    const ts = join(d, 'prog.ts');
    writeFileSync(ts, `import { naked } from '${runtime}';\nexport function _start(): void {\n  naked\`\n    nop\n  \`;\n}\n`);
    let r = rvhart(['build', ts, '--emit-asm', '-o', join(d, 'prog.elf')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(d, 'prog.s'), 'utf8').split('\n')[0]).toContain('compiled by kernel-ts');
    expect(rvhart(['build', ts, '--emit-asm', '-o', join(d, 'prog.elf')]).status).toBe(0); // its own .s again
    writeFileSync(join(d, 'prog.s'), '# mine, by hand\n');
    r = rvhart(['build', ts, '--emit-asm', '-o', join(d, 'prog.elf')]);
    expect(r.stderr).toBe(`rvhart: --emit-asm ${join(d, 'prog.s')}: exists and is not assembly compiled by kernel-ts; refusing to overwrite it (name another file)\n`);
    expect(r.status).toBe(2);
    expect(readFileSync(join(d, 'prog.s'), 'utf8')).toBe('# mine, by hand\n');
  });
});
