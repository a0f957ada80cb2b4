// The M-mode firmware (DESIGN §6). Every hart enters fw_main at once (QEMU virt's boot ROM starts
// them all). Each sets up its own M-mode state — PMP, delegation, counters, Sstc, MSIE for IPIs. The
// boot hart (hart 0) then does the cold boot — the device tree's RAM and harts, the HSM states — and
// enters the S-mode kernel at 0x80200000 with a0 = hartid, a1 = DTB; every other hart waits, STOPPED,
// until S-mode starts it (HSM hart_start). Afterwards the firmware only runs in fw_trap: SBI calls
// from S, IPIs (the M-mode software interrupt), the machine timer (forwarded as STIP when there is
// no Sstc), and anything unexpected — reported with mcause/mtval/mepc, then a failing shutdown.

import { u64, wfi, csrr, csrw, csrs, csrc, sym, struct_at } from '../runtime/intrinsics.js';
import { uart_putc } from './uart.js';
import { printk, printk_set_output } from '../lib/printk.js';
import { pmp_setup, napot_size } from './pmp.js';
import { sbi_init, sbi_ecall, timer_interrupt, system_off } from './sbi.js';
import { FW_BOOT_HARTID, fdt_hart_mask, sbi_set_hart_present_mask, sbi_hart_present_mask, sbi_hart_count } from './scratch.js';
import { sbi_hsm_init, sbi_hsm_hart_wait, sbi_hsm_enter_smode } from './hsm.js';
import { sbi_ipi_process } from './ipi.js';
import { fdt_find_memory, fdt_mem_base, fdt_mem_size } from '../kernel/fdt.js';
import { MSTATUS_MPP_MASK, MIE_MSIE, MENVCFG_STCE } from './csr_bits.js';

export const KERNEL_ENTRY = 0x80200000n;
/** Exit code of a run the firmware ends because of a trap it did not expect. */
export const FW_FAIL_CODE = 2n;

const BOOTROM_BASE = 0x1000n;
const BOOTROM_END = 0x2000n;
const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn;

const CAUSE_SUPERVISOR_ECALL = 9n;
const IRQ_M_SOFT = 3n;
const IRQ_M_TIMER = 7n;
const INTERRUPT_BIT = 0x8000000000000000n;

/** Exceptions S-mode handles itself: misaligned fetch, fetch access, illegal instruction, breakpoint,
 *  misaligned load, load access, misaligned store, store access, ecall from U, and the page faults. */
const MEDELEG = 0xb1ffn;
/** SSIP, STIP, SEIP. */
const MIDELEG = 0x222n;

/** What the boot ROM passes in a2 (OpenSBI's struct fw_dynamic_info, include/sbi/fw_dynamic.h). */
class fw_dynamic_info {
  magic = u64;
  version = u64;
  next_addr = u64;
  next_mode = u64;
  options = u64;
  boot_hart = u64;
}

/** The kernel's entry: fw_dynamic_info.next_addr when the boot ROM passed one, else 0x80200000. */
function next_stage(fw_dyn: u64): u64 {
  if (fw_dyn < BOOTROM_BASE || fw_dyn >= BOOTROM_END) return KERNEL_ENTRY;
  const info = struct_at(fw_dynamic_info, fw_dyn);
  if (info.magic != FW_DYNAMIC_INFO_MAGIC) return KERNEL_ENTRY;
  return info.next_addr != 0n ? info.next_addr : KERNEL_ENTRY;
}

/**
 * What every hart sets up for itself (OpenSBI's warm-boot part of sbi_hart_init): PMP, delegation,
 * counters, Sstc, and MSIE so that IPIs reach M-mode. Returns [pmp_ok, sstc, fw_start, fw_size].
 */
function hart_init(): [u64, u64, u64, u64] {
  const fw_start = sym("_fw_start");
  const fw_size = napot_size(sym("_fw_end") - fw_start);
  const pmp_ok = pmp_setup(fw_start, fw_size);

  csrw("medeleg", MEDELEG);
  csrw("mideleg", MIDELEG);
  csrw("mcounteren", 7n);                       // S may read cycle, time, instret
  csrs("menvcfg", MENVCFG_STCE);                // Sstc: S-mode owns stimecmp, if the hart has it
  const sstc = (csrr("menvcfg") & MENVCFG_STCE) != 0n ? 1n : 0n;
  if (sstc != 0n) csrw("stimecmp", 0xffffffffffffffffn);
  csrs("mie", MIE_MSIE);
  return [pmp_ok, sstc, fw_start, fw_size];
}

/** The harts of the mask but `skip`, for the console: "1..3" when they run without a gap, else "1,3". */
function print_harts(mask: u64, skip: u64): void {
  let first = 0xffffffffffffffffn;
  let last = 0n;
  let n = 0n;
  for (let h = 0n; h < 64n; h++) {
    if (h == skip || ((mask >> h) & 1n) == 0n) continue;
    if (first == 0xffffffffffffffffn) first = h;
    last = h;
    n = n + 1n;
  }
  if (n > 2n && last - first + 1n == n) { printk("%lu..%lu", first, last); return; }
  let sep = 0n;
  for (let h = 0n; h < 64n; h++) {
    if (h == skip || ((mask >> h) & 1n) == 0n) continue;
    if (sep != 0n) printk(",");
    printk("%lu", h);
    sep = 1n;
  }
}

export function fw_main(hartid: u64, dtb: u64, fw_dyn: u64): void {
  const [pmp_ok, sstc, fw_start, fw_size] = hart_init();
  if (hartid != FW_BOOT_HARTID) {
    sbi_hsm_hart_wait(hartid);                  // warm boot: STOPPED until hart_start
    return;
  }

  let ram_base = 0x80000000n;
  let ram_size = 0x8000000n;
  if (fdt_find_memory(dtb) != 0n) { ram_base = fdt_mem_base(); ram_size = fdt_mem_size(); }
  sbi_init(ram_base, ram_base + ram_size, fw_start, fw_start + fw_size, sstc);
  // The harts: the device tree's cpu nodes (the boot hart at least, whatever the blob says).
  sbi_set_hart_present_mask(fdt_hart_mask(dtb) | (1n << FW_BOOT_HARTID));
  sbi_hsm_init(FW_BOOT_HARTID);

  const entry = next_stage(fw_dyn);
  printk_set_output(uart_putc);
  // Claimed only as read back: the kernel's PMP demonstration then shows it from S-mode.
  printk("rvhart firmware: SBI v2.0 in M-mode; %s %#lx..%#lx; %s; entering S-mode at %#lx\n",
    pmp_ok != 0n ? "PMP denies S/U" : "PMP NOT SET (the hart did not keep it) for", fw_start, fw_start + fw_size,
    sstc != 0n ? "Sstc on" : "no Sstc", entry);
  if (sbi_hart_count() > 1n) {
    printk("rvhart firmware: %lu harts; boot hart %lu; %s ", sbi_hart_count(), hartid, sbi_hart_count() > 2n ? "harts" : "hart");
    print_harts(sbi_hart_present_mask(), hartid);
    printk(" STOPPED until HSM hart_start\n");
  }

  sbi_hsm_enter_smode(hartid, entry, dtb);
}

/** Set while reporting: a trap during the report itself must not report again (it could loop). */
let reporting: u64 = 0n;

function unexpected(regs: u64, mcause: u64): void {
  if (reporting != 0n) { while (true) wfi(); }
  reporting = 1n;
  const mpp = (csrr("mstatus") & MSTATUS_MPP_MASK) >> 11n;
  printk_set_output(uart_putc);     // a trap may come before fw_main set it
  printk("rvhart firmware: unexpected trap: mcause %#lx mtval %#lx mepc %#lx from %c-mode\n", mcause, csrr("mtval"), csrr("mepc"),
    mpp == 3n ? 0x4dn : mpp == 1n ? 0x53n : 0x55n);
  system_off(FW_FAIL_CODE);
}

/** Called by fw_trap_entry with the saved registers (x[i] at regs + 8i). */
export function fw_trap(regs: u64): void {
  const mcause = csrr("mcause");
  if ((mcause & INTERRUPT_BIT) != 0n) {
    if ((mcause & 0xffn) == IRQ_M_SOFT) { sbi_ipi_process(csrr("mhartid")); return; }
    if ((mcause & 0xffn) == IRQ_M_TIMER) { timer_interrupt(); return; }
    unexpected(regs, mcause);
    return;
  }
  if (mcause == CAUSE_SUPERVISOR_ECALL) {
    sbi_ecall(regs);
    csrw("mepc", csrr("mepc") + 4n);
    return;
  }
  unexpected(regs, mcause);
}
