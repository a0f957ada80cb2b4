// __create_pgd_mapping run natively (kernel-ts host runtime) over the emulator's RAM, then every page
// of every mapped range checked with the emulator's own side-effect-free translate (emulator/debug).

import { describe, expect, it } from 'vitest';
import { Bus } from '../../../emulator/board/bus.js';
import { Ram } from '../../../emulator/board/ram.js';
import { Mmu } from '../../../emulator/mmu/mmu.js';
import { LOAD, PRV_S } from '../../../emulator/mmu/access.js';
import { translate } from '../../../emulator/debug/translate.js';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { BufferMemory } from '../../../kernel-ts/runtime/memory.js';

const RAM_BASE = 0x80000000, RAM_SIZE = 64 << 20;
const ram = new Ram(RAM_BASE, RAM_SIZE);
// Static data (zones) in the first MiB, which frame_init keeps reserved as a kernel image's.
installHost({ memory: new BufferMemory(BigInt(RAM_BASE), ram.low), staticBase: BigInt(RAM_BASE) });
const { __create_pgd_mapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } = await import('../../../kernel-ts/kernel/mmu.js');
const { pgtable_set_mode, SATP_MODE_SV39, SATP_MODE_SV48, PAGE_KERNEL, PAGE_KERNEL_EXEC } = await import('../../../kernel-ts/kernel/pgtable.js');
const { frame_init, pgtable_alloc, frame_self_check, frame_nr_free } = await import('../../../kernel-ts/kernel/frame.js');
const { bug_count, bug_reset, bug_first_reason, BUG_SECT_UNDER_TABLE, BUG_MISALIGNED_PHYS } = await import('../../../kernel-ts/kernel/bug.js');
const { la2pa, LA2PA_FAULT } = await import('../../../kernel-ts/kernel/la2pa.js');

const K = 1n << 10n, M = 1n << 20n, G = 1n << 30n, PAGE = 4096n;
const bus = new Bus(ram, 0x1000, 0x1000);

type Mode = 'sv39' | 'sv48';
interface Range { virt: bigint; phys: bigint; size: bigint; prot: bigint; flags: bigint }

/** Fresh tables: the pool is all of RAM; returns the pgd. */
function fresh(mode: Mode): { pgd: bigint; mmu: Mmu } {
  ram.low.fill(0, 1 << 20);
  bug_reset();
  pgtable_set_mode(mode === 'sv48' ? SATP_MODE_SV48 : SATP_MODE_SV39);
  frame_init(BigInt(RAM_BASE), BigInt(RAM_BASE + RAM_SIZE), BigInt(RAM_BASE) + M, 0n, 0n);
  const pgd = pgtable_alloc(0n);
  const mmu = new Mmu(bus, { pmpEntries: 0, svnapot: true });
  mmu.setSatp(((mode === 'sv48' ? 9n : 8n) << 60n) | (pgd >> 12n));
  return { pgd, mmu };
}

/** The leaf size the arm64 algorithm must choose for the page at va of range r. */
function expectedSize(r: Range, va: bigint): bigint {
  const start = r.virt & ~(PAGE - 1n), end = (r.virt + r.size + PAGE - 1n) & ~(PAGE - 1n);
  if ((r.flags & NO_BLOCK_MAPPINGS) === 0n) {
    for (const size of [G, 2n * M]) {
      const b = va & ~(size - 1n);
      if (b >= start && b + size <= end && ((r.virt - r.phys) & (size - 1n)) === 0n) return size;
    }
  }
  // alloc_init_cont_pte: a whole 64 KiB run, aligned in virt and phys, gets 16 Svnapot PTEs.
  const CONT = 64n * K, b = va & ~(CONT - 1n);
  if ((r.flags & NO_CONT_MAPPINGS) === 0n && b >= start && b + CONT <= end && ((r.virt - r.phys) & (CONT - 1n)) === 0n) return CONT;
  return PAGE;
}

/** The leaf size la2pa found: its level's, or 64 KiB for a Svnapot PTE (N, bit 63). */
function laSize(pgd: bigint, va: bigint): bigint {
  const [, level, ptep] = la2pa(pgd, va);
  return level === 0n && (ram.lowView.getBigUint64(Number(ptep - BigInt(RAM_BASE)), true) >> 63n) === 1n ? 64n * K : 1n << (12n + 9n * level);
}

const MASK64 = (1n << 64n) - 1n;
function canonical(mode: Mode, va: bigint): bigint {
  const bits = mode === 'sv48' ? 48n : 39n;
  const low = va & ((1n << bits) - 1n);
  return (low >> (bits - 1n)) & 1n ? (low | (MASK64 ^ ((1n << bits) - 1n))) : low;
}

/** Checks every page of r (and one page beyond each end) with the emulator's translate and with la2pa.
 *  Plain comparisons per page (an expect per page costs more than the walk); the first mismatch fails. */
function checkRange(mmu: Mmu, pgd: bigint, mode: Mode, r: Range, others: Range[]): number {
  const start = r.virt & ~(PAGE - 1n), end = (r.virt + r.size + PAGE - 1n) & ~(PAGE - 1n);
  const physStart = r.phys & ~(PAGE - 1n);
  let pages = 0;
  for (let va = start; va < end; va += PAGE, pages++) {
    const cva = canonical(mode, va), want = physStart + (va - start), size = expectedSize(r, va);
    const rep = translate(mmu, cva, LOAD, PRV_S);
    const ok = rep.result !== undefined && (!rep.fault || rep.fault.step === 10) && rep.result.pa === want &&
      BigInt(rep.result.pageSize) === size && (rep.steps.at(-1)!.pte & 0xffn) === r.prot &&
      la2pa(pgd, cva)[0] === want && laSize(pgd, cva) === size;
    if (!ok) {
      const where = `${mode} va 0x${va.toString(16)} of 0x${r.virt.toString(16)}+0x${r.size.toString(16)} flags ${r.flags}`;
      expect({ pa: rep.result?.pa, size: rep.result?.pageSize, fault: rep.fault?.rule, la2pa: la2pa(pgd, cva)[0] }, where)
        .toEqual({ pa: want, size: Number(size), fault: undefined, la2pa: want });
    }
  }
  for (const outside of [start - PAGE, end]) {
    if (others.some((o) => outside >= (o.virt & ~(PAGE - 1n)) && outside < o.virt + o.size)) continue;
    const rep = translate(mmu, canonical(mode, outside), LOAD, PRV_S);
    expect(rep.fault?.cause, `0x${outside.toString(16)} just outside must be unmapped`).toBe(13);
    expect(la2pa(pgd, canonical(mode, outside))[0]).toBe(LA2PA_FAULT);
  }
  return pages;
}

/** A small deterministic PRNG (xorshift64*) so failures reproduce. */
function rng(seed: bigint): (n: bigint) => bigint {
  let s = seed;
  return (n: bigint) => {
    s ^= s >> 12n; s ^= (s << 25n) & MASK64; s ^= s >> 27n;
    return ((s * 0x2545f4914f6cdd1dn) & MASK64) % n;
  };
}

function randomRange(rand: (n: bigint) => bigint, mode: Mode, slot: bigint, crossGiB: boolean): Range {
  // Each range gets its own 8 GiB window of VA so ranges never overlap; high-half windows too.
  const window = (slot * 8n * G) + (rand(2n) === 1n ? (mode === 'sv48' ? (1n << 47n) : (1n << 38n)) : 0n);
  const kind = crossGiB ? 0n : rand(3n) + 1n;
  const flags = !crossGiB && rand(3n) === 0n ? NO_BLOCK_MAPPINGS : 0n;
  let size: bigint;
  let off: bigint;
  if (kind === 0n) {           // crosses a 1 GiB boundary, unaligned at both edges
    off = G - rand(8n * M) - rand(PAGE);
    size = (G - off) + G + rand(5n * M) + 1n;
  } else if (kind === 1n) {                     // crosses a 2 MiB boundary
    off = G + 2n * M - rand(3n * M);
    size = rand(5n * M) + 1n;
  } else if (kind === 2n) {                     // tiny, unaligned
    off = rand(G);
    size = rand(3n * PAGE) + 1n;
  } else {                                      // medium, maybe several 2 MiB blocks
    off = rand(2n * G);
    size = rand(flags ? 4n * M : 20n * M) + 1n;
  }
  const virt = window + off;
  // Physical: congruent with virt modulo 1 GiB half the time (blocks possible), else only modulo a page.
  const physBase = (rand(64n) + 2n) * G;
  const phys = crossGiB || rand(2n) === 0n ? physBase + (virt & (G - 1n)) : physBase + (rand(G) & ~(PAGE - 1n)) + (virt & (PAGE - 1n));
  return { virt, phys, size, prot: rand(2n) ? PAGE_KERNEL : PAGE_KERNEL_EXEC, flags };
}

describe('__create_pgd_mapping', () => {
  for (const mode of ['sv39', 'sv48'] as const) {
    it(`${mode}: 2 MiB and 1 GiB blocks exactly where virt, phys and chunk are aligned`, () => {
      const { pgd, mmu } = fresh(mode);
      const ranges: Range[] = [
        { virt: 0x80000000n, phys: 0x80000000n, size: 3n * G + 5n * M + 123n, prot: PAGE_KERNEL, flags: 0n },
        { virt: 0x3fe00000n + 4096n * 3n, phys: 0x3fe00000n + 4096n * 3n, size: 4n * M, prot: PAGE_KERNEL_EXEC, flags: 0n },
        { virt: canonical(mode, 0xffffffc000000000n), phys: 0x80000000n, size: G, prot: PAGE_KERNEL, flags: 0n },
      ];
      for (const r of ranges) __create_pgd_mapping(pgd, r.phys, r.virt, r.size, r.prot, pgtable_alloc, r.flags);
      expect(bug_count()).toBe(0n);
      // 1 GiB blocks at 0x80000000..0x140000000 and the alias; a handful of tables only.
      expect(BigInt(translate(mmu, 0x80000000n, LOAD, PRV_S).result!.pageSize)).toBe(G);
      expect(BigInt(translate(mmu, 0xffffffc000000000n, LOAD, PRV_S).result!.pageSize)).toBe(G);
      for (const r of ranges.slice(1)) checkRange(mmu, pgd, mode, r, ranges);
      // The big range: check its 4 KiB tail and the pages on each block boundary, every 2 MiB.
      const big = ranges[0]!;
      for (let va = big.virt; va < big.virt + big.size; va += va >= big.virt + 3n * G ? PAGE : 2n * M) {
        const rep = translate(mmu, va, LOAD, PRV_S);
        expect(rep.result!.pa).toBe(va);
        expect(BigInt(rep.result!.pageSize)).toBe(expectedSize(big, va));
      }
      expect(frame_self_check()).toBe(0n);
    });

    it(`${mode}: alloc_init_cont_pte: 64 KiB runs where virt and phys allow (16 equal Svnapot PTEs), none with NO_CONT_MAPPINGS`, () => {
      const { pgd, mmu } = fresh(mode);
      // 0x80013000..0x80235000: pages up to 0x80020000, runs to 0x80200000 (no 2 MiB block: NO_BLOCK), runs and pages after.
      const r: Range = { virt: 0x80013000n, phys: 0x80013000n, size: 0x222000n, prot: PAGE_KERNEL, flags: NO_BLOCK_MAPPINGS };
      __create_pgd_mapping(pgd, r.phys, r.virt, r.size, r.prot, pgtable_alloc, r.flags);
      expect(bug_count()).toBe(0n);
      checkRange(mmu, pgd, mode, r, [r]);
      const run = translate(mmu, 0x80020000n + 5n * PAGE, LOAD, PRV_S);
      expect(run.result!.pageSizeName).toBe('64 KiB (Svnapot)');
      const ptes = Array.from({ length: 16 }, (_, i) => ram.lowView.getBigUint64(Number(la2pa(pgd, 0x80020000n)[2] - BigInt(RAM_BASE)) + i * 8, true));
      expect(new Set(ptes).size).toBe(1);
      expect((ptes[0]! >> 10n) & 0xfn).toBe(8n);                          // PPN[3:0] = 1000
      // A hart without Svnapot takes N as reserved: the kernel must pass NO_CONT_MAPPINGS there.
      const plain = new Mmu(bus, { pmpEntries: 0 });
      plain.setSatp(mmu.getSatp());
      expect(translate(plain, 0x80020000n, LOAD, PRV_S).fault).toBeDefined();
      const { pgd: pgd2, mmu: mmu2 } = fresh(mode);
      const r2: Range = { ...r, flags: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS };
      __create_pgd_mapping(pgd2, r2.phys, r2.virt, r2.size, r2.prot, pgtable_alloc, r2.flags);
      checkRange(mmu2, pgd2, mode, r2, [r2]);
      const plain2 = new Mmu(bus, { pmpEntries: 0 });
      plain2.setSatp(mmu2.getSatp());
      expect(translate(plain2, 0x80020000n, LOAD, PRV_S).result?.pageSize).toBe(4096);
    });

    it(`${mode}: NO_BLOCK_MAPPINGS maps every page with a PTE`, () => {
      const { pgd, mmu } = fresh(mode);
      const r: Range = { virt: 0x80000000n, phys: 0x80000000n, size: 6n * M, prot: PAGE_KERNEL, flags: NO_BLOCK_MAPPINGS };
      __create_pgd_mapping(pgd, r.phys, r.virt, r.size, r.prot, pgtable_alloc, r.flags);
      expect(bug_count()).toBe(0n);
      checkRange(mmu, pgd, mode, r, [r]);
    });

    it(`${mode}: random (virt, phys, size, flags), every page checked`, () => {
      const rand = rng(mode === 'sv39' ? 0x9e3779b97f4a7c15n : 0xd1b54a32d192ed03n);
      let pages = 0;
      for (let trial = 0; trial < 8; trial++) {
        const { pgd, mmu } = fresh(mode);
        const before = frame_nr_free();
        // One range in the whole run crosses a 1 GiB boundary (a quarter of a million pages to check).
        const ranges = Array.from({ length: 3 }, (_, k) => randomRange(rand, mode, BigInt(k), trial === 0 && k === 0));
        for (const r of ranges) __create_pgd_mapping(pgd, r.phys, r.virt, r.size, r.prot, pgtable_alloc, r.flags);
        expect(bug_count(), JSON.stringify(ranges, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))).toBe(0n);
        for (const r of ranges) pages += checkRange(mmu, pgd, mode, r, ranges);
        expect(frame_nr_free()).toBeLessThan(before);
        expect(frame_self_check()).toBe(0n);
      }
      expect(pages).toBeGreaterThan(1 << 18);
    });

    it(`${mode}: remapping with new permissions is allowed, a table under a block is a BUG`, () => {
      const { pgd, mmu } = fresh(mode);
      __create_pgd_mapping(pgd, 0x80000000n, 0x80000000n, 4n * M, PAGE_KERNEL, pgtable_alloc, 0n);
      __create_pgd_mapping(pgd, 0x80000000n, 0x80000000n, 4n * M, PAGE_KERNEL_EXEC, pgtable_alloc, 0n);
      expect(bug_count()).toBe(0n);
      expect(translate(mmu, 0x80001000n, LOAD, PRV_S).steps.at(-1)!.pte & 0xffn).toBe(PAGE_KERNEL_EXEC);
      __create_pgd_mapping(pgd, 0x80000000n, 0x80000000n, 8n * K, PAGE_KERNEL, pgtable_alloc, NO_BLOCK_MAPPINGS);
      expect(bug_count()).toBe(1n);
      expect(bug_first_reason()).toBe(BUG_SECT_UNDER_TABLE);
      bug_reset();
      __create_pgd_mapping(pgd, 0x80000000n, 0x80000800n, 8n * K, PAGE_KERNEL, pgtable_alloc, 0n);
      expect(bug_first_reason()).toBe(BUG_MISALIGNED_PHYS);
    });
  }
});
