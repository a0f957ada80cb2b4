// The demonstrations the transcript shows: the vm_alloc/vm_free scenario of issue 6, lazy page
// faults (N pages fault exactly N times, zero times when touched again, again after a free), the
// PMP stopping an S-mode read of firmware memory, and the SBI TIME/IPI/RFENCE calls.

import { type u64, load64, store64, u64Table, csrr, csrs, csrc, wfi, str } from '../runtime/intrinsics.js';
import { LAZY_BASE, SZ_1M, FIRMWARE_BASE, PAGE_SIZE, KERNEL_ASID } from './layout.js';
import { PAGE_LAZY, PAGE_LAZY_READ } from './pgtable.js';
import {
  vm_alloc, vm_free, vm_fault_count, vm_freed_frames, vm_last_conflict, vm_mapped_pages, vm_backing,
  area_start, area_end, vm_find, VM_OK, VM_EOVERLAP,
} from './vma.js';
import { frame_nr_free, frame_count, FRAME_MAPPED } from './frame.js';
import { probe_read64 } from './entry.js';
import { probe_last_cause, probe_last_tval, probe_reset, timer_irq_count, soft_irq_count, trap_cause_name, CAUSE_LOAD_ACCESS } from './trap.js';
import { sbi_set_timer, sbi_send_ipi, sbi_remote_sfence_vma_asid, SBI_SUCCESS } from './sbi.js';
import { puts, puthex, putdec, putoff, nl } from './console.js';
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

export function vm_scenario(): void {
  puts(str("vm areas (offsets from the lazy region at "));
  puthex(LAZY_BASE);
  puts(str("; nothing is mapped until touched):"));
  nl();
  let step = 0n;
  while (step < SCENARIO_STEPS) {
    const row = SCENARIO + step * 32n;
    const op = load64(row);
    const start = load64(row + 8n);
    const end = load64(row + 16n);
    const expected = load64(row + 24n);
    puts(op == OP_ALLOC ? str("  vm_alloc ") : str("  vm_free  "));
    putoff(start);
    puts(str("-"));
    putoff(end);
    puts(str(": "));
    const r = op == OP_ALLOC ? vm_alloc(LAZY_BASE + start, LAZY_BASE + end, PAGE_LAZY) : vm_free(LAZY_BASE + start, LAZY_BASE + end);
    if (r == VM_OK) {
      puts(str("ok"));
      if (op == OP_FREE) { puts(str(", ")); putdec(vm_freed_frames()); puts(str(" frames returned")); }
      // An unaligned end: show what vm_alloc recorded (the area is whole pages).
      if (op == OP_ALLOC && (end & (PAGE_SIZE - 1n)) != 0n) { puts(str(" (whole pages: up to ")); putoff(area_end(vm_find(LAZY_BASE + start)) - LAZY_BASE); puts(str(")")); }
    } else if (r == VM_EOVERLAP) {
      puts(str("fails, overlaps "));
      putoff(area_start(vm_last_conflict()) - LAZY_BASE);
      puts(str("-"));
      putoff(area_end(vm_last_conflict()) - LAZY_BASE);
    } else {
      puts(str("fails (error "));
      putdec(r);
      puts(str(")"));
    }
    const as_expected = (r == VM_OK ? 1n : 0n) == (expected == OK ? 1n : 0n) ? 1n : 0n;
    if (as_expected == 0n) puts(str("  <-- NOT AS EXPECTED"));
    nl();
    check(as_expected, str("vm scenario step"));
    step = step + 1n;
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
  puts(str("lazy faults: touched "));
  putdec(n);
  puts(str(" pages of 15M-17M: "));
  putdec(faults);
  puts(str(" page faults, "));
  putdec(mapped);
  puts(str(" frames mapped + "));
  putdec(free_before - frame_nr_free() - mapped);
  puts(str(" page-table pages, reads saw zeros: "));
  puts(touch_ok != 0n ? str("yes") : str("NO"));
  nl();
  check(faults == n && mapped == n && touch_ok != 0n ? 1n : 0n, str("first touch faults once per page, maps a frame each and reads zeros"));
  puts(str("  15M+0K is backed by frame "));
  puthex(vm_backing(va));
  puts(str(", 15M+4K by "));
  puthex(vm_backing(va + PAGE_SIZE));
  nl();

  faults = touch(va, n, 0n);
  puts(str("lazy faults: touched them again: "));
  putdec(faults);
  puts(str(" page faults, writes persisted: "));
  puts(touch_ok != 0n ? str("yes") : str("NO"));
  nl();
  check(faults == 0n && touch_ok != 0n ? 1n : 0n, str("second touch faults zero times and sees the writes"));

  const r = vm_free(va, va + 2n * SZ_1M);
  const returned = vm_freed_frames();
  const r2 = vm_alloc(va, va + 2n * SZ_1M, PAGE_LAZY);
  faults = touch(va, n, 1n);
  puts(str("lazy faults: vm_free 15M-17M returned "));
  putdec(returned);
  puts(str(" frames; vm_alloc 15M-17M again and touched: "));
  putdec(faults);
  puts(str(" page faults, reads saw zeros: "));
  puts(touch_ok != 0n ? str("yes") : str("NO"));
  nl();
  check(r == VM_OK && r2 == VM_OK && returned == n ? 1n : 0n, str("vm_free returns every frame"));
  check(faults == n && touch_ok != 0n ? 1n : 0n, str("touch after free faults again"));
  puts(str("lazy faults: "));
  putdec(vm_fault_count());
  puts(str(" handled in all, "));
  putdec(vm_mapped_pages());
  puts(str(" pages mapped now"));
  nl();
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
    puts(str("bad-access=1: a load from the lazy region at 100M, which is in no vm area"));
    nl();
    sink = load64(LAZY_BASE + 100n * SZ_1M);
  } else if (kind == 2n) {
    vm_alloc(LAZY_BASE + 40n * SZ_1M, LAZY_BASE + 41n * SZ_1M, PAGE_LAZY_READ);
    puts(str("bad-access=2: vm_alloc 40M-41M read-only, a load (lazily mapped), then a store"));
    nl();
    sink = load64(LAZY_BASE + 40n * SZ_1M);
    store64(LAZY_BASE + 40n * SZ_1M, sink + 1n);
  }
  puts(str("bad-access: the access did not trap"));
  nl();
}

export function pmp_demo(): void {
  probe_reset();
  const v = probe_read64(FIRMWARE_BASE);
  const cause = probe_last_cause();
  puts(str("PMP: S-mode load from firmware memory at "));
  puthex(FIRMWARE_BASE);
  puts(str(" (mapped R by the page table): "));
  if (cause != 0n) {
    puts(trap_cause_name(cause));
    puts(str(" (scause "));
    putdec(cause);
    puts(str(", stval "));
    puthex(probe_last_tval());
    puts(str("), stopped by PMP as expected"));
  } else {
    puts(str("NOT STOPPED, read "));
    puthex(v);
  }
  nl();
  check(cause == CAUSE_LOAD_ACCESS && probe_last_tval() == FIRMWARE_BASE && v == 0xffffffffffffffffn ? 1n : 0n, str("PMP stops S-mode reads of the firmware"));
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
  puts(str("SBI TIME: set_timer(now + 5000) -> "));
  if (timer_irq_count() != 0n) { puts(str("supervisor timer interrupt after ")); putdec(waited); puts(str(" ticks")); }
  else puts(str("NO INTERRUPT"));
  nl();
  check(r == SBI_SUCCESS && timer_irq_count() == 1n ? 1n : 0n, str("SBI set_timer delivers one timer interrupt"));

  // IPI to ourselves: a supervisor software interrupt.
  const r2 = sbi_send_ipi(1n, 0n);
  spins = 0n;
  while (soft_irq_count() == 0n && spins < 100n) { spins = spins + 1n; }
  csrc("sstatus", SSTATUS_SIE);
  csrc("sie", SIE_STIE | SIE_SSIE);
  puts(str("SBI IPI: send_ipi(hart 0) -> "));
  puts(soft_irq_count() == 1n ? str("supervisor software interrupt") : str("NO INTERRUPT"));
  nl();
  check(r2 == SBI_SUCCESS && soft_irq_count() == 1n ? 1n : 0n, str("SBI send_ipi delivers a software interrupt"));

  const r3 = sbi_remote_sfence_vma_asid(1n, 0n, LAZY_BASE, PAGE_SIZE, KERNEL_ASID);
  puts(str("SBI RFENCE: remote_sfence_vma_asid(hart 0, one page, ASID "));
  putdec(KERNEL_ASID);
  puts(str("): "));
  puts(r3 == SBI_SUCCESS ? str("ok") : str("FAILED"));
  nl();
  check(r3 == SBI_SUCCESS ? 1n : 0n, str("SBI remote_sfence_vma_asid"));
}
