// Zones and their buddy free areas, as Linux's include/linux/mmzone.h: RAM is split by what a device
// can address — ZONE_DMA32 below 4 GiB, ZONE_NORMAL above — and each zone keeps one free list per
// order (free_area[order]: blocks of 2^order pages, linked through their head page's lru).

import { u64, cstr, embed, array, staticBuffer, struct_at, sizeof } from '../runtime/intrinsics.js';
import { list_head } from '../lib/list.js';

/** Orders 0..MAX_ORDER-1 (Linux's MAX_ORDER 11: the largest block is 2^10 pages = 4 MiB). */
export const MAX_ORDER = 11n;

export const ZONE_DMA32 = 0n;
export const ZONE_NORMAL = 1n;
export const MAX_NR_ZONES = 2n;
/** The DMA32 limit: the first pfn ZONE_NORMAL may hold (4 GiB). */
export const DMA32_END_PFN = 0x100000n;

export class free_area {
  free_list = embed(list_head);
  nr_free = u64;                     // blocks on free_list (not pages)
}

export class zone {
  name = cstr;
  zone_start_pfn = u64;
  spanned_pages = u64;               // [zone_start_pfn, zone_start_pfn + spanned_pages)
  managed_pages = u64;               // pages the buddy allocator was given at boot
  nr_free_pages = u64;               // Linux's NR_FREE_PAGES counter
  free_area = array(free_area, 11n);
}

const zones = staticBuffer(MAX_NR_ZONES * sizeof(zone), 8n);

export function zone_at(zid: u64): zone { return struct_at(zone, zones + zid * sizeof(zone)); }
export function zone_end_pfn(z: zone): u64 { return z.zone_start_pfn + z.spanned_pages; }
/** Whether the zone spans any page (ZONE_NORMAL is empty below 4 GiB of RAM end). */
export function populated_zone(z: zone): boolean { return z.spanned_pages != 0n; }
