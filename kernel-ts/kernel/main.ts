// kmain: the bundled kernel's whole life, in the order the transcript tells it (DESIGN §6).
// Entered from _start in S-mode with a0 = hartid, a1 = DTB, paging off.

import { type u64, load8, load64, store64, csrr, csrw, sfence_vma, sym, str, staticBuffer } from '../runtime/intrinsics.js';
import {
  PAGE_SIZE, page_align, RAM_BASE, DEFAULT_RAM_SIZE, FIRMWARE_BASE, KERNEL_BASE, SZ_2M, SZ_1G,
  SYSCON_BASE, SYSCON_SIZE, CLINT_BASE, CLINT_SIZE, PLIC_BASE, PLIC_SIZE, UART0_BASE, UART0_SIZE,
  HIGH_ALIAS_BASE, KERNEL_ASID,
} from './layout.js';
import {
  pgtable_set_mode, satp_mode, pgtable_levels, SATP_MODE_SV48,
  PAGE_KERNEL, PAGE_KERNEL_READ, PAGE_KERNEL_EXEC, PAGE_KERNEL_IO,
} from './pgtable.js';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from './mmu.js';
import {
  frame_init, frame_dtb_frames, frame_self_check, frame_total, frame_nr_free, frame_count,
  frame_pool_start, zero_frame, frame_alloc, frame_put, FRAME_RESERVED, FRAME_MAPPED, FRAME_OTHER,
} from './frame.js';
import { memmap_base, memmap_start_pfn } from './page.js';
import { free_area_snapshot } from './page_alloc.js';
import { show_zones, show_free_areas, buddy_demo, slab_demo, pool_demo } from './mm_demo.js';
import { mm_bench } from './mm_bench.js';
import { proc_run } from './proc_run.js';
import { fdt_find_memory, fdt_mem_base, fdt_mem_size, fdt_totalsize, fdt_bootargs, fdt_has_svnapot } from './fdt.js';
import { idmap_init, map_region, verify_all } from './idmap.js';
import { vm_init } from './vma.js';
import { vm_scenario, lazy_demo, pmp_demo, sbi_demo, fault_storm, bad_access } from './demo.js';
import { bug_count, bug_first_reason, bug_first_addr } from './bug.js';
import { console_init, console_has_dbcn, putsize } from './console.js';
import { printk } from '../lib/printk.js';
import { check, checks_passed, checks_failed } from './selfcheck.js';
import {
  sbi_spec_version, sbi_impl_id, sbi_impl_version, sbi_probe, sbi_hart_get_status, sbi_raw, sbi_system_reset,
  SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
  SBI_ERR_NOT_SUPPORTED, SRST_SHUTDOWN, SRST_REASON_NONE, SRST_REASON_FAILURE,
} from './sbi.js';

const alias_probe = staticBuffer(64n, 8n);

/** Pages touched by the lazy-fault demonstration. */
const LAZY_DEMO_PAGES = 16n;

function zero_range(start: u64, end: u64): void {
  let p = start;
  while (p < end) { store64(p, 0n); p = p + 8n; }
}

/** The decimal value after `key` (e.g. "fault-storm=") in the command line at args, or 0. */
function bootarg_value(args: u64, key_string: string): u64 {
  if (args == 0n) return 0n;
  const key = str(key_string);
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

function print_ext(eid: u64, name: string): void {
  if (sbi_probe(eid) != 0n) printk(" %s", name);
}

function sbi_report(): void {
  const spec = sbi_spec_version();
  printk("SBI: spec v%lu.%lu, implementation %#lx version %lu; extensions:", (spec >> 24n) & 0x7fn, spec & 0xffffffn, sbi_impl_id(), sbi_impl_version());
  print_ext(SBI_EXT_BASE, "BASE");
  print_ext(SBI_EXT_TIME, "TIME");
  print_ext(SBI_EXT_IPI, "IPI");
  print_ext(SBI_EXT_RFENCE, "RFENCE");
  print_ext(SBI_EXT_HSM, "HSM");
  print_ext(SBI_EXT_SRST, "SRST");
  print_ext(SBI_EXT_DBCN, "DBCN");
  const status = sbi_hart_get_status(0n);
  const unknown = sbi_raw(0x0a000000n, 0n);
  printk("\nSBI: hart 0 status %s; an unknown extension answers %s\n", status == 0n ? "STARTED" : "not started",
    unknown == SBI_ERR_NOT_SUPPORTED ? "SBI_ERR_NOT_SUPPORTED" : "something else");
  check(spec >> 24n == 2n, "SBI spec version 2");
  check(status == 0n && unknown == SBI_ERR_NOT_SUPPORTED, "SBI HSM status and NOT_SUPPORTED");
  check(console_has_dbcn() != 0n, "SBI DBCN console");
}

export function kmain(hartid: u64, dtb: u64): void {
  zero_range(sym("__bss_start"), sym("__bss_end"));
  console_init();
  printk("rvhart kernel: S-mode at %#lx, hart %lu, device tree at %#lx\n", KERNEL_BASE, hartid, dtb);
  sbi_report();

  // Physical memory: RAM from the device tree, the frame pool after _end.
  let ram_base = RAM_BASE;
  let ram_size = DEFAULT_RAM_SIZE;
  const found = fdt_find_memory(dtb);
  if (found != 0n) { ram_base = fdt_mem_base(); ram_size = fdt_mem_size(); }
  const ram_end = ram_base + ram_size;
  printk("memory: RAM %#lx..%#lx (", ram_base, ram_end);
  putsize(ram_size);
  printk(found != 0n ? ") from the device tree\n" : ") by default (no /memory node)\n");
  check(found != 0n, "device tree /memory");

  const kend = sym("_end");
  printk("kernel image: text %#lx rodata %#lx data %#lx idmap_pg_dir %#lx bss %#lx stack %#lx", sym("_stext"), sym("_srodata"),
    sym("_sdata"), sym("idmap_pg_dir"), sym("__bss_start"), sym("boot_stack"));
  printk(" _end %#lx\n", kend);

  const dtb_size = fdt_totalsize(dtb);
  const meta = frame_init(ram_base, ram_end, kend, dtb, dtb + dtb_size);
  const fc = frame_self_check();
  show_zones();
  printk("mem_map: %#lx..%#lx, %lu struct pages of 64 bytes (%lu frames) from pfn %#lx\n", memmap_base(), frame_pool_start(), frame_total(), meta, memmap_start_pfn());
  printk("frames: %lu reserved below _end, %lu hold mem_map, %lu the device tree; %lu free in the buddy allocator; self-check %s\n",
    (page_align(kend) - ram_base) >> 12n, meta, frame_dtb_frames(), frame_nr_free(), fc == 0n ? "ok" : "FAILED");
  printk("buddy: free lists at boot (blocks*size per order 0..10):\n");
  show_free_areas("  ");
  free_area_snapshot();
  check(fc == 0n, "frame allocator self-check after init");

  // Page tables.
  pgtable_set_mode(load64(sym("kernel_config_satp_mode")));
  const pgd = sym("idmap_pg_dir");
  zero_frame(pgd);
  idmap_init(pgd);
  const tables_before = frame_count(FRAME_RESERVED);
  // Contiguous (Svnapot) PTEs only on a hart that has Svnapot: elsewhere N is a reserved bit (a fault).
  const cont = fdt_has_svnapot() != 0n ? 0n : NO_CONT_MAPPINGS;
  printk("page tables: %s (%lu levels), root idmap_pg_dir at %#lx, built by __create_pgd_mapping (%s):\n",
    satp_mode() == SATP_MODE_SV48 ? "Sv48" : "Sv39", pgtable_levels(), pgd, cont == 0n ? "Svnapot: 64 KiB runs contiguous" : "no Svnapot: NO_CONT_MAPPINGS");
  let bad = 0n;
  bad = bad + map_region("firmware (PMP-protected)", FIRMWARE_BASE, FIRMWARE_BASE, KERNEL_BASE - FIRMWARE_BASE, PAGE_KERNEL_READ, cont);
  bad = bad + map_region("kernel text", sym("_stext"), sym("_stext"), page_align(sym("_etext")) - sym("_stext"), PAGE_KERNEL_EXEC, NO_BLOCK_MAPPINGS | cont);
  bad = bad + map_region("kernel rodata", sym("_srodata"), sym("_srodata"), page_align(sym("_erodata")) - sym("_srodata"), PAGE_KERNEL_READ, NO_BLOCK_MAPPINGS | cont);
  bad = bad + map_region("kernel data, page tables, bss, stack", sym("_sdata"), sym("_sdata"), kend - sym("_sdata"), PAGE_KERNEL, NO_BLOCK_MAPPINGS | cont);
  bad = bad + map_region("RAM", kend, kend, ram_end - kend, PAGE_KERNEL, cont);
  bad = bad + map_region("syscon", SYSCON_BASE, SYSCON_BASE, SYSCON_SIZE, PAGE_KERNEL_IO, cont);
  bad = bad + map_region("CLINT", CLINT_BASE, CLINT_BASE, CLINT_SIZE, PAGE_KERNEL_IO, cont);
  bad = bad + map_region("PLIC", PLIC_BASE, PLIC_BASE, PLIC_SIZE, PAGE_KERNEL_IO, cont);
  bad = bad + map_region("UART0", UART0_BASE, UART0_BASE, UART0_SIZE, PAGE_KERNEL_IO, cont);
  bad = bad + map_region("high alias of RAM", HIGH_ALIAS_BASE, RAM_BASE, SZ_1G, PAGE_KERNEL, cont);
  const tables = frame_count(FRAME_RESERVED) - tables_before;
  printk("page tables: %lu table pages (idmap_pg_dir + %lu from the frame allocator); BUG_ON count %lu", tables + 1n, tables, bug_count());
  if (bug_count() != 0n) printk(", first reason %lu at %#lx", bug_first_reason(), bug_first_addr());
  printk("\n");
  check(bad == 0n, "la2pa agrees with every mapping");
  check(bug_count() == 0n, "__create_pgd_mapping hit no BUG_ON");

  // Paging on.
  const satp = (satp_mode() << 60n) | (KERNEL_ASID << 44n) | (pgd >> 12n);
  csrw("satp", satp);
  sfence_vma();
  const back = csrr("satp");
  printk("satp <- %#lx (%s, ASID %lu, root PPN %#lx); sfence.vma; %s\n", satp, satp_mode() == SATP_MODE_SV48 ? "Sv48" : "Sv39",
    KERNEL_ASID, pgd >> 12n, back == satp ? "paging on" : "REFUSED by the hart (mode not supported)");
  if (!check(back == satp, "satp accepted")) {
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_FAILURE);
  }
  const again = verify_all();
  printk("la2pa: every mapping re-walked with paging on: %s\n", again == 0n ? "ok" : "MISMATCH");
  check(again == 0n, "mappings unchanged after satp");

  // The high alias reaches the same RAM as the identity map (a word of .bss: inside the alias's first GiB
  // whatever the RAM size, where a frame from the buddy allocator may lie above it).
  const probe = alias_probe + 0x18n;
  store64(probe, 0x600dca75n);
  const alias = HIGH_ALIAS_BASE + (probe - RAM_BASE);
  const seen = load64(alias);
  printk("high alias: wrote 0x600dca75 at %#lx, read %#lx at %#lx\n", probe, seen, alias);
  check(seen == 0x600dca75n, "high alias reads the same RAM");

  vm_init(pgd, KERNEL_ASID);
  vm_scenario();
  lazy_demo(LAZY_DEMO_PAGES);
  pmp_demo();
  sbi_demo();
  buddy_demo();
  slab_demo();
  pool_demo(pgd);

  // Processes: U-mode programs from the image, each in its own address space, until the last exits.
  proc_run(pgd, bootarg_value(fdt_bootargs(), "proc-bench="));

  // `bad-access=1|2` on the command line: show the fatal path of the fault handler (ends the run).
  const bad_kind = bootarg_value(fdt_bootargs(), "bad-access=");
  if (bad_kind != 0n) {
    bad_access(bad_kind);
    check(false, "bad-access did not end the run");
  }

  // `fault-storm=N` on the command line (/chosen/bootargs): N more lazy faults, for the benchmark.
  const storm = bootarg_value(fdt_bootargs(), "fault-storm=");
  if (storm != 0n) {
    const t0 = csrr("time");
    const n = fault_storm(storm);
    printk("fault storm: %lu page faults handled in %lu ticks, area freed\n", n, csrr("time") - t0);
    check(n == storm, "fault storm faults once per page");
  }

  // `mm-bench=N`: instructions per buddy and slab call, for the benchmark.
  const mm_rounds = bootarg_value(fdt_bootargs(), "mm-bench=");
  if (mm_rounds != 0n) mm_bench(mm_rounds);

  const fc2 = frame_self_check();
  printk("frames: %lu total, %lu free, %lu reserved, %lu mapped, %lu other; self-check %s\n", frame_total(), frame_nr_free(),
    frame_count(FRAME_RESERVED), frame_count(FRAME_MAPPED), frame_count(FRAME_OTHER), fc2 == 0n ? "ok" : "FAILED");
  check(frame_count(FRAME_OTHER) == 0n, "every buddy allocation outside page tables and lazy areas was freed");
  check(fc2 == 0n, "frame allocator self-check at the end");
  check(bug_count() == 0n, "no BUG_ON at the end");

  printk("self-checks: %lu passed, %lu failed\n", checks_passed(), checks_failed());
  if (checks_failed() == 0n) {
    printk("shutdown: SBI system_reset(shutdown, no reason) -> exit status 0\n");
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_NONE);
  } else {
    printk("shutdown: SBI system_reset(shutdown, system failure) -> exit status 1\n");
    sbi_system_reset(SRST_SHUTDOWN, SRST_REASON_FAILURE);
  }
}
