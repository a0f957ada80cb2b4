// __create_pgd_mapping: a port of Linux arch/arm64/mm/mmu.c (v4.x shape, before the CONT helpers)
// onto RISC-V Sv39/Sv48, keeping its structure so the two can be read side by side:
//
//   __create_pgd_mapping → (per PGD entry) alloc_init_pud → (per PUD entry: 1 GiB block, or)
//   alloc_init_pmd → (per PMD entry: 2 MiB block, or) alloc_init_cont_pte → (per 64 KiB run:
//   16 Svnapot PTEs, or) init_pte → (per PTE) 4 KiB page
//
// Differences from arm64: RISC-V has no table-level XN bits (NO_EXEC_MAPPINGS does nothing). arm64's
// contiguous hint is Svnapot here: alloc_init_cont_pte maps each 64 KiB-aligned run of 16 pages with
// NAPOT PTEs (pte_mknapot) unless NO_CONT_MAPPINGS; Svnapot has no 2 MiB-level NAPOT size in use, so
// alloc_init_cont_pmd collapses into alloc_init_pmd. The PUD
// level is folded into the PGD for Sv39 exactly as Linux/riscv does with pgtable_l4_enabled, so a
// 1 GiB block lands in the PGD (Sv39) or the PUD (Sv48). BUG_ON records and returns (bug.ts).

import { type u64, load64, wrap } from '../runtime/intrinsics.js';
import { PAGE_SHIFT, PAGE_SIZE, PAGE_MASK, page_align } from './layout.js';
import {
  PMD_SHIFT, PUD_SHIFT, PMD_MASK, PUD_MASK, pgtable_l4,
  pgd_offset_pgd, pud_offset, pmd_offset, pte_offset, pgd_addr_end, pud_addr_end, pmd_addr_end,
  __pgd_populate, __pud_populate, __pmd_populate, pud_set_huge, pmd_set_huge, set_pte,
  pfn_pte, pte_none, pte_leaf, pte_table_bad, pgattr_change_is_safe, pte_mknapot, pte_cont_addr_end, CONT_PTE_MASK,
} from './pgtable.js';
import { bug, BUG_MISALIGNED_PHYS, BUG_PGTABLE_ALLOC, BUG_SECT_UNDER_TABLE, BUG_BAD_TABLE, BUG_UNSAFE_CHANGE } from './bug.js';

/** flags: never use block mappings (every page gets its own PTE). */
export const NO_BLOCK_MAPPINGS = 0x1n;
/** flags: accepted for arm64 compatibility; RISC-V tables have no execute-never bits. */
export const NO_EXEC_MAPPINGS = 0x2n;
/** flags: never use contiguous (Svnapot) PTEs — the hart may not implement Svnapot. */
export const NO_CONT_MAPPINGS = 0x4n;

/** Returns the physical address of a zeroed page for a table at level `shift`, or 0 if none is left. */
export type pgtable_alloc_fn = (shift: u64) => u64;

function init_pte(pmdp: u64, addr: u64, end: u64, phys: u64, prot: u64, cont: boolean): void {
  let ptep = pte_offset(pmdp, addr);
  do {
    const old_pte = load64(ptep);
    set_pte(ptep, cont ? pte_mknapot(pfn_pte(phys >> PAGE_SHIFT, prot)) : pfn_pte(phys >> PAGE_SHIFT, prot));
    // After the PTE entry has been populated once, we only allow updates to the permission attributes.
    if (pgattr_change_is_safe(old_pte, load64(ptep)) == 0n) bug(BUG_UNSAFE_CHANGE, addr);
    phys = wrap(phys + PAGE_SIZE);
    ptep = ptep + 8n;
    addr = wrap(addr + PAGE_SIZE);
  } while (addr != end);
}

function alloc_init_cont_pte(pmdp: u64, addr: u64, end: u64, phys: u64, prot: u64,
  pgtable_alloc: pgtable_alloc_fn, flags: u64): void {
  let pmd = load64(pmdp);
  // Check for initial section mappings in the pmd.
  if (pte_leaf(pmd) != 0n) { bug(BUG_SECT_UNDER_TABLE, addr); return; }
  if (pte_none(pmd) != 0n) {
    const pte_phys = pgtable_alloc(PAGE_SHIFT);
    if (pte_phys == 0n) { bug(BUG_PGTABLE_ALLOC, addr); return; }
    __pmd_populate(pmdp, pte_phys);
    pmd = load64(pmdp);
  }
  if (pte_table_bad(pmd) != 0n) { bug(BUG_BAD_TABLE, addr); return; }
  do {
    const next = pte_cont_addr_end(addr, end);
    // use a contiguous mapping if the range is suitably aligned
    const cont = ((addr | next | phys) & ~CONT_PTE_MASK & 0xffffffffffffffffn) == 0n && (flags & NO_CONT_MAPPINGS) == 0n;
    init_pte(pmdp, addr, next, phys, prot, cont);
    phys = wrap(phys + next - addr);
    addr = next;
  } while (addr != end);
}

function alloc_init_pmd(pudp: u64, addr: u64, end: u64, phys: u64, prot: u64,
  pgtable_alloc: pgtable_alloc_fn, flags: u64): void {
  let pud = load64(pudp);
  // Check for initial section mappings in the pgd/pud.
  if (pte_leaf(pud) != 0n) { bug(BUG_SECT_UNDER_TABLE, addr); return; }
  if (pte_none(pud) != 0n) {
    const pmd_phys = pgtable_alloc(PMD_SHIFT);
    if (pmd_phys == 0n) { bug(BUG_PGTABLE_ALLOC, addr); return; }
    __pud_populate(pudp, pmd_phys);
    pud = load64(pudp);
  }
  if (pte_table_bad(pud) != 0n) { bug(BUG_BAD_TABLE, addr); return; }

  let pmdp = pmd_offset(pudp, addr);
  do {
    const old_pmd = load64(pmdp);
    const next = pmd_addr_end(addr, end);
    // try section mapping first
    if (((addr | next | phys) & ~PMD_MASK & 0xffffffffffffffffn) == 0n && (flags & NO_BLOCK_MAPPINGS) == 0n) {
      pmd_set_huge(pmdp, phys, prot);
      // After the PMD entry has been populated once, we only allow updates to the permission attributes.
      if (pgattr_change_is_safe(old_pmd, load64(pmdp)) == 0n) bug(BUG_UNSAFE_CHANGE, addr);
    } else {
      alloc_init_cont_pte(pmdp, addr, next, phys, prot, pgtable_alloc, flags);
      if (old_pmd != 0n && old_pmd != load64(pmdp)) bug(BUG_UNSAFE_CHANGE, addr);
    }
    phys = wrap(phys + next - addr);
    pmdp = pmdp + 8n;
    addr = next;
  } while (addr != end);
}

function alloc_init_pud(pgdp: u64, addr: u64, end: u64, phys: u64, prot: u64,
  pgtable_alloc: pgtable_alloc_fn, flags: u64): void {
  // Sv48 only: the PGD entry points at a PUD table (arm64's p4d/pgd step). Sv39 folds it away.
  if (pgtable_l4() != 0n) {
    let pgd = load64(pgdp);
    if (pte_leaf(pgd) != 0n) { bug(BUG_SECT_UNDER_TABLE, addr); return; }
    if (pte_none(pgd) != 0n) {
      const pud_phys = pgtable_alloc(PUD_SHIFT);
      if (pud_phys == 0n) { bug(BUG_PGTABLE_ALLOC, addr); return; }
      __pgd_populate(pgdp, pud_phys);
      pgd = load64(pgdp);
    }
    if (pte_table_bad(pgd) != 0n) { bug(BUG_BAD_TABLE, addr); return; }
  }

  let pudp = pud_offset(pgdp, addr);
  do {
    const old_pud = load64(pudp);
    const next = pud_addr_end(addr, end);
    // For 4K granule only, attempt to put down a 1GB block
    if (((addr | next | phys) & ~PUD_MASK & 0xffffffffffffffffn) == 0n && (flags & NO_BLOCK_MAPPINGS) == 0n) {
      pud_set_huge(pudp, phys, prot);
      // After the PUD entry has been populated once, we only allow updates to the permission attributes.
      if (pgattr_change_is_safe(old_pud, load64(pudp)) == 0n) bug(BUG_UNSAFE_CHANGE, addr);
    } else {
      alloc_init_pmd(pudp, addr, next, phys, prot, pgtable_alloc, flags);
      if (old_pud != 0n && old_pud != load64(pudp)) bug(BUG_UNSAFE_CHANGE, addr);
    }
    phys = wrap(phys + next - addr);
    pudp = pudp + 8n;
    addr = next;
  } while (addr != end);
}

export function __create_pgd_mapping(pgdir: u64, phys: u64, virt: u64, size: u64, prot: u64,
  pgtable_alloc: pgtable_alloc_fn, flags: u64): void {
  // If the virtual and physical address don't have the same offset within a page, we cannot map
  // the region as the caller expects.
  if (((phys ^ virt) & ~PAGE_MASK & 0xffffffffffffffffn) != 0n) { bug(BUG_MISALIGNED_PHYS, virt); return; }
  if (size == 0n) return;

  phys = phys & PAGE_MASK;
  let addr = virt & PAGE_MASK;
  const end = page_align(wrap(virt + size));
  let pgdp = pgd_offset_pgd(pgdir, addr);
  do {
    const next = pgd_addr_end(addr, end);
    alloc_init_pud(pgdp, addr, next, phys, prot, pgtable_alloc, flags);
    phys = wrap(phys + next - addr);
    pgdp = pgdp + 8n;
    addr = next;
  } while (addr != end);
}
