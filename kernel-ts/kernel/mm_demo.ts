// The buddy and slab allocators shown at work in the transcript. Buddy: the free lists at boot, a scripted sequence
// of allocations and frees (splitting, then coalescing back), and memory exhausted completely —
// every zone down to its last page — and all of it freed, after which the free lists must be the
// boot ones again (free_area_diff). Slab: a cache with a constructor across several slabs, the
// slab lists as objects come and go, a poisoned cache catching a write after free, kmalloc on every
// size class, and nothing left once all is freed and the caches shrunk. Pools: note 000's kernel and
// user pools with malloc_page, and its missing rollback.

import { u64, NULL, staticBuffer, struct_at, sizeof, list_entry, range, load64, store64 } from '../runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add_tail, list_del, list_empty } from '../lib/list.js';
import { PAGE_SHIFT, PAGE_SIZE } from './layout.js';
import { zone, zone_at, MAX_ORDER, MAX_NR_ZONES, populated_zone, zone_end_pfn } from './mmzone.js';
import { page, page_to_pfn } from './page.js';
import { alloc_pages, __free_pages, nr_free_pages, free_area_diff, free_area_snapshot, buddy_self_check, GFP_KERNEL, GFP_DMA32 } from './page_alloc.js';
import {
  kmem_cache, kmem_cache_init, kmem_cache_create, kmem_cache_create_noctor, kmem_cache_alloc, kmem_cache_free, kmem_cache_count,
  kmem_cache_shrink_all, slab_caches_list, slab_list_count, slab_self_check, kmalloc, kfree, kmalloc_cache, kmalloc_index, get_order,
  SLAB_POISON, KMALLOC_SHIFT_LOW, KMALLOC_SHIFT_HIGH,
} from './slab.js';
import { vm_struct } from './vma.js';
import {
  mem_pool_init, mem_pool_exit, malloc_page, mfree_page, malloc_page_last_mapped, pool_free_frames, vaddr_used_pages, pool_self_check,
  kernel_pool, user_pool, kernel_vaddr, user_vaddr, PF_KERNEL, PF_USER,
} from './pool.js';
import { PAGE_KERNEL, PAGE_USER } from './pgtable.js';
import { la2pa, LA2PA_FAULT } from './la2pa.js';
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

/** The gfp that reaches zone z first. */
function zid_gfp(z: zone): u64 { return z === zone_at(0n) ? GFP_DMA32 : GFP_KERNEL; }

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
  // Set the small free blocks aside (orders 0..4, left over from boot and the page tables), so the
  // next order-0 request has to split a larger block; GFP_KERNEL takes from Normal first if it exists.
  const zf = populated_zone(zone_at(1n)) ? zone_at(1n) : zone_at(0n);
  let aside = 0n;
  for (let o = 0n; o < 5n; o++) {
    while (zf.free_area.at(o).nr_free != 0n) {
      const q = alloc_pages(zid_gfp(zf), o);
      list_add_tail(q.lru, held);
      aside = aside + 1n;
    }
  }
  let from = 0n;
  while (from < MAX_ORDER - 1n && zf.free_area.at(from).nr_free == 0n) from = from + 1n;
  const a = alloc_pages(GFP_KERNEL, 0n);
  printk("buddy: %lu small free block%s set aside; alloc_pages(GFP_KERNEL, 0): pfn %#lx, from the smallest free block (order %lu in %s), split down to order 0 (expand):\n",
    aside, aside == 1n ? "" : "s", page_to_pfn(a), from, zf.name);
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
  free_held();
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

/** slabinfo (as /proc/slabinfo): the caches that hold slabs, and the slabs per list. */
export function slabinfo(): void {
  printk("  # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : slabs full partial free\n");
  const head = slab_caches_list();
  for (let s = list_entry(head.next, kmem_cache, 'list'); s.list !== head; s = list_entry(s.list.next, kmem_cache, 'list')) {
    if (s.nr_slabs == 0n) continue;
    printk("  %-17s %13lu %10lu %9lu %12lu %14lu", s.name, s.active_objs, s.nr_slabs * s.num, s.size, s.num, 1n << s.gfporder);
    printk(" : %10lu %7lu %4lu\n", slab_list_count(s.slabs_full), slab_list_count(s.slabs_partial), slab_list_count(s.slabs_free));
  }
}

const VMA_MAGIC = 0x766d615f63746f72n;      // "vma_ctor"
/** The demo cache's constructor: a recognisable pattern in the first word. */
function vma_ctor(obj: u64): void {
  store64(obj, VMA_MAGIC);
  store64(obj + 8n, 0n);
}

const DEMO_OBJS = 200n;
const objs = staticBuffer(DEMO_OBJS * 8n, 8n);
const kmallocs = staticBuffer(16n * 8n, 8n);

export function slab_demo(): void {
  const before = nr_free_pages();
  kmem_cache_init();
  printk("slab: kmem_cache_init: %lu kmalloc caches, kmalloc-8 .. kmalloc-8k (larger sizes go to the buddy allocator)\n", kmem_cache_count());
  const c = kmem_cache_create("vm_area_struct", sizeof(vm_struct), 8n, 0n, vma_ctor);
  printk("slab: kmem_cache_create(\"vm_area_struct\", %lu, 8, vma_ctor): %lu-byte stride, %lu objects per %lu-page slab\n",
    sizeof(vm_struct), c.size, c.num, 1n << c.gfporder);
  let ok = 1n;
  for (const i of range(0n, DEMO_OBJS)) {
    const o = kmem_cache_alloc(c, GFP_KERNEL);
    if (o == 0n || load64(o) != VMA_MAGIC) ok = 0n;
    store64(objs + i * 8n, o);
  }
  printk("slab: %lu objects allocated, every one constructed: %s; ctor ran %lu times (once per object of %lu slabs)\n",
    DEMO_OBJS, ok != 0n ? "yes" : "NO", c.nr_ctor_calls, c.nr_slabs);
  slabinfo();
  for (let i = 0n; i < DEMO_OBJS; i = i + 2n) kmem_cache_free(c, load64(objs + i * 8n));
  printk("slab: freed every other object:\n");
  slabinfo();
  for (let i = 1n; i < DEMO_OBJS; i = i + 2n) kmem_cache_free(c, load64(objs + i * 8n));
  const calls = c.nr_ctor_calls;
  for (const i of range(0n, DEMO_OBJS)) store64(objs + i * 8n, kmem_cache_alloc(c, GFP_KERNEL));
  printk("slab: freed the rest and allocated %lu again: ctor calls %lu (no new ones), slabs %lu\n", DEMO_OBJS, c.nr_ctor_calls, c.nr_slabs);
  check(ok != 0n && calls == c.nr_slabs * c.num && c.nr_ctor_calls == calls, "slab ctor runs once per object");
  for (const i of range(0n, DEMO_OBJS)) kmem_cache_free(c, load64(objs + i * 8n));

  // Debug mode: freed objects are poisoned, and a write after free is caught at the next allocation.
  const pc = kmem_cache_create_noctor("poisoned-64", 64n, 8n, SLAB_POISON);
  const x = kmem_cache_alloc(pc, GFP_KERNEL);
  kmem_cache_free(pc, x);
  printk("slab: SLAB_POISON cache \"poisoned-64\": a freed object reads %#lx .. %#lx; ", load64(x), load64(x + 56n));
  store64(x + 16n, 0xdeadn);               // a use after free
  const y = kmem_cache_alloc(pc, GFP_KERNEL);
  printk("written after free and allocated again: %lu poison error%s detected\n", pc.poison_errors, pc.poison_errors == 1n ? "" : "s");
  check(y == x && pc.poison_errors == 1n, "slab poisoning catches a write after free");
  kmem_cache_free(pc, y);

  // kmalloc on every size class, and one above them.
  printk("slab: kmalloc:");
  for (const shift of range(KMALLOC_SHIFT_LOW, KMALLOC_SHIFT_HIGH + 1n)) {
    const size = (1n << shift) - 1n;
    store64(kmallocs + shift * 8n, kmalloc(size, GFP_KERNEL));
    printk(" %lu->%s", size, kmalloc_cache(kmalloc_index(size)).name);
  }
  const big = kmalloc(5n * PAGE_SIZE, GFP_KERNEL);
  printk(" %lu->buddy order %lu\n", 5n * PAGE_SIZE, get_order(5n * PAGE_SIZE));
  slabinfo();
  for (const shift of range(KMALLOC_SHIFT_LOW, KMALLOC_SHIFT_HIGH + 1n)) kfree(load64(kmallocs + shift * 8n));
  kfree(big);
  const sc = slab_self_check();
  const slabs = kmem_cache_shrink_all();
  let leaked = 0n;
  const head = slab_caches_list();
  for (let s = list_entry(head.next, kmem_cache, 'list'); s.list !== head; s = list_entry(s.list.next, kmem_cache, 'list')) leaked = leaked + s.active_objs + s.nr_slabs;
  printk("slab: everything kfree'd and kmem_cache_free'd; kmem_cache_shrink gave %lu slabs back; objects or slabs left: %lu; %lu pages free (%lu before); self-check %s\n",
    slabs, leaked, nr_free_pages(), before, sc == 0n ? "ok" : "FAILED");
  check(sc == 0n && leaked == 0n && nr_free_pages() == before, "no slab object leaked; every slab page back in the buddy allocator");
}

const KERNEL_VADDR_START = 0xffffffd000000000n;   // canonical in Sv39 and Sv48, far from the high alias
const USER_VADDR_START = 0x30000000n;             // below the lazy region, above the devices
const POOL_VPAGES = 64n;

/** Note 000's pools: malloc_page from both, writes through the new mappings, a failure rolled back. */
export function pool_demo(pgd: u64): void {
  const before = nr_free_pages();
  const ok = mem_pool_init(pgd, 6n, 4n, KERNEL_VADDR_START, USER_VADDR_START, POOL_VPAGES, PAGE_KERNEL, PAGE_USER);
  printk("pools: kernel_pool %#lx (%lu frames), user_pool %#lx (%lu frames), each one block from the buddy allocator; kernel_vaddr %#lx, user_vaddr %#lx (%lu pages each)\n",
    kernel_pool.phy_addr_start, kernel_pool.pool_size >> PAGE_SHIFT, user_pool.phy_addr_start, user_pool.pool_size >> PAGE_SHIFT, kernel_vaddr.vaddr_start, user_vaddr.vaddr_start, POOL_VPAGES);
  check(ok, "pools initialised");
  const k = malloc_page(PF_KERNEL, 3n);
  let rw = 1n;
  for (const i of range(0n, 3n)) store64(k + i * PAGE_SIZE + 8n, 0x6b65726e656cn + i);
  for (const i of range(0n, 3n)) {
    const [pa] = la2pa(pgd, k + i * PAGE_SIZE);
    if (pa < kernel_pool.phy_addr_start || pa >= kernel_pool.phy_addr_start + kernel_pool.pool_size || load64(pa + 8n) != 0x6b65726e656cn + i) rw = 0n;
  }
  printk("pools: malloc_page(PF_KERNEL, 3) -> %#lx: 3 frames of kernel_pool mapped one by one; written through the mapping, read back at the frames: %s\n", k, rw != 0n ? "ok" : "MISMATCH");
  check(k == KERNEL_VADDR_START && rw != 0n, "malloc_page(PF_KERNEL) maps kernel_pool frames");
  const u = malloc_page(PF_USER, 2n);
  const [upa, ulevel, uptep] = la2pa(pgd, u);
  printk("pools: malloc_page(PF_USER, 2) -> %#lx: frame %#lx, PTE %#lx (U set, not global); user_pool %lu frames free\n", u, upa, load64(uptep), pool_free_frames(PF_USER));
  check(u == USER_VADDR_START && ulevel == 0n && (load64(uptep) & 0x30n) == 0x10n && pool_free_frames(PF_USER) == 14n, "malloc_page(PF_USER) maps user_pool frames with U");
  const vused = vaddr_used_pages(PF_USER);
  const r = malloc_page(PF_USER, 20n);
  const mapped = malloc_page_last_mapped();
  let left = 0n;
  for (const i of range(0n, 20n)) { const [pa] = la2pa(pgd, u + 2n * PAGE_SIZE + i * PAGE_SIZE); if (pa != LA2PA_FAULT) left = left + 1n; }
  printk("pools: malloc_page(PF_USER, 20) with 14 frames free -> %#lx: failed at frame 15 after mapping %lu; rolled back: %lu mapped pages, user_pool %lu frames free, user_vaddr %lu pages used (as before)\n",
    r, mapped, left, pool_free_frames(PF_USER), vaddr_used_pages(PF_USER));
  check(r == 0n && mapped == 14n && left == 0n && pool_free_frames(PF_USER) == 14n && vaddr_used_pages(PF_USER) == vused, "malloc_page rolls back everything on failure");
  mfree_page(PF_KERNEL, k, 3n);
  mfree_page(PF_USER, u, 2n);
  const pc = pool_self_check();
  const kfree_frames = pool_free_frames(PF_KERNEL);
  const ufree_frames = pool_free_frames(PF_USER);
  const vused_all = vaddr_used_pages(PF_KERNEL) + vaddr_used_pages(PF_USER);
  const freed = mem_pool_exit();
  printk("pools: mfree_page both: kernel_pool %lu and user_pool %lu frames free, %lu virtual pages in use; self-check %s\n",
    kfree_frames, ufree_frames, vused_all, pc == 0n ? "ok" : "FAILED");
  printk("pools: their blocks back to the buddy allocator: %s (%lu pages free, %lu before: %lu went to page tables for the new ranges)\n",
    freed ? "yes" : "NO", nr_free_pages(), before, before - nr_free_pages());
  check(freed && pc == 0n && kfree_frames == 64n && ufree_frames == 16n && vused_all == 0n, "pools empty after mfree_page");
}
