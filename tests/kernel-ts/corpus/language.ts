// Differential corpus: const enum and switch, for over a numeric range, functions returning several
// results (a tuple in a0, a1, …) or a struct pointer, and BUG_ON/assert that hold.
import { type u64, wrap, staticBuffer, struct_at, u8, u64 as u64_field, ptr, enum_field, enum_value, BUG_ON, assert, range } from '../../../kernel-ts/runtime/intrinsics.js';

export const enum frame_state { FREE, RESERVED, MAPPED = 5, SWAPPED }

export class frame { state: frame_state = enum_field(u8); count = u64_field; next = ptr(frame); }

const FRAMES = staticBuffer(1024n, 8n);

function classify(a: u64): frame_state {
  if (a % 4n == 0n) return frame_state.FREE;
  if (a % 4n == 1n) return frame_state.RESERVED;
  if (a % 4n == 2n) return frame_state.MAPPED;
  return frame_state.SWAPPED;
}

export function enum_switch(a: u64): u64 {
  const s = classify(a);
  let r = 0n;
  switch (s) {
    case frame_state.FREE: r = 100n; break;
    case frame_state.RESERVED: r = 200n; break;
    case frame_state.MAPPED: r = 300n; break;
    default: r = enum_value(s);
  }
  return wrap(r + enum_value(frame_state.SWAPPED) * 1000n);
}

export function enum_field_roundtrip(a: u64): u64 {
  const f = struct_at(frame, FRAMES);
  f.state = classify(a);
  f.count = a;
  return f.state == frame_state.MAPPED ? 1n : f.state == frame_state.SWAPPED ? 2n : enum_value(f.state) + 10n;
}

export function range_sum(a: u64, b: u64): u64 {
  let s = 0n;
  for (let i = a & 0xffn; i < (b & 0xffn); i++) s = wrap(s + i * i);
  return s;
}

/** for (const i of range(a, b)): a counting loop, the end read once; break and continue. */
export function range_loop(a: u64, b: u64): u64 {
  let s = 0n;
  let end = b & 0x3ffn;
  for (const i of range(a & 0xffn, end)) {
    end = 0n;                                   // the bound was read once: no effect
    if (i == 300n) break;
    if ((i & 3n) == 1n) continue;
    s = wrap(s * 3n + i);
  }
  for (const j of range(0xffffffffffffffffn - (a & 7n), 0xffffffffffffffffn)) s = wrap(s + j);   // up to the top, no wrap
  for (const k of range(5n, 2n)) s = s + k;     // empty
  return s;
}

/** Three results: quotient, remainder, and whether the divisor was zero. */
function divmod(a: u64, b: u64): [u64, u64, boolean] {
  if (b == 0n) return [0n, a, true];
  return [a / b, a % b, false];
}

export function tuple_results(a: u64, b: u64): u64 {
  const [q, r, zero] = divmod(a, b);
  const [, r2] = divmod(b, (a & 0xffn) + 1n);
  return wrap(q * 3n + r * 5n + (zero ? 7n : 0n) + r2);
}

/** A struct pointer as a result: the n-th frame of a chain built in FRAMES. */
function nth_frame(head: frame, n: u64): frame {
  let f = head;
  for (let i = 0n; i < n; i++) f = f.next;
  return f;
}

export function struct_result(a: u64): u64 {
  for (let i = 0n; i < 8n; i++) {
    const f = struct_at(frame, FRAMES + i * 24n);
    f.count = wrap(a + i);
    f.next = struct_at(frame, FRAMES + (i + 1n) * 24n);
  }
  return nth_frame(struct_at(frame, FRAMES), a & 7n).count;
}

export function checks_hold(a: u64): u64 {
  BUG_ON(a != a);
  assert(wrap(a + 1n) != a);
  return a;
}
