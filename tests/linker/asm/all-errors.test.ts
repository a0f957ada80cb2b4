// The assembler reports every error of a file, as GNU as does: an error in one statement does not hide
// the errors of later ones; errors that need the whole file (undefined local labels, branch ranges)
// follow; at most MAX_ERRORS lines, then "too many errors". `rvhart build` prints them all, exit 3.

import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { assemble, assembleAll } from '../../../linker/asm/assemble.js';
import { MAX_ERRORS } from '../../../linker/asm/errors.js';
import { ToolError } from '../../../linker/object.js';
import { ROOT, rvhart } from '../../helpers/cli.js';

function errorLines(src: string, file = 'e.s'): string[] {
  try {
    assemble(src, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    return (e as Error).message.split('\n');
  }
  throw new Error('assembled without error');
}

// One error per statement kind: syntax, operands, directive, lexical (mid-file), label, CSR.
const SEVERAL = [
  '  frob a0, a1',          // 1 unknown mnemonic
  '  addi a0, a0, 5000',    // 2 out of range
  '  .frob 1',              // 3 unknown directive
  '  add a0, a1',           // 4 operand count
  '  li a0, "x',            // 5 lexical: unterminated string
  '  nop',
  'x: nop',
  'x: nop',                 // 8 duplicate label
  '  j 1f',                 // 9 undefined forward local label (known only at the end)
  '  csrr a0, nosuch',      // 10 unknown CSR
  '  addi a0, a0, 0x',      // 11 lexical: bad number
  '  beqz a0, 3b',          // 12 undefined backward local label
  '',
].join('\n');

describe('every error of a file is reported', () => {
  it('statement errors in source order, one per line, then the whole-file ones', () => {
    expect(errorLines(SEVERAL)).toEqual([
      "e.s:1:3: unknown mnemonic 'frob'",
      'e.s:2:16: immediate 5000 out of range for imm12 (-2048..2047)',
      "e.s:3:3: unknown directive '.frob'",
      'e.s:4:13: add takes 3 operands (rd, rs1, rs2), found 2',
      'e.s:5:10: unterminated string',
      "e.s:8:1: symbol 'x' is already defined (first at e.s:7:1)",
      "e.s:10:12: unknown CSR 'nosuch'",
      "e.s:11:16: bad number '0x'",
      "e.s:12:12: undefined local label '3b'",
      "e.s:9:5: undefined local label '1f'",
    ]);
  });

  it('a lexical error drops only the rest of its line', () => {
    expect(errorLines('  .ascii "abc\n  frob\n  .byte 1 ; .byte `\n  , x\n  bogus\n')).toEqual([
      'e.s:1:10: unterminated string',
      "e.s:2:3: unknown mnemonic 'frob'",
      "e.s:3:19: unexpected character '`'",
      "e.s:4:3: expected a mnemonic or directive, found ','",
      "e.s:5:3: unknown mnemonic 'bogus'",
    ]);
  });

  it('an unterminated comment ends the file, after the errors before it', () => {
    expect(errorLines('  frob\n  nop /* open\n  bogus\n')).toEqual([
      "e.s:1:3: unknown mnemonic 'frob'",
      'e.s:2:7: unterminated comment',
    ]);
  });

  it('the late errors are in source order too, and an undefined label is named once', () => {
    const src = ['  j far', '  beqz a0, 2f', '  la a0, .Lnone', '  .zero 0x100000', 'far: nop', '  bnez a0, 2f', '  .dword 2f', '  .dword .Lnone', ''].join('\n');
    expect(errorLines(src)).toEqual([
      "e.s:1:3: j: target 'far' out of range (offset 1048596)",
      "e.s:2:12: undefined local label '2f'",
      "e.s:3:3: undefined local label '.Lnone'",
    ]);
  });

  it('a statement after a failed one is still assembled (its labels exist for later references)', () => {
    // `after` is defined on the line after the error; referencing it raises nothing more.
    expect(errorLines('  frob\nafter: nop\n  j after\n  la a0, after\n')).toEqual(["e.s:1:3: unknown mnemonic 'frob'"]);
  });

  it(`at most ${MAX_ERRORS} errors, then "too many errors"`, () => {
    const src = Array.from({ length: 50 }, (_, k) => `  bad${k}`).join('\n') + '\n';
    const lines = errorLines(src);
    expect(lines).toHaveLength(MAX_ERRORS + 1);
    expect(lines[0]).toBe("e.s:1:3: unknown mnemonic 'bad0'");
    expect(lines[MAX_ERRORS - 1]).toBe(`e.s:${MAX_ERRORS}:3: unknown mnemonic 'bad${MAX_ERRORS - 1}'`);
    expect(lines[MAX_ERRORS]).toBe('too many errors');
  });

  it(`exactly ${MAX_ERRORS} errors print no "too many errors" line`, () => {
    const src = Array.from({ length: MAX_ERRORS }, (_, k) => `  bad${k}`).join('\n') + '\n';
    expect(errorLines(src)).toHaveLength(MAX_ERRORS);
  });

  it('several files: the errors of each, in order, bounded together', () => {
    const run = (): void => { assembleAll([{ file: 'a.s', text: '  frob\n' }, { file: 'ok.s', text: 'nop\n' }, { file: 'b.s', text: 'nop\n  bogus\n' }]); };
    expect(run).toThrow(ToolError);
    expect(() => run()).toThrow("a.s:1:3: unknown mnemonic 'frob'\nb.s:2:3: unknown mnemonic 'bogus'");
    const many = Array.from({ length: 3 }, (_, f) => ({ file: `f${f}.s`, text: Array.from({ length: 10 }, (_, k) => `  bad${k}`).join('\n') }));
    try { assembleAll(many); } catch (e) {
      const lines = (e as Error).message.split('\n');
      expect(lines).toHaveLength(MAX_ERRORS + 1);
      expect(lines[MAX_ERRORS - 1]).toBe("f1.s:10:3: unknown mnemonic 'bad9'");
      expect(lines[MAX_ERRORS]).toBe('too many errors');
      return;
    }
    throw new Error('assembled without error');
  });
});

describe('rvhart build prints every error, one rvhart: line each, exit 3', () => {
  it('on a file with several errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rvhart-asm-errors-'));
    try {
      const src = join(dir, 'e.s');
      writeFileSync(src, SEVERAL);
      const r = rvhart(['build', src, '-o', join(dir, 'e.elf')]);
      expect(r.status).toBe(3);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(10);
      for (const l of lines) expect(l).toMatch(new RegExp(`^rvhart: ${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
      expect(lines[0]).toBe(`rvhart: ${src}:1:3: unknown mnemonic 'frob'`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('assembly errors in kernel-ts code reach the user the same way', () => {
  it('rvhart build FILE.ts: every error of the naked assembly, one rvhart: line each, exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rvhart-asm-errors-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
      const runtime = relative(dir, join(ROOT, 'kernel-ts', 'runtime', 'intrinsics.js'));
      const ts = join(dir, 'bad.ts');
      writeFileSync(ts, `import { naked } from '${runtime}';\nexport function _start(): void {\n  naked\`\n    frob a0\n    addi a0, a0, 9999\n    j 1f\n  \`;\n}\n`);
      const r = rvhart(['build', ts, '-o', join(dir, 'bad.elf')]);
      expect(r.status, r.stderr).toBe(3);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.map((l) => l.replace(/^rvhart: .*?bad\.s:\d+:\d+: /, ''))).toEqual([
        "unknown mnemonic 'frob'",
        'immediate 9999 out of range for imm12 (-2048..2047)',
        "undefined local label '1f'",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// GNU as reports the same statements (it names lines only; its end-of-file errors have no line).
const AS = 'riscv64-unknown-elf-as';
const haveAs = spawnSync('sh', ['-c', `command -v ${AS}`]).status === 0;
if (!haveAs) console.warn(`all-errors: ${AS} not found; skipping the comparison with GNU as (install binutils-riscv64-unknown-elf)`);

describe.skipIf(!haveAs)('the lines in error are the lines GNU as reports', () => {
  it('on the file with several errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rvhart-asm-errors-'));
    try {
      const src = join(dir, 'e.s');
      writeFileSync(src, SEVERAL);
      let gnu = '';
      try { execFileSync(AS, ['-march=rv64imac_zicsr_zifencei', '-mno-relax', src, '-o', join(dir, 'e.o')], { encoding: 'utf8', stdio: 'pipe' }); } catch (e) {
        gnu = String((e as { stderr: unknown }).stderr);
      }
      // (GNU's unterminated string on line 5 also makes it insert a '"' at the end of the file, which
      // it then reports as an error on line 13, past the last line.)
      const gnuLines = [...gnu.matchAll(/:(\d+): Error: /g)].map((m) => Number(m[1])).filter((l) => l <= 12);
      const ours = errorLines(SEVERAL).map((l) => Number(/^e\.s:(\d+):/.exec(l)![1]));
      // Ours also names the line of the undefined forward label (GNU: "e.s: Error: ... not defined").
      expect(gnu).toMatch(/local label `"1" \(instance number 1 of a fb label\)' is not defined/);
      expect(ours.filter((l) => l !== 9)).toEqual(gnuLines);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
