import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../bin/build.js';
import { disasmListing } from '../../bin/disasm.js';
import { readElf } from '../../linker/elf/read.js';
import { rvhart } from '../helpers/cli.js';

const haveObjdump = spawnSync('riscv64-unknown-elf-objdump', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveObjdump) console.warn('skipping objdump comparison: riscv64-unknown-elf-objdump not found (apt install binutils-riscv64-unknown-elf)');

const SRC = `
  .section .text.boot, "ax"
  .globl _start
_start:
  la sp, boot_stack_top
  la a0, idmap_pg_dir
  call kmain
1: wfi
  j 1b
  .text
  .globl kmain
  .type kmain, @function
kmain:
  addi sp, sp, -16
  sd ra, 8(sp)
  lla a0, msg
  csrr t0, sstatus
  li t1, 0x123456789
  beqz a0, 2f
  c.addi a0, 1
2: ld ra, 8(sp)
  addi sp, sp, 16
  ret
  .section .rodata
msg: .asciz "hello"
`;

describe('rvhart disasm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-disasm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = new URL('../../linker/scripts/kernel.ld', import.meta.url);
  const elf = buildImage({ sources: [{ file: 'k.s', text: SRC }], script: { file: 'kernel.ld', text: String(spawnSync('cat', [script.pathname], { encoding: 'utf8' }).stdout) } }).elf;
  const file = join(dir, 'k.elf');
  writeFileSync(file, elf);

  it('lists executable sections with symbol headers and symbolized targets', () => {
    const text = disasmListing(readElf(elf, file), file);
    expect(text).toContain('Disassembly of section .text:');
    expect(text).toContain('0000000080200000 <_start>:');
    expect(text).toMatch(/<kmain>:\n/);
    expect(text).toMatch(/jalr\t-?\d+\(ra\) # [0-9a-f]+ <kmain>/);
  });
  it.skipIf(!haveObjdump)('matches objdump -d line for line', () => {
    const od = spawnSync('riscv64-unknown-elf-objdump', ['-d', file], { encoding: 'utf8' });
    expect(disasmListing(readElf(elf, file), file)).toBe(od.stdout);
  });
  it('the CLI prints the listing, and refuses a bad file with one line and exit 3', () => {
    const ok = rvhart(['disasm', file]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(disasmListing(readElf(elf, file), file));
    const junk = join(dir, 'junk.elf');
    writeFileSync(junk, 'not an elf at all');
    const bad = rvhart(['disasm', junk]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toBe(`rvhart: ${junk}: offset 0x0: not an ELF file (bad magic, expected 7f 45 4c 46)\n`);
  });
  // objdump -d prints a run of zero bytes as `...`: 8 or more (in multiples of 4 when code
  // follows), or fewer than 3 at the end of a symbol's range; shorter runs are disassembled.
  const ZEROS = `  .globl _start\n_start:\n  nop\n  .zero 6\n  nop\n  .zero 8\n  addi a0, a0, 1\n  .zero 10\n  addi a0, a0, 1\n  .zero 2\n  c.nop\n  .zero 2\nfar:\n  nop\n  .zero 2\ng: nop\n  .zero 4\n`;
  const zeros = buildImage({ sources: [{ file: 'z.s', text: ZEROS }] }).elf;
  const zfile = join(dir, 'z.elf');
  writeFileSync(zfile, zeros);
  it('prints runs of zero bytes as objdump does', () => {
    const lines = disasmListing(readElf(zeros, zfile), zfile).split('\n');
    expect(lines.filter((l) => l === '\t...')).toHaveLength(5);
    expect(lines.some((l) => l.startsWith('   10002:\t0000 '))).toBe(true); // 6 zeros: disassembled
  });
  it.skipIf(!haveObjdump)('prints runs of zero bytes exactly as objdump -d does', () => {
    const od = spawnSync('riscv64-unknown-elf-objdump', ['-d', zfile], { encoding: 'utf8' });
    expect(disasmListing(readElf(zeros, zfile), zfile)).toBe(od.stdout);
  });
});
