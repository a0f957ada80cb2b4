// A second module: exported constants and functions the corpus imports (cross-module linking).
import { type u64, wrap } from '../../../kernel-ts/runtime/intrinsics.js';

export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 1n << PAGE_SHIFT;
export const PAGE_MASK = ~(PAGE_SIZE - 1n);

/** A private helper with a name other modules also use: must not clash. */
function mix(x: u64): u64 { return wrap(x * 0x9e3779b97f4a7c15n) ^ (x >> 29n); }

export function hash2(a: u64, b: u64): u64 { return mix(wrap(mix(a) + b)); }

export function page_round_up(x: u64): u64 { return wrap(x + PAGE_SIZE - 1n) & PAGE_MASK; }

export let lib_counter: u64 = 0n;
export function bump(by: u64): u64 { lib_counter = wrap(lib_counter + by); return lib_counter; }
