// The notes' bitmap (note 000): one bit per managed unit, set = in use; bitmap_scan finds a run of
// free bits. Used by the kernel/user pools for both physical frames and virtual pages.

import { u64, load8, store8 } from '../runtime/intrinsics.js';

export class bitmap {
  btmp_bytes_len = u64;
  bits = u64;                              // address of the bytes
}

export const BITMAP_NONE = 0xffffffffffffffffn;

export function bitmap_init(btmp: bitmap): void {
  for (let i = 0n; i < btmp.btmp_bytes_len; i++) store8(btmp.bits + i, 0n);
}

export function bitmap_test(btmp: bitmap, bit_idx: u64): boolean {
  return ((load8(btmp.bits + (bit_idx >> 3n)) >> (bit_idx & 7n)) & 1n) != 0n;
}

export function bitmap_set(btmp: bitmap, bit_idx: u64, value: u64): void {
  const at = btmp.bits + (bit_idx >> 3n);
  const mask = 1n << (bit_idx & 7n);
  if (value != 0n) store8(at, load8(at) | mask);
  else store8(at, load8(at) & (0xffn ^ mask));
}

/** The first index of `cnt` consecutive free bits, or BITMAP_NONE. */
export function bitmap_scan(btmp: bitmap, cnt: u64): u64 {
  const total = btmp.btmp_bytes_len * 8n;
  let run = 0n;
  for (let i = 0n; i < total; i++) {
    if (bitmap_test(btmp, i)) { run = 0n; continue; }
    run = run + 1n;
    if (run == cnt) return i + 1n - cnt;
  }
  return BITMAP_NONE;
}

/** Bits set. */
export function bitmap_weight(btmp: bitmap): u64 {
  let n = 0n;
  for (let i = 0n; i < btmp.btmp_bytes_len * 8n; i++) if (bitmap_test(btmp, i)) n = n + 1n;
  return n;
}
