// The SBI v2.0 implementation, M-mode, called from fw_trap on an ecall from S-mode with a7 = EID,
// a6 = FID, a0..a5 = arguments; the result goes back in a0 (error) and a1 (value). Any hart may call;
// the ones that concern other harts live in hsm.ts (HSM) and ipi.ts (IPI, RFENCE).
// Extensions: BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy set_timer/putchar/getchar/shutdown.

import { type u64, load8, store8, store32, store64, wfi, csrr, csrw, csrs, csrc, struct_at } from '../runtime/intrinsics.js';
import { pt_regs } from '../lib/ptrace.js';
import { uart_putc, uart_getc } from './uart.js';
import { SBI_SUCCESS, SBI_ERR_FAILED, SBI_ERR_NOT_SUPPORTED, SBI_ERR_INVALID_PARAM } from './sbi_error.js';
import { sbi_set_memory, sbi_range_ok, clint_mtimecmp } from './scratch.js';
import { sbi_ipi_send_smode, sbi_remote_fence } from './ipi.js';
import { sbi_hsm_hart_start, sbi_hsm_hart_stop, sbi_hsm_hart_get_status, sbi_hsm_hart_suspend } from './hsm.js';
import { MIP_STIP, MIE_MTIE } from './csr_bits.js';

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

const SYSCON = 0x100000n;
const SYSCON_PASS = 0x5555n;
const SYSCON_RESET = 0x7777n;
const SYSCON_FAIL = 0x3333n;


// HSM function IDs (SBI spec 9).
const SBI_EXT_HSM_HART_START = 0n;
const SBI_EXT_HSM_HART_STOP = 1n;
const SBI_EXT_HSM_HART_GET_STATUS = 2n;
const SBI_EXT_HSM_HART_SUSPEND = 3n;

/** Whether the harts have Sstc (menvcfg.STCE stuck): set in cold boot, read by every hart. */
let have_sstc: u64 = 0n;

/** Cold boot: RAM and the firmware's region (what S-mode may name), and whether the harts have Sstc. */
export function sbi_init(ram_lo: u64, ram_hi: u64, fw_lo: u64, fw_hi: u64, sstc: u64): void {
  sbi_set_memory(ram_lo, ram_hi, fw_lo, fw_hi);
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

// Each handler returns [error, value]: several harts may be in calls at once, so nothing of a call
// is kept in a global.

function base(fid: u64, a0: u64): [u64, u64] {
  if (fid == 0n) return [SBI_SUCCESS, SBI_SPEC_VERSION];
  if (fid == 1n) return [SBI_SUCCESS, SBI_IMPL_ID];
  if (fid == 2n) return [SBI_SUCCESS, SBI_IMPL_VERSION];
  if (fid == 3n) return [SBI_SUCCESS, probe(a0)];
  if (fid == 4n) return [SBI_SUCCESS, csrr("mvendorid")];
  if (fid == 5n) return [SBI_SUCCESS, csrr("marchid")];
  if (fid == 6n) return [SBI_SUCCESS, csrr("mimpid")];
  return [SBI_ERR_NOT_SUPPORTED, 0n];
}

/** TIME.set_timer: stimecmp when Sstc is on (menvcfg.STCE), else this hart's mtimecmp with STIP
 *  forwarded by fw_trap. */
export function set_timer(when: u64): void {
  if (have_sstc != 0n) {
    csrw("stimecmp", when);
    return;
  }
  store64(clint_mtimecmp(csrr("mhartid")), when);
  csrc("mip", MIP_STIP);
  csrs("mie", MIE_MTIE);
}

/** The machine timer fired (no Sstc): hand it to S-mode as STIP and stop listening until the next set_timer. */
export function timer_interrupt(): void {
  csrc("mie", MIE_MTIE);
  csrs("mip", MIP_STIP);
}

function rfence(fid: u64, mask: u64, mask_base: u64, start: u64, size: u64, asid: u64): u64 {
  if (fid > 2n) return SBI_ERR_NOT_SUPPORTED;        // the HFENCE calls: no H extension
  return sbi_remote_fence(fid, mask, mask_base, start, size, asid);
}

function hsm(fid: u64, a0: u64, a1: u64, a2: u64): [u64, u64] {
  if (fid == SBI_EXT_HSM_HART_START) return [sbi_hsm_hart_start(a0, a1, a2), 0n];
  if (fid == SBI_EXT_HSM_HART_STOP) return [sbi_hsm_hart_stop(have_sstc), 0n];
  if (fid == SBI_EXT_HSM_HART_GET_STATUS) return sbi_hsm_hart_get_status(a0);
  if (fid == SBI_EXT_HSM_HART_SUSPEND) return [sbi_hsm_hart_suspend(a0, a1, a2), 0n];
  return [SBI_ERR_NOT_SUPPORTED, 0n];
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

/** Whether S-mode may name [lo, lo + n) with base_hi = hi: inside RAM and outside the firmware. */
function buffer_ok(lo: u64, hi: u64, n: u64): u64 {
  if (hi != 0n) return 0n;
  return sbi_range_ok(lo, n);
}

function dbcn(fid: u64, a0: u64, a1: u64, a2: u64): [u64, u64] {
  if (fid == 0n) {                     // console_write(num_bytes, base_lo, base_hi)
    if (buffer_ok(a1, a2, a0) == 0n) return [SBI_ERR_INVALID_PARAM, 0n];
    let i = 0n;
    while (i < a0) { uart_putc(load8(a1 + i)); i = i + 1n; }
    return [SBI_SUCCESS, a0];
  }
  if (fid == 1n) {                     // console_read(num_bytes, base_lo, base_hi)
    if (buffer_ok(a1, a2, a0) == 0n) return [SBI_ERR_INVALID_PARAM, 0n];
    let n = 0n;
    while (n < a0) {
      const c = uart_getc();
      if (c == 0xffffffffffffffffn) break;
      store8(a1 + n, c);
      n = n + 1n;
    }
    return [SBI_SUCCESS, n];
  }
  if (fid == 2n) { uart_putc(a0 & 0xffn); return [SBI_SUCCESS, 0n]; }   // console_write_byte
  return [SBI_ERR_NOT_SUPPORTED, 0n];
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
  // Legacy extensions return only a0.
  if (eid == SBI_LEGACY_PUTCHAR) { uart_putc(a0 & 0xffn); regs.a0 = 0n; return; }
  if (eid == SBI_LEGACY_GETCHAR) { regs.a0 = uart_getc(); return; }
  if (eid == SBI_LEGACY_SET_TIMER) { set_timer(a0); regs.a0 = 0n; return; }
  if (eid == SBI_LEGACY_SHUTDOWN) { system_off(0n); return; }
  let err = SBI_ERR_NOT_SUPPORTED;
  let value = 0n;
  if (eid == SBI_EXT_BASE) { const [e, v] = base(fid, a0); err = e; value = v; }
  else if (eid == SBI_EXT_TIME) {
    if (fid == 0n) { set_timer(a0); err = SBI_SUCCESS; }
  } else if (eid == SBI_EXT_IPI) {
    if (fid == 0n) err = sbi_ipi_send_smode(a0, a1);
  } else if (eid == SBI_EXT_RFENCE) err = rfence(fid, a0, a1, a2, a3, a4);
  else if (eid == SBI_EXT_HSM) { const [e, v] = hsm(fid, a0, a1, a2); err = e; value = v; }
  else if (eid == SBI_EXT_SRST) err = srst(fid, a0, a1);
  else if (eid == SBI_EXT_DBCN) { const [e, v] = dbcn(fid, a0, a1, a2); err = e; value = v; }
  regs.a0 = err;
  regs.a1 = value;
}
