import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf } from '../helpers/build-asm.js';
import { spawnSync } from 'node:child_process';
import { ROOT, rvhart } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-boot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function elf(name: string, source: string, base?: number): string {
  const p = join(tmp, name);
  writeFileSync(p, buildElf(`  .globl _start\n_start:\n${source}`, name, base));
  return p;
}
const poweroff = (code: number) => `
  li t0, 0x100000
  li t1, ${code === 0 ? 0x5555 : (code << 16) | 0x3333}
  sw t1, 0(t0)
1: j 1b`;

describe('rvhart boot', () => {
  it('exits with the guest status and prints the UART on stdout', () => {
    const p = elf('hi.elf', `  li a0, 0x10000000\n  li a1, 'h'\n  sb a1, 0(a0)\n  li a1, 10\n  sb a1, 0(a0)\n${poweroff(5)}`);
    const r = rvhart(['boot', '--bios', 'none', p]);
    expect(r.stdout).toBe('h\n');
    expect(r.status).toBe(5);
  });
  it('a guest exit code that does not fit an exit status exits 1, never 0', () => {
    const r = rvhart(['boot', '--bios', 'none', elf('x256.elf', poweroff(256))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('rvhart: guest exit code 256 does not fit an exit status; exiting 1\n');
  });
  it('boots an S-mode image at 0x80200000 under the builtin firmware by default, as QEMU boots -kernel under OpenSBI', () => {
    // SBI DBCN console_write_byte (EID 0x4442434e, FID 2), then SRST shutdown (EID 0x53525354).
    const p = elf('smode.elf', `  csrr t0, sstatus
  li a0, 'S'
  li a6, 2
  li a7, 0x4442434e
  ecall
  li a0, 10
  ecall
  li a0, 0
  li a1, 0
  li a6, 0
  li a7, 0x53525354
  ecall
1: j 1b`, 0x8020_0000);
    const r = rvhart(['boot', p]);
    expect(r.stdout).toContain('S\n');
    expect(r.status).toBe(0);
  });
  it('an image linked at 0x80000000 boots without --bios as with --bios none; under --bios builtin it is refused in one line that names --bios none', () => {
    expect(rvhart(['boot', elf('low0.elf', poweroff(0))]).status).toBe(0);
    const r = rvhart(['boot', '--bios', 'builtin', elf('low.elf', poweroff(0))]);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/low\.elf: segment at 0x80000000 overlaps the firmware .* --bios none/);
  });
  it('a reader that stops early (| head) ends the run quietly with status 0', () => {
    const p = elf('chatty.elf', `  li a0, 0x10000000\n  li a1, 'x'\n1: sb a1, 0(a0)\n  j 1b`);
    const cli = join(ROOT, 'dist', 'bin', 'rvhart.js');
    const r = spawnSync('bash', ['-c', `node "${cli}" boot --bios none "${p}" | head -c 1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('--max-insns stops with the documented status 124 and one line', () => {
    const p = elf('spin.elf', '1: j 1b');
    const r = rvhart(['boot', '--bios', 'none', '--max-insns', '1000', p]);
    expect(r.status).toBe(124);
    expect(r.stderr).toBe('rvhart: instruction limit reached (1000)\n');
  });
  it('usage errors exit 2, unloadable images exit 3, with one line', () => {
    const r = rvhart(['boot', '--bios', 'none', '--mem', 'lots', 'x.elf']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const bad = join(tmp, 'bad.elf');
    writeFileSync(bad, 'not an elf');
    const b = rvhart(['boot', '--bios', 'none', bad]);
    expect(b.status).toBe(3);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toContain(bad);
    const missing = rvhart(['boot', '--bios', 'none', join(tmp, 'nope.elf')]);
    expect(missing.status).toBe(3);
    const far = elf('far.elf', poweroff(0), 0x9000_0000);
    const f = rvhart(['boot', '--bios', 'none', '--mem', '16M', far]);
    expect(f.status).toBe(3);
    expect(f.stderr).toMatch(/outside RAM/);
  });
  it('--stats reports instructions, MIPS, traps by cause and TLB counters', () => {
    const p = elf('stats.elf', `  la t0, 1f\n  csrw mtvec, t0\n  ecall\n  .align 2\n1:${poweroff(0)}`);
    const r = rvhart(['boot', '--bios', 'none', '--stats', p]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/instructions: \d+/);
    expect(r.stderr).toMatch(/MIPS: /);
    expect(r.stderr).toMatch(/traps: ecall-from-m 1/);
    expect(r.stderr).toMatch(/tlb: hits \d+, misses \d+, walks \d+/);
  });
  it('--stats counts TLB flushes by kind: each sfence.vma form, and satp writes by what they did to the TLB', () => {
    const sv39 = (asid: number, ppn: number) => `0x${((8n << 60n) | (BigInt(asid) << 44n) | BigInt(ppn)).toString(16)}`;
    const src = `  li t1, 5
  li t2, 0x1000
  sfence.vma
  sfence.vma
  sfence.vma x0, t1
  sfence.vma t2, x0
  sfence.vma t2, x0
  sfence.vma t2, x0
  sfence.vma t2, t1
  li t0, ${sv39(1, 0x80100)}
  csrw satp, t0
  li t0, ${sv39(2, 0x80100)}
  csrw satp, t0
  li t0, ${sv39(2, 0x80100)}
  csrw satp, t0
  li t0, ${sv39(2, 0x80200)}
  csrw satp, t0
  li t0, 0x9000000000000000
  csrw satp, t0
  csrw satp, zero
${poweroff(0)}`;
    // Every MODE change flushes all (Bare -> Sv39, Sv39 -> Sv48, Sv48 -> Bare); ASID 1 -> 2 and 2 -> 2 with
    // the same root keep the TLB; ASID 2 with a new root flushes ASID 2.
    const p = elf('flushes.elf', src);
    const t = rvhart(['boot', '--bios', 'none', '--stats', p]);
    expect(t.status).toBe(0);
    expect(t.stderr).toMatch(/^rvhart: tlb flushes: sfence\.vma all 2, by ASID 1, by address 3, by address\+ASID 1; satp writes flushing all 3, flushing one ASID 1, keeping the TLB 2$/m);
    const j = rvhart(['boot', '--bios', 'none', '--stats=json', p]);
    expect(JSON.parse(j.stderr)).toMatchObject({ tlb: { flushes: {
      sfence: { all: 2, asid: 1, address: 3, addressAsid: 1 }, satp: { flushedAll: 3, flushedAsid: 1, kept: 2 },
    } } });
  });
  it('--trace prints privilege, pc, bits, disassembly and the register written', () => {
    const p = elf('trace.elf', `  li a0, 42\n${poweroff(0)}`);
    const r = rvhart(['boot', p, '--bios', 'none', '--trace']); // --trace[=FILE]: bare --trace last
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^M 0x0000000080000000 +[0-9a-f]{4,8} li a0,42 +a0=0x2a$/m);
    expect(r.stderr).toMatch(/mem\[0x100000\]=0x00005555/);
  });
  it('stdin reaches the UART receiver', () => {
    const p = elf('echo.elf', `  li a0, 0x10000000
1: lbu t0, 5(a0)
  andi t0, t0, 1
  beqz t0, 1b
  lbu t1, 0(a0)
  sb t1, 0(a0)
${poweroff(0)}`);
    const r = rvhart(['boot', '--bios', 'none', p], { input: 'Z' });
    expect(r.stdout).toBe('Z');
    expect(r.status).toBe(0);
  });
});

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const haveFw = existsSync(FW);
if (!haveFw) console.warn(`boot: ${FW} is absent (Debian package opensbi); the OpenSBI test is skipped`);

describe('real firmware', () => {
  it.skipIf(!haveFw)('boots OpenSBI fw_jump with an S-mode payload that prints through SBI and shuts down through SRST', () => {
    const payload = elf('payload.elf', `
  la s0, msg
1: lbu a0, 0(s0)
  beqz a0, 2f
  li a7, 1              # legacy console_putchar
  ecall
  addi s0, s0, 1
  j 1b
2: li a7, 0x53525354   # SRST
  li a6, 0             # sbi_system_reset
  li a0, 0             # shutdown
  li a1, 0             # no reason
  ecall
3: j 3b
  .data
msg: .asciz "payload says hi\\n"
`, 0x8020_0000);
    const r = rvhart(['boot', '--bios', FW, payload], { timeout: 300_000 });
    expect(r.stdout).toContain('OpenSBI v');
    expect(r.stdout).toContain('Domain0 Next Address      : 0x0000000080200000');
    expect(r.stdout).toContain('payload says hi\r\n'); // SBI putchar turns \n into \r\n
    expect(r.status).toBe(0);
  }, 300_000);
});
