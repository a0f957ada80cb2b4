// The VMA code (mmap.ts) and the fault handler's decisions (memory.ts) run natively over a buffer
// standing for RAM, in Sv39 and Sv48, against a model: a map from page to permissions and a set of
// resident pages with their contents. After each random mmap/munmap/mprotect/touch the VMAs must be
// exactly the model's maximal runs (sorted, disjoint, merged), find_vma must agree, resident pages
// must keep what was written; at the end mmput gives every frame, table and object back. Then the
// fault decisions: demand-zero, stack growth and its limit, no VMA, permissions, and fork's
// copy-on-write (dup_mmap) deciding copy or reuse by the frame's refcount.

import { describe, expect, it, beforeEach } from 'vitest';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { BufferMemory } from '../../../kernel-ts/runtime/memory.js';

const RAM_BASE = 0x80000000n, RAM_SIZE = 16n << 20n, PAGE = 4096n;
const bytes = new Uint8Array(Number(RAM_SIZE));
const host = installHost({ memory: new BufferMemory(RAM_BASE, bytes), staticBase: RAM_BASE });
const pa = await import('../../../kernel-ts/kernel/page_alloc.js');
const pg = await import('../../../kernel-ts/kernel/page.js');
const frame = await import('../../../kernel-ts/kernel/frame.js');
const slab = await import('../../../kernel-ts/kernel/slab.js');
const pgtable = await import('../../../kernel-ts/kernel/pgtable.js');
const mmap = await import('../../../kernel-ts/kernel/mmap.js');
const memory = await import('../../../kernel-ts/kernel/memory.js');
const fork = await import('../../../kernel-ts/kernel/fork.js');
const T = await import('../../../kernel-ts/kernel/mm_types.js');
const U = await import('../../../kernel-ts/lib/unistd.js');
const { NULL } = await import('../../../kernel-ts/runtime/intrinsics.js');
const { bug_count, bug_reset } = await import('../../../kernel-ts/kernel/bug.js');

type Mm = ReturnType<typeof fork.mm_alloc>;
const read = (a: bigint) => host.memory.read(a, 8);
const write = (a: bigint, v: bigint) => host.memory.write(a, 8, v);
const ERR = (e: bigint) => BigInt.asUintN(64, -e);

function rng(seed: bigint): (n: number) => number {
  let s = seed;
  return (n) => { s = BigInt.asUintN(64, s * 6364136223846793005n + 1442695040888963407n); return Number((s >> 33n) % BigInt(n)); };
}

let boot = 0n;
function setup(mode: bigint): void {
  bytes.fill(0);
  bug_reset();
  pgtable.pgtable_set_mode(mode);
  frame.frame_init(RAM_BASE, RAM_BASE + RAM_SIZE, RAM_BASE + (1n << 20n), 0n, 0n);
  slab.kmem_cache_init();
  fork.fork_init();
  // A kernel root table to share: in Sv48 its first entry must point at a PUD table, as the kernel's does.
  const kpgd = frame.pgtable_alloc(0n);
  if (mode === pgtable.SATP_MODE_SV48) pgtable.__pgd_populate(kpgd, frame.pgtable_alloc(0n));
  memory.set_kernel_pgd(kpgd);
  boot = pa.nr_free_pages();
  pa.free_area_snapshot();
}

/** Everything an mm held is back: frames, tables, slab objects; the free lists as before. */
function everythingBack(): void {
  expect(mmap.vma_cache().active_objs).toBe(0n);
  expect(fork.mm_cache().active_objs).toBe(0n);
  slab.kmem_cache_shrink_all();
  expect(pa.nr_free_pages()).toBe(boot);
  expect(pa.free_area_diff()).toBe(0n);
  expect(pa.buddy_self_check()).toBe(0n);
  expect(bug_count()).toBe(0n);
}

function vmas(mm: Mm): [bigint, bigint, bigint][] {
  const out: [bigint, bigint, bigint][] = [];
  let prev = NULL as unknown as typeof mm.mmap;
  for (let v = mm.mmap; v !== NULL; v = v.vm_next) {
    expect(v.vm_prev).toBe(prev);
    out.push([v.vm_start, v.vm_end, v.vm_flags]);
    prev = v;
  }
  expect(BigInt(out.length)).toBe(mm.map_count);
  return out;
}

/** The PTE's frame for addr, or undefined. */
function frameOf(mm: Mm, addr: bigint): bigint | undefined {
  const ptep = memory.walk_pte(mm, addr, false);
  if (ptep === 0n || read(ptep) === 0n) return undefined;
  return pgtable.pte_phys(read(ptep));
}

const BASE = T.TASK_UNMAPPED_BASE, WINDOW = 48;
const PROTS = [U.PROT_READ, U.PROT_READ | U.PROT_WRITE, U.PROT_READ | U.PROT_EXEC, U.PROT_READ | U.PROT_WRITE | U.PROT_EXEC, U.PROT_WRITE];

for (const [modeName, mode] of [['Sv39', 8n], ['Sv48', 9n]] as const) {
  describe(`VMAs and faults against a model (${modeName})`, () => {
    beforeEach(() => setup(mode));

    it('random mmap, munmap, mprotect and touches: the VMAs are the model\'s maximal runs, pages keep their contents', () => {
      for (const seed of [1n, 2n, 3n]) {
        const r = rng(seed);
        const mm = fork.mm_alloc();
        mm.mmap_base = BASE;
        const model = new Map<number, bigint>();        // page index (from BASE) -> vm_flags
        const resident = new Map<number, bigint>();     // page index -> value written (0 if only read)
        const addrOf = (i: number) => BASE + BigInt(i) * PAGE;
        for (let step = 0; step < 300; step++) {
          const a = r(WINDOW), n = 1 + r(8), op = r(10);
          if (op < 2) {                                  // mmap MAP_FIXED
            const prot = PROTS[r(PROTS.length)]!;
            expect(mmap.do_mmap(mm, addrOf(a), BigInt(n) * PAGE, prot, U.MAP_PRIVATE | U.MAP_ANONYMOUS | U.MAP_FIXED)).toBe(addrOf(a));
            for (let i = a; i < a + n; i++) { model.set(i, mmap.calc_vm_prot_bits(prot)); resident.delete(i); }
          } else if (op < 3) {                           // mmap anywhere: the lowest gap from the base
            let at = 0;
            for (;;) { let ok = true; for (let i = at; i < at + n; i++) if (model.has(i)) { ok = false; at = i + 1; break; } if (ok) break; }
            expect(mmap.do_mmap(mm, 0n, BigInt(n) * PAGE - 1n, U.PROT_READ | U.PROT_WRITE, U.MAP_PRIVATE | U.MAP_ANONYMOUS)).toBe(addrOf(at));
            for (let i = at; i < at + n; i++) model.set(i, T.VM_READ | T.VM_WRITE);
          } else if (op < 5) {                           // munmap
            expect(mmap.do_munmap(mm, addrOf(a), BigInt(n) * PAGE)).toBe(0n);
            for (let i = a; i < a + n; i++) { model.delete(i); resident.delete(i); }
          } else if (op < 7) {                           // mprotect: refused over a hole, with nothing changed
            const prot = PROTS[r(PROTS.length)]!;
            let hole = false;
            for (let i = a; i < a + n; i++) if (!model.has(i)) hole = true;
            expect(mmap.do_mprotect(mm, addrOf(a), BigInt(n) * PAGE, prot)).toBe(hole ? ERR(U.ENOMEM) : 0n);
            if (!hole) for (let i = a; i < a + n; i++) model.set(i, mmap.calc_vm_prot_bits(prot));
          } else {                                       // touch: a load, or a store that leaves a value
            const isWrite = r(2) === 1;
            const flags = model.get(a);
            const res = memory.handle_mm_fault(mm, addrOf(a) + 8n, isWrite ? memory.FAULT_FLAG_WRITE : memory.FAULT_FLAG_READ);
            if (flags === undefined) { expect(res).toBe(memory.VM_FAULT_NO_VMA); continue; }
            // A load needs R or W (Linux riscv: a write-only mapping is readable), a store W.
            const allowed = isWrite ? (flags & T.VM_WRITE) !== 0n : (flags & (T.VM_READ | T.VM_WRITE)) !== 0n;
            if (!allowed) { expect(res, `step ${step}`).toBe(memory.VM_FAULT_ACCESS); continue; }
            if (!resident.has(a)) { expect(res).toBe(memory.VM_FAULT_DEMAND_ZERO); resident.set(a, 0n); }
            else expect([memory.VM_FAULT_SPURIOUS, memory.VM_FAULT_COW_REUSE]).toContain(res);
            const f = frameOf(mm, addrOf(a))!;
            expect(read(f + 8n)).toBe(resident.get(a));
            if (isWrite) { const v = BigInt(step) * 0x10001n + 1n; write(f + 8n, v); resident.set(a, v); }
          }
          // The VMAs: the model's maximal runs of equal flags.
          const want: [bigint, bigint, bigint][] = [];
          for (const i of [...model.keys()].sort((x, y) => x - y)) {
            const last = want.at(-1);
            if (last && last[1] === addrOf(i) && last[2] === model.get(i)) last[1] = addrOf(i + 1);
            else want.push([addrOf(i), addrOf(i + 1), model.get(i)!]);
          }
          expect(vmas(mm), `seed ${seed} step ${step} op ${op}`).toEqual(want);
          expect(mm.rss).toBe(BigInt(resident.size));
          for (let i = 0; i < WINDOW + 16; i++) {
            const f = frameOf(mm, addrOf(i));
            expect(f !== undefined, `page ${i}`).toBe(resident.has(i));
            if (f !== undefined) expect(read(f + 8n)).toBe(resident.get(i));
            // find_vma: the first VMA ending above the address.
            const v = mmap.find_vma(mm, addrOf(i) + 100n);
            const w = want.find((x) => x[1] > addrOf(i) + 100n);
            expect(v === NULL ? undefined : [v.vm_start, v.vm_end, v.vm_flags]).toEqual(w);
          }
        }
        fork.mmput(mm);
      }
      everythingBack();
    });

    it('refuses what does not fit: lengths near 2^64, ranges outside the user half, unaligned starts, shared or file mappings', () => {
      const mm = fork.mm_alloc();
      mm.mmap_base = BASE;
      const anon = U.MAP_PRIVATE | U.MAP_ANONYMOUS;
      expect(mmap.do_mmap(mm, 0n, 0xfffffffffffff001n, U.PROT_READ, anon)).toBe(ERR(U.ENOMEM));
      expect(mmap.do_mmap(mm, 0n, 0n, U.PROT_READ, anon)).toBe(ERR(U.EINVAL));
      expect(mmap.do_mmap(mm, 0n, PAGE, U.PROT_READ, U.MAP_ANONYMOUS)).toBe(ERR(U.EINVAL));
      expect(mmap.do_mmap(mm, 0x80200000n, PAGE, U.PROT_READ, anon | U.MAP_FIXED)).toBe(ERR(U.EINVAL));
      expect(mmap.do_mmap(mm, BASE + 1n, PAGE, U.PROT_READ, anon | U.MAP_FIXED)).toBe(ERR(U.EINVAL));
      expect(mmap.do_mmap(mm, T.TASK_SIZE - PAGE, 2n * PAGE, U.PROT_READ, anon | U.MAP_FIXED)).toBe(ERR(U.EINVAL));
      expect(mmap.do_munmap(mm, BASE, 0xfffffffffffff001n)).toBe(ERR(U.EINVAL));
      expect(mmap.do_mprotect(mm, BASE, 0xfffffffffffff001n, U.PROT_READ)).toBe(ERR(U.EINVAL));
      expect(mm.map_count).toBe(0n);
      fork.mmput(mm);
      everythingBack();
    });

    it('brk grows the heap VMA, shrinks it (its pages given back), and refuses to run into a mapping', () => {
      const mm = fork.mm_alloc();
      const start = T.USER_TEXT + 16n * PAGE;
      mm.start_brk = start;
      mm.brk = start;
      expect(mmap.do_brk(mm, 0n)).toBe(start);                        // brk(0) asks for the break
      expect(mmap.do_brk(mm, start + 3n * PAGE + 5n)).toBe(start + 3n * PAGE + 5n);
      expect(vmas(mm)).toEqual([[start, start + 4n * PAGE, T.VM_READ | T.VM_WRITE]]);
      expect(mmap.do_brk(mm, start + 8n * PAGE)).toBe(start + 8n * PAGE);
      expect(vmas(mm)).toEqual([[start, start + 8n * PAGE, T.VM_READ | T.VM_WRITE]]);   // the same VMA, longer
      for (let i = 0n; i < 8n; i++) expect(memory.handle_mm_fault(mm, start + i * PAGE, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      expect(mmap.do_brk(mm, start + 2n * PAGE)).toBe(start + 2n * PAGE);
      expect(vmas(mm)).toEqual([[start, start + 2n * PAGE, T.VM_READ | T.VM_WRITE]]);
      expect(mm.rss).toBe(2n);
      // A mapping above: the heap may grow up to it, not into it; below start_brk is refused too.
      mmap.do_mmap(mm, start + 6n * PAGE, PAGE, U.PROT_READ, U.MAP_PRIVATE | U.MAP_ANONYMOUS | U.MAP_FIXED);
      expect(mmap.do_brk(mm, start + 7n * PAGE)).toBe(start + 2n * PAGE);
      expect(mmap.do_brk(mm, start + 6n * PAGE)).toBe(start + 6n * PAGE);
      expect(mmap.do_brk(mm, start - PAGE)).toBe(start + 6n * PAGE);
      expect(vmas(mm)[0]).toEqual([start, start + 6n * PAGE, T.VM_READ | T.VM_WRITE]);
      fork.mmput(mm);
      everythingBack();
    });

    it('grows the stack down to RLIMIT_STACK, and refuses no VMA, a fetch from data and a store to read-only', () => {
      const mm = fork.mm_alloc();
      const stack = mmap.vm_area_alloc(mm);
      stack.vm_start = T.STACK_TOP - PAGE;
      stack.vm_end = T.STACK_TOP;
      stack.vm_flags = T.VM_READ | T.VM_WRITE | T.VM_GROWSDOWN;
      expect(mmap.insert_vm_struct(mm, stack)).toBe(0n);
      expect(memory.handle_mm_fault(mm, T.STACK_TOP - 8n, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      expect(memory.fault_grew_stack()).toBe(0n);
      expect(memory.handle_mm_fault(mm, T.STACK_TOP - 3n * PAGE + 16n, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      expect(memory.fault_grew_stack()).toBe(1n);
      expect(stack.vm_start).toBe(T.STACK_TOP - 3n * PAGE);
      expect(memory.handle_mm_fault(mm, T.STACK_TOP - T.STACK_LIMIT, memory.FAULT_FLAG_READ)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      expect(stack.vm_start).toBe(T.STACK_TOP - T.STACK_LIMIT);
      expect(memory.handle_mm_fault(mm, T.STACK_TOP - T.STACK_LIMIT - 8n, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_STACK_LIMIT);
      expect(stack.vm_start).toBe(T.STACK_TOP - T.STACK_LIMIT);
      expect(mm.rss).toBe(3n);
      // Not in any VMA; a fetch from RW memory; a store to an R-X mapping.
      expect(memory.handle_mm_fault(mm, 0x1000n, memory.FAULT_FLAG_READ)).toBe(memory.VM_FAULT_NO_VMA);
      expect(memory.handle_mm_fault(mm, BASE, memory.FAULT_FLAG_READ)).toBe(memory.VM_FAULT_NO_VMA);
      const data = mmap.do_mmap(mm, BASE, PAGE, U.PROT_READ | U.PROT_WRITE, U.MAP_PRIVATE | U.MAP_ANONYMOUS | U.MAP_FIXED);
      expect(memory.handle_mm_fault(mm, data, memory.FAULT_FLAG_INSTRUCTION)).toBe(memory.VM_FAULT_ACCESS);
      const text = mmap.do_mmap(mm, BASE + 4n * PAGE, PAGE, U.PROT_READ | U.PROT_EXEC, U.MAP_PRIVATE | U.MAP_ANONYMOUS | U.MAP_FIXED);
      expect(memory.handle_mm_fault(mm, text, memory.FAULT_FLAG_INSTRUCTION)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      expect(memory.handle_mm_fault(mm, text, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_ACCESS);
      expect(memory.fault_vma().vm_start).toBe(text);
      // munmap gives back the PTE tables its range covers whole (2 MiB each), not those it shares.
      mm.mmap_base = BASE;
      const big = mmap.do_mmap(mm, 0n, 8n << 20n, U.PROT_READ | U.PROT_WRITE, U.MAP_PRIVATE | U.MAP_ANONYMOUS);
      const tables0 = mm.nr_ptes;
      for (let i = 0n; i < 8n; i++) expect(memory.handle_mm_fault(mm, big + i * (1n << 20n), memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      expect(mm.nr_ptes - tables0).toBeGreaterThanOrEqual(3n);
      const before = mm.nr_ptes;
      expect(mmap.do_munmap(mm, big + (2n << 20n), 4n << 20n)).toBe(0n);
      expect(before - mm.nr_ptes).toBe((big & ((2n << 20n) - 1n)) === 0n ? 2n : 1n);
      expect(memory.handle_mm_fault(mm, big + (3n << 20n), memory.FAULT_FLAG_READ)).toBe(memory.VM_FAULT_NO_VMA);
      expect(memory.handle_mm_fault(mm, big + (7n << 20n), memory.FAULT_FLAG_READ)).toBe(memory.VM_FAULT_SPURIOUS);
      // The stack cannot grow into a mapping below it.
      mmap.do_mmap(mm, T.STACK_TOP - T.STACK_LIMIT - PAGE, PAGE, U.PROT_READ, U.MAP_PRIVATE | U.MAP_ANONYMOUS | U.MAP_FIXED);
      fork.mmput(mm);
      everythingBack();
    });

    it('fork shares every page copy-on-write; the refcount decides: copy while shared, reuse for the last holder', () => {
      const parent = fork.mm_alloc();
      parent.mmap_base = BASE;
      const rw = mmap.do_mmap(parent, 0n, 4n * PAGE, U.PROT_READ | U.PROT_WRITE, U.MAP_PRIVATE | U.MAP_ANONYMOUS);
      const ro = mmap.do_mmap(parent, BASE + 64n * PAGE, PAGE, U.PROT_READ, U.MAP_PRIVATE | U.MAP_ANONYMOUS | U.MAP_FIXED);
      for (let i = 0n; i < 4n; i++) {
        expect(memory.handle_mm_fault(parent, rw + i * PAGE, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_DEMAND_ZERO);
        write(frameOf(parent, rw + i * PAGE)!, 100n + i);
      }
      expect(memory.handle_mm_fault(parent, ro, memory.FAULT_FLAG_READ)).toBe(memory.VM_FAULT_DEMAND_ZERO);
      const child = fork.mm_alloc();
      expect(fork.dup_mmap(child, parent)).toBe(5n);
      expect(vmas(child)).toEqual(vmas(parent));
      for (let i = 0n; i < 4n; i++) {
        const f = frameOf(parent, rw + i * PAGE)!;
        expect(frameOf(child, rw + i * PAGE)).toBe(f);
        expect(pg.phys_to_page(f)._refcount).toBe(2n);
        for (const mm of [parent, child]) expect(read(memory.walk_pte(mm, rw + i * PAGE, false)) & pgtable._PAGE_WRITE).toBe(0n);
      }
      // A second child from the child: three holders of each page.
      const grandchild = fork.mm_alloc();
      expect(fork.dup_mmap(grandchild, child)).toBe(5n);
      expect(pg.phys_to_page(frameOf(parent, rw)!)._refcount).toBe(3n);
      // Page 0: the child copies (it sees the parent's value), the grandchild copies, the parent reuses.
      const shared = frameOf(parent, rw)!;
      expect(memory.handle_mm_fault(child, rw, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_COW_COPY);
      expect(frameOf(child, rw)).not.toBe(shared);
      expect(read(frameOf(child, rw)!)).toBe(100n);
      expect(pg.phys_to_page(shared)._refcount).toBe(2n);
      expect(memory.handle_mm_fault(grandchild, rw, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_COW_COPY);
      expect(pg.phys_to_page(shared)._refcount).toBe(1n);
      expect(memory.handle_mm_fault(parent, rw, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_COW_REUSE);
      expect(frameOf(parent, rw)).toBe(shared);
      expect(memory.handle_mm_fault(parent, rw, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_SPURIOUS);
      // A read-only page stays shared: a write to it is refused, not copied.
      expect(memory.handle_mm_fault(child, ro, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_ACCESS);
      expect(pg.phys_to_page(frameOf(parent, ro)!)._refcount).toBe(3n);
      // Page 1: the parent exits first; the two left copy once, then the last reuses.
      fork.mmput(parent);
      expect(pg.phys_to_page(frameOf(child, rw + PAGE)!)._refcount).toBe(2n);
      expect(memory.handle_mm_fault(child, rw + PAGE, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_COW_COPY);
      expect(memory.handle_mm_fault(grandchild, rw + PAGE, memory.FAULT_FLAG_WRITE)).toBe(memory.VM_FAULT_COW_REUSE);
      expect(read(frameOf(grandchild, rw + PAGE)!)).toBe(101n);
      // mprotect back to writable keeps a shared page write-protected, makes an exclusive one writable.
      expect(mmap.do_mprotect(child, rw, 4n * PAGE, U.PROT_READ)).toBe(0n);
      expect(mmap.do_mprotect(child, rw, 4n * PAGE, U.PROT_READ | U.PROT_WRITE)).toBe(0n);
      expect(read(memory.walk_pte(child, rw, false)) & pgtable._PAGE_WRITE).toBe(pgtable._PAGE_WRITE);
      expect(read(memory.walk_pte(child, rw + 2n * PAGE, false)) & pgtable._PAGE_WRITE).toBe(0n);
      fork.mmput(child);
      fork.mmput(grandchild);
      everythingBack();
    });
  });
}
