// Differential corpus: lib/list.ts — list_add, list_add_tail, list_del, list_del_init, list_move,
// list_empty, walks forward and backward with list_entry (list_for_each_entry written out).
import { type u64, wrap, staticBuffer, struct_at, addr_of, u32, embed } from '../../../kernel-ts/runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add, list_add_tail, list_del, list_del_init, list_empty, list_is_singular, list_move, list_move_tail } from '../../../kernel-ts/lib/list.js';
import { list_entry } from '../../../kernel-ts/runtime/intrinsics.js';

export class lpage { id = u32; lru = embed(list_head); order = u32; }

const POOL = staticBuffer(16n * 32n, 8n);
const HEADS = staticBuffer(64n, 8n);

function page_n(i: u64): lpage { return struct_at(lpage, POOL + i * 32n); }

/** Hash of the ids in list order (forward), then backward, with the count. */
function walk(head: list_head): u64 {
  let h = 0n;
  let n = 0n;
  for (let p = list_entry(head.next, lpage, 'lru'); p.lru !== head; p = list_entry(p.lru.next, lpage, 'lru')) { h = wrap(h * 31n + p.id); n++; }
  for (let p = list_entry(head.prev, lpage, 'lru'); p.lru !== head; p = list_entry(p.lru.prev, lpage, 'lru')) h = wrap(h * 37n + p.id);
  return wrap(h + (n << 56n));
}

/** Bit i of a: page i goes to the front (1) or the back (0); bit i of b: then deleted. */
export function list_build(a: u64, b: u64): u64 {
  const head = struct_at(list_head, HEADS);
  INIT_LIST_HEAD(head);
  const empty0 = list_empty(head) ? 1n : 0n;
  for (let i = 0n; i < 16n; i++) {
    const p = page_n(i);
    p.id = wrap(i + 1n);
    if (((a >> i) & 1n) != 0n) list_add(p.lru, head);
    else list_add_tail(p.lru, head);
  }
  const full = walk(head);
  for (let i = 0n; i < 16n; i++) if (((b >> i) & 1n) != 0n) list_del(page_n(i).lru);
  return wrap(full ^ walk(head) * 3n ^ empty0 << 40n ^ (list_empty(head) ? 1n << 41n : 0n));
}

/** Two lists: list_move from one to the other, list_del_init, singular lists. */
export function list_two(a: u64): u64 {
  const l1 = struct_at(list_head, HEADS), l2 = struct_at(list_head, HEADS + 16n);
  INIT_LIST_HEAD(l1);
  INIT_LIST_HEAD(l2);
  for (let i = 0n; i < 8n; i++) { const p = page_n(i); p.id = wrap(a + i); list_add_tail(p.lru, l1); }
  for (let i = 0n; i < 8n; i++) if (((a >> (i + 8n)) & 1n) != 0n) list_move(page_n(i).lru, l2);
  const single = list_is_singular(l2) ? 1n : 0n;
  if ((a & 1n) != 0n) list_move_tail(page_n(a % 8n).lru, l2);
  const first = list_entry(l1.next, lpage, 'lru');
  const r = list_empty(l1) ? 0n : addr_of(first) - POOL;
  if (!list_empty(l1)) list_del_init(first.lru);
  const self = first.lru.next === first.lru ? 1n : 0n;
  return wrap(walk(l1) + walk(l2) * 5n + single + (r << 32n) + (self << 48n));
}
