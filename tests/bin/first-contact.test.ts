// Issue 10, "boot what QEMU boots": a first program built with Debian's gcc (-Ttext=0x80000000,
// whose first segment starts with the ELF headers at 0x7ffff000) boots on rvhart as on QEMU; a first
// `rvhart build hello.s` (no -T) links for RAM and boots (no --bios needed: as --bios none); under
// --bios builtin it says exactly what to type; fw_dynamic_info.next_addr in the boot ROM is QEMU's; --mem 8G boots
// the bundled kernel. Tests needing gcc or QEMU skip with a message when they are absent.

import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { have, rvhart } from '../helpers/cli.js';
import { readElf } from '../../linker/elf/read.js';
import { bootImage } from '../../linker/elf/boot-image.js';
import { Virt } from '../../emulator/board/virt.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-first-contact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HELLO = `  .globl _start
_start:
  la a0, msg
  li a1, 0x10000000
1: lbu a2, 0(a0)
  beqz a2, 2f
  sb a2, 0(a1)
  addi a0, a0, 1
  j 1b
2: la t0, __stack_top_or_zero
  li a1, 0x100000
  li a2, (3 << 16) | 0x3333
  sw a2, 0(a1)
3: j 3b
  .section .rodata
msg: .asciz "hello from 0x80000000\\n"
`;
/** HELLO without the link-script symbol, for gcc's default script. */
const HELLO_GCC = HELLO.replace('__stack_top_or_zero', 'msg');
const HELLO_VIRT = HELLO.replace('__stack_top_or_zero', '__stack_top').replace('_start:\n', '_start:\n  .option push\n  .option norelax\n  la gp, __global_pointer$\n  .option pop\n');
const hello = join(tmp, 'hello.s');
writeFileSync(hello, HELLO_GCC);
const helloVirt = join(tmp, 'hello-virt.s');
writeFileSync(helloVirt, HELLO_VIRT);

const haveGcc = have('riscv64-unknown-elf-gcc');
const haveQemu = have('qemu-system-riscv64');
if (!haveGcc) console.warn('first-contact: riscv64-unknown-elf-gcc absent (apt-get install gcc-riscv64-unknown-elf): skipping the gcc images');
if (!haveQemu) console.warn('first-contact: qemu-system-riscv64 absent (apt-get install qemu-system-misc): skipping the QEMU comparisons');

function gcc(out: string, ...args: string[]): string {
  const r = spawnSync('riscv64-unknown-elf-gcc', ['-nostdlib', ...args, '-o', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

function qemu(elf: string, extra: string[] = []): { stdout: string; status: number | null } {
  const r = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-kernel', elf, '-nographic', '-monitor', 'none', ...extra],
    { encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout, status: r.status };
}

/** QEMU's boot ROM, 0x1000..0x1040, as doublewords (monitor `xp /8gx 0x1000` before the first instruction). */
function qemuRom(elf: string): bigint[] {
  const r = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-kernel', elf, '-S', '-display', 'none', '-serial', 'none', '-monitor', 'stdio'],
    { encoding: 'utf8', input: 'xp /8gx 0x1000\nquit\n', timeout: 30_000 });
  return [...r.stdout.matchAll(/0x([0-9a-f]{16})/g)].map((m) => BigInt(`0x${m[1]}`));
}

function rvhartRom(elf: string): bigint[] {
  const m = new Virt();
  m.boot(bootImage(readElf(new Uint8Array(readFileSync(elf)), elf)));
  return Array.from({ length: 8 }, (_, i) => m.bus.read(0x1000 + 8 * i, 8));
}

describe.skipIf(!haveGcc)('an image from riscv64-unknown-elf-gcc -nostdlib -Wl,-Ttext=0x80000000', () => {
  const elf = haveGcc ? gcc(join(tmp, 'gcc-hello.elf'), '-Wl,-Ttext=0x80000000', hello) : '';
  it('has its first LOAD segment at 0x7ffff000 (ELF headers below the text) and boots on rvhart', () => {
    const first = readElf(new Uint8Array(readFileSync(elf)), elf).segments.filter((s) => s.type === 1)[0];
    expect(first?.paddr).toBe(0x7fff_f000n);
    const r = rvhart(['boot', '--bios', 'none', elf]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello from 0x80000000\n');
    expect(r.status).toBe(3);
  });
  it.skipIf(!haveQemu)('prints and exits as on QEMU, and the boot ROM (next_addr 0x7ffff000 included) is QEMU\'s word for word', () => {
    const q = qemu(elf);
    expect(q.stdout).toBe('hello from 0x80000000\n');
    expect(q.status).toBe(3);
    const theirs = qemuRom(elf);
    expect(theirs).toHaveLength(8);
    expect(theirs[7]).toBe(0x7fff_f000n); // fw_dynamic_info.next_addr at 0x1038
    const ours = rvhartRom(elf);
    // 0x1020 holds the DTB address, which depends on each tree's size; the rest must match.
    expect(ours.filter((_, i) => i !== 4)).toEqual(theirs.filter((_, i) => i !== 4));
  });
});

describe('rvhart build without -T: linker/scripts/virt.ld', () => {
  const out = join(tmp, 'hello-virt.elf');
  it('links for RAM at 0x80000000 (_start first); the image boots with --bios none', () => {
    const b = rvhart(['build', helloVirt, '-o', out]);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    const img = readElf(new Uint8Array(readFileSync(out)), out);
    expect(img.entry).toBe(0x8000_0000n);
    expect(img.symbols.find((s) => s.name === '_start')?.value).toBe(0x8000_0000n);
    for (const name of ['__stack_top', '__global_pointer$', '__bss_start', '_end']) expect(img.symbols.some((s) => s.name === name), name).toBe(true);
    for (const s of img.segments.filter((x) => x.type === 1)) expect(s.paddr >= 0x8000_0000n, `segment at 0x${s.paddr.toString(16)}`).toBe(true);
    const r = rvhart(['boot', '--bios', 'none', out]);
    expect(r.stdout).toBe('hello from 0x80000000\n');
    expect(r.status).toBe(3);
  });
  it('the first boot of it works without reading anything (no --bios: it is linked where the firmware would be)', () => {
    const r = rvhart(['boot', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello from 0x80000000\n');
    expect(r.status).toBe(3); // the program's own exit code
  });
  it('booting it under --bios builtin says exactly what to type, in one line', () => {
    const r = rvhart(['boot', '--bios', 'builtin', out]);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`(an image linked for 0x80000000 boots with --bios none: rvhart boot --bios none ${out})`);
  });
  it('build --help names the script', () => {
    expect(rvhart(['build', '--help']).stdout.replace(/\s+/g, ' ')).toContain('default: linker/scripts/virt.ld');
  });
  it.skipIf(!haveGcc || !haveQemu)('GNU ld reads linker/scripts/virt.ld too, and QEMU boots the result', () => {
    const elf = gcc(join(tmp, 'gcc-virt.elf'), '-T', join(__dirname, '..', '..', 'linker', 'scripts', 'virt.ld'), helloVirt);
    expect(qemu(elf)).toMatchObject({ stdout: 'hello from 0x80000000\n', status: 3 });
    expect(rvhart(['boot', '--bios', 'none', elf])).toMatchObject({ stdout: 'hello from 0x80000000\n', status: 3 });
  });
});

describe('rvhart boot --mem 8G (more RAM than one typed array)', () => {
  it('boots the bundled kernel, which reads 8 GiB from the device tree and maps it', () => {
    const r = rvhart(['boot', '--mem', '8G'], { timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('memory: RAM 0x80000000..0x280000000 (8 GiB) from the device tree');
    expect(r.stdout).toMatch(/^ {2}RAM: .* \+ 7 blocks of 1 GiB \(PGD\); la2pa ok$/m);
  });
});
