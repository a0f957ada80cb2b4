// Virtual memory areas with lazy allocation: an area [start, end) is reserved by vm_alloc and costs
// nothing until touched; the first load or store to one of its pages page-faults, and the fault
// handler allocates a zeroed frame, maps it 4 KiB with the area's permissions, fences that address
// and returns to the faulting instruction. vm_free unmaps, fences and drops the frames' references.

import { u64, load64, store64, staticBuffer, sfence_vma, struct_at, sizeof, range } from '../runtime/intrinsics.js';
import { PAGE_SIZE, PAGE_MASK, page_align } from './layout.js';
import { _PAGE_WRITE, _PAGE_READ, pte_phys } from './pgtable.js';
import { __create_pgd_mapping, NO_BLOCK_MAPPINGS } from './mmu.js';
import { la2pa, LA2PA_FAULT } from './la2pa.js';
import { frame_alloc, frame_put, zero_frame, pgtable_alloc, FRAME_MAPPED } from './frame.js';

export const MAX_AREAS = 32n;
/** A lazily allocated area (a slot is free when vm_start is SLOT_EMPTY), as Linux's vm_area_struct. */
export class vm_area_struct {
  vm_start = u64;
  vm_end = u64;
  vm_page_prot = u64;
}
const areas = staticBuffer(MAX_AREAS * sizeof(vm_area_struct), 8n);

/** vm_alloc/vm_free results. */
export const VM_OK = 0n;
export const VM_EINVAL = 1n;                    // empty or wrapping range
export const VM_EOVERLAP = 2n;                  // overlaps an existing area
export const VM_ENOSPC = 3n;                    // no free area slot
export const VM_ENOENT = 4n;                    // vm_free: no area inside the range
export const VM_EPARTIAL = 5n;                  // vm_free: the range cuts an area

/** handle_lazy_fault results. */
export const FAULT_HANDLED = 0n;
export const FAULT_NO_AREA = 1n;                // the address is in no area
export const FAULT_PERMISSION = 2n;             // in an area, but the access is not allowed or the page is present
export const FAULT_NO_MEMORY = 3n;              // no frame left

const SLOT_EMPTY = 0xffffffffffffffffn;

let vm_pgdir: u64 = 0n;
let vm_asid: u64 = 0n;
let nr_faults: u64 = 0n;
let nr_mapped: u64 = 0n;
let last_conflict: u64 = SLOT_EMPTY;

function area(i: u64): vm_area_struct { return struct_at(vm_area_struct, areas + i * sizeof(vm_area_struct)); }
export function area_start(i: u64): u64 { return area(i).vm_start; }
export function area_end(i: u64): u64 { return area(i).vm_end; }
export function area_prot(i: u64): u64 { return area(i).vm_page_prot; }
function slot_used(i: u64): u64 { return area(i).vm_start != SLOT_EMPTY ? 1n : 0n; }

export function vm_init(pgdir: u64, asid: u64): void {
  vm_pgdir = pgdir;
  vm_asid = asid;
  nr_faults = 0n;
  nr_mapped = 0n;
  for (const i of range(0n, MAX_AREAS)) {
    const vma = area(i);
    vma.vm_start = SLOT_EMPTY;
    vma.vm_end = 0n;
  }
}

/** Page faults handled since vm_init. */
export function vm_fault_count(): u64 { return nr_faults; }
/** Pages currently mapped in areas. */
export function vm_mapped_pages(): u64 { return nr_mapped; }
/** The area that made the last vm_alloc fail with VM_EOVERLAP, or vm_free with VM_EPARTIAL. */
export function vm_last_conflict(): u64 { return last_conflict; }
export function vm_area_count(): u64 {
  let n = 0n;
  for (const i of range(0n, MAX_AREAS)) n = n + slot_used(i);
  return n;
}

/** The area holding addr, or SLOT_EMPTY. */
export function vm_find(addr: u64): u64 {
  for (const i of range(0n, MAX_AREAS)) {
    const vma = area(i);
    if (vma.vm_start != SLOT_EMPTY && addr >= vma.vm_start && addr < vma.vm_end) return i;
  }
  return SLOT_EMPTY;
}
export function vm_none(): u64 { return SLOT_EMPTY; }

/** Reserves [start, end) (widened to pages) with permissions prot. Nothing is mapped yet. */
export function vm_alloc(start: u64, end: u64, prot: u64): u64 {
  start = start & PAGE_MASK;
  end = page_align(end);
  if (end <= start) return VM_EINVAL;
  let free_slot = SLOT_EMPTY;
  for (const i of range(0n, MAX_AREAS)) {
    const other = area(i);
    if (other.vm_start == SLOT_EMPTY) {
      if (free_slot == SLOT_EMPTY) free_slot = i;
    } else if (start < other.vm_end && other.vm_start < end) {
      last_conflict = i;
      return VM_EOVERLAP;
    }
  }
  if (free_slot == SLOT_EMPTY) return VM_ENOSPC;
  const vma = area(free_slot);
  vma.vm_start = start;
  vma.vm_end = end;
  vma.vm_page_prot = prot;
  return VM_OK;
}

/** Unmaps every page of area i that is mapped; returns how many frames were released. */
function unmap_area(i: u64): u64 {
  let released = 0n;
  let va = area_start(i);
  const end = area_end(i);
  while (va < end) {
    const [pa, level, ptep] = la2pa(vm_pgdir, va);
    if (pa != LA2PA_FAULT && level == 0n) {
      store64(ptep, 0n);
      sfence_vma(va, vm_asid);
      if (frame_put(pa & PAGE_MASK) == 0n) released = released + 1n;
      nr_mapped = nr_mapped - 1n;
    }
    va = va + PAGE_SIZE;
  }
  return released;
}

/** Frees the areas inside [start, end): unmaps, fences, drops the frames' references. Returns VM_OK or an error;
 *  vm_freed_frames() then says how many frames went back to the allocator. */
let freed_frames: u64 = 0n;
export function vm_freed_frames(): u64 { return freed_frames; }

export function vm_free(start: u64, end: u64): u64 {
  start = start & PAGE_MASK;
  end = page_align(end);
  freed_frames = 0n;
  if (end <= start) return VM_EINVAL;
  // First pass: refuse a range that cuts an area, so a failed vm_free changes nothing.
  let found = 0n;
  for (const i of range(0n, MAX_AREAS)) {
    const vma = area(i);
    if (vma.vm_start != SLOT_EMPTY && start < vma.vm_end && vma.vm_start < end) {
      if (vma.vm_start < start || vma.vm_end > end) { last_conflict = i; return VM_EPARTIAL; }
      found = found + 1n;
    }
  }
  if (found == 0n) return VM_ENOENT;
  for (const i of range(0n, MAX_AREAS)) {
    const vma = area(i);
    if (vma.vm_start != SLOT_EMPTY && start <= vma.vm_start && vma.vm_end <= end) {
      freed_frames = freed_frames + unmap_area(i);
      vma.vm_start = SLOT_EMPTY;
    }
  }
  return VM_OK;
}

/** The page-fault path for lazy areas: cause 13 (load) or 15 (store/AMO) at addr. */
export function handle_lazy_fault(addr: u64, is_store: u64): u64 {
  const i = vm_find(addr);
  if (i == SLOT_EMPTY) return FAULT_NO_AREA;
  const prot = area_prot(i);
  const needed = is_store != 0n ? _PAGE_WRITE : _PAGE_READ;
  if ((prot & needed) == 0n) return FAULT_PERMISSION;
  const va = addr & PAGE_MASK;
  // Already present: the fault was about permissions, not absence.
  const [present] = la2pa(vm_pgdir, va);
  if (present != LA2PA_FAULT) return FAULT_PERMISSION;
  const pa = frame_alloc(FRAME_MAPPED);
  if (pa == 0n) return FAULT_NO_MEMORY;
  zero_frame(pa);
  __create_pgd_mapping(vm_pgdir, pa, va, PAGE_SIZE, prot, pgtable_alloc, NO_BLOCK_MAPPINGS);
  sfence_vma(va, vm_asid);
  nr_faults = nr_faults + 1n;
  nr_mapped = nr_mapped + 1n;
  return FAULT_HANDLED;
}

/** The frame a lazy page is backed by (0 if not present): for the transcript and tests. */
export function vm_backing(va: u64): u64 {
  const [pa, , ptep] = la2pa(vm_pgdir, va);
  if (pa == LA2PA_FAULT) return 0n;
  return pte_phys(load64(ptep));
}
