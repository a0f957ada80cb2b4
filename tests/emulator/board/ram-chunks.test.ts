// The hart on chunked RAM: the same guest program on 64 MiB of RAM in one chunk (the fast window
// covers it all) and in 64 chunks of 1 MiB (everything past the first MiB goes through the chunk
// path: loads and stores of every width, misaligned ones straddling two chunks, AMOs, LR/SC, code
// fetched from a high chunk and rewritten there, an Sv39 walk whose tables lie in a high chunk, and
// reads of chunks never written) must print the same checksum. Then 8 GiB with 1 GiB chunks.

import { describe, expect, it } from 'vitest';
import { readElf } from '../../../linker/elf/read.js';
import { Virt } from '../../../emulator/board/virt.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { buildElf } from '../../helpers/build-asm.js';

const MiB = 1 << 20;

const PROGRAM = `
  .globl _start
_start:
  li s11, 0                 # checksum
  # 1. every width, at the end of each MiB from 1 to 40 (a chunk boundary with 1 MiB chunks)
  li s0, 0x80100000
  li s1, 0x82900000
  li s2, 0x0123456789abcdef
1:addi t0, s0, -32
  sd s2, 0(t0)
  sw s2, 8(t0)
  sh s2, 12(t0)
  sb s2, 14(t0)
  sd s2, 17(t0)             # misaligned, inside the page
  ld t1, 0(t0)
  lw t2, 8(t0)
  lwu t3, 8(t0)
  lh t4, 12(t0)
  lhu t5, 12(t0)
  lb t6, 14(t0)
  lbu a0, 14(t0)
  ld a1, 17(t0)
  add s11, s11, t1
  add s11, s11, t2
  add s11, s11, t3
  add s11, s11, t4
  add s11, s11, t5
  add s11, s11, t6
  add s11, s11, a0
  add s11, s11, a1
  sd s2, -4(s0)             # straddles the page (and chunk) boundary: split into bytes
  ld a2, -4(s0)
  add s11, s11, a2
  slli s11, s11, 1
  xor s2, s2, s11
  li t0, 0x100000
  add s0, s0, t0
  bltu s0, s1, 1b
  # 2. AMOs and LR/SC in a high chunk
  li t0, 0x83000000
  li t1, 5
  sd t1, 0(t0)
  amoadd.d t2, t1, (t0)
  amoswap.w t3, t1, (t0)
  amomaxu.d t4, s2, (t0)
  lr.d t5, (t0)
  sc.d t6, s11, (t0)
  ld a0, 0(t0)
  add s11, s11, t2
  add s11, s11, t3
  add s11, s11, t4
  add s11, s11, t5
  add s11, s11, t6
  add s11, s11, a0
  # 3. code in a high chunk: copy 'li a0, 7; ret', run it, rewrite it to 'li a0, 9; ret', run it
  li s3, 0x82800000
  la t0, fn
  lw t1, 0(t0)
  sw t1, 0(s3)
  lw t1, 4(t0)
  sw t1, 4(s3)
  fence.i
  jalr s3
  add s11, s11, a0
  lw t1, 8(t0)
  sw t1, 0(s3)              # the decode cache must notice (no fence.i)
  jalr s3
  add s11, s11, a0
  # 4. a chunk never written reads as zeros
  li t0, 0x83f00000
  ld t1, 0(t0)
  add s11, s11, t1
  # 5. Sv39 in S-mode with the tables in a high chunk: VA 0x40000000 -> 1 GiB identity of RAM
  li t0, 0x83801000         # root table
  li t1, (0x80000000 >> 12) << 10 | 0xcf   # V R W X A D
  sd t1, 16(t0)             # VPN[2] = 2: 0x80000000 identity
  sd t1, 8(t0)              # VPN[2] = 1: 0x40000000 -> 0x80000000
  li t1, 0xc7               # VPN[2] = 0: devices, identity, V R W A D
  sd t1, 0(t0)
  li t1, (8 << 60) | (0x83801000 >> 12)
  csrw satp, t1
  sfence.vma
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, smode
  csrw mepc, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  mret
smode:
  li t0, 0x43000000         # VA of 0x83000000
  ld t1, 0(t0)
  add s11, s11, t1
  li t0, 0x43100008
  sd s11, 0(t0)
  ld t1, 0(t0)
  add s11, s11, t1
  # print s11 in hex, exit 0
  li a1, 0x10000000
  li a2, 16
2:srli a3, s11, 60
  slli s11, s11, 4
  li a4, 10
  blt a3, a4, 3f
  addi a3, a3, 'a' - 10 - '0'
3:addi a3, a3, '0'
  sb a3, 0(a1)
  addi a2, a2, -1
  bnez a2, 2b
  li a3, '\\n'
  sb a3, 0(a1)
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
4:j 4b
  .balign 4
fn:
  .option push
  .option norvc
  li a0, 7
  ret
  li a0, 9
  .option pop
`;

function run(ramChunk: number | undefined): { uart: string; code: number | undefined; machine: Virt } {
  let uart = '';
  const machine = new Virt({ mem: 64 * MiB, ramChunk, output: (b) => { uart += new TextDecoder().decode(b); } });
  machine.boot(bootImage(readElf(buildElf(PROGRAM, 'chunks.s'), 'chunks.elf')));
  const stop = machine.run(1_000_000);
  return { uart: uart || stop.reason, code: stop.kind === 'exit' ? stop.code : undefined, machine };
}

describe('the hart on chunked RAM', () => {
  it('one 64 MiB chunk and 64 chunks of 1 MiB give the same checksum', () => {
    const one = run(undefined), many = run(MiB);
    expect(one.code, one.uart).toBe(0);
    expect(many.code, many.uart).toBe(0);
    expect(one.uart).toMatch(/^[0-9a-f]{16}\n$/);
    expect(many.uart).toBe(one.uart);
    const ram = many.machine.ram;
    expect(ram.chunkCount).toBe(64);
    expect(ram.allocated(48)).toBe(true);  // the AMOs
    expect(ram.allocated(56)).toBe(true);  // the page table
    expect(ram.allocated(63)).toBe(false); // only read
  });

  it('8 GiB (1 GiB chunks): loads, stores and code at the top of RAM; untouched chunks are not created', () => {
    let uart = '';
    const machine = new Virt({ mem: 8 * 1024 * MiB, output: (b) => { uart += new TextDecoder().decode(b); } });
    const src = `
      .globl _start
    _start:
      li s0, 0x27ffff000        # the last page of 8 GiB of RAM at 0x80000000
      li t0, 0x0000006f00900513 # li a0, 9; j . (never reached: overwritten below)
      sd t0, 0(s0)
      li t0, 0x00008067         # ret
      li t1, 0x02a00513         # li a0, 42
      sw t1, 0(s0)
      sw t0, 4(s0)
      fence.i
      jalr s0
      li t0, 0x27ffffff8
      sd a0, 0(t0)
      ld a1, 0(t0)
      li t0, 0x1ffff0000        # a chunk never written
      ld a2, 0(t0)
      add a0, a1, a2
      li t0, 0x100000
      slli a0, a0, 16
      li t1, 0x3333
      or a0, a0, t1
      sw a0, 0(t0)
    1:j 1b
    `;
    machine.boot(bootImage(readElf(buildElf(src, 'top.s'), 'top.elf')));
    const stop = machine.run(10_000);
    expect(stop, uart).toMatchObject({ kind: 'exit', code: 42 });
    expect([...Array(machine.ram.chunkCount).keys()].filter((k) => machine.ram.allocated(k))).toEqual([0, 7]);
  });
});
