// The buddy allocator shown at work in the transcript: the free lists at boot, a scripted sequence
// of allocations and frees (splitting, then coalescing back), and memory exhausted completely —
// every zone down to its last page — and all of it freed, after which the free lists must be the
// boot ones again (free_area_diff).

import { u64, NULL, staticBuffer, struct_at, sizeof, list_entry, range } from '../runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add_tail, list_del, list_empty } from '../lib/list.js';
import { PAGE_SHIFT } from './layout.js';
import { zone_at, MAX_ORDER, MAX_NR_ZONES, populated_zone, zone_end_pfn } from './mmzone.js';
import { page, page_to_pfn } from './page.js';
import { alloc_pages, __free_pages, nr_free_pages, free_area_diff, free_area_snapshot, buddy_self_check, GFP_KERNEL, GFP_DMA32 } from './page_alloc.js';
import { putsize } from './console.js';
import { printk } from '../lib/printk.js';
import { check } from './selfcheck.js';

/** Linux's show_free_areas: per zone, blocks per order × their size, and the total. */
export function show_free_areas(indent: string): void {
  for (const zid of range(0n, MAX_NR_ZONES)) {
    const z = zone_at(zid);
    if (!populated_zone(z)) continue;
    printk("%s%s:", indent, z.name);
    for (const o of range(0n, MAX_ORDER)) printk(" %lu*%luK", z.free_area.at(o).nr_free, 4n << o);
    printk(" = %luK\n", z.nr_free_pages << 2n);
  }
}

export function show_zones(): void {
  for (const zid of range(0n, MAX_NR_ZONES)) {
    const z = zone_at(zid);
    printk("zone %-6s: ", z.name);
    if (!populated_zone(z)) { printk("empty (RAM ends below 4 GiB)\n"); continue; }
    printk("pfn %#lx..%#lx (%#lx..%#lx, ", z.zone_start_pfn, zone_end_pfn(z), z.zone_start_pfn << PAGE_SHIFT, zone_end_pfn(z) << PAGE_SHIFT);
    putsize(z.spanned_pages << PAGE_SHIFT);
    printk("), %lu pages managed by the buddy allocator\n", z.managed_pages);
  }
}

const held_head = staticBuffer(sizeof(list_head), 8n);
const held = struct_at(list_head, held_head);

/** Allocates order-`order` blocks from gfp until it fails; each goes on `held` (its lru is ours while
 *  we hold it; private keeps its order). Returns how many. */
function grab_all(gfp: u64, order: u64): u64 {
  let n = 0n;
  while (true) {
    const p = alloc_pages(gfp, order);
    if (p === NULL) return n;
    list_add_tail(p.lru, held);
    n = n + 1n;
  }
  return n;
}

/** Frees every held block (in allocation order). Returns how many. */
function free_held(): u64 {
  let n = 0n;
  while (!list_empty(held)) {
    const p = list_entry(held.next, page, 'lru');
    list_del(p.lru);
    __free_pages(p, p.private);
    n = n + 1n;
  }
  return n;
}

export function buddy_demo(): void {
  INIT_LIST_HEAD(held);
  // The state to come back to: the boot free lists less what the page tables and lazy areas hold.
  free_area_snapshot();
  const boot_free = nr_free_pages();
  printk("buddy: alloc_pages(GFP_KERNEL, 0): ");
  const a = alloc_pages(GFP_KERNEL, 0n);
  printk("pfn %#lx; the smallest free block was split down to order 0:\n", page_to_pfn(a));
  show_free_areas("  ");
  const b = alloc_pages(GFP_DMA32, 3n);
  const c = alloc_pages(GFP_KERNEL, 10n);
  printk("buddy: alloc_pages(GFP_DMA32, 3): pfn %#lx; alloc_pages(GFP_KERNEL, 10): pfn %#lx\n", page_to_pfn(b), page_to_pfn(c));
  show_free_areas("  ");
  __free_pages(a, 0n);
  printk("buddy: __free_pages(pfn %#lx, 0): merged with its buddies back up:\n", page_to_pfn(a));
  show_free_areas("  ");
  __free_pages(b, 3n);
  __free_pages(c, 10n);
  printk("buddy: __free_pages of the order-3 and order-10 blocks: free lists as before: %s\n", free_area_diff() == 0n ? "yes" : "NO");
  check(a !== NULL && b !== NULL && c !== NULL && free_area_diff() == 0n, "buddy split and merge restore the boot free lists");

  // Exhaust memory completely: the largest blocks first, then every smaller order.
  printk("buddy: exhausting memory:");
  let blocks = 0n;
  for (let o = MAX_ORDER; o > 0n; o--) {
    const n = grab_all(GFP_KERNEL, o - 1n);
    if (n != 0n) printk(" %lu*order-%lu", n, o - 1n);
    blocks = blocks + n;
  }
  const last = alloc_pages(GFP_KERNEL, 0n);
  printk("; %lu pages free, alloc_pages(GFP_KERNEL, 0) -> %s\n", nr_free_pages(), last === NULL ? "NULL" : "a page");
  show_free_areas("  ");
  check(nr_free_pages() == 0n && last === NULL && buddy_self_check() == 0n, "buddy exhausted to the last page");
  const freed = free_held();
  printk("buddy: freed all %lu blocks: %lu pages free (%lu before); free lists identical to before: %s\n",
    freed, nr_free_pages(), boot_free, free_area_diff() == 0n ? "yes" : "NO");
  show_free_areas("  ");
  check(freed == blocks && nr_free_pages() == boot_free && free_area_diff() == 0n, "buddy reusable: everything allocated and freed gives the boot free lists");
}
