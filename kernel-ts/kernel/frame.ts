// The physical frame allocator over the RAM after the kernel's `_end`: a bitmap pool (one bit per
// 4 KiB frame: start address, size, bitmap) plus a per-frame record (reference count and state, as
// the notes' frame list and Linux's struct page keep them). Both live at the start of the pool
// itself, in frames the allocator marks reserved.

import { type u64, load64, store64, wrap, u8, u32, struct_at, sizeof, range } from '../runtime/intrinsics.js';
import { PAGE_SHIFT, PAGE_SIZE, PAGE_MASK, page_align } from './layout.js';
import { bug, BUG_FRAME } from './bug.js';

export const FRAME_FREE = 0n;
export const FRAME_RESERVED = 1n;   // allocator metadata, page tables, firmware-handed regions
export const FRAME_MAPPED = 2n;     // mapped into a lazily allocated area

const ALL_ONES = 0xffffffffffffffffn;

/** One frame's record: 8 bytes (refcount, state, padding), an array after the bitmap. */
export class frame_record {
  refcount = u32;
  state = u8;      // FRAME_FREE, FRAME_RESERVED or FRAME_MAPPED
}

let pool_start: u64 = 0n;
let pool_frames: u64 = 0n;
let bitmap: u64 = 0n;
let bitmap_words: u64 = 0n;
let records: u64 = 0n;
let nr_free: u64 = 0n;
let nr_reserved: u64 = 0n;
let nr_mapped: u64 = 0n;
let next_word: u64 = 0n;

export function frame_pool_start(): u64 { return pool_start; }
export function frame_pool_end(): u64 { return pool_start + (pool_frames << PAGE_SHIFT); }
export function frame_total(): u64 { return pool_frames; }
export function frame_nr_free(): u64 { return nr_free; }

function record_of(pfn: u64): frame_record { return struct_at(frame_record, records + pfn * sizeof(frame_record)); }
/** Keeps the per-state counts that frame_count answers from (frame_self_check recounts them). */
function count_state(state: u64, delta_up: u64): void {
  if (state == FRAME_RESERVED) nr_reserved = delta_up != 0n ? nr_reserved + 1n : nr_reserved - 1n;
  else if (state == FRAME_MAPPED) nr_mapped = delta_up != 0n ? nr_mapped + 1n : nr_mapped - 1n;
}
function set_record(pfn: u64, state: u64, refcount: u64): void {
  const rec = record_of(pfn);
  rec.state = state;
  rec.refcount = refcount;
}
function bit_set(pfn: u64): void {
  const w = bitmap + (pfn >> 6n) * 8n;
  store64(w, load64(w) | (1n << (pfn & 63n)));
}
function bit_clear(pfn: u64): void {
  const w = bitmap + (pfn >> 6n) * 8n;
  store64(w, load64(w) & wrap(~(1n << (pfn & 63n))));
}
function bit_test(pfn: u64): u64 { return (load64(bitmap + (pfn >> 6n) * 8n) >> (pfn & 63n)) & 1n; }

export function zero_frame(pa: u64): void {
  let p = pa;
  const end = pa + PAGE_SIZE;
  while (p < end) { store64(p, 0n); p = p + 8n; }
}

/** Builds the pool over [start, end); its own metadata takes the first frames. Returns how many. */
export function frame_init(start: u64, end: u64): u64 {
  pool_start = page_align(start);
  end = end & PAGE_MASK;
  pool_frames = end > pool_start ? (end - pool_start) >> PAGE_SHIFT : 0n;
  bitmap_words = (pool_frames + 63n) >> 6n;
  bitmap = pool_start;
  records = bitmap + bitmap_words * 8n;
  const meta_frames = page_align(bitmap_words * 8n + pool_frames * sizeof(frame_record)) >> PAGE_SHIFT;
  let p = bitmap;
  const meta_end = records + pool_frames * sizeof(frame_record);
  while (p < meta_end) { store64(p, 0n); p = p + 8n; }
  // Bits past the last frame read as allocated, so the scan never hands them out.
  if ((pool_frames & 63n) != 0n) {
    const last = bitmap + (bitmap_words - 1n) * 8n;
    store64(last, wrap(ALL_ONES << (pool_frames & 63n)));
  }
  nr_free = pool_frames;
  nr_reserved = 0n;
  nr_mapped = 0n;
  next_word = 0n;
  let pfn = 0n;
  while (pfn < meta_frames && pfn < pool_frames) {
    bit_set(pfn);
    set_record(pfn, FRAME_RESERVED, 1n);
    count_state(FRAME_RESERVED, 1n);
    nr_free = nr_free - 1n;
    pfn = pfn + 1n;
  }
  return meta_frames;
}

/** Lowest clear bit of a word that is not all ones (the word's ~w & (w + 1) isolates it). */
function lowest_zero(w: u64): u64 {
  let bit = wrap(~w) & wrap(w + 1n);
  let n = 0n;
  if ((bit & 0xffffffffn) == 0n) { n = n + 32n; bit = bit >> 32n; }
  if ((bit & 0xffffn) == 0n) { n = n + 16n; bit = bit >> 16n; }
  if ((bit & 0xffn) == 0n) { n = n + 8n; bit = bit >> 8n; }
  if ((bit & 0xfn) == 0n) { n = n + 4n; bit = bit >> 4n; }
  if ((bit & 0x3n) == 0n) { n = n + 2n; bit = bit >> 2n; }
  if ((bit & 0x1n) == 0n) n = n + 1n;
  return n;
}

/** Allocates one frame in `state` with reference count 1; returns its physical address, or 0. */
export function frame_alloc(state: u64): u64 {
  if (nr_free == 0n) return 0n;
  let scanned = 0n;
  let i = next_word;
  while (scanned < bitmap_words) {
    if (i >= bitmap_words) i = 0n;
    const w = load64(bitmap + i * 8n);
    if (w != ALL_ONES) {
      const pfn = i * 64n + lowest_zero(w);
      bit_set(pfn);
      set_record(pfn, state, 1n);
      count_state(state, 1n);
      nr_free = nr_free - 1n;
      next_word = i;
      return pool_start + (pfn << PAGE_SHIFT);
    }
    i = i + 1n;
    scanned = scanned + 1n;
  }
  return 0n;
}

/** The frame number of pa inside the pool, or ALL_ONES if pa is not a pool frame. */
function pfn_of(pa: u64): u64 {
  if (pa < pool_start || pa >= frame_pool_end() || (pa & (PAGE_SIZE - 1n)) != 0n) return ALL_ONES;
  return (pa - pool_start) >> PAGE_SHIFT;
}

export function frame_state(pa: u64): u64 {
  const pfn = pfn_of(pa);
  if (pfn == ALL_ONES) return ALL_ONES;
  return record_of(pfn).state;
}
export function frame_refcount(pa: u64): u64 {
  const pfn = pfn_of(pa);
  if (pfn == ALL_ONES) return 0n;
  return record_of(pfn).refcount;
}

/** Takes another reference to an allocated frame. */
export function frame_get(pa: u64): void {
  const pfn = pfn_of(pa);
  if (pfn == ALL_ONES || bit_test(pfn) == 0n) { bug(BUG_FRAME, pa); return; }
  record_of(pfn).refcount += 1n;
}

/** Drops a reference; at zero the frame returns to the pool. Returns the remaining count. */
export function frame_put(pa: u64): u64 {
  const pfn = pfn_of(pa);
  if (pfn == ALL_ONES || bit_test(pfn) == 0n) { bug(BUG_FRAME, pa); return 0n; }
  const rec = record_of(pfn);
  rec.refcount -= 1n;
  if (rec.refcount == 0n) {
    count_state(rec.state, 0n);
    rec.state = FRAME_FREE;
    bit_clear(pfn);
    nr_free = nr_free + 1n;
    return 0n;
  }
  return rec.refcount;
}

/** Frames currently in `state`. */
export function frame_count(state: u64): u64 {
  if (state == FRAME_FREE) return nr_free;
  if (state == FRAME_RESERVED) return nr_reserved;
  if (state == FRAME_MAPPED) return nr_mapped;
  return 0n;
}

/** Checks every frame: bit set ⇔ state ≠ free ⇔ refcount > 0, and the per-state counts. Returns the number of inconsistencies. */
export function frame_self_check(): u64 {
  let errors = 0n;
  let free = 0n;
  let reserved = 0n;
  let mapped = 0n;
  for (const pfn of range(0n, pool_frames)) {
    const rec = record_of(pfn);
    const state = rec.state;
    const count = rec.refcount;
    const used = bit_test(pfn);
    if (state == FRAME_FREE) {
      free = free + 1n;
      if (used != 0n || count != 0n) errors = errors + 1n;
    } else if (state == FRAME_RESERVED || state == FRAME_MAPPED) {
      if (state == FRAME_RESERVED) reserved = reserved + 1n; else mapped = mapped + 1n;
      if (used == 0n || count == 0n) errors = errors + 1n;
    } else {
      errors = errors + 1n;
    }
  }
  if (free != nr_free || reserved != nr_reserved || mapped != nr_mapped) errors = errors + 1n;
  // The padding bits past the last frame stay set.
  if ((pool_frames & 63n) != 0n) {
    const pad = wrap(ALL_ONES << (pool_frames & 63n));
    if ((load64(bitmap + (bitmap_words - 1n) * 8n) & pad) != pad) errors = errors + 1n;
  }
  return errors;
}

/** Marks [start, end) reserved if it lies in the pool (e.g. the device tree blob). Returns frames taken. */
export function frame_reserve(start: u64, end: u64): u64 {
  let pa = start & PAGE_MASK;
  let n = 0n;
  while (pa < end) {
    const pfn = pfn_of(pa);
    if (pfn != ALL_ONES && bit_test(pfn) == 0n) {
      bit_set(pfn);
      set_record(pfn, FRAME_RESERVED, 1n);
      count_state(FRAME_RESERVED, 1n);
      nr_free = nr_free - 1n;
      n = n + 1n;
    }
    pa = pa + PAGE_SIZE;
  }
  return n;
}

/** The alloc_pgtable callback for __create_pgd_mapping: a zeroed, reserved frame (0 if none). */
export function pgtable_alloc(shift: u64): u64 {
  const pa = frame_alloc(FRAME_RESERVED);
  if (pa != 0n) zero_frame(pa);
  return pa;
}
