// IPI and RFENCE for N harts (SBI spec 7 and 8), as OpenSBI's sbi_ipi.c and sbi_tlb.c do them: a
// sender sets an event bit in the target's scratch (amoor64) and raises the target's CLINT msip; the
// target's M-mode software-interrupt handler lowers its msip, takes all its event bits at once
// (amoswap64) and acts: SBI_IPI_EVENT_SOFT sets its mip.SSIP (S-mode's IPI), SBI_IPI_EVENT_FENCE
// does the fence in its request slot and acknowledges it. A remote fence is synchronous: the caller
// waits until every target has acknowledged.
//
// The request slot is one per target (tlb_lock/tlb_* in sbi_scratch), held by its sender until the
// target has read it. Two harts may each wait on the other (A fences B while B fences A, both in
// M-mode with interrupts off): so every wait loop here also does the waiting hart's own pending
// request (sbi_tlb_poll), as OpenSBI's tlb_sync does, and nobody deadlocks.

import { type u64, csrr, csrs, sfence_vma, fence_i, wrap, addr_of, offsetof, amoswap64, amoadd64, amoor64 } from '../runtime/intrinsics.js';
import { SBI_SUCCESS, SBI_ERR_INVALID_PARAM } from './sbi_error.js';
import {
  sbi_scratch, sbi_scratch_of, SBI_HARTS_MAX, sbi_hart_present_mask, clint_send_ipi, clint_clear_ipi,
  SBI_IPI_EVENT_SOFT, SBI_IPI_EVENT_FENCE, SBI_HSM_STATE_STOPPED, SBI_HSM_STATE_START_PENDING,
} from './scratch.js';
import { MIP_SSIP } from './csr_bits.js';

const ALL_ONES = 0xffffffffffffffffn;

/** A range fence above this many bytes flushes the whole address space instead (64 pages). */
export const SBI_TLB_RANGE_FLUSH_LIMIT = 0x40000n;

// RFENCE function IDs (SBI spec 8).
export const SBI_EXT_RFENCE_REMOTE_FENCE_I = 0n;
export const SBI_EXT_RFENCE_REMOTE_SFENCE_VMA = 1n;
export const SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID = 2n;

/**
 * The harts named by (hart_mask, hart_mask_base) (SBI spec 3.1): bit h of the result for hart h.
 * hart_mask_base = -1 names every hart. [1, mask], or [0, 0] when a named hart does not exist (the
 * caller answers SBI_ERR_INVALID_PARAM, as the spec asks).
 */
export function sbi_hartmask_targets(hart_mask: u64, hart_mask_base: u64): [u64, u64] {
  if (hart_mask_base == ALL_ONES) return [1n, sbi_hart_present_mask()];
  if (hart_mask == 0n) return [1n, 0n];
  if (hart_mask_base >= SBI_HARTS_MAX) return [0n, 0n];
  const targets = wrap(hart_mask << hart_mask_base);
  if (targets >> hart_mask_base != hart_mask) return [0n, 0n];          // a bit beyond hart 63
  if ((targets & wrap(~sbi_hart_present_mask())) != 0n) return [0n, 0n];
  return [1n, targets];
}

function ipi_type_addr(hartid: u64): u64 { return addr_of(sbi_scratch_of(hartid)) + offsetof(sbi_scratch, 'ipi_type'); }

/** Whether hart `hartid` takes IPIs now: a STOPPED or START_PENDING hart does not (OpenSBI's
 *  interruptible mask); its start fences everything and enters S-mode with no interrupt pending. */
function hart_interruptible(hartid: u64): u64 {
  const state = sbi_scratch_of(hartid).hsm_state;
  return state != SBI_HSM_STATE_STOPPED && state != SBI_HSM_STATE_START_PENDING ? 1n : 0n;
}

/** Posts `event` to hart `hartid` and raises its msip (the amoor64 orders what the sender wrote before). */
function sbi_ipi_send(hartid: u64, event: u64): void {
  amoor64(ipi_type_addr(hartid), event);
  clint_send_ipi(hartid);
}

/**
 * Takes the events posted to this hart and acts on them; SBI_IPI_EVENT_SOFT becomes mip.SSIP only
 * when `deliver_soft` (a stopped hart drops it: it has no S-mode to interrupt).
 */
export function sbi_ipi_take(hartid: u64, deliver_soft: u64): void {
  const events = amoswap64(ipi_type_addr(hartid), 0n);
  if ((events & SBI_IPI_EVENT_SOFT) != 0n && deliver_soft != 0n) csrs("mip", MIP_SSIP);
  if ((events & SBI_IPI_EVENT_FENCE) != 0n) sbi_tlb_process(hartid);
}

/** The M-mode software interrupt: msip lowered first, so an event posted after the swap raises it again. */
export function sbi_ipi_process(hartid: u64): void {
  clint_clear_ipi(hartid);
  sbi_ipi_take(hartid, 1n);
}

/** IPI.send_ipi: mip.SSIP on each named hart that is started or suspended; the calling hart sets its own
 *  directly (OpenSBI sends itself an msip too; the effect on return to S-mode is the same). */
export function sbi_ipi_send_smode(hart_mask: u64, hart_mask_base: u64): u64 {
  const [ok, targets] = sbi_hartmask_targets(hart_mask, hart_mask_base);
  if (ok == 0n) return SBI_ERR_INVALID_PARAM;
  const self = csrr("mhartid");
  for (let h = 0n; h < SBI_HARTS_MAX; h++) {
    if (((targets >> h) & 1n) == 0n) continue;
    if (h == self) csrs("mip", MIP_SSIP);
    else if (hart_interruptible(h) != 0n) sbi_ipi_send(h, SBI_IPI_EVENT_SOFT);
  }
  return SBI_SUCCESS;
}

/** The fence itself, on the calling hart: fence.i, or sfence.vma over [start, start + size) page by
 *  page — everything when start = size = 0, size = -1 (SBI spec 8) or the range is large. */
export function sbi_tlb_local(fid: u64, start: u64, size: u64, asid: u64): void {
  if (fid == SBI_EXT_RFENCE_REMOTE_FENCE_I) { fence_i(); return; }
  const end = wrap(start + size);
  // A range past the top of the address space (end wraps) is flushed whole, as a large one.
  const all = (start == 0n && size == 0n) || size == ALL_ONES || size > SBI_TLB_RANGE_FLUSH_LIMIT || end < start;
  if (all) {
    if (fid == SBI_EXT_RFENCE_REMOTE_SFENCE_VMA) sfence_vma(); else sfence_vma(0n, asid);
    return;
  }
  let va = start & 0xfffffffffffff000n;
  while (va < end) {
    if (fid == SBI_EXT_RFENCE_REMOTE_SFENCE_VMA) sfence_vma(va); else sfence_vma(va, asid);
    const next = wrap(va + 0x1000n);
    if (next < va) break;              // the last page of the address space
    va = next;
  }
}

/** Does the request in this hart's slot: reads it, frees the slot, fences, then acknowledges to the
 *  requester (the ack comes after the fence: the requester may rely on it as soon as it sees it). */
function sbi_tlb_process(hartid: u64): void {
  const s = sbi_scratch_of(hartid);
  const fid = s.tlb_fid;
  const start = s.tlb_start;
  const size = s.tlb_size;
  const asid = s.tlb_asid;
  const src = s.tlb_src;
  amoswap64(addr_of(s) + offsetof(sbi_scratch, 'tlb_lock'), 0n);
  sbi_tlb_local(fid, start, size, asid);
  amoadd64(addr_of(sbi_scratch_of(src)) + offsetof(sbi_scratch, 'tlb_sync'), 1n);
}

/** While this hart waits for another: a fence request waiting for it is done now (no deadlock). */
function sbi_tlb_poll(self: u64): void {
  if ((sbi_scratch_of(self).ipi_type & SBI_IPI_EVENT_FENCE) != 0n) sbi_ipi_take(self, 1n);
}

/**
 * RFENCE remote_fence_i / remote_sfence_vma / remote_sfence_vma_asid: each named hart that is started
 * or suspended does the fence through an M-mode IPI, the caller its own directly; returns once every
 * target has acknowledged.
 */
export function sbi_remote_fence(fid: u64, hart_mask: u64, hart_mask_base: u64, start: u64, size: u64, asid: u64): u64 {
  const [ok, targets] = sbi_hartmask_targets(hart_mask, hart_mask_base);
  if (ok == 0n) return SBI_ERR_INVALID_PARAM;
  const self = csrr("mhartid");
  const me = sbi_scratch_of(self);
  // No request of ours is outstanding (the last call waited for all its acks): nobody adds to it now.
  me.tlb_sync = 0n;
  let sent = 0n;
  for (let h = 0n; h < SBI_HARTS_MAX; h++) {
    if (((targets >> h) & 1n) == 0n || h == self || hart_interruptible(h) == 0n) continue;
    const t = sbi_scratch_of(h);
    // Another sender's request may still sit in h's slot: do our own meanwhile, h may be waiting on us.
    while (amoswap64(addr_of(t) + offsetof(sbi_scratch, 'tlb_lock'), 1n) != 0n) sbi_tlb_poll(self);
    t.tlb_fid = fid;
    t.tlb_start = start;
    t.tlb_size = size;
    t.tlb_asid = asid;
    t.tlb_src = self;
    sbi_ipi_send(h, SBI_IPI_EVENT_FENCE);
    sent = sent + 1n;
  }
  if (((targets >> self) & 1n) != 0n) sbi_tlb_local(fid, start, size, asid);
  while (me.tlb_sync < sent) sbi_tlb_poll(self);
  return SBI_SUCCESS;
}
