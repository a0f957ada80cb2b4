// The buddy allocator, as Linux's mm/page_alloc.c: each zone keeps free blocks of 2^order pages on
// free_area[order]; alloc_pages takes the smallest block that fits (__rmqueue_smallest) and splits
// what is left over back down the orders (expand); __free_pages merges a block with its buddy — the
// block at pfn ^ (1 << order) — as long as that buddy is free and of the same order
// (__free_one_page). A free block's head carries PG_buddy and its order in private, so whether a
// buddy is free is one look at its struct page; tails of a free block carry nothing.
//
// Reusable by construction: freeing every block merges back to exactly the blocks the boot freed
// (free_area_snapshot / free_area_same check it).

import { u64, NULL, range, wrap, list_entry, staticBuffer, load64, store64 } from '../runtime/intrinsics.js';
import { list_add, list_add_tail, list_del, list_empty } from '../lib/list.js';
import { PAGE_SHIFT } from './layout.js';
import { zone, zone_at, zone_end_pfn, MAX_ORDER, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES } from './mmzone.js';
import {
  page, pfn_to_page, page_to_pfn, page_add, pfn_valid, PageBuddy, PG_buddy, PG_reserved,
  NO_MAPCOUNT, memmap_start_pfn, memmap_end_pfn,
} from './page.js';
import { bug, BUG_FRAME } from './bug.js';

/** gfp_t: where the pages may come from. */
export const GFP_KERNEL = 0x0n;        // any zone, Normal first (Linux's zonelist order)
export const GFP_DMA32 = 0x4n;         // below 4 GiB only

function set_buddy_order(p: page, order: u64): void {
  p.private = order;
  p.flags = p.flags | PG_buddy;
}

/** At the head (hot: the next allocation takes it) or, for the boot's frees, at the tail (Linux's
 *  FPI_TO_TAIL), so that early allocations come from low addresses upwards. */
function add_to_free_list(p: page, z: zone, order: u64, to_tail: boolean): void {
  const area = z.free_area.at(order);
  if (to_tail) list_add_tail(p.lru, area.free_list);
  else list_add(p.lru, area.free_list);
  area.nr_free = area.nr_free + 1n;
}

function del_page_from_free_list(p: page, z: zone, order: u64): void {
  list_del(p.lru);
  p.flags = p.flags & ~PG_buddy & 0xffffffffffffffffn;
  p.private = 0n;
  z.free_area.at(order).nr_free = z.free_area.at(order).nr_free - 1n;
}

/** Is `buddy` the free head of a block of exactly `order` in the same zone? (page_is_buddy) */
function page_is_buddy(p: page, buddy: page, buddy_pfn: u64, order: u64): boolean {
  const z = p.zone;
  if (buddy_pfn < z.zone_start_pfn || buddy_pfn >= zone_end_pfn(z)) return false;
  return PageBuddy(buddy) && buddy.private == order;
}

/** Puts the 2^order block at pfn back, merging upwards while its buddy is free. */
export function __free_one_page(p: page, pfn: u64, z: zone, order: u64, to_tail: boolean): void {
  while (order < MAX_ORDER - 1n) {
    const buddy_pfn = pfn ^ (1n << order);
    const buddy = pfn_to_page(buddy_pfn);
    if (!page_is_buddy(p, buddy, buddy_pfn, order)) break;
    del_page_from_free_list(buddy, z, order);
    const combined_pfn = buddy_pfn & pfn;
    p = pfn_to_page(combined_pfn);
    pfn = combined_pfn;
    order = order + 1n;
  }
  set_buddy_order(p, order);
  add_to_free_list(p, z, order, to_tail);
}

/** Returns the upper halves of a 2^high block, down to 2^low, to the free lists (expand). */
function expand(z: zone, p: page, low: u64, high: u64): void {
  let size = 1n << high;
  while (high > low) {
    high = high - 1n;
    size = size >> 1n;
    const half = page_add(p, size);
    set_buddy_order(half, high);
    add_to_free_list(half, z, high, false);
  }
}

function __rmqueue_smallest(z: zone, order: u64): page {
  for (let current_order = order; current_order < MAX_ORDER; current_order++) {
    const area = z.free_area.at(current_order);
    if (list_empty(area.free_list)) continue;
    const p = list_entry(area.free_list.next, page, 'lru');
    del_page_from_free_list(p, z, current_order);
    expand(z, p, order, current_order);
    z.nr_free_pages = z.nr_free_pages - (1n << order);
    return p;
  }
  return NULL;
}

/** A block of 2^order pages with one reference on its head (prep_new_page); NULL if no zone the gfp
 *  allows has one. The head's private keeps the order (for the self-check's walk of mem_map). */
export function alloc_pages(gfp: u64, order: u64): page {
  if (order >= MAX_ORDER) return NULL;
  let zid = (gfp & GFP_DMA32) != 0n ? ZONE_DMA32 : ZONE_NORMAL;
  while (true) {
    const z = zone_at(zid);
    if (z.spanned_pages != 0n) {
      const p = __rmqueue_smallest(z, order);
      if (p !== NULL) {
        p._refcount = 1n;
        p._mapcount = NO_MAPCOUNT;
        p.private = order;
        nr_allocs = nr_allocs + 1n;
        return p;
      }
    }
    if (zid == ZONE_DMA32) return NULL;
    zid = zid - 1n;                       // the zonelist falls back to the lower zone
  }
  return NULL;
}

/** Drops a reference to the 2^order block at p; the last one gives the block back. */
export function __free_pages(p: page, order: u64): void {
  if (p === NULL || PageBuddy(p) || p._refcount == 0n || order >= MAX_ORDER || (page_to_pfn(p) & ((1n << order) - 1n)) != 0n) {
    bug(BUG_FRAME, p === NULL ? 0n : page_to_pfn(p) << PAGE_SHIFT);
    return;
  }
  p._refcount = p._refcount - 1n;
  if (p._refcount != 0n) return;
  free_the_page(p, order, false);
}

function free_the_page(p: page, order: u64, to_tail: boolean): void {
  const z = p.zone;
  p.flags = 0n;
  p.private = 0n;
  p._mapcount = NO_MAPCOUNT;
  p.slab_cache = 0n;
  p.freelist = 0n;
  __free_one_page(p, page_to_pfn(p), z, order, to_tail);
  z.nr_free_pages = z.nr_free_pages + (1n << order);
  nr_frees = nr_frees + 1n;
}

let nr_allocs: u64 = 0n;
let nr_frees: u64 = 0n;
export function buddy_alloc_count(): u64 { return nr_allocs; }
export function buddy_free_count(): u64 { return nr_frees; }

/** Gives the reserved pages [start_pfn, end_pfn) to the buddy allocator in the largest aligned blocks
 *  (memblock_free_all → __free_pages_memory → __free_pages_core). Returns the pages freed. */
export function free_pages_range(start_pfn: u64, end_pfn: u64): u64 {
  let start = start_pfn;
  while (start < end_pfn) {
    let order = MAX_ORDER - 1n;
    while ((start & ((1n << order) - 1n)) != 0n || start + (1n << order) > end_pfn) order = order - 1n;
    // Never across a zone boundary (only possible when the boundary is not 2^order-aligned; it is).
    const p = pfn_to_page(start);
    for (const i of range(0n, 1n << order)) {
      const t = page_add(p, i);
      t.flags = 0n;
      t._refcount = 0n;
    }
    p.zone.managed_pages = p.zone.managed_pages + (1n << order);
    free_the_page(p, order, true);
    start = start + (1n << order);
  }
  return end_pfn - start_pfn;
}

export function nr_free_pages(): u64 { return zone_at(ZONE_DMA32).nr_free_pages + zone_at(ZONE_NORMAL).nr_free_pages; }

/** The free lists' fingerprint, per zone and order: block count and a hash of the blocks' pfns
 *  (order-independent: a free list is a set). */
export function free_area_hash(z: zone, order: u64): u64 {
  const head = z.free_area.at(order).free_list;
  let h = 0n;
  for (let p = list_entry(head.next, page, 'lru'); p.lru !== head; p = list_entry(p.lru.next, page, 'lru')) {
    const x = wrap((page_to_pfn(p) + 0x9e3779b97f4a7c15n) * 0xbf58476d1ce4e5b9n);
    h = wrap(h + (x ^ (x >> 31n)));
  }
  return h;
}

const snapshot = staticBuffer(2n * 11n * 16n, 8n);

/** Remembers every free list (count and hash) as it is now: the boot state. */
export function free_area_snapshot(): void {
  for (const zid of range(0n, MAX_NR_ZONES)) {
    for (const o of range(0n, MAX_ORDER)) {
      const s = snapshot + (zid * MAX_ORDER + o) * 16n;
      store64(s, zone_at(zid).free_area.at(o).nr_free);
      store64(s + 8n, free_area_hash(zone_at(zid), o));
    }
  }
}

/** How many (zone, order) free lists differ from the snapshot. */
export function free_area_diff(): u64 {
  let n = 0n;
  for (const zid of range(0n, MAX_NR_ZONES)) {
    for (const o of range(0n, MAX_ORDER)) {
      const s = snapshot + (zid * MAX_ORDER + o) * 16n;
      if (load64(s) != zone_at(zid).free_area.at(o).nr_free || load64(s + 8n) != free_area_hash(zone_at(zid), o)) n = n + 1n;
    }
  }
  return n;
}

/**
 * Checks the whole frame database: every free-list entry is a PG_buddy head of its list's order,
 * aligned, in its zone, with clean tails; walking mem_map block by block (a free block by its order,
 * an allocated head by the order it was allocated at, a reserved page alone), every page is covered
 * exactly once and every non-head page is clean; the zones' counters match. Returns the errors.
 */
export function buddy_self_check(): u64 {
  let errors = 0n;
  for (const zid of range(0n, MAX_NR_ZONES)) {
    const z = zone_at(zid);
    let free_pages = 0n;
    for (const o of range(0n, MAX_ORDER)) {
      const head = z.free_area.at(o).free_list;
      let n = 0n;
      for (let p = list_entry(head.next, page, 'lru'); p.lru !== head; p = list_entry(p.lru.next, page, 'lru')) {
        const pfn = page_to_pfn(p);
        if (!PageBuddy(p) || p.private != o || p.zone !== z || p._refcount != 0n) errors = errors + 1n;
        if ((pfn & ((1n << o) - 1n)) != 0n || pfn < z.zone_start_pfn || pfn + (1n << o) > zone_end_pfn(z)) errors = errors + 1n;
        n = n + 1n;
        free_pages = free_pages + (1n << o);
      }
      if (n != z.free_area.at(o).nr_free) errors = errors + 1n;
    }
    if (free_pages != z.nr_free_pages) errors = errors + 1n;
  }
  let pfn = memmap_start_pfn();
  const end = memmap_end_pfn();
  while (pfn < end) {
    const p = pfn_to_page(pfn);
    let span = 1n;
    if (PageBuddy(p)) {
      span = 1n << p.private;
      if (p._refcount != 0n) errors = errors + 1n;
    } else if (p._refcount == 0n) {
      errors = errors + 1n;                 // neither free, nor held, nor inside a block
    } else if ((p.flags & PG_reserved) == 0n) {
      span = 1n << p.private;               // an allocated block: private is its order
    }
    if (p.private >= MAX_ORDER || !pfn_valid(pfn + span - 1n)) { errors = errors + 1n; span = 1n; }
    for (let i = 1n; i < span; i++) {
      const t = pfn_to_page(pfn + i);
      if (t.flags != 0n || t._refcount != 0n) errors = errors + 1n;
    }
    pfn = pfn + span;
  }
  return errors;
}
