// The demonstrations the transcript shows: the vm_alloc/vm_free scenario of issue 6, lazy page
// faults (N pages fault exactly N times, zero times when touched again, again after a free), the
// PMP stopping an S-mode read of firmware memory, and the SBI TIME/IPI/RFENCE calls.

import { u64, load64, store64, u64Table, csrr, csrs, csrc, wfi, struct_at, sizeof } from '../runtime/intrinsics.js';
import { LAZY_BASE, SZ_1M, FIRMWARE_BASE, PAGE_SIZE, KERNEL_ASID } from './layout.js';
import { PAGE_LAZY, PAGE_LAZY_READ } from './pgtable.js';
import {
  vm_alloc, vm_free, vm_fault_count, vm_freed_frames, vm_last_conflict, vm_mapped_pages, vm_backing,
  find_vm_area, VM_OK, VM_EOVERLAP,
} from './vma.js';
import { frame_nr_free, frame_count, FRAME_MAPPED } from './frame.js';
import { probe_read64 } from './entry.js';
import { probe_last_cause, probe_last_tval, probe_reset, timer_irq_count, soft_irq_count, trap_cause_name, CAUSE_LOAD_ACCESS } from './trap.js';
import { sbi_set_timer, sbi_send_ipi, sbi_remote_sfence_vma_asid, SBI_SUCCESS } from './sbi.js';
import { putoff } from './console.js';
import { printk } from '../lib/printk.js';
import { check } from './selfcheck.js';

const OP_ALLOC = 1n;
const OP_FREE = 2n;
const OK = 0n;
const FAILS = 1n;
const K = 0x400n;

/** Issue 6's scenario: (op, start, end, expected), offsets from LAZY_BASE. */
const SCENARIO = u64Table([
  OP_ALLOC, 11n * SZ_1M, 13n * SZ_1M, OK,
  OP_ALLOC, 8n * SZ_1M, 12n * SZ_1M, FAILS,
  OP_ALLOC, 28n * SZ_1M, 28n * SZ_1M + 7n * K, OK,
  OP_ALLOC, 9n * SZ_1M, 12n * SZ_1M, FAILS,
  OP_FREE, 11n * SZ_1M, 13n * SZ_1M, OK,
  OP_ALLOC, 8n * SZ_1M, 12n * SZ_1M, OK,
  OP_ALLOC, 9n * SZ_1M, 12n * SZ_1M, FAILS,
  OP_FREE, 8n * SZ_1M, 12n * SZ_1M, OK,
  OP_ALLOC, 9n * SZ_1M, 12n * SZ_1M, OK,
  OP_ALLOC, 15n * SZ_1M, 17n * SZ_1M, OK,
]);
const SCENARIO_STEPS = 10n;
/** One row of SCENARIO. */
class scenario_step { op = u64; start = u64; end = u64; expected = u64; }

export function vm_scenario(): void {
  printk("vm areas (offsets from the lazy region at %#lx; nothing is mapped until touched):\n", LAZY_BASE);
  for (let step = 0n; step < SCENARIO_STEPS; step++) {
    const row = struct_at(scenario_step, SCENARIO + step * sizeof(scenario_step));
    const start = row.start;
    const end = row.end;
    printk(row.op == OP_ALLOC ? "  vm_alloc " : "  vm_free  ");
    putoff(start);
    printk("-");
    putoff(end);
    printk(": ");
    const r = row.op == OP_ALLOC ? vm_alloc(LAZY_BASE + start, LAZY_BASE + end, PAGE_LAZY) : vm_free(LAZY_BASE + start, LAZY_BASE + end);
    if (r == VM_OK) {
      printk("ok");
      if (row.op == OP_FREE) printk(", %lu frames returned", vm_freed_frames());
      // An unaligned end: show what vm_alloc recorded (the area is whole pages).
      if (row.op == OP_ALLOC && (end & (PAGE_SIZE - 1n)) != 0n) { printk(" (whole pages: up to "); putoff(find_vm_area(LAZY_BASE + start).vm_end - LAZY_BASE); printk(")"); }
    } else if (r == VM_EOVERLAP) {
      printk("fails, overlaps ");
      putoff(vm_last_conflict().vm_start - LAZY_BASE);
      printk("-");
      putoff(vm_last_conflict().vm_end - LAZY_BASE);
    } else {
      printk("fails (error %lu)", r);
    }
    const as_expected = (r == VM_OK) == (row.expected == OK);
    printk(as_expected ? "\n" : "  <-- NOT AS EXPECTED\n");
    check(as_expected, "vm scenario step");
  }
}

/** Reads then writes one dword in each of n pages from va; returns the page faults taken, and
 *  whether every read saw `expect_zero` ? zero : the pattern, through `touch_ok`. */
let touch_ok: u64 = 0n;
function touch(va: u64, n: u64, expect_zero: u64): u64 {
  const before = vm_fault_count();
  touch_ok = 1n;
  let i = 0n;
  while (i < n) {
    const p = va + i * PAGE_SIZE + 8n * i;
    const v = load64(p);
    const want = expect_zero != 0n ? 0n : 0x5eed0000n + i;
    if (v != want) touch_ok = 0n;
    store64(p, 0x5eed0000n + i);
    i = i + 1n;
  }
  return vm_fault_count() - before;
}

export function lazy_demo(n: u64): void {
  const va = LAZY_BASE + 15n * SZ_1M;
  const free_before = frame_nr_free();
  const mapped_before = frame_count(FRAME_MAPPED);
  let faults = touch(va, n, 1n);
  const mapped = frame_count(FRAME_MAPPED) - mapped_before;
  printk("lazy faults: touched %lu pages of 15M-17M: %lu page faults, %lu frames mapped + %lu page-table pages, reads saw zeros: %s\n",
    n, faults, mapped, free_before - frame_nr_free() - mapped, touch_ok != 0n ? "yes" : "NO");
  check(faults == n && mapped == n && touch_ok != 0n, "first touch faults once per page, maps a frame each and reads zeros");
  printk("  15M+0K is backed by frame %#lx, 15M+4K by %#lx\n", vm_backing(va), vm_backing(va + PAGE_SIZE));

  faults = touch(va, n, 0n);
  printk("lazy faults: touched them again: %lu page faults, writes persisted: %s\n", faults, touch_ok != 0n ? "yes" : "NO");
  check(faults == 0n && touch_ok != 0n, "second touch faults zero times and sees the writes");

  const r = vm_free(va, va + 2n * SZ_1M);
  const returned = vm_freed_frames();
  const r2 = vm_alloc(va, va + 2n * SZ_1M, PAGE_LAZY);
  faults = touch(va, n, 1n);
  printk("lazy faults: vm_free 15M-17M returned %lu frames; vm_alloc 15M-17M again and touched: %lu page faults, reads saw zeros: %s\n",
    returned, faults, touch_ok != 0n ? "yes" : "NO");
  check(r == VM_OK && r2 == VM_OK && returned == n, "vm_free returns every frame");
  check(faults == n && touch_ok != 0n, "touch after free faults again");
  printk("lazy faults: %lu handled in all, %lu pages mapped now\n", vm_fault_count(), vm_mapped_pages());
}

/** A storm of faults for the benchmark: touches n pages of a fresh area and frees it. Returns faults. */
export function fault_storm(n: u64): u64 {
  const va = LAZY_BASE + 0x4000000n;
  vm_alloc(va, va + n * PAGE_SIZE, PAGE_LAZY);
  const before = vm_fault_count();
  let i = 0n;
  while (i < n) { store64(va + i * PAGE_SIZE, i); i = i + 1n; }
  const faults = vm_fault_count() - before;
  vm_free(va, va + n * PAGE_SIZE);
  return faults;
}

let sink: u64 = 0n;

/** `bad-access=1`: a load in no vm area; `bad-access=2`: a store to a read-only area. Both must end the
 *  run through the fatal path (scause, stval, sepc, the area; failure exit). Returns only if they did not. */
export function bad_access(kind: u64): void {
  if (kind == 1n) {
    printk("bad-access=1: a load from the lazy region at 100M, which is in no vm area\n");
    sink = load64(LAZY_BASE + 100n * SZ_1M);
  } else if (kind == 2n) {
    vm_alloc(LAZY_BASE + 40n * SZ_1M, LAZY_BASE + 41n * SZ_1M, PAGE_LAZY_READ);
    printk("bad-access=2: vm_alloc 40M-41M read-only, a load (lazily mapped), then a store\n");
    sink = load64(LAZY_BASE + 40n * SZ_1M);
    store64(LAZY_BASE + 40n * SZ_1M, sink + 1n);
  }
  printk("bad-access: the access did not trap\n");
}

export function pmp_demo(): void {
  probe_reset();
  const v = probe_read64(FIRMWARE_BASE);
  const cause = probe_last_cause();
  printk("PMP: S-mode load from firmware memory at %#lx (mapped R by the page table): ", FIRMWARE_BASE);
  if (cause != 0n) printk("%s (scause %lu, stval %#lx), stopped by PMP as expected\n", trap_cause_name(cause), cause, probe_last_tval());
  else printk("NOT STOPPED, read %#lx\n", v);
  check(cause == CAUSE_LOAD_ACCESS && probe_last_tval() == FIRMWARE_BASE && v == 0xffffffffffffffffn, "PMP stops S-mode reads of the firmware");
}

const SIE_SSIE = 0x2n;
const SIE_STIE = 0x20n;
const SSTATUS_SIE = 0x2n;

export function sbi_demo(): void {
  // TIME: an interrupt a few thousand ticks from now, waited for with wfi.
  const now = csrr("time");
  csrs("sie", SIE_STIE | SIE_SSIE);
  const r = sbi_set_timer(now + 5000n);
  csrs("sstatus", SSTATUS_SIE);
  let spins = 0n;
  while (timer_irq_count() == 0n && spins < 1000n) { wfi(); spins = spins + 1n; }
  const waited = csrr("time") - now;
  if (timer_irq_count() != 0n) printk("SBI TIME: set_timer(now + 5000) -> supervisor timer interrupt after %lu ticks\n", waited);
  else printk("SBI TIME: set_timer(now + 5000) -> NO INTERRUPT\n");
  check(r == SBI_SUCCESS && timer_irq_count() == 1n, "SBI set_timer delivers one timer interrupt");

  // IPI to ourselves: a supervisor software interrupt.
  const r2 = sbi_send_ipi(1n, 0n);
  spins = 0n;
  while (soft_irq_count() == 0n && spins < 100n) { spins = spins + 1n; }
  csrc("sstatus", SSTATUS_SIE);
  csrc("sie", SIE_STIE | SIE_SSIE);
  printk("SBI IPI: send_ipi(hart 0) -> %s\n", soft_irq_count() == 1n ? "supervisor software interrupt" : "NO INTERRUPT");
  check(r2 == SBI_SUCCESS && soft_irq_count() == 1n, "SBI send_ipi delivers a software interrupt");

  const r3 = sbi_remote_sfence_vma_asid(1n, 0n, LAZY_BASE, PAGE_SIZE, KERNEL_ASID);
  printk("SBI RFENCE: remote_sfence_vma_asid(hart 0, one page, ASID %lu): %s\n", KERNEL_ASID, r3 == SBI_SUCCESS ? "ok" : "FAILED");
  check(r3 == SBI_SUCCESS, "SBI remote_sfence_vma_asid");
}
