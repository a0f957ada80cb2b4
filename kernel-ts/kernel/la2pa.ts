// la2pa: a software page walk over the kernel's own tables (the privileged spec's 12.3.2 algorithm,
// without A/D updates), so the kernel can check that what it built is what it meant to map.
// Returns the physical address, or LA2PA_FAULT; the leaf's level, PTE and PTE address are kept for
// la2pa_level()/la2pa_pte()/la2pa_ptep() (kernel-ts functions return one value).

import { type u64, load64, wrap, sra } from '../runtime/intrinsics.js';
import { PAGE_SHIFT } from './layout.js';
import { pgtable_levels, _PAGE_PRESENT, _PAGE_READ, _PAGE_WRITE, _PAGE_LEAF, pte_pfn } from './pgtable.js';

export const LA2PA_FAULT = 0xffffffffffffffffn;

let last_level: u64 = 0n;
let last_pte: u64 = 0n;
let last_ptep: u64 = 0n;

/** Level of the last successful walk's leaf: 0 = 4 KiB page, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB. */
export function la2pa_level(): u64 { return last_level; }
export function la2pa_pte(): u64 { return last_pte; }
/** Address of the leaf PTE (or of the entry where the walk stopped, after a fault). */
export function la2pa_ptep(): u64 { return last_ptep; }

/** Size in bytes of a leaf at `level`. */
export function level_size(level: u64): u64 { return 1n << (PAGE_SHIFT + 9n * level); }

export function la2pa(pgdir: u64, va: u64): u64 {
  const levels = pgtable_levels();
  const va_bits = 12n + 9n * levels;
  last_level = 0n;
  last_pte = 0n;
  last_ptep = 0n;
  // 1. Bits 63..VALEN-1 must all equal bit VALEN-1.
  if (sra(va << (64n - va_bits), 64n - va_bits) != wrap(va)) return LA2PA_FAULT;
  // 2. a = satp.PPN × PAGESIZE, i = LEVELS - 1.
  let a = pgdir;
  let i = levels - 1n;
  while (true) {
    // 3. pte = the PTE at a + va.vpn[i] × PTESIZE.
    const ptep = a + ((va >> (PAGE_SHIFT + 9n * i)) & 511n) * 8n;
    const pte = load64(ptep);
    last_ptep = ptep;
    last_pte = pte;
    // 4. Invalid (V = 0, or R = 0 and W = 1).
    if ((pte & _PAGE_PRESENT) == 0n || ((pte & _PAGE_READ) == 0n && (pte & _PAGE_WRITE) != 0n)) return LA2PA_FAULT;
    // 5. A leaf has R or X set; otherwise descend.
    if ((pte & _PAGE_LEAF) != 0n) break;
    if (i == 0n) return LA2PA_FAULT;
    i = i - 1n;
    a = pte_pfn(pte) << PAGE_SHIFT;
  }
  // 7. A superpage's low PPN fields must be zero.
  const size = level_size(i);
  const base = pte_pfn(last_pte) << PAGE_SHIFT;
  if ((base & (size - 1n)) != 0n) return LA2PA_FAULT;
  last_level = i;
  // 9. pa = the leaf's PPN above level i, the VA's offset below.
  return base | (va & (size - 1n));
}
