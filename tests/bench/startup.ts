// `npm run bench`: start-up — `rvhart boot --bios none tiny.elf` from process start to exit, for an
// image that writes to the UART and powers off through the sifive test device at 0x100000 (a few
// dozen instructions, so the figure is all start-up), beside `qemu-system-riscv64 -machine virt
// -bios none -nographic -kernel tiny.elf` on the same ELF when QEMU is installed, and `node -e 0`
// (the floor any Node program pays). The image is built with our own assembler and linker.
// Runnable alone: node dist/tests/bench/startup.js (after npm run build).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildElf } from '../helpers/build-asm.js';

const ROUNDS = 10;
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'rvhart.js');
const QEMU = 'qemu-system-riscv64';

const TINY = `  .globl _start
_start:
  li a0, 0x10000000
  la a1, msg
1: lbu a2, 0(a1)
  beqz a2, 2f
  sb a2, 0(a0)
  addi a1, a1, 1
  j 1b
2: li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
3: j 3b
  .section .rodata
msg: .asciz "hello\\n"
`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};

/** Wall milliseconds of each run, or a reason it did not run as expected. */
function time(cmd: string, args: string[]): number[] | string {
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS + 1; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', input: '', timeout: 30_000 });
    const t = performance.now() - t0;
    if (r.error) return r.error.message;
    if (r.status !== 0) return `exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`;
    if (i > 0) ms.push(t); // the first run warms the file cache
  }
  return ms;
}

function line(name: string, r: number[] | string): void {
  console.log(`${name.padEnd(44)} ${typeof r === 'string' ? `did not run: ${r}` :
    `best ${Math.min(...r).toFixed(0)} ms / median ${median(r).toFixed(0)} ms wall, process start to exit`}`);
}

export function printStartupBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-bench-startup-'));
  try {
    const tiny = join(dir, 'tiny.elf');
    writeFileSync(tiny, buildElf(TINY, 'tiny.s'));
    console.log(`-- start-up: boot a tiny image (UART "hello", sifive test poweroff), best / median of ${ROUNDS}`);
    line('rvhart boot --bios none tiny.elf', time(process.execPath, [CLI, 'boot', '--bios', 'none', tiny]));
    const qemu = spawnSync('sh', ['-c', `command -v ${QEMU}`], { encoding: 'utf8' }).status === 0;
    if (qemu) line(`${QEMU} -machine virt -bios none`, time(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-kernel', tiny]));
    else console.log(`${`${QEMU} -machine virt -bios none`.padEnd(44)} skipped: ${QEMU} is not installed`);
    line('node -e 0 (the Node floor)', time(process.execPath, ['-e', '0']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printStartupBench();
