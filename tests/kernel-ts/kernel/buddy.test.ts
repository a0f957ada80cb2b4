// The buddy allocator (page.ts, page_alloc.ts, frame.ts) run natively over a buffer standing for RAM,
// against a model: a set of allocated (pfn, order) blocks. Every step: no two blocks overlap, every
// block is aligned to its order and inside RAM, the free page count is RAM minus what is held, and
// buddy_self_check (free lists + mem_map walk) finds nothing.

import { describe, expect, it, beforeEach } from 'vitest';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { BufferMemory } from '../../../kernel-ts/runtime/memory.js';

const RAM_BASE = 0x80000000n, RAM_SIZE = 24n << 20n, PAGE = 4096n;
const bytes = new Uint8Array(Number(RAM_SIZE));
installHost({ memory: new BufferMemory(RAM_BASE, bytes), staticBase: RAM_BASE });
const pa = await import('../../../kernel-ts/kernel/page_alloc.js');
const pg = await import('../../../kernel-ts/kernel/page.js');
const mmzone = await import('../../../kernel-ts/kernel/mmzone.js');
const frame = await import('../../../kernel-ts/kernel/frame.js');
const { NULL } = await import('../../../kernel-ts/runtime/intrinsics.js');
const { bug_count, bug_reset } = await import('../../../kernel-ts/kernel/bug.js');

const FIRST_FREE = RAM_BASE + (1n << 20n);          // static data below, as a kernel image
type Page = ReturnType<typeof pg.pfn_to_page>;

function rng(seed: bigint): (n: number) => number {
  let s = seed;
  return (n) => { s = BigInt.asUintN(64, s * 6364136223846793005n + 1442695040888963407n); return Number((s >> 33n) % BigInt(n)); };
}

function freeLists(): string {
  const z = mmzone.zone_at(mmzone.ZONE_DMA32);
  return Array.from({ length: 11 }, (_, o) => `${z.free_area.at(BigInt(o)).nr_free}:${pa.free_area_hash(z, BigInt(o))}`).join(' ');
}

let boot = 0n;
beforeEach(() => {
  bytes.fill(0);
  bug_reset();
  frame.frame_init(RAM_BASE, RAM_BASE + RAM_SIZE, FIRST_FREE, RAM_BASE + RAM_SIZE - 3n * PAGE, RAM_BASE + RAM_SIZE - PAGE);
  boot = pa.nr_free_pages();
  pa.free_area_snapshot();
});

/** The model: held blocks by pfn; checks overlap, alignment, the counters and the kernel's own check. */
class Model {
  held = new Map<bigint, { page: Page; order: bigint }>();
  owner = new Map<bigint, bigint>();
  add(p: Page, order: bigint): void {
    const pfn = pg.page_to_pfn(p);
    expect(pfn % (1n << order)).toBe(0n);
    expect(pfn >= pg.memmap_start_pfn() && pfn + (1n << order) <= pg.memmap_end_pfn()).toBe(true);
    for (let i = 0n; i < 1n << order; i++) {
      expect(this.owner.has(pfn + i), `pfn ${pfn + i} handed out twice`).toBe(false);
      this.owner.set(pfn + i, pfn);
    }
    expect(frame.frame_state((pfn) * PAGE)).not.toBe(frame.FRAME_FREE);
    this.held.set(pfn, { page: p, order });
  }
  remove(pfn: bigint): void {
    const { page, order } = this.held.get(pfn)!;
    pa.__free_pages(page, order);
    for (let i = 0n; i < 1n << order; i++) this.owner.delete(pfn + i);
    this.held.delete(pfn);
  }
  pages(): bigint { return BigInt(this.owner.size); }
  check(): void {
    expect(pa.nr_free_pages()).toBe(boot - this.pages());
    expect(pa.buddy_self_check()).toBe(0n);
    expect(bug_count()).toBe(0n);
  }
}

describe('buddy allocator', () => {
  it('boot: everything after mem_map but the reserved range is free, in maximal aligned blocks', () => {
    const total = RAM_SIZE / PAGE;
    const memmapFrames = (total * 64n + PAGE - 1n) / PAGE;
    expect(boot).toBe(total - 256n - memmapFrames - 2n);
    expect(frame.frame_self_check()).toBe(0n);
    // mem_map (96 pages) ends at pfn 0x80160: orders 5, 7, 9 up to 0x80400, four order-10 blocks, then
    // 9, 8, …, 2 down to the reserved pfns 0x817fd..0x817fe, with a single page on either side.
    const z = mmzone.zone_at(mmzone.ZONE_DMA32);
    expect(Array.from({ length: 11 }, (_, o) => z.free_area.at(BigInt(o)).nr_free)).toEqual([2n, 0n, 1n, 1n, 1n, 2n, 1n, 2n, 1n, 2n, 4n]);
    expect(pg.PageBuddy(pg.pfn_to_page(0x80160n)) && pg.pfn_to_page(0x80160n).private === 5n).toBe(true);
    expect(frame.frame_state(0x817fdn * PAGE)).toBe(frame.FRAME_RESERVED);
    expect(pa.alloc_pages(pa.GFP_KERNEL, 11n)).toBe(NULL);
  });

  it('splits the smallest block that fits and merges it back (coalescing across every order boundary)', () => {
    const before = freeLists();
    // Order 10 block split all the way down by an order-0 request once the smaller blocks are gone.
    const z = mmzone.zone_at(mmzone.ZONE_DMA32);
    const small: [Page, bigint][] = [];
    for (let o = 0n; o < 10n; o++) for (let n = z.free_area.at(o).nr_free; n > 0n; n--) small.push([pa.alloc_pages(pa.GFP_KERNEL, o), o]);
    expect(Array.from({ length: 10 }, (_, o) => z.free_area.at(BigInt(o)).nr_free)).toEqual(Array(10).fill(0n));
    const p = pa.alloc_pages(pa.GFP_KERNEL, 0n);
    expect(Array.from({ length: 11 }, (_, o) => z.free_area.at(BigInt(o)).nr_free)).toEqual([...Array(10).fill(1n), 3n]);
    expect(pa.buddy_self_check()).toBe(0n);
    pa.__free_pages(p, 0n);                               // merges 0→1→…→10
    expect(Array.from({ length: 11 }, (_, o) => z.free_area.at(BigInt(o)).nr_free)).toEqual([...Array(10).fill(0n), 4n]);
    for (const [q, o] of small) pa.__free_pages(q, o);
    expect(freeLists()).toBe(before);
    expect(pa.free_area_diff()).toBe(0n);
  });

  it('a buddy of another order, or an allocated buddy, is not merged; a freed pair is', () => {
    const singles = [pa.alloc_pages(pa.GFP_KERNEL, 0n), pa.alloc_pages(pa.GFP_KERNEL, 0n)];   // the two lone pages
    const a = pa.alloc_pages(pa.GFP_KERNEL, 0n);
    const b = pa.alloc_pages(pa.GFP_KERNEL, 0n);
    const c = pa.alloc_pages(pa.GFP_KERNEL, 1n);          // the order-1 buddy of a and b's block
    expect(pg.page_to_pfn(c)).toBe(pg.page_to_pfn(a) ^ 2n);
    const pfa = pg.page_to_pfn(a), pfb = pg.page_to_pfn(b);
    expect(pfa ^ pfb).toBe(1n);                          // the two halves of one order-1 block
    pa.__free_pages(a, 0n);
    expect(pg.PageBuddy(a)).toBe(true);
    expect(a.private).toBe(0n);
    pa.__free_pages(b, 0n);
    const pair = pg.pfn_to_page(pfa & ~1n);
    expect(pg.PageBuddy(pair) && pair.private === 1n).toBe(true);   // merged to order 1, not further: c is held
    pa.__free_pages(c, 1n);
    for (const q of singles) pa.__free_pages(q, 0n);
    expect(pa.buddy_self_check()).toBe(0n);
    expect(pa.free_area_diff()).toBe(0n);
  });

  it('exhaustion to the last page and refill, three times over: the free lists come back identical', () => {
    const before = freeLists();
    for (const round of [0, 1, 2]) {
      const m = new Model();
      // Round 0 largest-first, round 1 all order 0, round 2 random orders.
      const r = rng(BigInt(round + 7));
      for (;;) {
        let order = round === 1 ? 0n : round === 0 ? 10n : BigInt(r(11));
        let p: Page = NULL;
        while ((p = pa.alloc_pages(pa.GFP_KERNEL, order)) === NULL && order > 0n) order--;
        if (p === NULL) break;
        m.add(p, order);
      }
      expect(pa.nr_free_pages()).toBe(0n);
      expect(pa.alloc_pages(pa.GFP_KERNEL, 0n)).toBe(NULL);
      m.check();
      const order = [...m.held.keys()];
      if (round === 2) order.sort(() => r(3) - 1); else order.reverse();
      for (const pfn of order) m.remove(pfn);
      m.check();
      expect(freeLists()).toBe(before);
      expect(pa.free_area_diff()).toBe(0n);
    }
  });

  it('random alloc/free sequences of every order against the model', () => {
    for (const seed of [1n, 2n, 3n]) {
      const r = rng(seed);
      const m = new Model();
      for (let step = 0; step < 1500; step++) {
        if (m.held.size > 0 && r(100) < 45) {
          const keys = [...m.held.keys()];
          m.remove(keys[r(keys.length)]!);
        } else {
          const order = BigInt(r(11));
          const free = pa.nr_free_pages();
          const p = pa.alloc_pages(r(2) === 0 ? pa.GFP_KERNEL : pa.GFP_DMA32, order);
          if (p === NULL) {
            // Only when no free block of that order or above exists.
            const z = mmzone.zone_at(mmzone.ZONE_DMA32);
            for (let o = order; o < 11n; o++) expect(z.free_area.at(o).nr_free).toBe(0n);
          } else {
            m.add(p, order);
            expect(pa.nr_free_pages()).toBe(free - (1n << order));
          }
        }
        if (step % 100 === 0) m.check();
      }
      m.check();
      for (const pfn of [...m.held.keys()]) m.remove(pfn);
      m.check();
      expect(pa.free_area_diff()).toBe(0n);
    }
  });

  it('fragmentation: every other page held leaves only order-0 blocks; freeing them merges all back', () => {
    const m = new Model();
    const all: Page[] = [];
    for (let p = pa.alloc_pages(pa.GFP_KERNEL, 0n); p !== NULL; p = pa.alloc_pages(pa.GFP_KERNEL, 0n)) all.push(p);
    for (const p of all) m.add(p, 0n);
    const odd = [...m.held.keys()].filter((pfn) => pfn % 2n === 1n);
    for (const pfn of odd) m.remove(pfn);
    m.check();
    const z = mmzone.zone_at(mmzone.ZONE_DMA32);
    expect(z.free_area.at(0n).nr_free).toBe(BigInt(odd.length));
    for (let o = 1n; o < 11n; o++) expect(z.free_area.at(o).nr_free).toBe(0n);
    expect(pa.alloc_pages(pa.GFP_KERNEL, 1n)).toBe(NULL);  // plenty of free pages, no free pair
    for (const pfn of [...m.held.keys()]) m.remove(pfn);
    m.check();
    expect(pa.free_area_diff()).toBe(0n);
  });

  it('refuses a double free, a misaligned block and a reserved page (BUG), and the check sees corruption', () => {
    const p = pa.alloc_pages(pa.GFP_KERNEL, 2n);
    pa.__free_pages(p, 2n);
    pa.__free_pages(p, 2n);                               // double free
    expect(bug_count()).toBe(1n);
    const q = pa.alloc_pages(pa.GFP_KERNEL, 1n);
    pa.__free_pages(pg.page_add(q, 1n), 1n);              // a tail, misaligned for order 1
    expect(bug_count()).toBe(2n);
    expect(frame.frame_put(RAM_BASE)).toBe(0n);           // firmware frame: reserved
    expect(bug_count()).toBe(3n);
    pa.__free_pages(q, 1n);
    expect(pa.buddy_self_check()).toBe(0n);
    const r = pa.alloc_pages(pa.GFP_KERNEL, 0n);
    r._refcount = 0n;                                     // held, yet counted by nobody
    expect(pa.buddy_self_check()).toBeGreaterThan(0n);
  });
});
