// The kernel reading and writing user memory for a system call (copy_from_user's job): each page
// is found in the process's own table — faulted in through the same path as a U-mode access when
// absent — and reached through the kernel's identity map of RAM. Only the user half is accepted,
// so a process cannot make the kernel read kernel memory for it.

import { type u64, load64, NULL } from '../runtime/intrinsics.js';
import { PAGE_MASK } from './layout.js';
import { _PAGE_PRESENT, _PAGE_USER, _PAGE_READ, _PAGE_WRITE, pte_phys } from './pgtable.js';
import { USER_START, TASK_SIZE } from './mm_types.js';
import { walk_pte, FAULT_FLAG_READ, FAULT_FLAG_WRITE } from './memory.js';
import { do_page_fault } from './fault.js';
import { get_current } from './sched.js';

export const BAD_ADDR = 0xffffffffffffffffn;

/** The physical address of user byte addr of the current task, faulted in if needed; BAD_ADDR if the
 *  process may not make that access. */
export function user_to_phys(addr: u64, write: boolean): u64 {
  if (addr < USER_START || addr >= TASK_SIZE) return BAD_ADDR;
  const t = get_current();
  const need = _PAGE_PRESENT | _PAGE_USER | (write ? _PAGE_WRITE : _PAGE_READ);
  for (let tries = 0n; tries < 2n; tries++) {
    const ptep = walk_pte(t.mm, addr, false);
    if (ptep != 0n) {
      const pte = load64(ptep);
      if ((pte & need) == need) return pte_phys(pte) | (addr & ~PAGE_MASK & 0xfffn);
    }
    if (do_page_fault(t, t.mm, addr, write ? FAULT_FLAG_WRITE : FAULT_FLAG_READ, "user copy", false) != 0n) return BAD_ADDR;
  }
  return BAD_ADDR;
}
