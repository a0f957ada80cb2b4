// Virtual memory areas with lazy allocation: an area [start, end) is reserved by vm_alloc and costs
// nothing until touched; the first load or store to one of its pages page-faults, and the fault
// handler allocates a zeroed frame, maps it 4 KiB with the area's permissions, fences that address
// and returns to the faulting instruction. vm_free unmaps, fences and drops the frames' references.

import { u64, load64, store64, staticBuffer, sfence_vma, struct_at, sizeof, range, embed, list_entry, NULL } from '../runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add_tail, list_empty, list_move, list_move_tail } from '../lib/list.js';
import { PAGE_SIZE, PAGE_MASK, page_align } from './layout.js';
import { _PAGE_WRITE, _PAGE_READ, pte_phys } from './pgtable.js';
import { __create_pgd_mapping, NO_BLOCK_MAPPINGS } from './mmu.js';
import { la2pa, LA2PA_FAULT } from './la2pa.js';
import { frame_alloc, frame_put, zero_frame, pgtable_alloc, FRAME_MAPPED } from './frame.js';

export const MAX_AREAS = 32n;

/** A lazily allocated area (Linux's vm_struct, the vmalloc area's descriptor, with vm_area_struct's fields): on mmap_list (in use, sorted by vm_start,
 *  as mm->mmap) or on free_areas (the unused ones of the static pool). */
export class vm_struct {
  vm_start = u64;
  vm_end = u64;
  vm_page_prot = u64;
  vm_list = embed(list_head);
}
const areas = staticBuffer(MAX_AREAS * sizeof(vm_struct), 8n);
const mmap_head = staticBuffer(sizeof(list_head), 8n);
const free_head = staticBuffer(sizeof(list_head), 8n);
const mmap_list = struct_at(list_head, mmap_head);
const free_areas = struct_at(list_head, free_head);

/** vm_alloc/vm_free results. */
export const VM_OK = 0n;
export const VM_EINVAL = 1n;                    // empty or wrapping range
export const VM_EOVERLAP = 2n;                  // overlaps an existing area
export const VM_ENOSPC = 3n;                    // no free area left
export const VM_ENOENT = 4n;                    // vm_free: no area inside the range
export const VM_EPARTIAL = 5n;                  // vm_free: the range cuts an area

/** handle_lazy_fault results. */
export const FAULT_HANDLED = 0n;
export const FAULT_NO_AREA = 1n;                // the address is in no area
export const FAULT_PERMISSION = 2n;             // in an area, but the access is not allowed or the page is present
export const FAULT_NO_MEMORY = 3n;              // no frame left

let vm_pgdir: u64 = 0n;
let vm_asid: u64 = 0n;
let nr_faults: u64 = 0n;
let nr_mapped: u64 = 0n;
let last_conflict: vm_struct = NULL;

export function vm_init(pgdir: u64, asid: u64): void {
  vm_pgdir = pgdir;
  vm_asid = asid;
  nr_faults = 0n;
  nr_mapped = 0n;
  INIT_LIST_HEAD(mmap_list);
  INIT_LIST_HEAD(free_areas);
  for (const i of range(0n, MAX_AREAS)) list_add_tail(struct_at(vm_struct, areas + i * sizeof(vm_struct)).vm_list, free_areas);
}

/** Page faults handled since vm_init. */
export function vm_fault_count(): u64 { return nr_faults; }
/** Pages currently mapped in areas. */
export function vm_mapped_pages(): u64 { return nr_mapped; }
/** The area that made the last vm_alloc fail with VM_EOVERLAP, or vm_free with VM_EPARTIAL. */
export function vm_last_conflict(): vm_struct { return last_conflict; }
export function vm_area_count(): u64 {
  let n = 0n;
  for (let vma = list_entry(mmap_list.next, vm_struct, 'vm_list'); vma.vm_list !== mmap_list; vma = list_entry(vma.vm_list.next, vm_struct, 'vm_list')) n++;
  return n;
}

/** The area holding addr, or NULL (Linux's find_vma for the kernel's lazy areas, narrowed to the area that contains addr). */
export function find_vm_area(addr: u64): vm_struct {
  for (let vma = list_entry(mmap_list.next, vm_struct, 'vm_list'); vma.vm_list !== mmap_list; vma = list_entry(vma.vm_list.next, vm_struct, 'vm_list')) {
    if (addr < vma.vm_start) break;             // sorted: no later area holds it
    if (addr < vma.vm_end) return vma;
  }
  return NULL;
}

/** Reserves [start, end) (widened to pages) with permissions prot. Nothing is mapped yet. */
export function vm_alloc(start: u64, end: u64, prot: u64): u64 {
  start = start & PAGE_MASK;
  end = page_align(end);
  if (end <= start) return VM_EINVAL;
  // The first area that ends after start: it must also start at or after end; the new one goes before it.
  let next = list_entry(mmap_list.next, vm_struct, 'vm_list');
  while (next.vm_list !== mmap_list && next.vm_end <= start) next = list_entry(next.vm_list.next, vm_struct, 'vm_list');
  if (next.vm_list !== mmap_list && next.vm_start < end) {
    last_conflict = next;
    return VM_EOVERLAP;
  }
  if (list_empty(free_areas)) return VM_ENOSPC;
  const vma = list_entry(free_areas.next, vm_struct, 'vm_list');
  vma.vm_start = start;
  vma.vm_end = end;
  vma.vm_page_prot = prot;
  list_move_tail(vma.vm_list, next.vm_list);     // before next (or at the end, when next is the head)
  return VM_OK;
}

/** Unmaps every page of vma that is mapped; returns how many frames were released. */
function unmap_area(vma: vm_struct): u64 {
  let released = 0n;
  for (let va = vma.vm_start; va < vma.vm_end; va += PAGE_SIZE) {
    const [pa, level, ptep] = la2pa(vm_pgdir, va);
    if (pa != LA2PA_FAULT && level == 0n) {
      store64(ptep, 0n);
      sfence_vma(va, vm_asid);
      if (frame_put(pa & PAGE_MASK) == 0n) released = released + 1n;
      nr_mapped = nr_mapped - 1n;
    }
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
  for (let vma = list_entry(mmap_list.next, vm_struct, 'vm_list'); vma.vm_list !== mmap_list; vma = list_entry(vma.vm_list.next, vm_struct, 'vm_list')) {
    if (start < vma.vm_end && vma.vm_start < end) {
      if (vma.vm_start < start || vma.vm_end > end) { last_conflict = vma; return VM_EPARTIAL; }
      found = found + 1n;
    }
  }
  if (found == 0n) return VM_ENOENT;
  // list_for_each_entry_safe: the next entry is taken before this one moves to free_areas.
  let vma = list_entry(mmap_list.next, vm_struct, 'vm_list');
  while (vma.vm_list !== mmap_list) {
    const next = list_entry(vma.vm_list.next, vm_struct, 'vm_list');
    if (start <= vma.vm_start && vma.vm_end <= end) {
      freed_frames = freed_frames + unmap_area(vma);
      list_move(vma.vm_list, free_areas);
    }
    vma = next;
  }
  return VM_OK;
}

/** The page-fault path for lazy areas: cause 13 (load) or 15 (store/AMO) at addr. */
export function handle_lazy_fault(addr: u64, is_store: u64): u64 {
  const vma = find_vm_area(addr);
  if (vma === NULL) return FAULT_NO_AREA;
  const prot = vma.vm_page_prot;
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
