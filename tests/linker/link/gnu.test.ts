// Our linker against GNU binutils: the same objects linked by both with the same script give the
// same disassembly and symbols; readelf, objdump, nm and gdb read our output without a warning.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../linker/asm/assemble.js';
import { readObject } from '../../../linker/elf/object.js';
import { readElf } from '../../../linker/elf/read.js';
import { link } from '../../../linker/link/link.js';
import { gnuAssemble, gnuLink, gnuTool, haveBinutils, warnIfNoBinutils } from '../elf/gnu.js';
import { withTempDir } from '../../helpers/tmp.js';

warnIfNoBinutils();
const haveGdb = spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveGdb) console.warn('skipping the gdb check: gdb-multiarch not found (apt install gdb-multiarch)');

const KERNEL_LD = readFileSync(new URL('../../../linker/scripts/kernel.ld', import.meta.url), 'utf8');
const FIRMWARE_LD = readFileSync(new URL('../../../linker/scripts/firmware.ld', import.meta.url), 'utf8');

const KERNEL = `
  .section .text.boot, "ax"
  .globl _start
_start:
  la sp, boot_stack_top
  la t0, __bss_start
  la t1, __bss_end
1: bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2: la a0, idmap_pg_dir
  call kmain
3: wfi
  j 3b

  .text
  .globl kmain
  .type kmain, @function
kmain:
  addi sp, sp, -16
  sd ra, 8(sp)
  lla a0, banner
  call puts
  ld ra, 8(sp)
  addi sp, sp, 16
  ret
  .size kmain, .-kmain
puts:
  lui a1, 0x10000
4: lbu a2, 0(a0)
  beqz a2, 5f
  sb a2, 0(a1)
  addi a0, a0, 1
  j 4b
5: ret

  .section .rodata
banner: .asciz "rvhart kernel"
  .data
  .globl ticks
  .type ticks, @object
  .size ticks, 8
ticks: .dword 0
table: .dword kmain, banner
  .bss
  .globl frames
frames: .zero 512
`;

const clean = (s: string) => s.split('\n').filter((l) => !l.includes('file format')).join('\n');

describe('kernel.ld as written', () => {
  const r = link([assemble(KERNEL, 'kernel.s')], KERNEL_LD, 'kernel.ld');
  const sym = (n: string) => r.symbols.get(n)!;
  const img = readElf(r.elf, 'kernel.elf');

  it('starts at 0x80200000 with .text.boot first', () => {
    expect(r.entry).toBe(0x80200000n);
    expect(sym('_start')).toBe(0x80200000n);
    expect(sym('_stext')).toBe(0x80200000n);
  });
  it('page-aligns every section base and places idmap_pg_dir between data and bss', () => {
    for (const s of r.sections) expect(s.addr % 0x1000n, s.name).toBe(0n);
    expect(r.sections.map((s) => s.name)).toEqual(['.text', '.rodata', '.data', '.bss', '.stack']);
    const data = r.sections.find((s) => s.name === '.data')!;
    expect(sym('idmap_pg_dir')).toBe(data.addr + 0x1000n);
    expect(sym('__bss_start')).toBe(sym('idmap_pg_dir') + 0x1000n);
    expect(sym('__bss_end') - sym('__bss_start')).toBe(512n);
    expect(sym('boot_stack_top') - sym('boot_stack')).toBe(16384n);
    expect(sym('_end') % 0x1000n).toBe(0n);
    expect(sym('_end')).toBeGreaterThanOrEqual(sym('boot_stack_top'));
  });
  it('has an RX text segment, an R rodata segment and an RW segment covering data, idmap_pg_dir, bss and stack', () => {
    const loads = img.segments.filter((s) => s.type === 1).map((s) => ({ vaddr: s.vaddr, flags: s.flags, end: s.vaddr + BigInt(s.memsz) }));
    expect(loads.map((s) => s.flags)).toEqual([5, 4, 6]);
    expect(loads[2]!.vaddr).toBe(r.sections.find((s) => s.name === '.data')!.addr);
    expect(loads[2]!.end).toBe(sym('boot_stack_top'));
    expect(img.flags).toBe(1); // EF_RISCV_RVC, soft-float
  });
  it('the firmware script links at 0x80000000', () => {
    const FW = '  .section .text.boot, "ax"\n  .globl _start\n_start:\n  la t0, _fw_end\n  j _start\n  .data\nx: .dword 1\n';
    const fw = link([assemble(FW, 'fw.s')], FIRMWARE_LD, 'firmware.ld');
    expect(fw.entry).toBe(0x80000000n);
    expect(fw.symbols.get('_fw_end')! <= 0x80200000n).toBe(true);
    expect(fw.symbols.get('_fw_end')! % 0x1000n).toBe(0n);
  });
});

describe('against GNU binutils', () => {
  it.skipIf(!haveBinutils)('GNU ld and our linker give the same disassembly and symbols for GNU as objects with kernel.ld', () => {
    const ours = link([readObject(gnuAssemble(KERNEL, 'kernel.s'), 'kernel.o')], KERNEL_LD, 'kernel.ld').elf;
    const gnu = gnuLink({ 'kernel.s': KERNEL }, KERNEL_LD);
    expect(clean(gnuTool('objdump', ['-d'], ours).stdout)).toBe(clean(gnuTool('objdump', ['-d'], gnu).stdout));
    const nm = (b: Uint8Array) => gnuTool('nm', ['-n'], b).stdout.split('\n').filter((l) => !/ [\$]x/.test(l)).join('\n');
    expect(nm(ours)).toBe(nm(gnu));
  });
  it.skipIf(!haveBinutils)('our assembler + linker and GNU as + ld give the same disassembly', () => {
    const ours = link([assemble(KERNEL, 'kernel.s')], KERNEL_LD, 'kernel.ld').elf;
    const gnu = gnuLink({ 'kernel.s': KERNEL }, KERNEL_LD);
    expect(clean(gnuTool('objdump', ['-d'], ours).stdout)).toBe(clean(gnuTool('objdump', ['-d'], gnu).stdout));
  });
  it.skipIf(!haveBinutils)('readelf -a -W, objdump -d and nm read our executable without a warning', () => {
    const ours = link([assemble(KERNEL, 'kernel.s')], KERNEL_LD, 'kernel.ld').elf;
    const re = gnuTool('readelf', ['-a', '-W'], ours);
    expect(re.stderr).toBe('');
    expect(re.stdout).not.toMatch(/warning|error/i);
    expect(re.stdout).toMatch(/Type:\s+EXEC/);
    expect(re.stdout).toMatch(/Machine:\s+RISC-V/);
    expect(re.stdout).toMatch(/Flags:\s+0x1, RVC, soft-float ABI/);
    expect(re.stdout).toMatch(/LOAD\s+0x001000 0x0000000080200000 0x0000000080200000 0x[0-9a-f]+ 0x[0-9a-f]+ R E 0x1000/);
    expect(re.stdout).toMatch(/LOAD\s+0x[0-9a-f]+ 0x0000000080201000 0x0000000080201000 0x[0-9a-f]+ 0x[0-9a-f]+ R   0x1000/);
    expect(re.stdout).toMatch(/LOAD\s+0x[0-9a-f]+ 0x0000000080202000 0x0000000080202000 0x[0-9a-f]+ 0x[0-9a-f]+ RW  0x1000/);
    expect(re.stdout).toMatch(/Tag_RISCV_arch: "rv64i2p1_m2p0_a2p1_c2p0_zicsr2p0_zifencei2p0_zmmul1p0"/);
    const od = gnuTool('objdump', ['-d'], ours);
    expect(od.stderr).toBe('');
    expect(od.stdout).toContain('0000000080200000 <_start>:');
    const nm = gnuTool('nm', ['-n'], ours);
    expect(nm.stderr).toBe('');
    for (const line of ['80200000 T _start', 'T kmain', 't puts', 'r banner', 'D ticks', 'd table', 'B idmap_pg_dir', 'B frames', 'B __bss_start', 'B _end']) {
      expect(nm.stdout).toContain(line);
    }
  });
  it.skipIf(!haveGdb)('gdb-multiarch reads symbols and sections without a warning', () => {
    const r = withTempDir('rvhart-link-', (dir) => {
      const file = join(dir, 'kernel.elf');
      writeFileSync(file, link([assemble(KERNEL, 'kernel.s')], KERNEL_LD, 'kernel.ld').elf);
      return spawnSync('gdb-multiarch', ['-nx', '-batch', '-ex', `file ${file}`, '-ex', 'info files', '-ex', 'info address kmain', '-ex', 'x/2i _start'], { encoding: 'utf8' });
    });
    const all = `${r.stdout}\n${r.stderr}`;
    expect(all).not.toMatch(/warning|error/i);
    expect(all).toMatch(/Entry point: 0x80200000/);
    expect(all).toMatch(/0x0000000080200000 - 0x[0-9a-f]+ is \.text/);
    expect(all).toMatch(/Symbol "kmain" is at 0x[0-9a-f]+ in a file compiled without debugging/);
  });
});
