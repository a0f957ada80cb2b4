// RISC-V page-table definitions in the shape of Linux's arch/riscv/include/asm/pgtable*.h.
// One kernel image serves Sv39 and Sv48: as Linux does with `pgtable_l4_enabled`, the PUD level is
// folded into the PGD at run time for Sv39 (the PGD entry then *is* the PUD entry, 1 GiB each).
//
//   Sv39: pgd (VPN[2], 1 GiB)                 → pmd (VPN[1], 2 MiB) → pte (VPN[0], 4 KiB)
//   Sv48: pgd (VPN[3], 512 GiB) → pud (VPN[2]) → pmd (VPN[1], 2 MiB) → pte (VPN[0], 4 KiB)

import { type u64, load64, store64, wrap } from '../runtime/intrinsics.js';
import { PAGE_SHIFT, PAGE_MASK } from './layout.js';

// PTE bits (privileged spec 12.4.1): V R W X U G A D, PPN from bit 10.
export const _PAGE_PRESENT = 0x1n;
export const _PAGE_READ = 0x2n;
export const _PAGE_WRITE = 0x4n;
export const _PAGE_EXEC = 0x8n;
export const _PAGE_USER = 0x10n;
export const _PAGE_GLOBAL = 0x20n;
export const _PAGE_ACCESSED = 0x40n;
export const _PAGE_DIRTY = 0x80n;
export const _PAGE_PFN_SHIFT = 10n;
/** PTE.PPN: bits 53..10. */
export const _PAGE_PFN_MASK = 0x003ffffffffffc00n;
export const _PAGE_LEAF = 0xen;            // R | W | X
/** A pointer to the next level: V alone (D, A, U must be clear in non-leaf PTEs). */
export const _PAGE_TABLE = 0x1n;

// A and D are preset so the tables work whatever the board's A/D policy (svade faults on A=0).
export const PAGE_KERNEL = 0xe7n;          // V R W   G A D
export const PAGE_KERNEL_READ = 0x63n;     // V R     G A
export const PAGE_KERNEL_EXEC = 0x6bn;     // V R   X G A
export const PAGE_KERNEL_IO = 0xe7n;       // devices: read/write, never executable
/** Lazily allocated pages: private to the kernel's ASID (not global). */
export const PAGE_USER = 0xd7n;            // V R W U   A D  (user_pool pages: U, not global)
export const PAGE_LAZY = 0xc7n;            // V R W     A D
/** A read-only lazy area (its store faults are permission faults). */
export const PAGE_LAZY_READ = 0x43n;       // V R       A

export const PTRS_PER_TABLE = 512n;
export const PMD_SHIFT = 21n;
export const PMD_SIZE = 0x200000n;
export const PMD_MASK = 0xffffffffffe00000n;
export const PUD_SHIFT = 30n;
export const PUD_SIZE = 0x40000000n;
export const PUD_MASK = 0xffffffffc0000000n;

/** satp.MODE values. */
export const SATP_MODE_SV39 = 8n;
export const SATP_MODE_SV48 = 9n;

let pgtable_l4_enabled: u64 = 0n;

/** Selects the paging mode the table code builds for (before any table is built). */
export function pgtable_set_mode(satp_mode: u64): void {
  pgtable_l4_enabled = satp_mode == SATP_MODE_SV48 ? 1n : 0n;
}
export function pgtable_l4(): u64 { return pgtable_l4_enabled; }
export function pgtable_levels(): u64 { return pgtable_l4_enabled != 0n ? 4n : 3n; }
export function satp_mode(): u64 { return pgtable_l4_enabled != 0n ? SATP_MODE_SV48 : SATP_MODE_SV39; }

export function pgdir_shift(): u64 { return pgtable_l4_enabled != 0n ? 39n : 30n; }
export function pgdir_size(): u64 { return 1n << pgdir_shift(); }

// ---- entry values ------------------------------------------------------------------------------
export function pfn_pte(pfn: u64, prot: u64): u64 { return wrap((pfn << _PAGE_PFN_SHIFT) | prot); }
export function pte_pfn(pte: u64): u64 { return (pte & _PAGE_PFN_MASK) >> _PAGE_PFN_SHIFT; }
/** The physical address an entry points at (next table, or the start of a leaf's region). */
export function pte_phys(pte: u64): u64 { return pte_pfn(pte) << PAGE_SHIFT; }
export function pte_none(pte: u64): u64 { return pte == 0n ? 1n : 0n; }
export function pte_present(pte: u64): u64 { return pte & _PAGE_PRESENT; }
/** A leaf ("section"/"huge" entry at PMD level and above): present with R, W or X. */
export function pte_leaf(pte: u64): u64 { return (pte & _PAGE_PRESENT) != 0n && (pte & _PAGE_LEAF) != 0n ? 1n : 0n; }
/** A table entry is bad unless it is a present pointer. */
export function pte_table_bad(pte: u64): u64 { return (pte & _PAGE_PRESENT) == 0n || (pte & _PAGE_LEAF) != 0n ? 1n : 0n; }

// ---- indices and walks (pgd_offset_pgd, pud_offset, pmd_offset, pte_offset) --------------------
export function pgd_index(addr: u64): u64 { return (addr >> pgdir_shift()) & (PTRS_PER_TABLE - 1n); }
export function pud_index(addr: u64): u64 { return (addr >> PUD_SHIFT) & (PTRS_PER_TABLE - 1n); }
export function pmd_index(addr: u64): u64 { return (addr >> PMD_SHIFT) & (PTRS_PER_TABLE - 1n); }
export function pte_index(addr: u64): u64 { return (addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1n); }

export function pgd_offset_pgd(pgdir: u64, addr: u64): u64 { return pgdir + pgd_index(addr) * 8n; }
/** Sv48: the PUD table the PGD entry points at. Sv39: the PUD is folded, the PGD entry is the PUD entry. */
export function pud_offset(pgdp: u64, addr: u64): u64 {
  if (pgtable_l4_enabled != 0n) return pte_phys(load64(pgdp)) + pud_index(addr) * 8n;
  return pgdp;
}
export function pmd_offset(pudp: u64, addr: u64): u64 { return pte_phys(load64(pudp)) + pmd_index(addr) * 8n; }
export function pte_offset(pmdp: u64, addr: u64): u64 { return pte_phys(load64(pmdp)) + pte_index(addr) * 8n; }

// ---- populate: make an entry point at a freshly allocated next-level table ---------------------
export function __pgd_populate(pgdp: u64, pud_phys: u64): void { store64(pgdp, pfn_pte(pud_phys >> PAGE_SHIFT, _PAGE_TABLE)); }
export function __pud_populate(pudp: u64, pmd_phys: u64): void { store64(pudp, pfn_pte(pmd_phys >> PAGE_SHIFT, _PAGE_TABLE)); }
export function __pmd_populate(pmdp: u64, pte_phys_: u64): void { store64(pmdp, pfn_pte(pte_phys_ >> PAGE_SHIFT, _PAGE_TABLE)); }

/** Block ("huge") leaves: 1 GiB at the PUD level, 2 MiB at the PMD level. */
export function pud_set_huge(pudp: u64, phys: u64, prot: u64): void { store64(pudp, pfn_pte((phys & PUD_MASK) >> PAGE_SHIFT, prot)); }
export function pmd_set_huge(pmdp: u64, phys: u64, prot: u64): void { store64(pmdp, pfn_pte((phys & PMD_MASK) >> PAGE_SHIFT, prot)); }
export function set_pte(ptep: u64, pte: u64): void { store64(ptep, pte); }

/** Svnapot (the privileged spec's chapter on NAPOT translation contiguity): a level-0 leaf with N (bit 63)
 *  and PPN[3:0] = 1000 is one of 16 PTEs mapping one 64 KiB-aligned run — RISC-V's arm64 PTE_CONT. */
export const _PAGE_NAPOT = 0x8000000000000000n;
export const CONT_PTES = 16n;
export const CONT_PTE_SIZE = 0x10000n;
export const CONT_PTE_MASK = 0xffffffffffff0000n;
/** Linux riscv's pte_mknapot(pte, 4): PPN[3:0] becomes 1000, N is set. */
export function pte_mknapot(pte: u64): u64 { return (pte & 0xffffffffffffc3ffn) | 0x2000n | _PAGE_NAPOT; }
export function pte_napot(pte: u64): boolean { return (pte & _PAGE_NAPOT) != 0n; }
/** The end of the 64 KiB run holding addr, or end if sooner (pte_cont_addr_end). */
export function pte_cont_addr_end(addr: u64, end: u64): u64 {
  const boundary = wrap((addr + CONT_PTE_SIZE) & CONT_PTE_MASK);
  return wrap(boundary - 1n) < wrap(end - 1n) ? boundary : end;
}

// ---- the *_addr_end helpers: the next boundary of this level, or end if that comes first -------
// `boundary - 1 < end - 1` (not `boundary < end`) so that end = 0 means the top of the address space.
function addr_end(addr: u64, end: u64, size: u64): u64 {
  const boundary = wrap((addr + size) & wrap(0n - size));
  return wrap(boundary - 1n) < wrap(end - 1n) ? boundary : end;
}
export function pgd_addr_end(addr: u64, end: u64): u64 { return addr_end(addr, end, pgdir_size()); }
export function pud_addr_end(addr: u64, end: u64): u64 { return addr_end(addr, end, PUD_SIZE); }
export function pmd_addr_end(addr: u64, end: u64): u64 { return addr_end(addr, end, PMD_SIZE); }

/** arm64's pgattr_change_is_safe: a live entry may only change its permission bits (or appear/go). */
export function pgattr_change_is_safe(old: u64, next: u64): u64 {
  const mask = _PAGE_READ | _PAGE_WRITE | _PAGE_EXEC | _PAGE_GLOBAL | _PAGE_ACCESSED | _PAGE_DIRTY;
  if (old == 0n || next == 0n) return 1n;
  return ((old ^ next) & ~mask & 0xffffffffffffffffn) == 0n ? 1n : 0n;
}

export function page_offset_mask(): u64 { return wrap(~PAGE_MASK); }
