// The slab allocator (slab.ts) run natively over the buddy allocator on a buffer standing for RAM,
// against a model: the set of live objects per cache. Objects never overlap, stay inside slabs of
// their cache, keep what was written to them, the ctor runs once per object ever made, poisoning
// catches a write after free, and once everything is freed and shrunk no page is left in a slab.

import { describe, expect, it, beforeEach } from 'vitest';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { BufferMemory } from '../../../kernel-ts/runtime/memory.js';

const RAM_BASE = 0x80000000n, RAM_SIZE = 16n << 20n, PAGE = 4096n;
const bytes = new Uint8Array(Number(RAM_SIZE));
const host = installHost({ memory: new BufferMemory(RAM_BASE, bytes), staticBase: RAM_BASE });
const slab = await import('../../../kernel-ts/kernel/slab.js');
const pa = await import('../../../kernel-ts/kernel/page_alloc.js');
const pg = await import('../../../kernel-ts/kernel/page.js');
const frame = await import('../../../kernel-ts/kernel/frame.js');
const { NULL } = await import('../../../kernel-ts/runtime/intrinsics.js');
const { bug_count, bug_reset } = await import('../../../kernel-ts/kernel/bug.js');

function rng(seed: bigint): (n: number) => number {
  let s = seed;
  return (n) => { s = BigInt.asUintN(64, s * 6364136223846793005n + 1442695040888963407n); return Number((s >> 33n) % BigInt(n)); };
}

let boot = 0n;
beforeEach(() => {
  bytes.fill(0);
  bug_reset();
  frame.frame_init(RAM_BASE, RAM_BASE + RAM_SIZE, RAM_BASE + (1n << 20n), 0n, 0n);
  boot = pa.nr_free_pages();
  pa.free_area_snapshot();
  slab.kmem_cache_init();
});

type Cache = ReturnType<typeof slab.kmalloc_cache>;
const read = (a: bigint) => host.memory.read(a, 8);
const write = (a: bigint, v: bigint) => host.memory.write(a, 8, v);

function everythingBack(): void {
  expect(slab.slab_self_check()).toBe(0n);
  slab.kmem_cache_shrink_all();
  expect(pa.nr_free_pages()).toBe(boot);
  expect(pa.free_area_diff()).toBe(0n);
  expect(pa.buddy_self_check()).toBe(0n);
  expect(frame.frame_count(frame.FRAME_OTHER)).toBe(0n);
  expect(bug_count()).toBe(0n);
}

describe('slab caches', () => {
  it('random kmem_cache_alloc/free on several caches against a model', () => {
    const caches: Cache[] = [
      slab.kmem_cache_create_noctor('c24', 24n, 8n, 0n),
      slab.kmem_cache_create_noctor('c100a64', 100n, 64n, 0n),
      slab.kmem_cache_create_noctor('c3000', 3000n, 8n, 0n),
      slab.kmem_cache_create_noctor('p40', 40n, 8n, slab.SLAB_POISON),
    ];
    const r = rng(11n);
    const live = new Map<bigint, { c: Cache; tag: bigint; size: bigint }>();
    for (let step = 0; step < 4000; step++) {
      if (live.size > 0 && r(100) < 45) {
        const keys = [...live.keys()];
        const obj = keys[r(keys.length)]!;
        const { c, tag } = live.get(obj)!;
        expect(read(obj)).toBe(tag);                          // nobody else wrote over it
        slab.kmem_cache_free(c, obj);
        live.delete(obj);
      } else {
        const c = caches[r(caches.length)]!;
        const obj = slab.kmem_cache_alloc(c, pa.GFP_KERNEL);
        expect(obj).not.toBe(0n);
        expect(obj % c.align).toBe(0n);
        for (const [o, v] of live) expect(obj + c.object_size <= o || o + v.size <= obj, `overlap ${obj} ${o}`).toBe(true);
        const head = pg.PageSlab(pg.phys_to_page(obj & ~(PAGE - 1n)));
        expect(head || pg.phys_to_page(obj & ~(PAGE - 1n)).slab_cache !== 0n).toBe(true);
        const tag = BigInt(step) * 0x1000193n;
        write(obj, tag);
        live.set(obj, { c, tag, size: c.object_size });
      }
      if (step % 500 === 0) {
        expect(slab.slab_self_check()).toBe(0n);
        for (const c of caches) expect(c.active_objs).toBe(BigInt([...live.values()].filter((v) => v.c === c).length));
      }
    }
    for (const [obj, { c }] of live) slab.kmem_cache_free(c, obj);
    for (const c of caches) expect(c.poison_errors).toBe(0n);
    everythingBack();
  });

  it('full/partial/free lists follow the objects in use', () => {
    const c = slab.kmem_cache_create_noctor('c512', 512n, 8n, 0n);
    expect(c.num).toBe(8n);
    const objs = Array.from({ length: 20 }, () => slab.kmem_cache_alloc(c, pa.GFP_KERNEL));
    const counts = () => [slab.slab_list_count(c.slabs_full), slab.slab_list_count(c.slabs_partial), slab.slab_list_count(c.slabs_free)];
    expect(counts()).toEqual([2n, 1n, 0n]);
    objs.slice(0, 8).forEach((o) => slab.kmem_cache_free(c, o));
    expect(counts()).toEqual([1n, 1n, 1n]);
    slab.kmem_cache_free(c, objs[8]!);
    expect(counts()).toEqual([0n, 2n, 1n]);
    expect(slab.kmem_cache_shrink(c)).toBe(1n);
    expect(counts()).toEqual([0n, 2n, 0n]);
    objs.slice(9).forEach((o) => slab.kmem_cache_free(c, o));
    everythingBack();
  });

  it('the ctor runs once per object: when its slab is made, never again on reuse', () => {
    let calls = 0;
    const c = slab.kmem_cache_create('ctor', 40n, 8n, 0n, (obj: bigint) => { calls++; write(obj, 0xc0ffeen); });
    const a = Array.from({ length: 300 }, () => slab.kmem_cache_alloc(c, pa.GFP_KERNEL));
    expect(BigInt(calls)).toBe(c.nr_slabs * c.num);
    for (const o of a) expect(read(o)).toBe(0xc0ffeen);
    for (const o of a) { write(o + 8n, 1n); slab.kmem_cache_free(c, o); }
    const before = calls;
    const b = Array.from({ length: 300 }, () => slab.kmem_cache_alloc(c, pa.GFP_KERNEL));
    expect(calls).toBe(before);
    for (const o of b) expect(read(o)).toBe(0xc0ffeen);           // the free pointer never sits on the object
    for (const o of b) slab.kmem_cache_free(c, o);
    everythingBack();
  });

  it('SLAB_POISON: a freed object is 0x6b..0xa5, and a write after free is counted at the next allocation', () => {
    const c = slab.kmem_cache_create_noctor('p64', 64n, 8n, slab.SLAB_POISON);
    const o = slab.kmem_cache_alloc(c, pa.GFP_KERNEL);
    write(o, 1n);
    slab.kmem_cache_free(c, o);
    for (let i = 0n; i < 63n; i++) expect(host.memory.read(o + i, 1)).toBe(0x6bn);
    expect(host.memory.read(o + 63n, 1)).toBe(0xa5n);
    expect(slab.kmem_cache_alloc(c, pa.GFP_KERNEL)).toBe(o);
    expect(c.poison_errors).toBe(0n);
    slab.kmem_cache_free(c, o);
    host.memory.write(o + 63n, 1, 0n);                            // the last byte: the check must reach it
    expect(slab.kmem_cache_alloc(c, pa.GFP_KERNEL)).toBe(o);
    expect(c.poison_errors).toBe(1n);
    slab.kmem_cache_free(c, o);
    everythingBack();
  });

  it('kmalloc: each size class from its cache, larger sizes from the buddy allocator; kfree finds them all', () => {
    const r = rng(5n);
    const live: bigint[] = [];
    for (let i = 0; i < 600; i++) {
      const size = BigInt(1 + r(20000));
      const obj = slab.kmalloc(size, pa.GFP_KERNEL);
      expect(obj).not.toBe(0n);
      if (size <= 8192n) {
        const shift = slab.kmalloc_index(size);
        expect(1n << shift >= size && (shift === 3n || 1n << (shift - 1n) < size)).toBe(true);
        expect(obj % (1n << shift < 4096n ? 1n << shift : 8n)).toBe(0n);
      } else {
        expect(obj % PAGE).toBe(0n);
      }
      live.push(obj);
      if (r(3) === 0) slab.kfree(live.splice(r(live.length), 1)[0]!);
    }
    for (const o of live) slab.kfree(o);
    slab.kfree(0n);
    everythingBack();
  });

  it('kfree of a pointer that is not an object is a BUG, not a corruption', () => {
    const c = slab.kmem_cache_create_noctor('c32', 32n, 8n, 0n);
    const o = slab.kmem_cache_alloc(c, pa.GFP_KERNEL);
    slab.kmem_cache_free(c, o + 8n);                             // inside an object
    expect(bug_count()).toBe(1n);
    slab.kmem_cache_free(c, o);
    slab.kmem_cache_free(c, o);                                  // double free of the last object: inuse is 0
    expect(bug_count()).toBe(2n);
    expect(slab.slab_self_check()).toBe(0n);
    expect(slab.kmem_cache_create_noctor('too big', 9000n, 8n, 0n)).toBe(NULL);
  });
});
