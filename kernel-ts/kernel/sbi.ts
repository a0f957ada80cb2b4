// SBI calls from S-mode (SBI v2.0: a7 = EID, a6 = FID, a0.. = arguments; a0 = error, a1 = value).

import { type u64, ecall, ecall_value } from '../runtime/intrinsics.js';

export const SBI_EXT_BASE = 0x10n;
export const SBI_EXT_TIME = 0x54494d45n;
export const SBI_EXT_IPI = 0x735049n;
export const SBI_EXT_RFENCE = 0x52464e43n;
export const SBI_EXT_HSM = 0x48534dn;
export const SBI_EXT_SRST = 0x53525354n;
export const SBI_EXT_DBCN = 0x4442434en;
export const SBI_LEGACY_PUTCHAR = 0x1n;

export const SBI_SUCCESS = 0n;
export const SBI_ERR_NOT_SUPPORTED = 0xfffffffffffffffen;

export const SRST_SHUTDOWN = 0n;
export const SRST_REASON_NONE = 0n;
export const SRST_REASON_FAILURE = 1n;

let last_value: u64 = 0n;
/** a1 of the last call made through this module. */
export function sbi_value(): u64 { return last_value; }

function call(eid: u64, fid: u64, a0: u64, a1: u64, a2: u64, a3: u64): u64 {
  const err = ecall(eid, fid, a0, a1, a2, a3);
  last_value = ecall_value();
  return err;
}

export function sbi_spec_version(): u64 { call(SBI_EXT_BASE, 0n, 0n, 0n, 0n, 0n); return last_value; }
export function sbi_impl_id(): u64 { call(SBI_EXT_BASE, 1n, 0n, 0n, 0n, 0n); return last_value; }
export function sbi_impl_version(): u64 { call(SBI_EXT_BASE, 2n, 0n, 0n, 0n, 0n); return last_value; }
/** 0 when the extension is absent. */
export function sbi_probe(eid: u64): u64 { call(SBI_EXT_BASE, 3n, eid, 0n, 0n, 0n); return last_value; }
/** Returns the SBI error of an unknown call (to show SBI_ERR_NOT_SUPPORTED). */
export function sbi_raw(eid: u64, fid: u64): u64 { return call(eid, fid, 0n, 0n, 0n, 0n); }

export function sbi_set_timer(when: u64): u64 { return call(SBI_EXT_TIME, 0n, when, 0n, 0n, 0n); }
export function sbi_send_ipi(mask: u64, mask_base: u64): u64 { return call(SBI_EXT_IPI, 0n, mask, mask_base, 0n, 0n); }
export function sbi_remote_sfence_vma_asid(mask: u64, mask_base: u64, start: u64, size: u64, asid: u64): u64 {
  const err = ecall(SBI_EXT_RFENCE, 2n, mask, mask_base, start, size, asid);
  last_value = ecall_value();
  return err;
}
export function sbi_remote_fence_i(mask: u64, mask_base: u64): u64 { return call(SBI_EXT_RFENCE, 0n, mask, mask_base, 0n, 0n); }
export function sbi_remote_sfence_vma(mask: u64, mask_base: u64, start: u64, size: u64): u64 { return call(SBI_EXT_RFENCE, 1n, mask, mask_base, start, size); }
export function sbi_hart_get_status(hartid: u64): u64 { call(SBI_EXT_HSM, 2n, hartid, 0n, 0n, 0n); return last_value; }
/** HSM hart_start: the hart enters S-mode at start_addr with a0 = hartid, a1 = opaque, satp = 0. */
export function sbi_hart_start(hartid: u64, start_addr: u64, opaque: u64): u64 { return call(SBI_EXT_HSM, 0n, hartid, start_addr, opaque, 0n); }
/** HSM hart_stop: returns only on failure. */
export function sbi_hart_stop(): u64 { return call(SBI_EXT_HSM, 1n, 0n, 0n, 0n, 0n); }
/** HSM hart_suspend: suspend_type 0 returns here once an enabled interrupt is pending; 0x80000000 resumes at resume_addr. */
export function sbi_hart_suspend(suspend_type: u64, resume_addr: u64, opaque: u64): u64 { return call(SBI_EXT_HSM, 3n, suspend_type, resume_addr, opaque, 0n); }
export function sbi_system_reset(reset_type: u64, reason: u64): u64 { return call(SBI_EXT_SRST, 0n, reset_type, reason, 0n, 0n); }

/** DBCN console_write: n bytes at physical address pa; returns the SBI error. */
export function sbi_debug_console_write(n: u64, pa: u64): u64 { return call(SBI_EXT_DBCN, 0n, n, pa, 0n, 0n); }
export function sbi_console_putchar(c: u64): void { call(SBI_LEGACY_PUTCHAR, 0n, c, 0n, 0n, 0n); }
