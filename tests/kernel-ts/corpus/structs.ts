// Differential corpus: structs — every field width and sign, C alignment, pointer chains, embedded
// structs, arrays, container_of, compound assignment and ++/-- on fields, and wrap-around at the
// field's width. Every struct lives in a static buffer; the functions take and return u64.
import {
  u64, wrap, load8, load64, store64, staticBuffer,
  u8, u16, u32, i8, i16, i32, i64, ptr, embed, array, struct_at, addr_of, sizeof, offsetof, container_of, NULL, cstr, str,
} from '../../../kernel-ts/runtime/intrinsics.js';

/** a@0 b@8 c@16 d@18 e@20 f@24 g@28 h@32, size 40 (as GCC lays it out for RV64). */
export class mixed { a = u8; b = u64; c = u16; d = i8; e = i32; f = u32; g = i16; h = i64; }
export class node { value = u64; next = ptr(node); tag = u8; }
export class list_link { next = ptr(list_link); prev = ptr(list_link); }
/** flags@0 refcount@4 lru@8 order@24 slots@26 tail@32, size 40. */
export class page { flags = u32; refcount = i32; lru = embed(list_link); order = u8; slots = array(u16, 3n); tail = u8; }
/** x@0 inner@8 y@48 pages@56 (2 × 40), size 136. */
export class outer { x = u8; inner = embed(mixed); y = u16; pages = array(page, 2n); }

const BUF = staticBuffer(4096n, 64n);
const M = struct_at(mixed, BUF);

export function layout_constants(): u64 {
  // Packed so one wrong offset changes the result (each below 256).
  return sizeof(mixed) | offsetof(mixed, 'c') << 8n | offsetof(mixed, 'd') << 16n | offsetof(mixed, 'e') << 24n |
    offsetof(mixed, 'h') << 32n | sizeof(page) << 40n | offsetof(page, 'slots') << 48n | offsetof(page, 'tail') << 56n;
}
export function layout_nested(): u64 {
  return sizeof(outer) | offsetof(outer, 'inner') << 8n | offsetof(outer, 'y') << 16n | offsetof(outer, 'pages') << 24n |
    sizeof(node) << 32n | offsetof(node, 'tag') << 40n | sizeof(list_link) << 48n;
}

function clear(): void { for (let i = 0n; i < 64n; i++) store64(BUF + i * 8n, 0n); }

/** Every field stored from a and b, then the raw dwords: checks width, truncation and placement. */
export function store_widths(a: u64, b: u64): u64 {
  clear();
  M.a = a; M.b = b; M.c = a; M.d = b; M.e = a; M.f = b; M.g = a; M.h = b;
  let h = 0n;
  for (let i = 0n; i < 5n; i++) h = wrap(h * 0x100000001b3n) ^ load64(BUF + i * 8n);
  return h;
}

/** Loads zero-extend (u*) or sign-extend (i*) to 64 bits. */
export function load_u8(a: u64): u64 { M.a = a; return M.a; }
export function load_u16(a: u64): u64 { M.c = a; return M.c; }
export function load_u32(a: u64): u64 { M.f = a; return M.f; }
export function load_i8(a: u64): u64 { M.d = a; return M.d; }
export function load_i16(a: u64): u64 { M.g = a; return M.g; }
export function load_i32(a: u64): u64 { M.e = a; return M.e; }
export function load_i64(a: u64): u64 { M.h = a; return M.h; }

/** Compound assignment and ++/-- wrap at the field's width when stored. */
export function field_compound(a: u64, b: u64): u64 {
  clear();
  M.a = a; M.c = b; M.d = a; M.e = b; M.f = a; M.b = b;
  M.a += b; M.c -= a; M.d *= b; M.e ^= a; M.f <<= b & 31n; M.b >>= 3n;
  M.a++; M.c--; ++M.d; --M.f;
  const post = M.g++;
  return wrap(M.a + (M.c << 8n) + (M.d << 24n) + (M.e << 13n) + (M.f << 5n) + M.b + M.g + post);
}

/** A chain of n nodes (1..8), walked through pointers until NULL; and a fixed-depth chain. */
export function pointer_chain(a: u64, b: u64): u64 {
  clear();
  const n = (a & 7n) + 1n;
  let prev = NULL as node;
  for (let i = 0n; i < n; i++) {
    const x = struct_at(node, BUF + 64n + i * sizeof(node));
    x.value = wrap(b * (i + 1n));
    x.tag = i;
    x.next = prev;
    prev = x;
  }
  let sum = 0n;
  let count = 0n;
  for (let p = prev; p !== NULL; p = p.next) { sum = wrap(sum + p.value + p.tag); count++; }
  const deep = n >= 3n ? prev.next.next.value : 0n;
  return wrap(sum ^ (count << 56n) ^ deep);
}

/** Embedded structs and container_of. */
export function embedded(a: u64, b: u64): u64 {
  clear();
  const o = struct_at(outer, BUF);
  o.x = a; o.inner.a = b; o.inner.h = a; o.y = b;
  const pg = o.pages.at(1n);
  pg.refcount = a;
  pg.lru.next = o.pages.at(0n).lru;
  pg.lru.prev = pg.lru;
  const back = container_of(pg.lru.next, page, 'lru');
  const self = container_of(pg.lru.prev, page, 'lru') === pg ? 1n : 0n;
  return wrap(load64(BUF) + load64(BUF + 8n) + load64(BUF + 40n) + load64(BUF + 48n) + pg.refcount +
    (addr_of(back) - BUF) * 3n + self + container_of(pg.lru.prev, page, 'lru').refcount);
}

/** Integer arrays: constant and variable indices, wrap at the element width. */
export function arrays(a: u64, b: u64): u64 {
  clear();
  const pg = struct_at(page, BUF + 128n);
  pg.slots.set(0n, a);
  pg.slots.set(2n, b);
  const i = a % 3n;
  pg.slots.set(i, wrap(pg.slots.at(i) + b));
  pg.tail = b;
  pg.order = pg.slots.at(b % 3n);
  return wrap(load64(BUF + 128n + 24n) + (load64(BUF + 128n + 32n) << 1n) + pg.slots.at(1n) + load8(BUF + 128n + 26n));
}

/** The shape test's function: two pointer hops through an embedded member, then container_of. */
export function field_chain(a: u64): u64 {
  clear();
  const p = struct_at(page, BUF + 64n);
  p.lru.next = struct_at(page, BUF + 128n).lru;
  p.lru.next.prev = p.lru;
  p.refcount = a;
  return container_of(p.lru.next.prev, page, 'lru').refcount;
}

class named { id = u16; name = cstr; }

/** A C string field: the stored literal's bytes read back through it. */
export function string_field(a: u64): u64 {
  const n = struct_at(named, BUF + 256n);
  n.id = a;
  n.name = (a & 1n) != 0n ? "odd" : "an even name";
  let h = n.id;
  const s = str(n.name);
  for (let i = 0n; load8(s + i) != 0n; i++) h = wrap(h * 131n + load8(s + i));
  return h;
}

/** Offsets beyond a 12-bit immediate (li + add), constant and variable array indices past 2047. */
class big { head = u8; pad = array(u16, 1500n); tail = i32; inner = embed(list_link); }
const BIG = staticBuffer(4096n, 8n);

export function far_offsets(a: u64, b: u64): u64 {
  const p = struct_at(big, BIG);
  p.tail = a;
  p.tail += b;
  p.pad.set(1499n, a);
  p.pad.set(b % 1500n, wrap(b + 1n));
  p.inner.next = p.inner;
  return wrap(p.tail + p.pad.at(1499n) + p.pad.at(b % 1500n) + (addr_of(p.inner.next) - BIG) + offsetof(big, 'inner') + load64(BIG + 3000n));
}
