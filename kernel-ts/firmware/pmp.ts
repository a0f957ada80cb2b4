// PMP (privileged spec 3.7): entry 0 covers the firmware's own region NAPOT with no permissions, so
// S and U cannot touch it (M is unaffected: the entry is not locked); the last entry covers the
// whole physical address space RWX for S and U. The lowest-numbered match wins.

import { type u64, csrw, csrr } from '../runtime/intrinsics.js';

const PMP_R = 0x1n;
const PMP_W = 0x2n;
const PMP_X = 0x4n;
const PMP_A_NAPOT = 0x18n;

/** The smallest power of two ≥ n (≥ 8, NAPOT's minimum). */
export function napot_size(n: u64): u64 {
  let s = 8n;
  while (s < n) s = s << 1n;
  return s;
}

/** pmpaddr for a NAPOT region of `size` bytes (a power of two) at `base` (aligned to size). */
export function napot_addr(base: u64, size: u64): u64 {
  return (base >> 2n) | ((size >> 3n) - 1n);
}

/** pmp0cfg: NAPOT, no permissions; pmp1cfg: NAPOT, RWX. */
export const PMPCFG0 = (PMP_A_NAPOT << 0n) | ((PMP_A_NAPOT | PMP_R | PMP_W | PMP_X) << 8n);

/** Protects [base, base + size) (size a power of two, base aligned) and opens the rest. Returns 1 if
 *  the hart kept both entries as written (pmpcfg/pmpaddr are WARL: a hart without PMP reads 0). */
export function pmp_setup(base: u64, size: u64): u64 {
  csrw("pmpaddr0", napot_addr(base, size));
  csrw("pmpaddr1", 0xffffffffffffffffn);          // NAPOT over everything (WARL keeps bits 53..0)
  csrw("pmpcfg0", PMPCFG0);
  return (csrr("pmpcfg0") & 0xffffn) == PMPCFG0 && csrr("pmpaddr0") == napot_addr(base, size) ? 1n : 0n;
}
