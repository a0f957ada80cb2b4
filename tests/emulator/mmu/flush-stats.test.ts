// TLB flushes counted by kind (emulator/mmu/stats.ts FlushStats, `--stats`): each SFENCE.VMA form and
// what each satp write did to the TLB, in a program on the whole machine and on the MMU alone; and that a
// satp write to another ASID keeps the first ASID's entries (switching back hits, no walk), where a
// switch under one ASID with a new root drops them.

import { describe, expect, it } from 'vitest';
import { Virt } from '../../../emulator/board/virt.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { readElf } from '../../../linker/elf/read.js';
import { LOAD, PRV_S } from '../../../emulator/mmu/access.js';
import { SV39 } from '../../../emulator/mmu/modes.js';
import { newFlushStats } from '../../../emulator/mmu/stats.js';
import { buildElf } from '../../helpers/build-asm.js';
import { LEAF_RW, makeMmu, PageTables, RAM_BASE, setPriv, tr } from './pt-builder.js';

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const ptr = (pa: bigint): bigint => ((pa >> 12n) << 10n) | 1n;
const store = (pa: bigint, v: bigint): string => `  li t0, ${hex(pa)}\n  li t1, ${hex(v)}\n  sd t1, 0(t0)\n`;
const VA = 0x4000_0000n;

/** An Sv39 root with the syscon and RAM gigapages (global) and VA → frame; the frame holds `value`. */
function space(root: bigint, frame: bigint, value: bigint): string {
  return store(root, 0xc7n | 0x20n) + store(root + 16n, ((0x8000_0000n >> 12n) << 10n) | 0xcfn | 0x20n) +
    store(root + 8n, ptr(root + 0x1000n)) + store(root + 0x1000n, ptr(root + 0x2000n)) +
    store(root + 0x2000n, ((frame >> 12n) << 10n) | 0xc7n) + store(frame, value);
}

/** Spaces A (ASID a) and B (ASID b) map VA to different frames; C (ASID a) is A's copy at another root.
 *  In S-mode: load in A, switch to B, load, back to A, load; satp A again; each SFENCE.VMA form; C. */
function program(a: number, b: number): string {
  const A = 0x8010_0000n, B = 0x8011_0000n, C = 0x8012_0000n;
  const satp = (asid: number, root: bigint): string => hex((8n << 60n) | (BigInt(asid) << 44n) | (root >> 12n));
  const check = (v: number): string => `  ld t1, 0(s3)\n  li t2, ${v}\n  bne t1, t2, fail\n`;
  return `  .globl _start
_start:
  li t0, ${hex((1n << 54n) - 1n)}
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
${space(A, 0x8040_0000n, 1n)}${space(B, 0x8050_0000n, 2n)}${space(C, 0x8040_0000n, 1n)}
  li t0, ${satp(a, A)}
  csrw satp, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, s_entry
  csrw mepc, t0
  mret
s_entry:
  li s3, ${hex(VA)}
${check(1)}  li t0, ${satp(b, B)}
  csrw satp, t0
${check(2)}  li t0, ${satp(a, A)}
  csrw satp, t0
${check(1)}  csrw satp, t0
  sfence.vma
  li t0, ${a}
  sfence.vma x0, t0
  sfence.vma s3, x0
  sfence.vma s3, t0
  li t0, ${satp(a, C)}
  csrw satp, t0
${check(1)}  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
fail:
  li t0, 0x100000
  li t1, 0x13333
  sw t1, 0(t0)
1: j 1b
`;
}

function run(a: number, b: number) {
  const m = new Virt({ mem: 16 << 20 });
  m.boot(bootImage(readElf(buildElf(program(a, b), 'flushes.s'), 'flushes.elf')));
  const stop = m.run(1_000_000);
  return { stop, flushes: { ...m.mmu.flushes }, walks: m.mmu.stats.walks };
}

describe('TLB flushes by kind', () => {
  it('a program doing each SFENCE.VMA form and each kind of satp write is counted exactly', () => {
    const r = run(1, 2);
    expect(r.stop).toMatchObject({ kind: 'exit', code: 0 });
    // Bare -> Sv39 flushes all; A->B, B->A (other ASIDs) and A->A keep; A->C (ASID 1, new root) flushes ASID 1.
    expect(r.flushes).toEqual({ sfenceAll: 1, sfenceAsid: 1, sfenceVa: 1, sfenceVaAsid: 1, satpAll: 1, satpAsid: 1, satpKept: 3 });
  });

  it('under one ASID the same switches flush it: one more walk, for the load after switching back', () => {
    const one = run(1, 1), two = run(1, 2);
    expect(one.stop).toMatchObject({ kind: 'exit', code: 0 });
    expect(one.flushes).toEqual({ sfenceAll: 1, sfenceAsid: 1, sfenceVa: 1, sfenceVaAsid: 1, satpAll: 1, satpAsid: 3, satpKept: 1 });
    expect(one.walks - two.walks).toBe(1);
  });

  it('on the MMU: switching ASID keeps the other ASID\'s entries (hits after switching back), a new root under one ASID drops them', () => {
    const { bus, mmu } = makeMmu();
    const a = new PageTables(bus, SV39, RAM_BASE + 0x10_0000), b = new PageTables(bus, SV39, RAM_BASE + 0x18_0000);
    const pages = [0n, 1n, 2n, 3n].map((k) => VA + 0x1000n * k);
    for (const [i, va] of pages.entries()) {
      a.map(va, BigInt(RAM_BASE) + 0x20_0000n + 0x1000n * BigInt(i), LEAF_RW);
      b.map(va, BigInt(RAM_BASE) + 0x30_0000n + 0x1000n * BigInt(i), LEAF_RW);
    }
    setPriv(mmu, PRV_S);
    const f = newFlushStats();
    mmu.setSatp(a.satp(1)); f.satpAll++;
    for (const va of pages) tr(mmu, va, LOAD);
    mmu.setSatp(b.satp(2)); f.satpKept++;
    for (const va of pages) tr(mmu, va, LOAD);
    expect(mmu.stats.walks).toBe(8);
    for (let round = 0; round < 3; round++) {
      const hits = mmu.stats.hits;
      mmu.setSatp(a.satp(1)); f.satpKept++;
      for (const [i, va] of pages.entries()) expect(tr(mmu, va, LOAD)).toBe(RAM_BASE + 0x20_0000 + 0x1000 * i);
      mmu.setSatp(b.satp(2)); f.satpKept++;
      for (const [i, va] of pages.entries()) expect(tr(mmu, va, LOAD)).toBe(RAM_BASE + 0x30_0000 + 0x1000 * i);
      expect(mmu.stats.hits - hits).toBe(8);
    }
    expect(mmu.stats.walks).toBe(8);
    expect(mmu.stats.misses).toBe(8);
    // ASID 2 with A's root: ASID 2's entries go; ASID 1's stay.
    mmu.setSatp((a.satp(0) | (2n << 44n))); f.satpAsid++;
    tr(mmu, pages[0]!, LOAD);
    expect(mmu.stats.walks).toBe(9);
    mmu.setSatp(a.satp(1)); f.satpKept++;
    tr(mmu, pages[1]!, LOAD);
    expect(mmu.stats.walks).toBe(9);
    // Each SFENCE.VMA form, and what it leaves.
    mmu.sfence(pages[1]!, 1n); f.sfenceVaAsid++;
    tr(mmu, pages[1]!, LOAD); tr(mmu, pages[2]!, LOAD);
    expect(mmu.stats.walks).toBe(10);
    mmu.sfence(pages[2]!, null); f.sfenceVa++;
    tr(mmu, pages[2]!, LOAD); tr(mmu, pages[3]!, LOAD);
    expect(mmu.stats.walks).toBe(11);
    mmu.sfence(null, 2n); f.sfenceAsid++;
    tr(mmu, pages[3]!, LOAD);
    expect(mmu.stats.walks).toBe(11);
    mmu.sfence(null, null); f.sfenceAll++;
    tr(mmu, pages[3]!, LOAD);
    expect(mmu.stats.walks).toBe(12);
    expect(mmu.flushes).toEqual(f);
  });
});
