// kmain: the bundled kernel's whole life, in the order the transcript tells it (DESIGN §6).
// Entered from _start in S-mode with a0 = hartid, a1 = DTB, paging off.

import { type u64, load8, load64, store64, csrr, csrw, sfence_vma, sym, str } from '../runtime/intrinsics.js';
import {
  PAGE_SIZE, page_align, RAM_BASE, DEFAULT_RAM_SIZE, FIRMWARE_BASE, KERNEL_BASE, SZ_2M, SZ_1G,
  SYSCON_BASE, SYSCON_SIZE, CLINT_BASE, CLINT_SIZE, PLIC_BASE, PLIC_SIZE, UART0_BASE, UART0_SIZE,
  HIGH_ALIAS_BASE, KERNEL_ASID,
} from './layout.js';
import {
  pgtable_set_mode, satp_mode, pgtable_levels, SATP_MODE_SV48,
  PAGE_KERNEL, PAGE_KERNEL_READ, PAGE_KERNEL_EXEC, PAGE_KERNEL_IO,
} from './pgtable.js';
import { NO_BLOCK_MAPPINGS } from './mmu.js';
import {
  frame_init, frame_reserve, frame_self_check, frame_total, frame_nr_free, frame_count,
  frame_pool_start, frame_pool_end, zero_frame, frame_alloc, frame_put, FRAME_RESERVED, FRAME_MAPPED,
} from './frame.js';
import { fdt_find_memory, fdt_mem_base, fdt_mem_size, fdt_totalsize, fdt_bootargs } from './fdt.js';
import { idmap_init, map_region, verify_all } from './idmap.js';
import { vm_init } from './vma.js';
import { vm_scenario, lazy_demo, pmp_demo, sbi_demo, fault_storm, bad_access } from './demo.js';
import { bug_count, bug_first_reason, bug_first_addr } from './bug.js';
import { console_init, console_has_dbcn, puts, puthex, putdec, putsize, nl } from './console.js';
import { check, checks_passed, checks_failed } from './selfcheck.js';
import {
  sbi_spec_version, sbi_impl_id, sbi_impl_version, sbi_probe, sbi_hart_get_status, sbi_raw, sbi_system_reset,
  SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
  SBI_ERR_NOT_SUPPORTED, SRST_SHUTDOWN, SRST_REASON_NONE, SRST_REASON_FAILURE,
} from './sbi.js';

/** Pages touched by the lazy-fault demonstration. */
const LAZY_DEMO_PAGES = 16n;

function zero_range(start: u64, end: u64): void {
  let p = start;
  while (p < end) { store64(p, 0n); p = p + 8n; }
}

/** The decimal value after `key` (e.g. "fault-storm=") in the command line at args, or 0. */
function bootarg_value(args: u64, key: u64): u64 {
  if (args == 0n) return 0n;
  let p = args;
  while (load8(p) != 0n) {
    let i = 0n;
    while (load8(key + i) != 0n && load8(p + i) == load8(key + i)) i = i + 1n;
    if (load8(key + i) == 0n) {
      let v = 0n;
      let q = p + i;
      while (load8(q) >= 0x30n && load8(q) <= 0x39n) { v = v * 10n + load8(q) - 0x30n; q = q + 1n; }
      return v;
    }
    p = p + 1n;
  }
  return 0n;
}

function print_ext(eid: u64, name: u64): void {
  if (sbi_probe(eid) != 0n) { puts(str(" ")); puts(name); }
}

function sbi_report(): void {
  const spec = sbi_spec_version();
  puts(str("SBI: spec v"));
  putdec((spec >> 24n) & 0x7fn);
  puts(str("."));
  putdec(spec & 0xffffffn);
  puts(str(", implementation "));
  puthex(sbi_impl_id());
  puts(str(" version "));
  putdec(sbi_impl_version());
  puts(str("; extensions:"));
  print_ext(SBI_EXT_BASE, str("BASE"));
  print_ext(SBI_EXT_TIME, str("TIME"));
  print_ext(SBI_EXT_IPI, str("IPI"));
  print_ext(SBI_EXT_RFENCE, str("RFENCE"));
  print_ext(SBI_EXT_HSM, str("HSM"));
  print_ext(SBI_EXT_SRST, str("SRST"));
  print_ext(SBI_EXT_DBCN, str("DBCN"));
  nl();
  const status = sbi_hart_get_status(0n);
  const unknown = sbi_raw(0x0a000000n, 0n);
  puts(str("SBI: hart 0 status "));
  puts(status == 0n ? str("STARTED") : str("not started"));
  puts(str("; an unknown extension answers "));
  puts(unknown == SBI_ERR_NOT_SUPPORTED ? str("SBI_ERR_NOT_SUPPORTED") : str("something else"));
  nl();
  check(spec >> 24n == 2n ? 1n : 0n, str("SBI spec version 2"));
  check(status == 0n && unknown == SBI_ERR_NOT_SUPPORTED ? 1n : 0n, str("SBI HSM status and NOT_SUPPORTED"));
  check(console_has_dbcn(), str("SBI DBCN console"));
}

export function kmain(hartid: u64, dtb: u64): void {
  zero_range(sym("__bss_start"), sym("__bss_end"));
  console_init();
  puts(str("rvhart kernel: S-mode at "));
  puthex(KERNEL_BASE);
  puts(str(", hart "));
  putdec(hartid);
  puts(str(", device tree at "));
  puthex(dtb);
  nl();
  sbi_report();

  // Physical memory: RAM from the device tree, the frame pool after _end.
  let ram_base = RAM_BASE;
  let ram_size = DEFAULT_RAM_SIZE;
  const found = fdt_find_memory(dtb);
  if (found != 0n) { ram_base = fdt_mem_base(); ram_size = fdt_mem_size(); }
  const ram_end = ram_base + ram_size;
  puts(str("memory: RAM "));
  puthex(ram_base);
  puts(str(".."));
  puthex(ram_end);
  puts(str(" ("));
  putsize(ram_size);
  puts(found != 0n ? str(") from the device tree") : str(") by default (no /memory node)"));
  nl();
  check(found, str("device tree /memory"));

  const kend = sym("_end");
  puts(str("kernel image: text "));
  puthex(sym("_stext"));
  puts(str(" rodata "));
  puthex(sym("_srodata"));
  puts(str(" data "));
  puthex(sym("_sdata"));
  puts(str(" idmap_pg_dir "));
  puthex(sym("idmap_pg_dir"));
  puts(str(" bss "));
  puthex(sym("__bss_start"));
  puts(str(" stack "));
  puthex(sym("boot_stack"));
  puts(str(" _end "));
  puthex(kend);
  nl();

  const meta = frame_init(kend, ram_end);
  const dtb_size = fdt_totalsize(dtb);
  const dtb_frames = frame_reserve(dtb, dtb + dtb_size);
  puts(str("frames: pool "));
  puthex(frame_pool_start());
  puts(str(".."));
  puthex(frame_pool_end());
  puts(str(", "));
  putdec(frame_total());
  puts(str(" frames of 4 KiB; "));
  putdec(meta);
  puts(str(" hold the bitmap and frame records, "));
  putdec(dtb_frames);
  puts(str(" the device tree; self-check "));
  const fc = frame_self_check();
  puts(fc == 0n ? str("ok") : str("FAILED"));
  nl();
  check(fc == 0n ? 1n : 0n, str("frame allocator self-check after init"));

  // Page tables.
  pgtable_set_mode(load64(sym("kernel_config_satp_mode")));
  const pgd = sym("idmap_pg_dir");
  zero_frame(pgd);
  idmap_init(pgd);
  const tables_before = frame_count(FRAME_RESERVED);
  puts(satp_mode() == SATP_MODE_SV48 ? str("page tables: Sv48 (") : str("page tables: Sv39 ("));
  putdec(pgtable_levels());
  puts(str(" levels), root idmap_pg_dir at "));
  puthex(pgd);
  puts(str(", built by __create_pgd_mapping:"));
  nl();
  let bad = 0n;
  bad = bad + map_region(str("firmware (PMP-protected)"), FIRMWARE_BASE, FIRMWARE_BASE, KERNEL_BASE - FIRMWARE_BASE, PAGE_KERNEL_READ, 0n);
  bad = bad + map_region(str("kernel text"), sym("_stext"), sym("_stext"), page_align(sym("_etext")) - sym("_stext"), PAGE_KERNEL_EXEC, NO_BLOCK_MAPPINGS);
  bad = bad + map_region(str("kernel rodata"), sym("_srodata"), sym("_srodata"), page_align(sym("_erodata")) - sym("_srodata"), PAGE_KERNEL_READ, NO_BLOCK_MAPPINGS);
  bad = bad + map_region(str("kernel data, page tables, bss, stack"), sym("_sdata"), sym("_sdata"), kend - sym("_sdata"), PAGE_KERNEL, NO_BLOCK_MAPPINGS);
  bad = bad + map_region(str("RAM"), kend, kend, ram_end - kend, PAGE_KERNEL, 0n);
  bad = bad + map_region(str("syscon"), SYSCON_BASE, SYSCON_BASE, SYSCON_SIZE, PAGE_KERNEL_IO, 0n);
  bad = bad + map_region(str("CLINT"), CLINT_BASE, CLINT_BASE, CLINT_SIZE, PAGE_KERNEL_IO, 0n);
  bad = bad + map_region(str("PLIC"), PLIC_BASE, PLIC_BASE, PLIC_SIZE, PAGE_KERNEL_IO, 0n);
  bad = bad + map_region(str("UART0"), UART0_BASE, UART0_BASE, UART0_SIZE, PAGE_KERNEL_IO, 0n);
  bad = bad + map_region(str("high alias of RAM"), HIGH_ALIAS_BASE, RAM_BASE, SZ_1G, PAGE_KERNEL, 0n);
  const tables = frame_count(FRAME_RESERVED) - tables_before;
  puts(str("page tables: "));
  putdec(tables + 1n);
  puts(str(" table pages (idmap_pg_dir + "));
  putdec(tables);
  puts(str(" from the frame allocator); BUG_ON count "));
  putdec(bug_count());
  if (bug_count() != 0n) { puts(str(", first reason ")); putdec(bug_first_reason()); puts(str(" at ")); puthex(bug_first_addr()); }
  nl();
  check(bad == 0n ? 1n : 0n, str("la2pa agrees with every mapping"));
  check(bug_count() == 0n ? 1n : 0n, str("__create_pgd_mapping hit no BUG_ON"));

  // Paging on.
  const satp = (satp_mode() << 60n) | (KERNEL_ASID << 44n) | (pgd >> 12n);
  csrw("satp", satp);
  sfence_vma();
  const back = csrr("satp");
  puts(str("satp <- "));
  puthex(satp);
  puts(satp_mode() == SATP_MODE_SV48 ? str(" (Sv48") : str(" (Sv39"));
  puts(str(", ASID "));
  putdec(KERNEL_ASID);
  puts(str(", root PPN "));
  puthex(pgd >> 12n);
  puts(str("); sfence.vma; "));
  puts(back == satp ? str("paging on") : str("REFUSED by the hart (mode not supported)"));
  nl();
  if (check(back == satp ? 1n : 0n, str("satp accepted")) == 0n) {
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_FAILURE);
  }
  const again = verify_all();
  puts(str("la2pa: every mapping re-walked with paging on: "));
  puts(again == 0n ? str("ok") : str("MISMATCH"));
  nl();
  check(again == 0n ? 1n : 0n, str("mappings unchanged after satp"));

  // The high alias reaches the same RAM as the identity map.
  const probe_frame = frame_alloc(FRAME_RESERVED);
  const probe = probe_frame + 0x18n;
  store64(probe, 0x600dca75n);
  const alias = HIGH_ALIAS_BASE + (probe - RAM_BASE);
  const seen = load64(alias);
  puts(str("high alias: wrote 0x600dca75 at "));
  puthex(probe);
  puts(str(", read "));
  puthex(seen);
  puts(str(" at "));
  puthex(alias);
  nl();
  check(probe_frame != 0n && seen == 0x600dca75n ? 1n : 0n, str("high alias reads the same RAM"));
  frame_put(probe_frame);

  vm_init(pgd, KERNEL_ASID);
  vm_scenario();
  lazy_demo(LAZY_DEMO_PAGES);
  pmp_demo();
  sbi_demo();

  // `bad-access=1|2` on the command line: show the fatal path of the fault handler (ends the run).
  const bad_kind = bootarg_value(fdt_bootargs(), str("bad-access="));
  if (bad_kind != 0n) {
    bad_access(bad_kind);
    check(0n, str("bad-access did not end the run"));
  }

  // `fault-storm=N` on the command line (/chosen/bootargs): N more lazy faults, for the benchmark.
  const storm = bootarg_value(fdt_bootargs(), str("fault-storm="));
  if (storm != 0n) {
    const t0 = csrr("time");
    const n = fault_storm(storm);
    puts(str("fault storm: "));
    putdec(n);
    puts(str(" page faults handled in "));
    putdec(csrr("time") - t0);
    puts(str(" ticks, area freed"));
    nl();
    check(n == storm ? 1n : 0n, str("fault storm faults once per page"));
  }

  const fc2 = frame_self_check();
  puts(str("frames: "));
  putdec(frame_total());
  puts(str(" total, "));
  putdec(frame_nr_free());
  puts(str(" free, "));
  putdec(frame_count(FRAME_RESERVED));
  puts(str(" reserved, "));
  putdec(frame_count(FRAME_MAPPED));
  puts(str(" mapped; self-check "));
  puts(fc2 == 0n ? str("ok") : str("FAILED"));
  nl();
  check(fc2 == 0n ? 1n : 0n, str("frame allocator self-check at the end"));
  check(bug_count() == 0n ? 1n : 0n, str("no BUG_ON at the end"));

  puts(str("self-checks: "));
  putdec(checks_passed());
  puts(str(" passed, "));
  putdec(checks_failed());
  puts(str(" failed"));
  nl();
  if (checks_failed() == 0n) {
    puts(str("shutdown: SBI system_reset(shutdown, no reason) -> exit status 0"));
    nl();
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_NONE);
  } else {
    puts(str("shutdown: SBI system_reset(shutdown, system failure) -> exit status 1"));
    nl();
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_FAILURE);
  }
}
