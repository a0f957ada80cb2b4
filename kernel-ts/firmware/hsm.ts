// HSM (SBI spec 9) for N harts, as OpenSBI's sbi_hsm.c: each hart's state in its scratch, changed
// with cmpxchg64 where two harts may race (two hart_start calls for one hart; hart_start against the
// hart's own hart_stop). A STOPPED hart waits in M-mode on its own stack (sbi_hsm_hart_wait) with
// only its msip enabled and interrupts off, so WFI wakes it without a trap; hart_start publishes the
// start address and argument behind start_ready and raises the hart's msip.

import { type u64, csrr, csrw, csrs, csrc, wfi, fence, fence_i, sfence_vma, store64, addr_of, offsetof, amoswap64, cmpxchg64 } from '../runtime/intrinsics.js';
import { SBI_SUCCESS, SBI_ERR_FAILED, SBI_ERR_NOT_SUPPORTED, SBI_ERR_INVALID_PARAM, SBI_ERR_INVALID_ADDRESS, SBI_ERR_ALREADY_AVAILABLE } from './sbi_error.js';
import {
  sbi_scratch, sbi_scratch_of, SBI_HARTS_MAX, sbi_hart_present, sbi_exec_addr_ok, clint_send_ipi, clint_clear_ipi, clint_mtimecmp,
  SBI_HSM_STATE_STARTED, SBI_HSM_STATE_STOPPED, SBI_HSM_STATE_START_PENDING, SBI_HSM_STATE_STOP_PENDING,
  SBI_HSM_STATE_SUSPENDED, SBI_HSM_STATE_RESUME_PENDING,
} from './scratch.js';
import { sbi_ipi_take } from './ipi.js';
import { enter_supervisor } from './entry.js';
import { MIP_SSIP, MIP_MSIP, MIP_STIP, MIP_MTIP, MIP_SEIP, MSTATUS_SIE, MSTATUS_MPIE, MSTATUS_MPP_MASK, MSTATUS_MPP_S } from './csr_bits.js';

// hart_suspend's suspend_type (SBI spec 9.4, table "HSM Hart Suspend Types").
export const SBI_HSM_SUSPEND_RET_DEFAULT = 0x0n;
export const SBI_HSM_SUSPEND_NON_RET_DEFAULT = 0x80000000n;
const SBI_HSM_SUSPEND_RET_PLATFORM = 0x10000000n;          // ..0x7fffffff
const SBI_HSM_SUSPEND_NON_RET_PLATFORM = 0x90000000n;      // ..0xffffffff


function hsm_state_addr(hartid: u64): u64 { return addr_of(sbi_scratch_of(hartid)) + offsetof(sbi_scratch, 'hsm_state'); }

/** Cold boot, on the boot hart, before S-mode can name another hart: the boot hart STARTED, every
 *  other hart STOPPED (whether or not it has reached its wait loop yet: a start waits for it there). */
export function sbi_hsm_init(boot_hartid: u64): void {
  for (let h = 0n; h < SBI_HARTS_MAX; h++) {
    store64(hsm_state_addr(h), h == boot_hartid ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED);
  }
}

/**
 * S-mode at `addr` with a0 = hartid, a1 = arg1, satp = 0 and sstatus.SIE = 0, as hart_start and a
 * non-retentive resume promise (SBI spec 9.1, 9.4). The TLB and the instruction fetch are fenced:
 * whatever this hart ran before, and whatever other harts wrote while it waited, is seen afresh.
 */
export function sbi_hsm_enter_smode(hartid: u64, addr: u64, arg1: u64): void {
  csrw("satp", 0n);
  sfence_vma();
  fence_i();
  csrw("mepc", addr);
  csrc("mstatus", MSTATUS_MPP_MASK | MSTATUS_MPIE | MSTATUS_SIE);
  csrs("mstatus", MSTATUS_MPP_S);
  enter_supervisor(hartid, arg1);
}

/**
 * A STOPPED hart's wait (OpenSBI's sbi_hsm_hart_wait), on its own M-mode stack, until hart_start; then
 * S-mode at the start address. Never returns. Fence requests are done even here: a sender may have
 * chosen this hart just before it stopped, and waits for the acknowledgement.
 */
export function sbi_hsm_hart_wait(hartid: u64): void {
  const s = sbi_scratch_of(hartid);
  csrs("mie", MIP_MSIP);
  while (true) {
    clint_clear_ipi(hartid);           // lowered before looking: a later start raises it again
    sbi_ipi_take(hartid, 0n);
    if (s.start_ready != 0n) break;
    wfi();
  }
  fence();                             // start_ready seen: next_addr/next_arg1 are the starter's
  const addr = s.next_addr;
  const arg1 = s.next_arg1;
  s.start_ready = 0n;
  cmpxchg64(hsm_state_addr(hartid), SBI_HSM_STATE_START_PENDING, SBI_HSM_STATE_STARTED);
  sbi_hsm_enter_smode(hartid, addr, arg1);
}

/** HSM.hart_start: STOPPED → START_PENDING, the address and opaque published, the hart woken. */
export function sbi_hsm_hart_start(hartid: u64, start_addr: u64, opaque: u64): u64 {
  if (sbi_hart_present(hartid) == 0n) return SBI_ERR_INVALID_PARAM;
  if (sbi_exec_addr_ok(start_addr) == 0n) return SBI_ERR_INVALID_ADDRESS;
  const old = cmpxchg64(hsm_state_addr(hartid), SBI_HSM_STATE_STOPPED, SBI_HSM_STATE_START_PENDING);
  if (old == SBI_HSM_STATE_STARTED) return SBI_ERR_ALREADY_AVAILABLE;
  // Any other state is a hart on its way somewhere (OpenSBI answers SBI_EINVAL too).
  if (old != SBI_HSM_STATE_STOPPED) return SBI_ERR_INVALID_PARAM;
  const s = sbi_scratch_of(hartid);
  s.next_addr = start_addr;
  s.next_arg1 = opaque;
  amoswap64(addr_of(s) + offsetof(sbi_scratch, 'start_ready'), 1n);   // after the two stores (aqrl)
  clint_send_ipi(hartid);
  return SBI_SUCCESS;
}

/**
 * HSM.hart_stop: the calling hart leaves S-mode for good (STARTED → STOP_PENDING → STOPPED) and waits
 * to be started again. Its S-mode interrupts are quiesced first — sie cleared, SSIP dropped, both
 * timers far away — so a later start begins with nothing pending. Returns only on failure.
 */
export function sbi_hsm_hart_stop(have_sstc: u64): u64 {
  const hartid = csrr("mhartid");
  if (cmpxchg64(hsm_state_addr(hartid), SBI_HSM_STATE_STARTED, SBI_HSM_STATE_STOP_PENDING) != SBI_HSM_STATE_STARTED) return SBI_ERR_FAILED;
  csrc("mie", MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MTIP);
  csrc("mip", MIP_SSIP);
  if (have_sstc != 0n) csrw("stimecmp", 0xffffffffffffffffn);
  else csrc("mip", MIP_STIP);
  store64(clint_mtimecmp(hartid), 0xffffffffffffffffn);
  amoswap64(hsm_state_addr(hartid), SBI_HSM_STATE_STOPPED);
  sbi_hsm_hart_wait(hartid);
  return SBI_ERR_FAILED;               // not reached
}

/** HSM.hart_get_status: [error, state]. */
export function sbi_hsm_hart_get_status(hartid: u64): [u64, u64] {
  if (sbi_hart_present(hartid) == 0n) return [SBI_ERR_INVALID_PARAM, 0n];
  return [SBI_SUCCESS, sbi_scratch_of(hartid).hsm_state];
}

/**
 * Waits, suspended, until an interrupt S-mode enabled in sie is pending, or an M-mode timer (the
 * SBI timer without Sstc, which fw_trap turns into STIP right after the return). IPIs meant for
 * M-mode (fence requests) are done on the way without resuming; an S-mode IPI sets SSIP, which wakes
 * the hart if S-mode enabled it — as WFI itself would.
 */
function sbi_hsm_suspend_wait(hartid: u64): void {
  while (true) {
    if ((csrr("mip") & csrr("mie") & (MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MTIP)) != 0n) return;
    wfi();
    if ((csrr("mip") & MIP_MSIP) != 0n) {
      clint_clear_ipi(hartid);
      sbi_ipi_take(hartid, 1n);
    }
  }
}

/**
 * HSM.hart_suspend. The default retentive suspend (0) waits in M-mode and returns SBI_SUCCESS to the
 * caller with its state intact; the default non-retentive one (0x80000000) waits the same way and
 * then enters S-mode at resume_addr with a0 = hartid, a1 = opaque, satp = 0, SIE = 0. Platform-specific
 * types are valid but this board has none (SBI_ERR_NOT_SUPPORTED); reserved ones are invalid.
 */
export function sbi_hsm_hart_suspend(suspend_type: u64, resume_addr: u64, opaque: u64): u64 {
  const non_ret = suspend_type == SBI_HSM_SUSPEND_NON_RET_DEFAULT;
  if (suspend_type != SBI_HSM_SUSPEND_RET_DEFAULT && !non_ret) {
    if (suspend_type > 0xffffffffn) return SBI_ERR_INVALID_PARAM;            // suspend_type is 32-bit
    if ((suspend_type >= SBI_HSM_SUSPEND_RET_PLATFORM && suspend_type < SBI_HSM_SUSPEND_NON_RET_DEFAULT)
      || suspend_type >= SBI_HSM_SUSPEND_NON_RET_PLATFORM) return SBI_ERR_NOT_SUPPORTED;
    return SBI_ERR_INVALID_PARAM;
  }
  if (non_ret && sbi_exec_addr_ok(resume_addr) == 0n) return SBI_ERR_INVALID_ADDRESS;
  const hartid = csrr("mhartid");
  if (cmpxchg64(hsm_state_addr(hartid), SBI_HSM_STATE_STARTED, SBI_HSM_STATE_SUSPENDED) != SBI_HSM_STATE_STARTED) return SBI_ERR_FAILED;
  sbi_hsm_suspend_wait(hartid);
  if (!non_ret) {
    amoswap64(hsm_state_addr(hartid), SBI_HSM_STATE_STARTED);
    return SBI_SUCCESS;
  }
  amoswap64(hsm_state_addr(hartid), SBI_HSM_STATE_RESUME_PENDING);
  amoswap64(hsm_state_addr(hartid), SBI_HSM_STATE_STARTED);
  sbi_hsm_enter_smode(hartid, resume_addr, opaque);
  return SBI_ERR_FAILED;               // not reached
}
