import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../bin/build.js';
import { readElf } from '../../linker/elf/read.js';
import { ToolError } from '../../linker/object.js';
import { rvhart } from '../helpers/cli.js';

const MAIN = `  .globl _start\n_start:\n  call f\n  j _start\n`;
const LIB = `  .globl f\nf:\n  li a0, 42\n  ret\n`;

describe('buildImage', () => {
  it('assembles several sources and links them (default layout)', () => {
    const r = buildImage({ sources: [{ file: 'main.s', text: MAIN }, { file: 'lib.s', text: LIB }] });
    const img = readElf(r.elf, 'out.elf');
    expect(img.entry).toBe(0x10000n);
    expect(img.symbols.find((s) => s.name === 'f')?.value).toBe(r.symbols.get('f'));
  });
  it('links with a script', () => {
    const r = buildImage({ sources: [{ file: 'main.s', text: MAIN }, { file: 'lib.s', text: LIB }], script: { file: 'k.ld', text: 'ENTRY(_start) SECTIONS { . = 0x80200000, .text : { *(.text) } }' } });
    expect(r.entry).toBe(0x80200000n);
  });
  it('reports assembly and link errors as ToolError with file:line:col', () => {
    expect(() => buildImage({ sources: [{ file: 'main.s', text: MAIN }] })).toThrow(ToolError);
    try { buildImage({ sources: [{ file: 'main.s', text: MAIN }] }); } catch (e) {
      expect((e as ToolError).message).toMatch(/^main\.s:3:\d+: undefined reference to 'f'/);
    }
  });
});

describe('rvhart build (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'main.s'), MAIN);
  writeFileSync(join(dir, 'lib.s'), LIB);
  writeFileSync(join(dir, 'bad.s'), '  .globl _start\n_start:\n  addi a0, a0, 5000\n');
  writeFileSync(join(dir, 'k.ld'), 'ENTRY(_start)\nSECTIONS {\n  . = 0x80200000,\n  .text : { *(.text) }\n  oops\n}\n');

  it('writes the ELF given by -o', () => {
    const out = join(dir, 'out.elf');
    const r = rvhart(['build', join(dir, 'main.s'), join(dir, 'lib.s'), '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readElf(new Uint8Array(readFileSync(out)), out).entry).toBe(0x80000000n); // linker/scripts/virt.ld without -T
  });
  it('assembly errors: one line, exit 3', () => {
    const r = rvhart(['build', join(dir, 'bad.s'), '-o', join(dir, 'bad.elf')]);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.s:3:\d+: /);
  });
  it('link errors: one line, exit 3', () => {
    const r = rvhart(['build', join(dir, 'main.s'), '-o', join(dir, 'x.elf')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^rvhart: .*main\.s:3:\d+: undefined reference to 'f'.*\n$/);
  });
  it('script errors name script.ld:line:col, exit 3', () => {
    const r = rvhart(['build', join(dir, 'main.s'), join(dir, 'lib.s'), '-T', join(dir, 'k.ld'), '-o', join(dir, 'y.elf')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/k\.ld:5:3: expected ':' after the output section name 'oops' \(or an assignment: 'oops = \.\.\.;'\)\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('a missing input file: one line, exit 3', () => {
    const r = rvhart(['build', join(dir, 'nope.s')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(`rvhart: ${join(dir, 'nope.s')}: no such file\n`);
  });
});
