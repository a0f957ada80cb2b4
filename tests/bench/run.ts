// `npm run bench`: MIPS of the hart in bare mode on three workloads, built with our own toolchain.
// A benchmark, never a test: it prints numbers and asserts nothing.

import { readElf } from '../../linker/elf/read.js';
import { Virt } from '../../emulator/board/virt.js';
import { bootImage } from '../../bin/image.js';
import { buildElf } from '../helpers/build-asm.js';

const WORKLOADS: Record<string, string> = {
  'ALU loop': `
  .globl _start
_start:
  li a0, 0
  li a1, 1
  li a2, 0x12345
1:add a0, a0, a1
  xor a3, a0, a2
  slli a4, a3, 3
  srli a5, a4, 7
  sub a0, a0, a5
  addi a1, a1, 1
  and a6, a1, a2
  or a7, a6, a0
  addiw a2, a2, 3
  j 1b
`,
  'load/store loop': `
  .globl _start
_start:
  li s0, 0x80100000
  li s1, 0x80140000
1:mv a0, s0
2:ld a1, 0(a0)
  addi a1, a1, 1
  sd a1, 0(a0)
  lw a2, 8(a0)
  sw a2, 12(a0)
  addi a0, a0, 16
  bltu a0, s1, 2b
  j 1b
`,
  'call-heavy loop': `
  .globl _start
_start:
  li sp, 0x80200000
1:li a0, 10
  call fib
  j 1b
fib:
  li t0, 2
  blt a0, t0, 2f
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s0, 8(sp)
  mv s0, a0
  addi a0, a0, -1
  call fib
  mv t1, a0
  addi a0, s0, -2
  mv s0, t1
  call fib
  add a0, a0, s0
  ld ra, 0(sp)
  ld s0, 8(sp)
  addi sp, sp, 16
2:ret
`,
};

const INSNS = 100_000_000;

for (const [name, source] of Object.entries(WORKLOADS)) {
  const image = bootImage(readElf(buildElf(source, `${name}.s`), `${name}.elf`));
  const wall: number[] = [], cpu: number[] = [];
  for (let round = 0; round < 3; round++) {
    const m = new Virt({ mem: 16 * 1024 * 1024 });
    m.boot(image);
    const t0 = performance.now(), c0 = process.cpuUsage();
    m.run(INSNS / 5);
    const secs = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0), cpuSecs = (c.user + c.system) / 1e6;
    wall.push(m.hart.retired / secs / 1e6);
    cpu.push(m.hart.retired / cpuSecs / 1e6);
  }
  // Wall-clock MIPS is what a user sees; MIPS per CPU-second shows the speed when the machine is shared.
  console.log(`${name.padEnd(16)} ${Math.max(...wall).toFixed(1).padStart(6)} MIPS wall, ` +
    `${Math.max(...cpu).toFixed(1).padStart(6)} MIPS per CPU-second  (bare mode, best of 3 runs of ${INSNS / 5 / 1e6}M instructions)`);
}
