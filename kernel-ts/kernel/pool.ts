// Note 000's memory pools on top of the buddy allocator: kernel_pool and user_pool are physical pools
// (a bitmap over a run of frames, palloc takes one), kernel_vaddr and user_vaddr are virtual-address
// pools (a bitmap over a range of virtual pages), and malloc_page(pf, cnt) = vaddr_get + palloc one
// frame at a time + page_table_add for each. The note leaves the failure path as "roll back, to be
// completed later"; here it is: every frame taken is unmapped and returned, every virtual page freed.
// Each pool's frames are one block from alloc_pages, marked PG_pool in their struct pages.

import { u64, embed, NULL, staticBuffer, struct_at, sizeof, store64, sfence_vma } from '../runtime/intrinsics.js';
import { PAGE_SHIFT, PAGE_SIZE, KERNEL_ASID } from './layout.js';
import { page_to_phys, phys_to_page, PG_pool } from './page.js';
import { alloc_pages, __free_pages, GFP_KERNEL } from './page_alloc.js';
import { __create_pgd_mapping, NO_BLOCK_MAPPINGS } from './mmu.js';
import { la2pa, LA2PA_FAULT } from './la2pa.js';
import { pgtable_alloc } from './frame.js';
import { bitmap, bitmap_init, bitmap_scan, bitmap_set, bitmap_weight, BITMAP_NONE } from './bitmap.js';

/** enum pool_flags */
export const PF_KERNEL = 1n;
export const PF_USER = 2n;

export class pool {
  pool_bitmap = embed(bitmap);
  phy_addr_start = u64;
  pool_size = u64;                         // bytes
  order = u64;                             // the buddy block it came from
}

export class virtual_addr {
  vaddr_bitmap = embed(bitmap);
  vaddr_start = u64;
}

/** Up to 4096 pages per pool (512 bitmap bytes). */
const POOL_MAX_PAGES = 4096n;
/** Exported because the struct_at aliases below are folded into their users. */
export const kernel_pool_buf = staticBuffer(sizeof(pool), 8n);
export const user_pool_buf = staticBuffer(sizeof(pool), 8n);
export const kernel_vaddr_buf = staticBuffer(sizeof(virtual_addr), 8n);
export const user_vaddr_buf = staticBuffer(sizeof(virtual_addr), 8n);
const bits = staticBuffer(4n * (POOL_MAX_PAGES >> 3n), 8n);
export const kernel_pool = struct_at(pool, kernel_pool_buf);
export const user_pool = struct_at(pool, user_pool_buf);
export const kernel_vaddr = struct_at(virtual_addr, kernel_vaddr_buf);
export const user_vaddr = struct_at(virtual_addr, user_vaddr_buf);

let pool_pgdir: u64 = 0n;
let kernel_prot: u64 = 0n;
let user_prot: u64 = 0n;

function init_phys(p: pool, order: u64, bitmap_bytes: u64): boolean {
  const blk = alloc_pages(GFP_KERNEL, order);
  if (blk === NULL) return false;
  const n = 1n << order;
  blk.flags = blk.flags | PG_pool;          // the block's head: the pool owns all 2^order frames
  p.phy_addr_start = page_to_phys(blk);
  p.pool_size = n << PAGE_SHIFT;
  p.order = order;
  p.pool_bitmap.bits = bitmap_bytes;
  p.pool_bitmap.btmp_bytes_len = n >> 3n;
  bitmap_init(p.pool_bitmap);
  return true;
}

function init_virt(v: virtual_addr, start: u64, pages: u64, bitmap_bytes: u64): void {
  v.vaddr_start = start;
  v.vaddr_bitmap.bits = bitmap_bytes;
  v.vaddr_bitmap.btmp_bytes_len = pages >> 3n;
  bitmap_init(v.vaddr_bitmap);
}

/**
 * mem_pool_init: the two physical pools (2^kernel_order and 2^user_order frames from the buddy
 * allocator, orders ≤ 12) and the two virtual pools (vpages each, a multiple of 8, ≤ 4096), mapping
 * into pgdir with kprot / uprot. Returns false if the buddy allocator could not give the blocks.
 */
export function mem_pool_init(pgdir: u64, kernel_order: u64, user_order: u64, kernel_va: u64, user_va: u64, vpages: u64, kprot: u64, uprot: u64): boolean {
  pool_pgdir = pgdir;
  kernel_prot = kprot;
  user_prot = uprot;
  const len = POOL_MAX_PAGES >> 3n;
  if (!init_phys(kernel_pool, kernel_order, bits)) return false;
  if (!init_phys(user_pool, user_order, bits + len)) return false;
  init_virt(kernel_vaddr, kernel_va, vpages, bits + 2n * len);
  init_virt(user_vaddr, user_va, vpages, bits + 3n * len);
  return true;
}

/** Gives both physical pools back to the buddy allocator (every frame must be free). Returns false if one is in use. */
export function mem_pool_exit(): boolean {
  if (bitmap_weight(kernel_pool.pool_bitmap) != 0n || bitmap_weight(user_pool.pool_bitmap) != 0n) return false;
  exit_phys(kernel_pool);
  exit_phys(user_pool);
  return true;
}

function exit_phys(p: pool): void {
  const blk = phys_to_page(p.phy_addr_start);
  blk.flags = blk.flags & ~PG_pool & 0xffffffffffffffffn;
  __free_pages(blk, p.order);
  p.pool_size = 0n;
}

function pool_of(pf: u64): pool { return pf == PF_KERNEL ? kernel_pool : user_pool; }
function vaddr_of(pf: u64): virtual_addr { return pf == PF_KERNEL ? kernel_vaddr : user_vaddr; }

/** Frames free in a pool. */
export function pool_free_frames(pf: u64): u64 {
  const p = pool_of(pf);
  return (p.pool_size >> PAGE_SHIFT) - bitmap_weight(p.pool_bitmap);
}
/** Virtual pages in use in a pool. */
export function vaddr_used_pages(pf: u64): u64 { return bitmap_weight(vaddr_of(pf).vaddr_bitmap); }

/** cnt consecutive virtual pages from the pf pool, or 0 (vaddr_get). */
export function vaddr_get(pf: u64, cnt: u64): u64 {
  const v = vaddr_of(pf);
  const idx = bitmap_scan(v.vaddr_bitmap, cnt);
  if (idx == BITMAP_NONE) return 0n;
  for (let i = 0n; i < cnt; i++) bitmap_set(v.vaddr_bitmap, idx + i, 1n);
  return v.vaddr_start + (idx << PAGE_SHIFT);
}

function vaddr_remove(pf: u64, vaddr: u64, cnt: u64): void {
  const v = vaddr_of(pf);
  const idx = (vaddr - v.vaddr_start) >> PAGE_SHIFT;
  for (let i = 0n; i < cnt; i++) bitmap_set(v.vaddr_bitmap, idx + i, 0n);
}

/** One frame from the pool, or 0 (palloc). */
export function palloc(m_pool: pool): u64 {
  const bit_idx = bitmap_scan(m_pool.pool_bitmap, 1n);
  if (bit_idx == BITMAP_NONE) return 0n;
  bitmap_set(m_pool.pool_bitmap, bit_idx, 1n);
  return m_pool.phy_addr_start + (bit_idx << PAGE_SHIFT);
}

function pfree(m_pool: pool, pa: u64): void {
  bitmap_set(m_pool.pool_bitmap, (pa - m_pool.phy_addr_start) >> PAGE_SHIFT, 0n);
}

/** Maps vaddr → pa for one page; false if the page tables could not be extended (page_table_add). */
function page_table_add(vaddr: u64, pa: u64, prot: u64): boolean {
  __create_pgd_mapping(pool_pgdir, pa, vaddr, PAGE_SIZE, prot, pgtable_alloc, NO_BLOCK_MAPPINGS);
  const [got] = la2pa(pool_pgdir, vaddr);
  return got == pa;
}

/** Unmaps one page and returns its frame to the pool. */
function page_table_remove(m_pool: pool, vaddr: u64): void {
  const [pa, level, ptep] = la2pa(pool_pgdir, vaddr);
  if (pa == LA2PA_FAULT || level != 0n) return;
  store64(ptep, 0n);
  sfence_vma(vaddr, KERNEL_ASID);
  pfree(m_pool, pa);
}

let last_mapped: u64 = 0n;
/** How many pages the last malloc_page mapped before it succeeded or rolled back. */
export function malloc_page_last_mapped(): u64 { return last_mapped; }

/** cnt pages of virtually contiguous memory from pool pf, or 0 — with nothing left behind on failure. */
export function malloc_page(pf: u64, pg_cnt: u64): u64 {
  last_mapped = 0n;
  if (pg_cnt == 0n) return 0n;
  const vaddr_start = vaddr_get(pf, pg_cnt);
  if (vaddr_start == 0n) return 0n;
  const mem_pool = pool_of(pf);
  const prot = pf == PF_KERNEL ? kernel_prot : user_prot;
  let vaddr = vaddr_start;
  for (let cnt = 0n; cnt < pg_cnt; cnt++) {
    const page_phyaddr = palloc(mem_pool);
    let ok = page_phyaddr != 0n;
    if (ok && !page_table_add(vaddr, page_phyaddr, prot)) { pfree(mem_pool, page_phyaddr); ok = false; }
    if (!ok) {
      // Roll back: every page mapped so far, then the virtual range.
      for (let v = vaddr_start; v < vaddr; v += PAGE_SIZE) page_table_remove(mem_pool, v);
      vaddr_remove(pf, vaddr_start, pg_cnt);
      return 0n;
    }
    last_mapped = last_mapped + 1n;
    vaddr = vaddr + PAGE_SIZE;
  }
  return vaddr_start;
}

/** Unmaps and frees cnt pages at vaddr from pool pf (the note's mfree_page). */
export function mfree_page(pf: u64, vaddr: u64, pg_cnt: u64): void {
  const mem_pool = pool_of(pf);
  for (let i = 0n; i < pg_cnt; i++) page_table_remove(mem_pool, vaddr + (i << PAGE_SHIFT));
  vaddr_remove(pf, vaddr, pg_cnt);
}

/** Whether each pool's block is still the pool's in mem_map (PG_pool head, one reference, its order).
 *  Returns errors. */
export function pool_self_check(): u64 {
  let errors = 0n;
  for (let k = 0n; k < 2n; k++) {
    const p = k == 0n ? kernel_pool : user_pool;
    if (p.pool_size == 0n) continue;
    const blk = phys_to_page(p.phy_addr_start);
    if ((blk.flags & PG_pool) == 0n) errors = errors + 1n;
    if (blk._refcount != 1n || blk.private != p.order) errors = errors + 1n;
  }
  return errors;
}
