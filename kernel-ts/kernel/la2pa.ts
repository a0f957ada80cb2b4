// la2pa: a software page walk over the kernel's own tables (the privileged spec's 12.3.2 algorithm,
// without A/D updates), so the kernel can check that what it built is what it meant to map.
// Returns [pa, level, ptep]: the physical address (or LA2PA_FAULT), the leaf's level (0 = 4 KiB
// page, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB) and the leaf PTE's address (after a fault, the entry
// where the walk stopped).

import { type u64, load64, wrap, sra } from '../runtime/intrinsics.js';
import { PAGE_SHIFT } from './layout.js';
import { pgtable_levels, _PAGE_PRESENT, _PAGE_READ, _PAGE_WRITE, _PAGE_LEAF, pte_pfn, pte_napot, CONT_PTE_MASK, CONT_PTE_SIZE } from './pgtable.js';

export const LA2PA_FAULT = 0xffffffffffffffffn;

/** Size in bytes of a leaf at `level`. */
export function level_size(level: u64): u64 { return 1n << (PAGE_SHIFT + 9n * level); }

export function la2pa(pgdir: u64, va: u64): [u64, u64, u64] {
  const levels = pgtable_levels();
  const va_bits = 12n + 9n * levels;
  // 1. Bits 63..VALEN-1 must all equal bit VALEN-1.
  if (sra(va << (64n - va_bits), 64n - va_bits) != wrap(va)) return [LA2PA_FAULT, 0n, 0n];
  // 2. a = satp.PPN × PAGESIZE, i = LEVELS - 1.
  let a = pgdir;
  let i = levels - 1n;
  let ptep = 0n;
  let pte = 0n;
  while (true) {
    // 3. pte = the PTE at a + va.vpn[i] × PTESIZE.
    ptep = a + ((va >> (PAGE_SHIFT + 9n * i)) & 511n) * 8n;
    pte = load64(ptep);
    // 4. Invalid (V = 0, or R = 0 and W = 1).
    if ((pte & _PAGE_PRESENT) == 0n || ((pte & _PAGE_READ) == 0n && (pte & _PAGE_WRITE) != 0n)) return [LA2PA_FAULT, 0n, ptep];
    // 5. A leaf has R or X set; otherwise descend.
    if ((pte & _PAGE_LEAF) != 0n) break;
    if (i == 0n) return [LA2PA_FAULT, 0n, ptep];
    i = i - 1n;
    a = pte_pfn(pte) << PAGE_SHIFT;
  }
  // 7. A superpage's low PPN fields must be zero.
  const size = level_size(i);
  const base = pte_pfn(pte) << PAGE_SHIFT;
  if ((base & (size - 1n)) != 0n) return [LA2PA_FAULT, 0n, ptep];
  // Svnapot: a level-0 leaf with N and PPN[3:0] = 1000 covers 64 KiB; VPN[0][3:0] replaces PPN[3:0].
  // Any other N encoding is reserved (a fault).
  if (pte_napot(pte)) {
    if (i != 0n || (pte_pfn(pte) & 0xfn) != 0x8n) return [LA2PA_FAULT, 0n, ptep];
    return [(base & CONT_PTE_MASK) | (va & (CONT_PTE_SIZE - 1n)), i, ptep];
  }
  // 9. pa = the leaf's PPN above level i, the VA's offset below.
  return [base | (va & (size - 1n)), i, ptep];
}
