// The slab allocator, after Linux's mm/slab.c and mm/slub.c: a kmem_cache hands out objects of one
// size from slabs — blocks of 2^gfporder pages taken from the buddy allocator — each slab on one of
// the cache's three lists (slabs_full, slabs_partial, slabs_free). A slab's head struct page carries
// PG_slab, the cache (slab_cache), the first free object (freelist; a free object holds the next one's
// address at `offset`, SLUB's free pointer) and the objects in use (_mapcount, as SLAB's `active`).
// kmalloc/kfree sit on top with power-of-two caches of 8 B .. 8 KiB; larger sizes go to the buddy
// allocator directly.
//
// kernel-ts has no function pointers in structs, so a cache's constructor lives in one of MAX_CTORS
// module-level slots and the cache keeps the slot's number.

import { u64, cstr, embed, NULL, staticBuffer, struct_at, sizeof, addr_of, list_entry, range, load8, store8, load64, store64 } from '../runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add, list_del, list_move, list_empty } from '../lib/list.js';
import { PAGE_SHIFT, PAGE_SIZE, PAGE_MASK } from './layout.js';
import { page, phys_to_page, page_to_phys, pfn_to_page, pfn_valid, page_add, PG_slab } from './page.js';
import { alloc_pages, __free_pages, GFP_KERNEL } from './page_alloc.js';
import { MAX_ORDER } from './mmzone.js';
import { bug, BUG_FRAME } from './bug.js';

/** A constructor: sets up a fresh object at the address. Runs once per object, when its slab is made. */
export type kmem_ctor_fn = (obj: u64) => void;

/** kmem_cache flags. */
export const SLAB_POISON = 0x800n;       // freed objects filled with POISON_FREE, checked on allocation
export const SLAB_HWCACHE_ALIGN = 0x2000n;

export const POISON_FREE = 0x6bn;         // Linux's include/linux/poison.h
export const POISON_END = 0xa5n;

export const KMALLOC_SHIFT_LOW = 3n;      // 8 B
export const KMALLOC_SHIFT_HIGH = 13n;    // 8 KiB: larger requests go to the buddy allocator
export const KMALLOC_MAX_CACHE_SIZE = 0x2000n;

export class kmem_cache {
  name = cstr;
  object_size = u64;                      // what the user asked for
  size = u64;                             // the stride: object (+ free pointer) rounded to align
  align = u64;
  offset = u64;                           // where a free object keeps the next free one's address
  flags = u64;
  ctor = u64;                             // slot number (1..MAX_CTORS), 0 for none
  gfporder = u64;                         // a slab is 2^gfporder pages
  num = u64;                              // objects per slab
  active_objs = u64;
  nr_slabs = u64;
  nr_ctor_calls = u64;
  poison_errors = u64;                    // freed objects found written to (SLAB_POISON)
  slabs_full = embed(list_head);
  slabs_partial = embed(list_head);
  slabs_free = embed(list_head);
  list = embed(list_head);                // on slab_caches
}

const MAX_CACHES = 32n;
/** Static kmem_cache structs (Linux allocates them from the "kmem_cache" cache; a static pool keeps
 *  every slab page on the buddy allocator's books as a slab of some user cache). */
const cache_pool = staticBuffer(MAX_CACHES * sizeof(kmem_cache), 8n);
let nr_caches: u64 = 0n;
const slab_caches_head = staticBuffer(sizeof(list_head), 8n);
const slab_caches = struct_at(list_head, slab_caches_head);
/** kmalloc_caches[shift] for shift 3..13. */
const kmalloc_caches = staticBuffer(16n * 8n, 8n);

function no_ctor(obj: u64): void { }
const MAX_CTORS = 4n;
let ctor1: kmem_ctor_fn = no_ctor;
let ctor2: kmem_ctor_fn = no_ctor;
let ctor3: kmem_ctor_fn = no_ctor;
let ctor4: kmem_ctor_fn = no_ctor;
let nr_ctors: u64 = 0n;

function run_ctor(slot: u64, obj: u64): void {
  if (slot == 1n) ctor1(obj);
  else if (slot == 2n) ctor2(obj);
  else if (slot == 3n) ctor3(obj);
  else if (slot == 4n) ctor4(obj);
}

export function kmem_cache_count(): u64 { return nr_caches; }
export function slab_caches_list(): list_head { return slab_caches; }

/** Resets the allocator and creates the kmalloc caches (kmem_cache_init + create_kmalloc_caches). */
export function kmem_cache_init(): void {
  nr_caches = 0n;
  nr_ctors = 0n;
  INIT_LIST_HEAD(slab_caches);
  for (const shift of range(KMALLOC_SHIFT_LOW, KMALLOC_SHIFT_HIGH + 1n)) {
    store64(kmalloc_caches + shift * 8n, addr_of(kmem_cache_create_noctor(kmalloc_name(shift), 1n << shift, 8n, 0n)));
  }
}

function kmalloc_name(shift: u64): string {
  switch (shift) {
    case 3n: return "kmalloc-8";
    case 4n: return "kmalloc-16";
    case 5n: return "kmalloc-32";
    case 6n: return "kmalloc-64";
    case 7n: return "kmalloc-128";
    case 8n: return "kmalloc-256";
    case 9n: return "kmalloc-512";
    case 10n: return "kmalloc-1k";
    case 11n: return "kmalloc-2k";
    case 12n: return "kmalloc-4k";
    default: return "kmalloc-8k";
  }
}

export function kmalloc_cache(shift: u64): kmem_cache { return struct_at(kmem_cache, load64(kmalloc_caches + shift * 8n)); }

function align_up(x: u64, a: u64): u64 { return (x + a - 1n) & ~(a - 1n) & 0xffffffffffffffffn; }

/**
 * A cache of objects of `size` bytes aligned to `align` (a power of two, at least 8), each built by
 * `ctor` (if has_ctor) once when its slab is made. Returns NULL when out of cache structs or ctor slots.
 */
export function kmem_cache_create_flags(name: string, size: u64, align: u64, flags: u64, ctor: kmem_ctor_fn, has_ctor: boolean): kmem_cache {
  if (nr_caches == MAX_CACHES || size == 0n || size > KMALLOC_MAX_CACHE_SIZE) return NULL;
  let slot = 0n;
  if (has_ctor) {
    if (nr_ctors == MAX_CTORS) return NULL;
    nr_ctors = nr_ctors + 1n;
    slot = nr_ctors;
    if (slot == 1n) ctor1 = ctor;
    else if (slot == 2n) ctor2 = ctor;
    else if (slot == 3n) ctor3 = ctor;
    else ctor4 = ctor;
    flags = flags & ~SLAB_POISON & 0xffffffffffffffffn;   // a constructed object must keep its contents (as Linux)
  }
  if (align < 8n) align = 8n;
  const s = struct_at(kmem_cache, cache_pool + nr_caches * sizeof(kmem_cache));
  nr_caches = nr_caches + 1n;
  s.name = name;
  s.object_size = size;
  s.align = align;
  s.flags = flags;
  s.ctor = slot;
  // The free pointer overlays the object unless the object's bytes must survive being free (ctor) or
  // are the poison (SLUB puts it after the object then).
  s.offset = slot != 0n || (flags & SLAB_POISON) != 0n ? align_up(size, 8n) : 0n;
  s.size = align_up(s.offset != 0n ? s.offset + 8n : align_up(size, 8n), align);
  // At least 8 objects per slab where up to 8 pages allow (calculate_slab_order, simplified).
  let order = 0n;
  while (order < 3n && (PAGE_SIZE << order) / s.size < 8n) order = order + 1n;
  s.gfporder = order;
  s.num = (PAGE_SIZE << order) / s.size;
  s.active_objs = 0n;
  s.nr_slabs = 0n;
  s.nr_ctor_calls = 0n;
  s.poison_errors = 0n;
  INIT_LIST_HEAD(s.slabs_full);
  INIT_LIST_HEAD(s.slabs_partial);
  INIT_LIST_HEAD(s.slabs_free);
  list_add(s.list, slab_caches);
  return s;
}

/** kmem_cache_create(name, size, align, flags, ctor): ctor runs once per object, when its slab is made. */
export function kmem_cache_create(name: string, size: u64, align: u64, flags: u64, ctor: kmem_ctor_fn): kmem_cache {
  return kmem_cache_create_flags(name, size, align, flags, ctor, true);
}

/** kmem_cache_create with a NULL ctor. */
export function kmem_cache_create_noctor(name: string, size: u64, align: u64, flags: u64): kmem_cache {
  return kmem_cache_create_flags(name, size, align, flags, no_ctor, false);
}

function poison_object(s: kmem_cache, obj: u64): void {
  for (const i of range(0n, s.object_size - 1n)) store8(obj + i, POISON_FREE);
  store8(obj + s.object_size - 1n, POISON_END);
}

/** Whether a free object's poison is intact (check_poison_obj). */
function poison_intact(s: kmem_cache, obj: u64): boolean {
  for (const i of range(0n, s.object_size - 1n)) if (load8(obj + i) != POISON_FREE) return false;
  return load8(obj + s.object_size - 1n) == POISON_END;
}

/** A new slab from the buddy allocator (cache_grow): every object constructed or poisoned, all on the freelist. */
function cache_grow(s: kmem_cache): page {
  const p = alloc_pages(GFP_KERNEL, s.gfporder);
  if (p === NULL) return NULL;
  p.flags = p.flags | PG_slab;
  p.slab_cache = addr_of(s);
  p._mapcount = 0n;                         // active objects
  // Tails point at the head (Linux's compound_head) so kfree finds the slab from any object.
  const head_pfn = page_to_phys(p) >> PAGE_SHIFT;
  for (const i of range(1n, 1n << s.gfporder)) {
    const t = page_add(p, i);
    t.slab_cache = addr_of(s);
    t.private = head_pfn;
  }
  const base = page_to_phys(p);
  let next = 0n;
  // Built back to front so the freelist hands out objects in address order.
  for (let i = s.num; i > 0n; i--) {
    const obj = base + (i - 1n) * s.size;
    if (s.ctor != 0n) { run_ctor(s.ctor, obj); s.nr_ctor_calls = s.nr_ctor_calls + 1n; }
    else if ((s.flags & SLAB_POISON) != 0n) poison_object(s, obj);
    store64(obj + s.offset, next);
    next = obj;
  }
  p.freelist = next;
  list_add(p.lru, s.slabs_free);
  s.nr_slabs = s.nr_slabs + 1n;
  return p;
}

/** An object, or 0 when the buddy allocator has no pages left. */
export function kmem_cache_alloc(s: kmem_cache, gfp: u64): u64 {
  let p: page = NULL;
  if (!list_empty(s.slabs_partial)) p = list_entry(s.slabs_partial.next, page, 'lru');
  else if (!list_empty(s.slabs_free)) p = list_entry(s.slabs_free.next, page, 'lru');
  else p = cache_grow(s);
  if (p === NULL) return 0n;
  const obj = p.freelist;
  p.freelist = load64(obj + s.offset);
  if ((s.flags & SLAB_POISON) != 0n) {
    store64(obj + s.offset, POISON_FREE * 0x0101010101010101n);   // the free pointer's bytes, so the check sees only the object
    if (!poison_intact(s, obj)) s.poison_errors = s.poison_errors + 1n;
  }
  p._mapcount = p._mapcount + 1n;
  s.active_objs = s.active_objs + 1n;
  if (p._mapcount == s.num) list_move(p.lru, s.slabs_full);
  else if (p._mapcount == 1n) list_move(p.lru, s.slabs_partial);
  return obj;
}

/** The head page of the slab holding obj, or NULL if obj is in no slab. */
function virt_to_slab(obj: u64): page {
  const pfn = obj >> PAGE_SHIFT;
  if (!pfn_valid(pfn)) return NULL;
  const p = pfn_to_page(pfn);
  if ((p.flags & PG_slab) != 0n) return p;
  if (p.slab_cache != 0n && p.flags == 0n && p._refcount == 0n) {
    const head = pfn_to_page(p.private);
    if ((head.flags & PG_slab) != 0n) return head;
  }
  return NULL;
}

export function kmem_cache_free(s: kmem_cache, obj: u64): void {
  const p = virt_to_slab(obj);
  if (p === NULL || p.slab_cache != addr_of(s) || (obj - page_to_phys(p)) % s.size != 0n || p._mapcount == 0n) { bug(BUG_FRAME, obj); return; }
  if ((s.flags & SLAB_POISON) != 0n) poison_object(s, obj);
  store64(obj + s.offset, p.freelist);
  p.freelist = obj;
  const was_full = p._mapcount == s.num;
  p._mapcount = p._mapcount - 1n;
  s.active_objs = s.active_objs - 1n;
  if (p._mapcount == 0n) list_move(p.lru, s.slabs_free);
  else if (was_full) list_move(p.lru, s.slabs_partial);
}

/** Gives every free slab back to the buddy allocator (kmem_cache_shrink). Returns the slabs freed. */
export function kmem_cache_shrink(s: kmem_cache): u64 {
  let n = 0n;
  while (!list_empty(s.slabs_free)) {
    const p = list_entry(s.slabs_free.next, page, 'lru');
    list_del(p.lru);
    for (const i of range(1n, 1n << s.gfporder)) {
      const t = page_add(p, i);
      t.slab_cache = 0n;
      t.private = 0n;
    }
    p.flags = p.flags & ~PG_slab & 0xffffffffffffffffn;
    p._mapcount = 0xffffffffffffffffn;
    __free_pages(p, s.gfporder);
    s.nr_slabs = s.nr_slabs - 1n;
    n = n + 1n;
  }
  return n;
}

export function kmem_cache_shrink_all(): u64 {
  let n = 0n;
  for (let s = list_entry(slab_caches.next, kmem_cache, 'list'); s.list !== slab_caches; s = list_entry(s.list.next, kmem_cache, 'list')) n = n + kmem_cache_shrink(s);
  return n;
}

/** Slabs on a list. */
export function slab_list_count(head: list_head): u64 {
  let n = 0n;
  for (let p = list_entry(head.next, page, 'lru'); p.lru !== head; p = list_entry(p.lru.next, page, 'lru')) n = n + 1n;
  return n;
}

/** The kmalloc class for size: the smallest power of two ≥ size, at least 8. */
export function kmalloc_index(size: u64): u64 {
  let shift = KMALLOC_SHIFT_LOW;
  while ((1n << shift) < size) shift = shift + 1n;
  return shift;
}

/** The order of the smallest block of pages holding size bytes (get_order). */
export function get_order(size: u64): u64 {
  let order = 0n;
  while ((PAGE_SIZE << order) < size) order = order + 1n;
  return order;
}

/** size bytes: from the kmalloc cache of its class, or whole pages above 8 KiB; 0 if none. */
export function kmalloc(size: u64, gfp: u64): u64 {
  if (size == 0n) return 0n;
  if (size > KMALLOC_MAX_CACHE_SIZE) {
    const order = get_order(size);
    if (order >= MAX_ORDER) return 0n;
    const p = alloc_pages(gfp, order);
    return p === NULL ? 0n : page_to_phys(p);
  }
  return kmem_cache_alloc(kmalloc_cache(kmalloc_index(size)), gfp);
}

export function kfree(obj: u64): void {
  if (obj == 0n) return;
  const s = virt_to_slab(obj);
  if (s !== NULL) { kmem_cache_free(struct_at(kmem_cache, s.slab_cache), obj); return; }
  // A large kmalloc: the head page of its block keeps the order it was allocated at.
  if ((obj & (PAGE_SIZE - 1n)) != 0n || !pfn_valid(obj >> PAGE_SHIFT)) { bug(BUG_FRAME, obj); return; }
  const p = phys_to_page(obj & PAGE_MASK);
  __free_pages(p, p.private);
}

/**
 * Checks every cache: the slabs on each list have the right number of objects in use (none on
 * slabs_free, all on slabs_full, some on slabs_partial), each freelist has exactly num - inuse
 * objects inside its slab, and the active counts add up. Returns the errors.
 */
export function slab_self_check(): u64 {
  let errors = 0n;
  for (let s = list_entry(slab_caches.next, kmem_cache, 'list'); s.list !== slab_caches; s = list_entry(s.list.next, kmem_cache, 'list')) {
    let active = 0n;
    let slabs = 0n;
    for (const which of range(0n, 3n)) {
      const head = which == 0n ? s.slabs_full : which == 1n ? s.slabs_partial : s.slabs_free;
      for (let p = list_entry(head.next, page, 'lru'); p.lru !== head; p = list_entry(p.lru.next, page, 'lru')) {
        const inuse = p._mapcount;
        if ((p.flags & PG_slab) == 0n || p.slab_cache != addr_of(s)) errors = errors + 1n;
        if (which == 0n && inuse != s.num) errors = errors + 1n;
        if (which == 1n && (inuse == 0n || inuse >= s.num)) errors = errors + 1n;
        if (which == 2n && inuse != 0n) errors = errors + 1n;
        const base = page_to_phys(p);
        let free = 0n;
        for (let obj = p.freelist; obj != 0n && free <= s.num; obj = load64(obj + s.offset)) {
          if (obj < base || obj >= base + s.num * s.size || (obj - base) % s.size != 0n) { errors = errors + 1n; break; }
          free = free + 1n;
        }
        if (free + inuse != s.num) errors = errors + 1n;
        active = active + inuse;
        slabs = slabs + 1n;
      }
    }
    if (active != s.active_objs || slabs != s.nr_slabs) errors = errors + 1n;
  }
  return errors;
}
