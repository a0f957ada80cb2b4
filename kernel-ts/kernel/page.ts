// struct page and mem_map, as Linux's include/linux/mm_types.h and the flat memory model: one
// struct page per 4 KiB frame of RAM (from the device tree's /memory), in one array at the start
// of the free RAM after the kernel. This is the kernel's only frame database: the buddy allocator,
// the slab allocator, the pools and the lazy-fault handler all keep their state here.

import { u64, i32, embed, ptr, struct_at, sizeof, addr_of, range } from '../runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD } from '../lib/list.js';
import { PAGE_SHIFT, page_align } from './layout.js';
import { zone, zone_at, ZONE_DMA32, ZONE_NORMAL, DMA32_END_PFN } from './mmzone.js';

/** page.flags bits (Linux's PG_* names; PG_buddy and PG_table are page types there). */
export const PG_reserved = 0x1n;      // never given to the buddy allocator (firmware, kernel, mem_map, DTB)
export const PG_buddy = 0x2n;         // head of a free block on a free_area list; private = its order
export const PG_slab = 0x4n;          // owned by a slab cache (slab_cache, freelist, _mapcount = active objects)
export const PG_table = 0x8n;         // a page-table page
export const PG_pool = 0x10n;         // head of a block a kernel/user pool holds (pool.ts)

/** 64 bytes, as Linux's on 64-bit. Linux overlays the slab fields on lru/mapping with unions; kernel-ts
 *  has none, so they are fields of their own and _mapcount doubles as the slab's active count (SLAB's
 *  `active` shares _mapcount's word in Linux too). */
export class page {
  flags = u64;
  lru = embed(list_head);                // free_area list (PG_buddy), a slab list (PG_slab), or the owner's
  private = u64;                         // buddy order (PG_buddy); for an allocated head, the order it was allocated at
  zone = ptr(zone);                      // Linux keeps the zone in flags' top bits; a pointer reads plainer
  slab_cache = u64;                      // PG_slab: the kmem_cache (an address: the cache module comes later)
  freelist = u64;                        // PG_slab: first free object, or 0
  _refcount = i32;                       // 0 when free; holders each take one
  _mapcount = i32;                       // -1 unmapped, 0 mapped once (Linux's convention); slab: active objects
}

/** _mapcount of an unmapped page: -1 (as read back, sign-extended). */
export const NO_MAPCOUNT = 0xffffffffffffffffn;

let mem_map: u64 = 0n;
let min_pfn: u64 = 0n;                 // pfn of the first RAM frame
let max_pfn: u64 = 0n;                 // one past the last

export function memmap_base(): u64 { return mem_map; }
export function memmap_start_pfn(): u64 { return min_pfn; }
export function memmap_end_pfn(): u64 { return max_pfn; }
export function pfn_valid(pfn: u64): boolean { return pfn >= min_pfn && pfn < max_pfn; }
export function pfn_to_page(pfn: u64): page { return struct_at(page, mem_map + (pfn - min_pfn) * sizeof(page)); }
export function page_to_pfn(p: page): u64 { return (addr_of(p) - mem_map) / sizeof(page) + min_pfn; }
export function page_to_phys(p: page): u64 { return page_to_pfn(p) << PAGE_SHIFT; }
export function phys_to_page(pa: u64): page { return pfn_to_page(pa >> PAGE_SHIFT); }
/** The page n entries after p in mem_map (C's p + n). */
export function page_add(p: page, n: u64): page { return struct_at(page, addr_of(p) + n * sizeof(page)); }

export function PageBuddy(p: page): boolean { return (p.flags & PG_buddy) != 0n; }
export function PageReserved(p: page): boolean { return (p.flags & PG_reserved) != 0n; }
export function PageSlab(p: page): boolean { return (p.flags & PG_slab) != 0n; }
export function page_count(p: page): u64 { return p._refcount; }

/** Bytes of mem_map for RAM [ram_base, ram_end), rounded to pages. */
export function memmap_size(ram_base: u64, ram_end: u64): u64 {
  return page_align(((ram_end - ram_base) >> PAGE_SHIFT) * sizeof(page));
}

/** Places mem_map at `at` for RAM [ram_base, ram_end), sets up the zones' spans, and initialises every
 *  struct page reserved with one reference (memmap_init_zone): the boot code then frees what is free. */
export function memmap_init(at: u64, ram_base: u64, ram_end: u64): void {
  mem_map = at;
  min_pfn = ram_base >> PAGE_SHIFT;
  max_pfn = ram_end >> PAGE_SHIFT;
  const dma = zone_at(ZONE_DMA32);
  const normal = zone_at(ZONE_NORMAL);
  dma.name = "DMA32";
  normal.name = "Normal";
  const split = max_pfn < DMA32_END_PFN ? max_pfn : (min_pfn > DMA32_END_PFN ? min_pfn : DMA32_END_PFN);
  dma.zone_start_pfn = min_pfn;
  dma.spanned_pages = split - min_pfn;
  normal.zone_start_pfn = split;
  normal.spanned_pages = max_pfn - split;
  for (const zid of range(0n, 2n)) {
    const z = zone_at(zid);
    z.managed_pages = 0n;
    z.nr_free_pages = 0n;
    for (const o of range(0n, 11n)) {
      INIT_LIST_HEAD(z.free_area.at(o).free_list);
      z.free_area.at(o).nr_free = 0n;
    }
  }
  let p = pfn_to_page(min_pfn);
  for (let pfn = min_pfn; pfn < max_pfn; pfn++) {
    p.flags = PG_reserved;
    INIT_LIST_HEAD(p.lru);
    p.private = 0n;
    p.zone = pfn < split ? dma : normal;
    p.slab_cache = 0n;
    p.freelist = 0n;
    p._refcount = 1n;
    p._mapcount = NO_MAPCOUNT;
    p = page_add(p, 1n);
  }
}
