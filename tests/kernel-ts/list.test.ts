// lib/list.ts behaves as Linux's list.h (natively; the differential test holds the compiled code to it).
import { describe, expect, it } from 'vitest';
import { installHost } from '../../kernel-ts/runtime/host.js';

installHost({});
const k = await import('../../kernel-ts/runtime/intrinsics.js');
const L = await import('../../kernel-ts/lib/list.js');
const { lpage } = await import('./corpus/lists.js');

const page = (i: number) => k.struct_at(lpage, 0x9000n + BigInt(i) * k.sizeof(lpage));
function ids(head: InstanceType<typeof L.list_head>, backward = false): bigint[] {
  const out: bigint[] = [];
  for (let l = backward ? head.prev : head.next; l !== head; l = backward ? l.prev : l.next) out.push(k.list_entry(l, lpage, 'lru').id);
  return out;
}

describe('lib/list.ts', () => {
  it('list_add is a stack, list_add_tail a queue; list_del unlinks and poisons; list_move; list_del_init', () => {
    const head = k.struct_at(L.list_head, 0x8000n), other = k.struct_at(L.list_head, 0x8010n);
    L.INIT_LIST_HEAD(head);
    L.INIT_LIST_HEAD(other);
    expect(L.list_empty(head)).toBe(true);
    for (let i = 1; i <= 3; i++) { page(i).id = BigInt(i); L.list_add(page(i).lru, head); }
    page(4).id = 4n;
    L.list_add_tail(page(4).lru, head);
    expect(ids(head)).toEqual([3n, 2n, 1n, 4n]);
    expect(ids(head, true)).toEqual([4n, 1n, 2n, 3n]);
    L.list_del(page(2).lru);
    expect(ids(head)).toEqual([3n, 1n, 4n]);
    expect(k.addr_of(page(2).lru.next)).toBe(0n);
    L.list_move(page(1).lru, other);
    expect([ids(head), ids(other), L.list_is_singular(other)]).toEqual([[3n, 4n], [1n], true]);
    L.list_move_tail(page(4).lru, other);
    expect([ids(head), ids(other)]).toEqual([[3n], [1n, 4n]]);
    L.list_move_tail(page(4).lru, head);
    L.list_del_init(page(3).lru);
    expect([ids(head), page(3).lru.next === page(3).lru]).toEqual([[4n], true]);
    expect(k.container_of(page(4).lru, lpage, 'lru')).toBe(page(4));
  });
});
