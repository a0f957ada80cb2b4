// Zones natively: RAM that straddles 4 GiB (16 MiB below, 16 MiB above, on sparse host memory) gives
// DMA32 and Normal their spans; GFP_DMA32 never leaves DMA32, GFP_KERNEL prefers Normal and falls back
// to DMA32 when Normal is exhausted (the zonelist), and every free block stays inside its zone.

import { describe, expect, it } from 'vitest';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { SparseMemory } from '../../../kernel-ts/runtime/memory.js';

const RAM_BASE = 0xff000000n, RAM_END = 0x101000000n, PAGE = 4096n;
installHost({ memory: new SparseMemory(), staticBase: 0x200000000n });
const frame = await import('../../../kernel-ts/kernel/frame.js');
const pa = await import('../../../kernel-ts/kernel/page_alloc.js');
const pg = await import('../../../kernel-ts/kernel/page.js');
const mmzone = await import('../../../kernel-ts/kernel/mmzone.js');
const { NULL, list_entry } = await import('../../../kernel-ts/runtime/intrinsics.js');
const { bug_count } = await import('../../../kernel-ts/kernel/bug.js');

describe('zones DMA32 and Normal', () => {
  it('split at 4 GiB; GFP_DMA32 stays low, GFP_KERNEL prefers Normal then falls back; free blocks stay inside their zone', () => {
    frame.frame_init(RAM_BASE, RAM_END, RAM_BASE + (1n << 20n), 0n, 0n);
    const dma = mmzone.zone_at(mmzone.ZONE_DMA32), normal = mmzone.zone_at(mmzone.ZONE_NORMAL);
    expect([dma.zone_start_pfn, dma.spanned_pages]).toEqual([0xff000n, 0x1000n]);
    expect([normal.zone_start_pfn, normal.spanned_pages]).toEqual([0x100000n, 0x1000n]);
    expect(normal.managed_pages).toBe(0x1000n);
    expect(normal.free_area.at(10n).nr_free).toBe(4n);
    expect(pg.pfn_to_page(0x100000n).zone).toBe(normal);
    expect(pg.pfn_to_page(0xfffffn).zone).toBe(dma);
    const boot = pa.nr_free_pages();
    pa.free_area_snapshot();
    const held: [ReturnType<typeof pg.pfn_to_page>, bigint][] = [];
    const d = pa.alloc_pages(pa.GFP_DMA32, 0n);
    expect(pg.page_to_pfn(d) < 0x100000n).toBe(true);
    held.push([d, 0n]);
    // GFP_KERNEL: all of Normal first, then DMA32.
    for (let i = 0n; i < 4n; i++) {
      const p = pa.alloc_pages(pa.GFP_KERNEL, 10n);
      expect(pg.page_to_pfn(p) >= 0x100000n).toBe(true);
      held.push([p, 10n]);
    }
    expect(normal.nr_free_pages).toBe(0n);
    const fallback = pa.alloc_pages(pa.GFP_KERNEL, 10n);
    expect(fallback).not.toBe(NULL);
    expect(pg.page_to_pfn(fallback) < 0x100000n).toBe(true);
    held.push([fallback, 10n]);
    for (const [p, o] of held) pa.__free_pages(p, o);
    expect(pa.nr_free_pages()).toBe(boot);
    expect(pa.free_area_diff()).toBe(0n);
    expect(pa.buddy_self_check()).toBe(0n);
    // Every free block lies wholly inside the zone whose list holds it.
    let blocks = 0;
    for (const z of [dma, normal]) {
      for (let o = 0n; o < 11n; o++) {
        const head = z.free_area.at(o).free_list;
        for (let p = list_entry(head.next, pg.page, 'lru'); p.lru !== head; p = list_entry(p.lru.next, pg.page, 'lru')) {
          const pfn = pg.page_to_pfn(p);
          expect(pfn >= z.zone_start_pfn && pfn + (1n << o) <= z.zone_start_pfn + z.spanned_pages).toBe(true);
          blocks++;
        }
      }
    }
    expect(blocks).toBeGreaterThan(8);
    expect(bug_count()).toBe(0n);
  });
});
