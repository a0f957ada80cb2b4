// `mm-bench=N` on the command line: guest instructions per allocator call, for `npm run bench`
// (tests/bench/kernel-mm.ts). The time CSR counts one tick per retired instruction under rvhart's
// default --time-source insns, so a tick delta is an instruction count (loop overhead included).
// Each measurement is N rounds of a batch (BATCH allocations, then their frees), after a warm-up
// round so slabs and split blocks exist: the steady state, not the first-touch cost.

import { u64, csrr, staticBuffer, load64, store64, addr_of, struct_at, NULL } from '../runtime/intrinsics.js';
import { MAX_ORDER } from './mmzone.js';
import { page } from './page.js';
import { alloc_pages, __free_pages, GFP_KERNEL } from './page_alloc.js';
import { kmem_cache_init, kmalloc, kfree, kmem_cache_shrink_all, KMALLOC_SHIFT_LOW, KMALLOC_SHIFT_HIGH } from './slab.js';
import { printk } from '../lib/printk.js';

const BATCH = 16n;
const held = staticBuffer(BATCH * 8n, 8n);

let alloc_ticks: u64 = 0n;
let free_ticks: u64 = 0n;

function buddy_round(order: u64): void {
  const t0 = csrr("time");
  for (let i = 0n; i < BATCH; i++) store64(held + i * 8n, addr_of(alloc_pages(GFP_KERNEL, order)));
  const t1 = csrr("time");
  for (let i = 0n; i < BATCH; i++) {
    const p = struct_at(page, load64(held + i * 8n));
    if (p !== NULL) __free_pages(p, order);
  }
  const t2 = csrr("time");
  alloc_ticks = alloc_ticks + t1 - t0;
  free_ticks = free_ticks + t2 - t1;
}

function slab_round(size: u64): void {
  const t0 = csrr("time");
  for (let i = 0n; i < BATCH; i++) store64(held + i * 8n, kmalloc(size, GFP_KERNEL));
  const t1 = csrr("time");
  for (let i = 0n; i < BATCH; i++) kfree(load64(held + i * 8n));
  const t2 = csrr("time");
  alloc_ticks = alloc_ticks + t1 - t0;
  free_ticks = free_ticks + t2 - t1;
}

export function mm_bench(rounds: u64): void {
  for (let order = 0n; order < MAX_ORDER; order++) {
    buddy_round(order);
    alloc_ticks = 0n;
    free_ticks = 0n;
    for (let r = 0n; r < rounds; r++) buddy_round(order);
    printk("mm-bench: buddy order %lu: alloc_pages %lu, __free_pages %lu instructions per call\n", order,
      alloc_ticks / (rounds * BATCH), free_ticks / (rounds * BATCH));
  }
  kmem_cache_init();
  for (let shift = KMALLOC_SHIFT_LOW; shift <= KMALLOC_SHIFT_HIGH; shift++) {
    slab_round(1n << shift);
    alloc_ticks = 0n;
    free_ticks = 0n;
    for (let r = 0n; r < rounds; r++) slab_round(1n << shift);
    printk("mm-bench: kmalloc-%lu: kmalloc %lu, kfree %lu instructions per call\n", 1n << shift,
      alloc_ticks / (rounds * BATCH), free_ticks / (rounds * BATCH));
  }
  kmem_cache_shrink_all();
}
