// The SBI v2.0 implementation: one hart, M-mode, called from fw_trap on an ecall from S-mode with
// a7 = EID, a6 = FID, a0..a5 = arguments; the result goes back in a0 (error) and a1 (value).
// Extensions: BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy set_timer/putchar/getchar/shutdown.

import { type u64, load8, store8, store32, load64, store64, wfi, csrr, csrw, csrs, csrc, sfence_vma, fence_i, wrap, struct_at } from '../runtime/intrinsics.js';
import { pt_regs } from '../lib/ptrace.js';
import { uart_putc, uart_getc } from './uart.js';

export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = 0xffffffffffffffffn;             // -1
export const SBI_ERR_NOT_SUPPORTED = 0xfffffffffffffffen;      // -2
export const SBI_ERR_INVALID_PARAM = 0xfffffffffffffffdn;      // -3
export const SBI_ERR_INVALID_ADDRESS = 0xfffffffffffffffbn;    // -5
export const SBI_ERR_ALREADY_AVAILABLE = 0xfffffffffffffffan;  // -6

export const SBI_EXT_BASE = 0x10n;
export const SBI_EXT_TIME = 0x54494d45n;    // "TIME"
export const SBI_EXT_IPI = 0x735049n;       // "sPI"
export const SBI_EXT_RFENCE = 0x52464e43n;  // "RFNC"
export const SBI_EXT_HSM = 0x48534dn;       // "HSM"
export const SBI_EXT_SRST = 0x53525354n;    // "SRST"
export const SBI_EXT_DBCN = 0x4442434en;    // "DBCN"
export const SBI_LEGACY_SET_TIMER = 0x0n;
export const SBI_LEGACY_PUTCHAR = 0x1n;
export const SBI_LEGACY_GETCHAR = 0x2n;
export const SBI_LEGACY_SHUTDOWN = 0x8n;

/** Spec version 2.0: major in bits 30..24. */
export const SBI_SPEC_VERSION = 0x2000000n;
/** Not a registered implementation ID (those are 0..11 today): "RVHT". */
export const SBI_IMPL_ID = 0x52564854n;
export const SBI_IMPL_VERSION = 0x1n;

const CLINT_MTIMECMP = 0x2004000n;
const SYSCON = 0x100000n;
const SYSCON_PASS = 0x5555n;
const SYSCON_RESET = 0x7777n;
const SYSCON_FAIL = 0x3333n;

const MIP_SSIP = 0x2n;
const MIP_STIP = 0x20n;
const MIE_MTIE = 0x80n;

/** Where S-mode may hand us buffers: RAM outside the firmware's PMP region. */
let ram_start: u64 = 0x80000000n;
let ram_end: u64 = 0x88000000n;
let fw_start: u64 = 0x80000000n;
let fw_end: u64 = 0x80000000n;
let have_sstc: u64 = 0n;
/** a1 of the call being handled. */
let ret_value: u64 = 0n;

export function sbi_init(ram_lo: u64, ram_hi: u64, fw_lo: u64, fw_hi: u64, sstc: u64): void {
  ram_start = ram_lo;
  ram_end = ram_hi;
  fw_start = fw_lo;
  fw_end = fw_hi;
  have_sstc = sstc;
}

/** Powers off through the sifive,test syscon: code 0 passes, anything else fails with that code. */
export function system_off(code: u64): void {
  if (code == 0n) store32(SYSCON, SYSCON_PASS);
  else store32(SYSCON, (code << 16n) | SYSCON_FAIL);
  while (true) wfi();                  // the machine has stopped
}

function probe(eid: u64): u64 {
  if (eid == SBI_EXT_BASE || eid == SBI_EXT_TIME || eid == SBI_EXT_IPI || eid == SBI_EXT_RFENCE) return 1n;
  if (eid == SBI_EXT_HSM || eid == SBI_EXT_SRST || eid == SBI_EXT_DBCN) return 1n;
  if (eid == SBI_LEGACY_SET_TIMER || eid == SBI_LEGACY_PUTCHAR || eid == SBI_LEGACY_GETCHAR || eid == SBI_LEGACY_SHUTDOWN) return 1n;
  return 0n;
}

function base(fid: u64, a0: u64): u64 {
  if (fid == 0n) { ret_value = SBI_SPEC_VERSION; return SBI_SUCCESS; }
  if (fid == 1n) { ret_value = SBI_IMPL_ID; return SBI_SUCCESS; }
  if (fid == 2n) { ret_value = SBI_IMPL_VERSION; return SBI_SUCCESS; }
  if (fid == 3n) { ret_value = probe(a0); return SBI_SUCCESS; }
  if (fid == 4n) { ret_value = csrr("mvendorid"); return SBI_SUCCESS; }
  if (fid == 5n) { ret_value = csrr("marchid"); return SBI_SUCCESS; }
  if (fid == 6n) { ret_value = csrr("mimpid"); return SBI_SUCCESS; }
  return SBI_ERR_NOT_SUPPORTED;
}

/** TIME.set_timer: stimecmp when Sstc is on (menvcfg.STCE), else mtimecmp with STIP forwarded by fw_trap. */
export function set_timer(when: u64): void {
  if (have_sstc != 0n) {
    csrw("stimecmp", when);
    return;
  }
  store64(CLINT_MTIMECMP, when);
  csrc("mip", MIP_STIP);
  csrs("mie", MIE_MTIE);
}

/** The machine timer fired (no Sstc): hand it to S-mode as STIP and stop listening until the next set_timer. */
export function timer_interrupt(): void {
  csrc("mie", MIE_MTIE);
  csrs("mip", MIP_STIP);
}

/** Whether hart 0 is selected by (hart_mask, hart_mask_base); base = -1 means every hart. */
function hart0_selected(mask: u64, mask_base: u64): u64 {
  if (mask_base == 0xffffffffffffffffn) return 1n;
  if (mask_base != 0n) return 0n;
  return mask & 1n;
}
/** A mask naming any hart other than 0 is invalid on this one-hart machine. */
function mask_valid(mask: u64, mask_base: u64): u64 {
  if (mask_base == 0xffffffffffffffffn) return 1n;
  if (mask_base != 0n) return mask == 0n ? 1n : 0n;
  return (mask & wrap(~1n)) == 0n ? 1n : 0n;
}

function rfence(fid: u64, mask: u64, mask_base: u64, start: u64, size: u64, asid: u64): u64 {
  if (mask_valid(mask, mask_base) == 0n) return SBI_ERR_INVALID_PARAM;
  if (hart0_selected(mask, mask_base) == 0n) return SBI_SUCCESS;
  if (fid == 0n) { fence_i(); return SBI_SUCCESS; }
  if (fid == 1n || fid == 2n) {
    // A whole-space request (start = size = 0, or size = -1), or a large one, flushes everything.
    const all = (start == 0n && size == 0n) || size == 0xffffffffffffffffn || size > 0x40000n;
    let va = start & 0xfffffffffffff000n;
    const end = wrap(start + size);
    while (true) {
      if (all) {
        if (fid == 1n) sfence_vma(); else sfence_vma(0n, asid);
        break;
      }
      if (va >= end) break;
      if (fid == 1n) sfence_vma(va); else sfence_vma(va, asid);
      va = va + 0x1000n;
    }
    return SBI_SUCCESS;
  }
  return SBI_ERR_NOT_SUPPORTED;        // the HFENCE calls: no H extension
}

function hsm(fid: u64, hartid: u64): u64 {
  if (fid == 0n) return hartid == 0n ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM;   // hart_start
  if (fid == 2n) {                                                                             // hart_get_status
    if (hartid != 0n) return SBI_ERR_INVALID_PARAM;
    ret_value = 0n;                    // STARTED
    return SBI_SUCCESS;
  }
  return SBI_ERR_NOT_SUPPORTED;
}

function srst(fid: u64, reset_type: u64, reason: u64): u64 {
  if (fid != 0n) return SBI_ERR_NOT_SUPPORTED;
  if (reset_type > 2n && reset_type < 0xf0000000n) return SBI_ERR_INVALID_PARAM;
  if (reset_type >= 0xf0000000n) return SBI_ERR_NOT_SUPPORTED;
  if (reason > 1n && reason < 0xe0000000n) return SBI_ERR_INVALID_PARAM;
  if (reset_type != 0n) store32(SYSCON, SYSCON_RESET);   // cold or warm reboot
  // Shutdown: "no reason" passes; "system failure" (or an SBI/vendor reason) fails with code 1.
  system_off(reason == 0n ? 0n : 1n);
  return SBI_ERR_FAILED;
}

/** Whether S-mode may name [lo, lo + n): inside RAM and outside the firmware. */
function buffer_ok(lo: u64, hi: u64, n: u64): u64 {
  if (hi != 0n) return 0n;
  const end = wrap(lo + n);
  if (end < lo || lo < ram_start || end > ram_end) return 0n;
  if (lo < fw_end && fw_start < end) return 0n;
  return 1n;
}

function dbcn(fid: u64, a0: u64, a1: u64, a2: u64): u64 {
  if (fid == 0n) {                     // console_write(num_bytes, base_lo, base_hi)
    if (buffer_ok(a1, a2, a0) == 0n) return SBI_ERR_INVALID_PARAM;
    let i = 0n;
    while (i < a0) { uart_putc(load8(a1 + i)); i = i + 1n; }
    ret_value = a0;
    return SBI_SUCCESS;
  }
  if (fid == 1n) {                     // console_read(num_bytes, base_lo, base_hi)
    if (buffer_ok(a1, a2, a0) == 0n) return SBI_ERR_INVALID_PARAM;
    let n = 0n;
    while (n < a0) {
      const c = uart_getc();
      if (c == 0xffffffffffffffffn) break;
      store8(a1 + n, c);
      n = n + 1n;
    }
    ret_value = n;
    return SBI_SUCCESS;
  }
  if (fid == 2n) { uart_putc(a0 & 0xffn); return SBI_SUCCESS; }   // console_write_byte
  return SBI_ERR_NOT_SUPPORTED;
}

/** Handles the call in the saved registers at `regs_addr` (struct pt_regs); sets a0 and a1 there. */
export function sbi_ecall(regs_addr: u64): void {
  const regs = struct_at(pt_regs, regs_addr);
  const a0 = regs.a0;
  const a1 = regs.a1;
  const a2 = regs.a2;
  const a3 = regs.a3;
  const a4 = regs.a4;
  const fid = regs.a6;
  const eid = regs.a7;
  ret_value = 0n;
  // Legacy extensions return only a0.
  if (eid == SBI_LEGACY_PUTCHAR) { uart_putc(a0 & 0xffn); regs.a0 = 0n; return; }
  if (eid == SBI_LEGACY_GETCHAR) { regs.a0 = uart_getc(); return; }
  if (eid == SBI_LEGACY_SET_TIMER) { set_timer(a0); regs.a0 = 0n; return; }
  if (eid == SBI_LEGACY_SHUTDOWN) { system_off(0n); return; }
  let err = SBI_ERR_NOT_SUPPORTED;
  if (eid == SBI_EXT_BASE) err = base(fid, a0);
  else if (eid == SBI_EXT_TIME) {
    if (fid == 0n) { set_timer(a0); err = SBI_SUCCESS; }
  } else if (eid == SBI_EXT_IPI) {
    if (fid == 0n) {
      if (mask_valid(a0, a1) == 0n) err = SBI_ERR_INVALID_PARAM;
      else {
        if (hart0_selected(a0, a1) != 0n) csrs("mip", MIP_SSIP);
        err = SBI_SUCCESS;
      }
    }
  } else if (eid == SBI_EXT_RFENCE) err = rfence(fid, a0, a1, a2, a3, a4);
  else if (eid == SBI_EXT_HSM) err = hsm(fid, a0);
  else if (eid == SBI_EXT_SRST) err = srst(fid, a0, a1);
  else if (eid == SBI_EXT_DBCN) err = dbcn(fid, a0, a1, a2);
  regs.a0 = err;
  regs.a1 = ret_value;
}
