// Frames as the lazy-fault handler, the page-table code and the transcript see them: a thin layer over
// struct page (page.ts) and the buddy allocator (page_alloc.ts) that keeps the notes' frame states —
// FREE, RESERVED (kernel-held: firmware, kernel image, mem_map, device tree, page tables), MAPPED
// (mapped once into a lazy area) — as properties of the struct page itself, not records of their own.

import { u64, store64, range, NULL } from '../runtime/intrinsics.js';
import { PAGE_SHIFT, PAGE_SIZE, PAGE_MASK, page_align } from './layout.js';
import {
  page, memmap_init, memmap_size, memmap_start_pfn, memmap_end_pfn, pfn_to_page, phys_to_page, page_to_phys,
  pfn_valid, PageBuddy, PG_reserved, PG_table, NO_MAPCOUNT,
} from './page.js';
import { alloc_pages, __free_pages, free_pages_range, nr_free_pages, buddy_self_check, GFP_KERNEL } from './page_alloc.js';
import { bug, BUG_FRAME } from './bug.js';

export const FRAME_FREE = 0n;
export const FRAME_RESERVED = 1n;   // kernel-held: boot-reserved (PG_reserved) or a page table (PG_table)
export const FRAME_MAPPED = 2n;     // mapped into a lazily allocated area (_mapcount 0)
export const FRAME_OTHER = 3n;      // held by another user of the buddy allocator (slab, pools, demos)

const ALL_ONES = 0xffffffffffffffffn;

let ram_start: u64 = 0n;
let ram_end_pa: u64 = 0n;
let memmap_end: u64 = 0n;
let nr_boot_reserved: u64 = 0n;
let nr_tables: u64 = 0n;
let nr_mapped: u64 = 0n;
let dtb_frames: u64 = 0n;

export function frame_pool_start(): u64 { return memmap_end; }
export function frame_pool_end(): u64 { return ram_end_pa; }
export function frame_total(): u64 { return memmap_end_pfn() - memmap_start_pfn(); }
export function frame_nr_free(): u64 { return nr_free_pages(); }
export function frame_dtb_frames(): u64 { return dtb_frames; }

/** clear_page: 64 bytes an iteration (the loop's own instructions an eighth of a dword loop's). */
export function zero_frame(pa: u64): void {
  let p = pa;
  const end = pa + PAGE_SIZE;
  while (p < end) {
    store64(p, 0n); store64(p + 8n, 0n); store64(p + 16n, 0n); store64(p + 24n, 0n);
    store64(p + 32n, 0n); store64(p + 40n, 0n); store64(p + 48n, 0n); store64(p + 56n, 0n);
    p = p + 64n;
  }
}

/**
 * RAM is [ram_base, ram_end); the frames below first_free (firmware, kernel image) stay reserved;
 * mem_map goes at first_free and stays reserved too, as does [rsv_start, rsv_end) (the device tree,
 * memblock_reserve's job in Linux). Everything else is freed into the buddy allocator. Returns the
 * frames mem_map takes.
 */
export function frame_init(ram_base: u64, ram_end: u64, first_free: u64, rsv_start: u64, rsv_end: u64): u64 {
  ram_start = ram_base;
  ram_end_pa = ram_end & PAGE_MASK;
  const at = page_align(first_free);
  const size = memmap_size(ram_base, ram_end_pa);
  memmap_init(at, ram_base, ram_end_pa);
  memmap_end = at + size;
  nr_tables = 0n;
  nr_mapped = 0n;
  dtb_frames = 0n;
  // memblock_free_all: free what lies around the reservation.
  const first = memmap_end >> PAGE_SHIFT;
  const end_pfn = ram_end_pa >> PAGE_SHIFT;
  let rs = rsv_start >> PAGE_SHIFT;
  let re = page_align(rsv_end) >> PAGE_SHIFT;
  if (re <= rs || re <= first || rs >= end_pfn) { rs = end_pfn; re = end_pfn; }
  if (rs < first) rs = first;
  if (re > end_pfn) re = end_pfn;
  dtb_frames = re - rs;
  if (first < rs) free_pages_range(first, rs);
  if (re < end_pfn) free_pages_range(re, end_pfn);
  nr_boot_reserved = frame_total() - nr_free_pages();
  return size >> PAGE_SHIFT;
}

/** The struct page of pa if pa is a RAM frame, else NULL. */
function page_of(pa: u64): page {
  if ((pa & (PAGE_SIZE - 1n)) != 0n || !pfn_valid(pa >> PAGE_SHIFT)) return NULL;
  return phys_to_page(pa);
}

/** The frame's state, read off its struct page; ALL_ONES for an address outside RAM. */
export function frame_state(pa: u64): u64 {
  const p = page_of(pa);
  if (p === NULL) return ALL_ONES;
  if (PageBuddy(p) || p._refcount == 0n) return FRAME_FREE;
  if ((p.flags & (PG_reserved | PG_table)) != 0n) return FRAME_RESERVED;
  if (p._mapcount != NO_MAPCOUNT) return FRAME_MAPPED;
  return FRAME_OTHER;
}
export function frame_refcount(pa: u64): u64 {
  const p = page_of(pa);
  return p === NULL ? 0n : p._refcount;
}

/** One frame from the buddy allocator (order 0) in `state` with reference count 1; its address, or 0. */
export function frame_alloc(state: u64): u64 {
  const p = alloc_pages(GFP_KERNEL, 0n);
  if (p === NULL) return 0n;
  if (state == FRAME_RESERVED) { p.flags = p.flags | PG_table; nr_tables = nr_tables + 1n; }
  if (state == FRAME_MAPPED) { p._mapcount = 0n; nr_mapped = nr_mapped + 1n; }
  return page_to_phys(p);
}

/** Takes another reference to an allocated frame. */
export function frame_get(pa: u64): void {
  const p = page_of(pa);
  if (p === NULL || PageBuddy(p) || p._refcount == 0n) { bug(BUG_FRAME, pa); return; }
  p._refcount = p._refcount + 1n;
}

/** Drops a reference (put_page); at zero the frame goes back to the buddy allocator. Returns the remaining count. */
export function frame_put(pa: u64): u64 {
  const p = page_of(pa);
  if (p === NULL || PageBuddy(p) || p._refcount == 0n || (p.flags & PG_reserved) != 0n) { bug(BUG_FRAME, pa); return 0n; }
  if (p._refcount == 1n) {
    if ((p.flags & PG_table) != 0n) nr_tables = nr_tables - 1n;
    if (p._mapcount != NO_MAPCOUNT) nr_mapped = nr_mapped - 1n;
  }
  const left = p._refcount - 1n;
  __free_pages(p, 0n);
  return left;
}

/** Frames currently in `state` (FRAME_OTHER: the rest of the allocated ones). */
export function frame_count(state: u64): u64 {
  if (state == FRAME_FREE) return nr_free_pages();
  if (state == FRAME_RESERVED) return nr_boot_reserved + nr_tables;
  if (state == FRAME_MAPPED) return nr_mapped;
  return frame_total() - nr_free_pages() - nr_boot_reserved - nr_tables - nr_mapped;
}

/**
 * The buddy allocator's own check (free lists, mem_map block by block) plus the frame states: the
 * pages that read RESERVED and MAPPED are as many as were counted, every mapped page has exactly one
 * reference. Returns the number of inconsistencies.
 */
export function frame_self_check(): u64 {
  let errors = buddy_self_check();
  let reserved = 0n;
  let mapped = 0n;
  for (const pfn of range(memmap_start_pfn(), memmap_end_pfn())) {
    const p = pfn_to_page(pfn);
    if (p._refcount == 0n) continue;
    if ((p.flags & (PG_reserved | PG_table)) != 0n) reserved = reserved + 1n;
    else if (p._mapcount != NO_MAPCOUNT) {
      mapped = mapped + 1n;
      if (p._mapcount != 0n || p._refcount != 1n) errors = errors + 1n;
    }
  }
  if (reserved != nr_boot_reserved + nr_tables || mapped != nr_mapped) errors = errors + 1n;
  return errors;
}

/** The alloc_pgtable callback for __create_pgd_mapping: a zeroed page-table frame (0 if none). */
export function pgtable_alloc(shift: u64): u64 {
  const pa = frame_alloc(FRAME_RESERVED);
  if (pa != 0n) zero_frame(pa);
  return pa;
}
