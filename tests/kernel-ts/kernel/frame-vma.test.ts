// The kernel's frame allocator, vm areas with lazy faults, and FDT reader, run natively through the
// kernel-ts host runtime over a plain buffer standing for RAM.

import { describe, expect, it, beforeEach } from 'vitest';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { BufferMemory } from '../../../kernel-ts/runtime/memory.js';
import { buildVirtFdt } from '../../../emulator/board/fdt.js';

const RAM_BASE = 0x80000000n, RAM_SIZE = 32n << 20n;
const bytes = new Uint8Array(Number(RAM_SIZE));
// Static data (vm area table) goes at the start of "RAM"; the pool starts 1 MiB in.
const host = installHost({ memory: new BufferMemory(RAM_BASE, bytes), staticBase: RAM_BASE });
const frame = await import('../../../kernel-ts/kernel/frame.js');
const vma = await import('../../../kernel-ts/kernel/vma.js');
const { NULL } = await import('../../../kernel-ts/runtime/intrinsics.js');
const pgtable = await import('../../../kernel-ts/kernel/pgtable.js');
const { la2pa, LA2PA_FAULT } = await import('../../../kernel-ts/kernel/la2pa.js');
const { bug_count, bug_reset } = await import('../../../kernel-ts/kernel/bug.js');
const fdt = await import('../../../kernel-ts/kernel/fdt.js');

const POOL = RAM_BASE + (1n << 20n), END = RAM_BASE + RAM_SIZE, PAGE = 4096n, M = 1n << 20n;

describe('frames (struct page states over the buddy allocator)', () => {
  beforeEach(() => { bytes.fill(0, 1 << 20); bug_reset(); });

  it('mem_map after the image, everything else free; frames allocated once each, freed back, consistent', () => {
    const meta = frame.frame_init(RAM_BASE, END, POOL + 123n, 0n, 0n);   // mem_map starts at the next page
    expect(frame.frame_pool_start()).toBe(POOL + PAGE + meta * PAGE);
    const total = frame.frame_total();
    expect(total).toBe(RAM_SIZE / PAGE);
    expect(meta).toBe((total * 64n + PAGE - 1n) / PAGE);
    expect(frame.frame_nr_free()).toBe(total - 257n - meta);
    expect(frame.frame_count(frame.FRAME_RESERVED)).toBe(257n + meta);
    expect(frame.frame_state(RAM_BASE)).toBe(frame.FRAME_RESERVED);
    expect(frame.frame_self_check()).toBe(0n);
    const got = new Set<bigint>();
    for (;;) {
      const pa = frame.frame_alloc(frame.FRAME_MAPPED);
      if (pa === 0n) break;
      expect(pa % PAGE).toBe(0n);
      expect(pa >= frame.frame_pool_start() && pa < END).toBe(true);
      expect(got.has(pa)).toBe(false);
      got.add(pa);
    }
    expect(BigInt(got.size)).toBe(total - 257n - meta);
    expect(frame.frame_nr_free()).toBe(0n);
    expect(frame.frame_count(frame.FRAME_MAPPED)).toBe(total - 257n - meta);
    expect(frame.frame_self_check()).toBe(0n);
    const some = [...got].slice(100, 140);
    frame.frame_get(some[0]!);
    for (const pa of some) frame.frame_put(pa);
    expect(frame.frame_refcount(some[0]!)).toBe(1n);           // still held once
    expect(frame.frame_state(some[0]!)).toBe(frame.FRAME_MAPPED);
    expect(frame.frame_state(some[1]!)).toBe(frame.FRAME_FREE);
    expect(frame.frame_nr_free()).toBe(39n);
    expect(frame.frame_self_check()).toBe(0n);
    // Freed frames come back.
    const again = frame.frame_alloc(frame.FRAME_RESERVED);
    expect(some.slice(1)).toContain(again);
    expect(frame.frame_state(again)).toBe(frame.FRAME_RESERVED);
    expect(frame.frame_self_check()).toBe(0n);
    expect(bug_count()).toBe(0n);
  });

  it('refuses foreign, free and boot-reserved frames (BUG), and the self-check sees a corrupted struct page', () => {
    frame.frame_init(RAM_BASE, END, POOL, 0n, 0n);
    frame.frame_put(END);                                       // outside RAM
    frame.frame_put(END - 100n * PAGE);                         // a free frame
    frame.frame_put(RAM_BASE);                                  // reserved at boot
    expect(bug_count()).toBe(3n);
    const pa = frame.frame_alloc(frame.FRAME_MAPPED);
    // Corrupt its struct page: refcount 0 while mapped and off every free list.
    const pageAddr = POOL + ((pa - RAM_BASE) / PAGE) * 64n;
    host.memory.write(pageAddr + 56n, 4, 0n);                 // _refcount (offset 56)
    expect(frame.frame_self_check()).toBeGreaterThan(0n);
  });

  it('keeps a range such as the device tree reserved', () => {
    frame.frame_init(RAM_BASE, END, POOL, END - 2n * M, END - 2n * M + 5000n);
    expect(frame.frame_dtb_frames()).toBe(2n);
    expect(frame.frame_state(END - 2n * M + PAGE)).toBe(frame.FRAME_RESERVED);
    expect(frame.frame_state(END - 2n * M + 2n * PAGE)).toBe(frame.FRAME_FREE);
    expect(frame.frame_self_check()).toBe(0n);
    // Exhausted, the reserved frames are never handed out.
    for (let pa = frame.frame_alloc(frame.FRAME_MAPPED); pa !== 0n; pa = frame.frame_alloc(frame.FRAME_MAPPED)) {
      expect(pa === END - 2n * M || pa === END - 2n * M + PAGE).toBe(false);
    }
  });
});

describe('vm areas and lazy faults', () => {
  for (const mode of [pgtable.SATP_MODE_SV39, pgtable.SATP_MODE_SV48]) {
    it(`${mode === 8n ? 'Sv39' : 'Sv48'}: issue 6's scenario, faults map zeroed 4 KiB pages, vm_free returns them`, () => {
      bytes.fill(0, 1 << 20);
      bug_reset();
      pgtable.pgtable_set_mode(mode);
      frame.frame_init(RAM_BASE, END, POOL, 0n, 0n);
      const pgd = frame.pgtable_alloc(0n);
      vma.vm_init(pgd, 1n);
      const B = 0x40000000n, K = 1024n;
      const P = pgtable.PAGE_LAZY;
      expect(vma.vm_alloc(B + 11n * M, B + 13n * M, P)).toBe(vma.VM_OK);
      expect(vma.vm_alloc(B + 8n * M, B + 12n * M, P)).toBe(vma.VM_EOVERLAP);
      expect(vma.vm_alloc(B + 28n * M, B + 28n * M + 7n * K, P)).toBe(vma.VM_OK);
      expect(vma.vm_alloc(B + 9n * M, B + 12n * M, P)).toBe(vma.VM_EOVERLAP);
      expect(vma.vm_free(B + 11n * M, B + 13n * M)).toBe(vma.VM_OK);
      expect(vma.vm_alloc(B + 8n * M, B + 12n * M, P)).toBe(vma.VM_OK);
      expect(vma.vm_alloc(B + 9n * M, B + 12n * M, P)).toBe(vma.VM_EOVERLAP);
      expect(vma.vm_free(B + 8n * M, B + 12n * M)).toBe(vma.VM_OK);
      expect(vma.vm_alloc(B + 9n * M, B + 12n * M, P)).toBe(vma.VM_OK);
      expect(vma.vm_alloc(B + 15n * M, B + 17n * M, P)).toBe(vma.VM_OK);
      // Edge cases: the 7K area covers two whole pages; freeing part of an area or nothing fails.
      expect(vma.find_vm_area(B + 28n * M + 8n * K - 1n).vm_end).toBe(B + 28n * M + 8n * K);
      expect(vma.find_vm_area(B + 28n * M + 8n * K)).toBe(NULL);
      expect(vma.vm_free(B + 9n * M, B + 10n * M)).toBe(vma.VM_EPARTIAL);
      expect(vma.vm_free(B + 100n * M, B + 101n * M)).toBe(vma.VM_ENOENT);
      expect(vma.vm_alloc(B + 5n * M, B + 5n * M, P)).toBe(vma.VM_EINVAL);

      // Faults: inside an area → mapped 4 KiB, zeroed; outside → refused; a second fault on a present page → permission.
      const va = B + 15n * M + 3n * PAGE + 40n;
      bytes.fill(0xaa, 1 << 20);                                  // dirty the free frames: the handler must zero
      frame.frame_init(RAM_BASE, END, POOL, 0n, 0n);
      const pgd2 = frame.pgtable_alloc(0n);
      vma.vm_init(pgd2, 1n);
      expect(vma.vm_alloc(B + 15n * M, B + 17n * M, P)).toBe(vma.VM_OK);
      expect(vma.handle_lazy_fault(va, 0n)).toBe(vma.FAULT_HANDLED);
      const [pa, level, ptep] = la2pa(pgd2, va);
      expect(pa).not.toBe(LA2PA_FAULT);
      expect(level).toBe(0n);
      expect(host.memory.read(ptep, 8) >> 10n << 12n).toBe(pa & ~(PAGE - 1n));
      for (let o = 0n; o < PAGE; o += 8n) expect(host.memory.read((pa & ~(PAGE - 1n)) + o, 8)).toBe(0n);
      expect(vma.handle_lazy_fault(va, 1n)).toBe(vma.FAULT_PERMISSION);
      expect(vma.handle_lazy_fault(B + 20n * M, 0n)).toBe(vma.FAULT_NO_AREA);
      expect(vma.vm_fault_count()).toBe(1n);
      const fences = host.events.filter((e) => e.kind === 'sfence.vma' && e.va === (va & ~(PAGE - 1n)) && e.asid === 1n);
      expect(fences.length).toBeGreaterThan(0);
      const free = frame.frame_nr_free();
      expect(vma.vm_free(B + 15n * M, B + 17n * M)).toBe(vma.VM_OK);
      expect(vma.vm_freed_frames()).toBe(1n);
      expect(frame.frame_nr_free()).toBe(free + 1n);
      expect(la2pa(pgd2, va)[0]).toBe(LA2PA_FAULT);
      expect(frame.frame_self_check()).toBe(0n);
      expect(bug_count()).toBe(0n);
    });
  }
});

describe('device tree reader', () => {
  it('says whether riscv,isa names svnapot', () => {
    for (const isa of ['rv64imac_zicsr_zifencei', 'rv64imac_zicsr_zifencei_svnapot']) {
      const blob = buildVirtFdt({ memBase: 0x80000000, memSize: 128 << 20, isa, mmuType: 'riscv,sv39', timebaseFrequency: 10_000_000 });
      bytes.set(blob, 0x10000);
      expect(fdt.fdt_find_memory(RAM_BASE + 0x10000n)).toBe(1n);
      expect(fdt.fdt_has_svnapot()).toBe(isa.endsWith('_svnapot') ? 1n : 0n);
    }
  });

  for (const memSize of [128 << 20, 2 ** 31 + 2 ** 30]) {
    it(`finds /memory in the board's own blob (${memSize >> 20} MiB)`, () => {
      const blob = buildVirtFdt({ memBase: 0x80000000, memSize, isa: 'rv64imac_zicsr_zifencei', mmuType: 'riscv,sv48', timebaseFrequency: 10_000_000, bootargs: 'fault-storm=12' });
      const at = RAM_BASE + 0x10000n;
      bytes.set(blob, 0x10000);
      expect(fdt.fdt_totalsize(at)).toBe(BigInt(blob.length));
      expect(fdt.fdt_find_memory(at)).toBe(1n);
      expect(fdt.fdt_mem_base()).toBe(0x80000000n);
      expect(fdt.fdt_mem_size()).toBe(BigInt(memSize));
      const args = fdt.fdt_bootargs();
      expect(new TextDecoder().decode(bytes.subarray(Number(args - RAM_BASE), Number(args - RAM_BASE) + 14))).toBe('fault-storm=12');
      bytes[0x10000] = 0;                                        // bad magic
      expect(fdt.fdt_find_memory(at)).toBe(0n);
    });
  }
});
