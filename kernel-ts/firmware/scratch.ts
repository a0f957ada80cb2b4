// Per-hart firmware state, as OpenSBI keeps it in each hart's struct sbi_scratch: the M-mode stack,
// the HSM state, the start/resume arguments, the IPI events waiting for the hart, and its remote-fence
// request slot. Also which harts exist (the device tree's cpu nodes), the platform's memory bounds and
// the CLINT's per-hart registers (ACLINT layout: msip at 0x2000000 + 4 × hart, mtimecmp at
// 0x2004000 + 8 × hart). Several harts read and write these at once, interleaved instruction by
// instruction: a field another hart writes is only changed with an atomic or published behind one.

import { u64, store32, struct_at, staticBuffer, sizeof, wrap } from '../runtime/intrinsics.js';
import { fdt_cpu_mask } from '../kernel/fdt.js';

/** The most harts the firmware keeps stacks and scratch for (the board has 1..8). A hart with a larger
 *  mhartid parks forever in entry.ts; the device tree says which of these exist. */
export const SBI_HARTS_MAX = 8n;
/** Each hart's M-mode stack: boot (the boot hart's fw_main), the stopped hart's wait, every trap. */
export const HART_STACK_SIZE = 8192n;
export const hart_stacks = staticBuffer(SBI_HARTS_MAX * HART_STACK_SIZE, 16n);

/** The boot hart: it runs fw_main's cold boot and enters the kernel; the others wait, STOPPED. */
export const FW_BOOT_HARTID = 0n;

// HSM states (SBI spec 9, table "HSM Hart States").
export const SBI_HSM_STATE_STARTED = 0n;
export const SBI_HSM_STATE_STOPPED = 1n;
export const SBI_HSM_STATE_START_PENDING = 2n;
export const SBI_HSM_STATE_STOP_PENDING = 3n;
export const SBI_HSM_STATE_SUSPENDED = 4n;
export const SBI_HSM_STATE_SUSPEND_PENDING = 5n;
export const SBI_HSM_STATE_RESUME_PENDING = 6n;

// IPI events, bits of sbi_scratch.ipi_type (OpenSBI's SBI_IPI_EVENT_*).
/** S-mode's IPI: the target sets its mip.SSIP. */
export const SBI_IPI_EVENT_SOFT = 1n;
/** A remote fence: the target does the request in its tlb_* slot, then acknowledges. */
export const SBI_IPI_EVENT_FENCE = 2n;

export class sbi_scratch {
  /** SBI_HSM_STATE_*; changed by cmpxchg64 where two harts may race (hart_start against hart_stop...). */
  hsm_state = u64;
  /** hart_start's handshake: 1 once next_addr/next_arg1 are written (the waiting hart then reads them). */
  start_ready = u64;
  /** Where the hart enters S-mode when started (or resumed from a non-retentive suspend), and its a1. */
  next_addr = u64;
  next_arg1 = u64;
  /** SBI_IPI_EVENT_* bits set by senders (amoor64), taken all at once by the hart (amoswap64). */
  ipi_type = u64;
  /** 1 while a sender owns the request slot below (taken by amoswap64, released by the target). */
  tlb_lock = u64;
  /** The request: RFENCE function ID (0 fence.i, 1 sfence.vma, 2 sfence.vma with ASID) and its range. */
  tlb_fid = u64;
  tlb_start = u64;
  tlb_size = u64;
  tlb_asid = u64;
  /** The requesting hart, whose tlb_sync the target increments when done. */
  tlb_src = u64;
  /** How many targets have done this hart's current request (OpenSBI's tlb_sync). */
  tlb_sync = u64;
  /** Pad to 128 bytes: one hart's polling does not share a line with the next hart's fields. */
  pad0 = u64; pad1 = u64; pad2 = u64; pad3 = u64;
}

const scratch_area = staticBuffer(SBI_HARTS_MAX * sizeof(sbi_scratch), 64n);

/** The scratch of hart `hartid` (< SBI_HARTS_MAX). */
export function sbi_scratch_of(hartid: u64): sbi_scratch {
  return struct_at(sbi_scratch, scratch_area + hartid * sizeof(sbi_scratch));
}

// ---- which harts exist ---------------------------------------------------------------------------

/** Bit h set when hart h exists (a cpu node of the device tree) and has a stack (h < SBI_HARTS_MAX). */
let hart_present_mask: u64 = 1n;

export function sbi_hart_present_mask(): u64 { return hart_present_mask; }
export function sbi_hart_present(hartid: u64): u64 {
  if (hartid >= SBI_HARTS_MAX) return 0n;
  return (hart_present_mask >> hartid) & 1n;
}
/** Set by the boot hart in cold boot, before any other hart can be named in an SBI call. */
export function sbi_set_hart_present_mask(mask: u64): void { hart_present_mask = mask; }
export function sbi_hart_count(): u64 {
  let n = 0n;
  for (let h = 0n; h < SBI_HARTS_MAX; h++) n = n + ((hart_present_mask >> h) & 1n);
  return n;
}

/** The harts the device tree describes (kernel/fdt.ts's reader), at most SBI_HARTS_MAX of them. */
export function fdt_hart_mask(fdt: u64): u64 { return fdt_cpu_mask(fdt, SBI_HARTS_MAX); }

// ---- the platform's memory -----------------------------------------------------------------------

/** Where S-mode may hand us buffers or start a hart: RAM outside the firmware's PMP region. */
let ram_start: u64 = 0x80000000n;
let ram_end: u64 = 0x88000000n;
let fw_start: u64 = 0x80000000n;
let fw_end: u64 = 0x80000000n;

export function sbi_set_memory(ram_lo: u64, ram_hi: u64, fw_lo: u64, fw_hi: u64): void {
  ram_start = ram_lo;
  ram_end = ram_hi;
  fw_start = fw_lo;
  fw_end = fw_hi;
}

/** Whether S-mode may name [lo, lo + n): inside RAM and outside the firmware. */
export function sbi_range_ok(lo: u64, n: u64): u64 {
  const end = wrap(lo + n);
  if (end < lo || lo < ram_start || end > ram_end) return 0n;
  if (lo < fw_end && fw_start < end) return 0n;
  return 1n;
}

/** Whether S-mode may execute at addr (hart_start, hart_suspend's resume_addr): RAM that PMP leaves to
 *  S-mode (OpenSBI checks the root domain's execute permission, which excludes only the firmware). */
export function sbi_exec_addr_ok(addr: u64): u64 { return sbi_range_ok(addr, 4n); }

// ---- the CLINT (ACLINT MSWI and MTIMER, QEMU virt) ------------------------------------------------

const CLINT_MSIP = 0x2000000n;
const CLINT_MTIMECMP = 0x2004000n;

/** Raises hart `hartid`'s machine software interrupt (mip.MSIP). */
export function clint_send_ipi(hartid: u64): void { store32(CLINT_MSIP + hartid * 4n, 1n); }
/** Lowers it again: the hart that took it does this before reading its ipi_type. */
export function clint_clear_ipi(hartid: u64): void { store32(CLINT_MSIP + hartid * 4n, 0n); }
/** The address of hart `hartid`'s mtimecmp. */
export function clint_mtimecmp(hartid: u64): u64 { return CLINT_MTIMECMP + hartid * 8n; }
