// Note 000's pools (pool.ts, bitmap.ts) run natively over the emulator's RAM: malloc_page maps frames of
// the right pool at consecutive virtual pages (checked with the emulator's translate), and a failing
// malloc_page — out of frames, or out of virtual pages — leaves the page table, both bitmaps and the
// buddy allocator exactly as they were.

import { describe, expect, it, beforeEach } from 'vitest';
import { Bus } from '../../../emulator/board/bus.js';
import { Ram } from '../../../emulator/board/ram.js';
import { Mmu } from '../../../emulator/mmu/mmu.js';
import { LOAD, PRV_S, PRV_U } from '../../../emulator/mmu/access.js';
import { translate } from '../../../emulator/debug/translate.js';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { BufferMemory } from '../../../kernel-ts/runtime/memory.js';

const RAM_BASE = 0x80000000, RAM_SIZE = 16 << 20, PAGE = 4096n;
const ram = new Ram(RAM_BASE, RAM_SIZE);
installHost({ memory: new BufferMemory(BigInt(RAM_BASE), ram.low), staticBase: BigInt(RAM_BASE) });
const pool = await import('../../../kernel-ts/kernel/pool.js');
const frame = await import('../../../kernel-ts/kernel/frame.js');
const pa = await import('../../../kernel-ts/kernel/page_alloc.js');
const pgtable = await import('../../../kernel-ts/kernel/pgtable.js');
const { la2pa, LA2PA_FAULT } = await import('../../../kernel-ts/kernel/la2pa.js');
const { bug_count, bug_reset } = await import('../../../kernel-ts/kernel/bug.js');
const bus = new Bus(ram, 0x1000, 0x1000);

const KVA = 0xffffffd000000000n, UVA = 0x30000000n;
let pgd = 0n;
let mmu: Mmu;

function rng(seed: bigint): (n: number) => number {
  let s = seed;
  return (n) => { s = BigInt.asUintN(64, s * 6364136223846793005n + 1442695040888963407n); return Number((s >> 33n) % BigInt(n)); };
}

beforeEach(() => {
  ram.low.fill(0);
  bug_reset();
  pgtable.pgtable_set_mode(pgtable.SATP_MODE_SV39);
  frame.frame_init(BigInt(RAM_BASE), BigInt(RAM_BASE + RAM_SIZE), BigInt(RAM_BASE) + (1n << 20n), 0n, 0n);
  pgd = frame.pgtable_alloc(0n);
  mmu = new Mmu(bus, { pmpEntries: 0 });
  mmu.setSatp((8n << 60n) | (pgd >> 12n));
  // kernel_pool 16 frames, user_pool 8 frames, 32 virtual pages each.
  expect(pool.mem_pool_init(pgd, 4n, 3n, KVA, UVA, 32n, pgtable.PAGE_KERNEL, pgtable.PAGE_USER)).toBe(true);
});

/** Everything observable: each virtual page's translation, both bitmaps' counts, the buddy's free pages. */
function state(): string {
  const pages = [];
  for (const [base, n] of [[KVA, 32n], [UVA, 32n]] as const) for (let i = 0n; i < n; i++) pages.push(la2pa(pgd, base + i * PAGE)[0]);
  // The buddy's count too: a rolled-back malloc_page gives back its frames (page tables it had to add
  // would stay, as Linux keeps them; here every range's tables exist once the first page is mapped).
  return [pages.join(','), pool.pool_free_frames(pool.PF_KERNEL), pool.pool_free_frames(pool.PF_USER),
    pool.vaddr_used_pages(pool.PF_KERNEL), pool.vaddr_used_pages(pool.PF_USER), pa.nr_free_pages()].join(' ');
}

describe('kernel and user pools, malloc_page', () => {
  it('maps frames of its own pool at consecutive pages, with the pool\'s permissions (translate agrees)', () => {
    const k = pool.malloc_page(pool.PF_KERNEL, 5n);
    const u = pool.malloc_page(pool.PF_USER, 3n);
    expect(k).toBe(KVA);
    expect(u).toBe(UVA);
    const seen = new Set<bigint>();
    for (const [va, n, p, prv] of [[k, 5n, pool.kernel_pool, PRV_S], [u, 3n, pool.user_pool, PRV_U]] as const) {
      for (let i = 0n; i < n; i++) {
        const rep = translate(mmu, va + i * PAGE, LOAD, prv);
        expect(rep.result, `va ${va + i * PAGE}`).toBeDefined();
        const f = rep.result!.pa;
        expect(f >= p.phy_addr_start && f < p.phy_addr_start + p.pool_size).toBe(true);
        expect(seen.has(f)).toBe(false);
        seen.add(f);
      }
    }
    expect(translate(mmu, u, LOAD, PRV_S).fault).toBeDefined();     // U pages: not for S without SUM
    expect(translate(mmu, k, LOAD, PRV_U).fault).toBeDefined();
    expect(pool.pool_free_frames(pool.PF_KERNEL)).toBe(11n);
    expect(pool.pool_free_frames(pool.PF_USER)).toBe(5n);
    pool.mfree_page(pool.PF_KERNEL, k, 5n);
    pool.mfree_page(pool.PF_USER, u, 3n);
    expect(translate(mmu, k, LOAD, PRV_S).fault).toBeDefined();
    expect(pool.pool_free_frames(pool.PF_KERNEL)).toBe(16n);
    expect(pool.pool_self_check()).toBe(0n);
    expect(pool.mem_pool_exit()).toBe(true);
    expect(frame.frame_self_check()).toBe(0n);
    expect(bug_count()).toBe(0n);
  });

  it('rolls back completely when the physical pool runs out part-way', () => {
    const a = pool.malloc_page(pool.PF_USER, 3n);
    const before = state();
    expect(pool.malloc_page(pool.PF_USER, 6n)).toBe(0n);              // 5 frames left
    expect(pool.malloc_page_last_mapped()).toBe(5n);
    expect(state()).toBe(before);
    expect(pool.malloc_page(pool.PF_USER, 5n)).toBe(UVA + 3n * PAGE); // exactly what is left still works
    expect(pool.malloc_page(pool.PF_USER, 1n)).toBe(0n);
    pool.mfree_page(pool.PF_USER, a, 3n);
    pool.mfree_page(pool.PF_USER, UVA + 3n * PAGE, 5n);
    expect(pool.pool_free_frames(pool.PF_USER)).toBe(8n);
    expect(bug_count()).toBe(0n);
  });

  it('fails without taking anything when no run of virtual pages is long enough', () => {
    const a = pool.malloc_page(pool.PF_KERNEL, 10n);
    const b = pool.malloc_page(pool.PF_KERNEL, 4n);
    pool.mfree_page(pool.PF_KERNEL, a, 10n);
    // 10 free pages, then 4 used, then 18 free: 19 consecutive pages exist nowhere.
    const before = state();
    expect(pool.malloc_page(pool.PF_KERNEL, 19n)).toBe(0n);
    expect(pool.malloc_page_last_mapped()).toBe(0n);
    expect(state()).toBe(before);
    expect(pool.malloc_page(pool.PF_KERNEL, 0n)).toBe(0n);
    pool.mfree_page(pool.PF_KERNEL, b, 4n);
  });

  it('random malloc_page/mfree_page on both pools against a model; every failure leaves the state unchanged', () => {
    const r = rng(3n);
    const live: { pf: bigint; va: bigint; n: bigint }[] = [];
    for (let step = 0; step < 300; step++) {
      if (live.length > 0 && r(100) < 40) {
        const x = live.splice(r(live.length), 1)[0]!;
        pool.mfree_page(x.pf, x.va, x.n);
      } else {
        const pf = r(2) === 0 ? pool.PF_KERNEL : pool.PF_USER;
        const n = BigInt(1 + r(9));
        const before = state();
        const va = pool.malloc_page(pf, n);
        if (va === 0n) { expect(state()).toBe(before); continue; }
        for (const y of live) if (y.pf === pf) expect(va + n * PAGE <= y.va || y.va + y.n * PAGE <= va).toBe(true);
        for (let i = 0n; i < n; i++) expect(la2pa(pgd, va + i * PAGE)[0]).not.toBe(LA2PA_FAULT);
        live.push({ pf, va, n });
      }
      const used = (pf: bigint) => live.filter((x) => x.pf === pf).reduce((s, x) => s + x.n, 0n);
      expect(pool.vaddr_used_pages(pool.PF_KERNEL)).toBe(used(pool.PF_KERNEL));
      expect(16n - pool.pool_free_frames(pool.PF_KERNEL)).toBe(used(pool.PF_KERNEL));
      expect(8n - pool.pool_free_frames(pool.PF_USER)).toBe(used(pool.PF_USER));
    }
    for (const x of live) pool.mfree_page(x.pf, x.va, x.n);
    expect(pool.mem_pool_exit()).toBe(true);
    expect(frame.frame_count(frame.FRAME_OTHER)).toBe(0n);
    expect(bug_count()).toBe(0n);
  });
});
