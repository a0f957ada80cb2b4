// The bundled kernel end to end: both builds (Sv39, Sv48) are compiled into a temp dir, booted with
// the bundled firmware on the virt board, and their transcripts checked. Then the emulator's own
// side-effect-free translate confirms from outside every mapping the kernel claims: each page or
// block it lists translates to the physical address it printed, with the leaf size and table level
// it printed, and the permissions it printed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { translate } from '../../../emulator/debug/translate.js';
import { FETCH, LOAD, STORE, PRV_S } from '../../../emulator/mmu/access.js';

const out = mkdtempSync(join(tmpdir(), 'rvhart-kernel-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Claim { name: string; start: bigint; end: bigint; pa: bigint; perm: string; leaves: Map<string, number> }

function boot(satp: 'sv39' | 'sv48', mem?: number, bootargs?: string, budget = 400_000_000, svnapot = false): { text: string; machine: Virt; code: number | undefined } {
  const imgs = buildBundled({ satp, outDir: out });
  let text = '';
  const dec = new TextDecoder();
  const machine = new Virt({ mem, bootargs, svnapot, output: (b) => { text += dec.decode(b, { stream: true }); } });
  machine.boot(loadImage(imgs.kernel), loadImage(imgs.firmware));
  const stop = machine.run(budget);
  return { text, machine, code: stop.kind === 'exit' ? stop.code : undefined };
}

/** "  NAME: 0xSTART..0xEND -> 0xPA PERM (SIZE): 3 pages of 4 KiB (PTE) + 1 block of 2 MiB (PMD); la2pa ok" */
function claims(text: string): Claim[] {
  const re = /^ {2}(.+): 0x([0-9a-f]+)\.\.0x([0-9a-f]+) -> 0x([0-9a-f]+) ([R-][W-][X-]) \([^)]*\): (.+); la2pa ok$/gm;
  return [...text.matchAll(re)].map((m) => {
    const leaves = new Map<string, number>();
    for (const l of m[6]!.matchAll(/(\d+) (?:pages?|blocks?) of (4 KiB|2 MiB|1 GiB) \((PTE|PMD|PUD|PGD)\)/g)) leaves.set(`${l[2]} ${l[3]}`, Number(l[1]));
    for (const l of m[6]!.matchAll(/(\d+) runs? of 64 KiB \(16 Svnapot PTEs each\)/g)) leaves.set('64 KiB (Svnapot) PTE', Number(l[1]));
    return { name: m[1]!, start: BigInt(`0x${m[2]}`), end: BigInt(`0x${m[3]}`), pa: BigInt(`0x${m[4]}`), perm: m[5]!, leaves };
  });
}

const LEVEL_NAMES: Record<'sv39' | 'sv48', string[]> = { sv39: ['PTE', 'PMD', 'PGD'], sv48: ['PTE', 'PMD', 'PUD', 'PGD'] };

for (const satp of ['sv39', 'sv48'] as const) {
  describe(`bundled kernel, ${satp} build`, () => {
    const run = boot(satp);

    it('prints the transcript and shuts down with exit status 0', () => {
      const t = run.text;
      expect(run.code, t).toBe(0);
      expect(t).toMatch(/^rvhart firmware: SBI v2\.0 in M-mode; PMP denies S\/U 0x80000000\.\.0x800[0-9a-f]+; Sstc on; entering S-mode at 0x80200000$/m);
      expect(t).toContain('rvhart kernel: S-mode at 0x80200000, hart 0, device tree at 0x87e00000');
      expect(t).toContain('SBI: spec v2.0, implementation 0x52564854 version 1; extensions: BASE TIME IPI RFENCE HSM SRST DBCN');
      expect(t).toContain('SBI: hart 0 status STARTED; an unknown extension answers SBI_ERR_NOT_SUPPORTED');
      expect(t).toContain('memory: RAM 0x80000000..0x88000000 (128 MiB) from the device tree');
      // Physical memory: zones, mem_map, the reservations, the buddy free lists at boot — all derived
      // here from _end and the device tree's place, as the kernel must derive them.
      const end = BigInt(/ _end 0x([0-9a-f]+)$/m.exec(t)![1]!.replace(/^/, '0x'));
      const endPfn = end >> 12n, memmapEnd = endPfn + 512n, ramEnd = 0x88000n, dtbPfn = 0x87e00n;
      const dtbFrames = BigInt(/, (\d+) the device tree;/.exec(t)![1]!);
      expect(dtbFrames > 0n && dtbFrames < 64n).toBe(true);
      const managed = ramEnd - memmapEnd - dtbFrames;
      expect(t).toContain(`zone DMA32 : pfn 0x80000..0x88000 (0x80000000..0x88000000, 128 MiB), ${managed} pages managed by the buddy allocator`);
      expect(t).toContain('zone Normal: empty (RAM ends below 4 GiB)');
      expect(t).toContain(`mem_map: 0x${end.toString(16)}..0x${(memmapEnd << 12n).toString(16)}, 32768 struct pages of 64 bytes (512 frames) from pfn 0x80000`);
      expect(t).toContain(`frames: ${endPfn - 0x80000n} reserved below _end, 512 hold mem_map, ${dtbFrames} the device tree; ${managed} free in the buddy allocator; self-check ok`);
      const lines0 = t.split('\n');
      const boot = lines0.indexOf('buddy: free lists at boot (blocks*size per order 0..10):');
      expect(boot, t).toBeGreaterThan(0);
      const lists = Array(11).fill(0);
      for (const [from, to] of [[memmapEnd, dtbPfn], [dtbPfn + dtbFrames, ramEnd]] as const) {
        for (let pfn = from; pfn < to;) {
          let o = 10n;
          while (pfn % (1n << o) !== 0n || pfn + (1n << o) > to) o--;
          lists[Number(o)]++;
          pfn += 1n << o;
        }
      }
      expect(lines0[boot + 1]).toBe(`  DMA32: ${lists.map((n, o) => `${n}*${4 << o}K`).join(' ')} = ${managed * 4n}K`);
      expect(t).toMatch(satp === 'sv39' ? /^page tables: Sv39 \(3 levels\)/m : /^page tables: Sv48 \(4 levels\)/m);
      expect(t).toMatch(new RegExp(`^satp <- 0x${satp === 'sv39' ? 8 : 9}0001000000[0-9a-f]{5} \\(${satp === 'sv39' ? 'Sv39' : 'Sv48'}, ASID 1, root PPN 0x[0-9a-f]+\\); sfence\\.vma; paging on$`, 'm'));
      expect(t).toContain('la2pa: every mapping re-walked with paging on: ok');
      expect(t).toContain(`high alias of RAM: 0xffffffc000000000..0xffffffc040000000 -> 0x80000000 RW- (1 GiB): 1 block of 1 GiB (${satp === 'sv39' ? 'PGD' : 'PUD'}); la2pa ok`);
      expect(t).toMatch(/^ {2}RAM: 0x802[0-9a-f]+\.\.0x88000000 -> 0x802[0-9a-f]+ RW- \(.*\): \d+ pages of 4 KiB \(PTE\) \+ 62 blocks of 2 MiB \(PMD\); la2pa ok$/m);
      expect(t).toMatch(/^ {2}kernel text: 0x80200000\.\.0x802[0-9a-f]+ -> 0x80200000 R-X /m);
      expect(t).toContain('BUG_ON count 0');
      const scenario = [
        'vm_alloc 11M-13M: ok', 'vm_alloc 8M-12M: fails, overlaps 11M-13M', 'vm_alloc 28M-28M+7K: ok (whole pages: up to 28M+8K)',
        'vm_alloc 9M-12M: fails, overlaps 11M-13M', 'vm_free  11M-13M: ok, 0 frames returned', 'vm_alloc 8M-12M: ok',
        'vm_alloc 9M-12M: fails, overlaps 8M-12M', 'vm_free  8M-12M: ok, 0 frames returned', 'vm_alloc 9M-12M: ok', 'vm_alloc 15M-17M: ok',
      ];
      const lines = t.split('\n');
      const at = lines.indexOf(`  ${scenario[0]}`);
      expect(at, t).toBeGreaterThan(0);
      expect(lines.slice(at, at + scenario.length)).toEqual(scenario.map((s) => `  ${s}`));
      expect(t).toMatch(/^lazy faults: touched 16 pages of 15M-17M: 16 page faults, 16 frames mapped \+ \d+ page-table pages, reads saw zeros: yes$/m);
      expect(t).toContain('lazy faults: touched them again: 0 page faults, writes persisted: yes');
      expect(t).toContain('lazy faults: vm_free 15M-17M returned 16 frames; vm_alloc 15M-17M again and touched: 16 page faults, reads saw zeros: yes');
      expect(t).toContain('PMP: S-mode load from firmware memory at 0x80000000 (mapped R by the page table): load access fault (scause 5, stval 0x80000000), stopped by PMP as expected');
      expect(t).toMatch(/^SBI TIME: set_timer\(now \+ 5000\) -> supervisor timer interrupt after \d+ ticks$/m);
      expect(t).toContain('SBI IPI: send_ipi(hart 0) -> supervisor software interrupt');
      // The buddy allocator's scripted sequence: split, merge, exhaust, refill.
      const first = /^buddy: \d+ small free blocks? set aside; alloc_pages\(GFP_KERNEL, 0\): pfn 0x([0-9a-f]+), from the smallest free block \(order (\d+) in DMA32\)(, split down to order 0 \(expand\)):\n {2}DMA32: (.*)$/m.exec(t);
      expect(first, t).not.toBeNull();
      // The lists below `from` were empty (it was the smallest non-empty one); expand leaves one half in each.
      const afterCounts = first![4]!.match(/(\d+)\*/g)!.map((x) => parseInt(x, 10));
      const from = Number(first![2]);
      expect(from).toBeGreaterThanOrEqual(5);
      expect(afterCounts.slice(0, from)).toEqual(Array(from).fill(1));
      expect(t).toMatch(/^buddy: __free_pages\(pfn 0x[0-9a-f]+, 0\): merged with its buddies back up:\n {2}DMA32: 0\*4K /m);
      expect(t).toContain('buddy: __free_pages of the order-3 and order-10 blocks: free lists as before: yes');
      expect(t).toMatch(/^buddy: exhausting memory: 29\*order-10 [0-9a-z* -]+; 0 pages free, alloc_pages\(GFP_KERNEL, 0\) -> NULL\n {2}DMA32: (0\*\d+K ){11}= 0K$/m);
      const refill = /^buddy: freed all (\d+) blocks: (\d+) pages free \((\d+) before\); free lists identical to before: yes$/m.exec(t);
      expect(refill, t).not.toBeNull();
      expect(refill![2]).toBe(refill![3]);
      // The slab allocator: a cache with a ctor, its slab lists, poisoning, kmalloc's classes, no leaks.
      expect(t).toContain('slab: kmem_cache_init: 11 kmalloc caches, kmalloc-8 .. kmalloc-8k (larger sizes go to the buddy allocator)');
      expect(t).toContain('slab: kmem_cache_create("vm_area_struct", 40, 8, vma_ctor): 48-byte stride, 85 objects per 1-page slab');
      expect(t).toContain('slab: 200 objects allocated, every one constructed: yes; ctor ran 255 times (once per object of 3 slabs)');
      const vmaRows = [...t.matchAll(/^ {2}vm_area_struct +(\d+) +(\d+) +48 +85 +1 : +(\d+) +(\d+) +(\d+)$/gm)].map((m) => m.slice(1).join(' '));
      expect(vmaRows).toEqual(['200 255 2 1 0', '100 255 0 3 0', '0 255 0 0 3']);
      expect(t).toContain('slab: freed the rest and allocated 200 again: ctor calls 255 (no new ones), slabs 3');
      expect(t).toContain('slab: SLAB_POISON cache "poisoned-64": a freed object reads 0x6b6b6b6b6b6b6b6b .. 0xa56b6b6b6b6b6b6b; written after free and allocated again: 1 poison error detected');
      expect(t).toContain('slab: kmalloc: 7->kmalloc-8 15->kmalloc-16 31->kmalloc-32 63->kmalloc-64 127->kmalloc-128 255->kmalloc-256 511->kmalloc-512 1023->kmalloc-1k 2047->kmalloc-2k 4095->kmalloc-4k 8191->kmalloc-8k 20480->buddy order 3');
      for (const [name, size, per, pages] of [['kmalloc-8', 8, 512, 1], ['kmalloc-64', 64, 64, 1], ['kmalloc-1k', 1024, 8, 2], ['kmalloc-8k', 8192, 4, 8]] as const) {
        expect(t).toMatch(new RegExp(`^ {2}${name} +1 +${per} +${size} +${per} +${pages} : +0 +1 +0$`, 'm'));
      }
      const slabEnd = /^slab: everything kfree'd and kmem_cache_free'd; kmem_cache_shrink gave (\d+) slabs back; objects or slabs left: 0; (\d+) pages free \((\d+) before\); self-check ok$/m.exec(t);
      expect(slabEnd, t).not.toBeNull();
      expect(slabEnd![1]).toBe('15');
      expect(slabEnd![2]).toBe(slabEnd![3]);
      // Note 000's pools: malloc_page from both, and the failure rolled back.
      expect(t).toMatch(/^pools: kernel_pool 0x8[0-9a-f]+ \(64 frames\), user_pool 0x8[0-9a-f]+ \(16 frames\), each one block from the buddy allocator; kernel_vaddr 0xffffffd000000000, user_vaddr 0x30000000 \(64 pages each\)$/m);
      expect(t).toContain('pools: malloc_page(PF_KERNEL, 3) -> 0xffffffd000000000: 3 frames of kernel_pool mapped one by one; written through the mapping, read back at the frames: ok');
      expect(t).toMatch(/^pools: malloc_page\(PF_USER, 2\) -> 0x30000000: frame 0x8[0-9a-f]+, PTE 0x[0-9a-f]+d7 \(U set, not global\); user_pool 14 frames free$/m);
      expect(t).toContain('pools: malloc_page(PF_USER, 20) with 14 frames free -> 0x0: failed at frame 15 after mapping 14; rolled back: 0 mapped pages, user_pool 14 frames free, user_vaddr 2 pages used (as before)');
      expect(t).toContain('pools: mfree_page both: kernel_pool 64 and user_pool 16 frames free, 0 virtual pages in use; self-check ok');
      expect(t).toMatch(/^pools: their blocks back to the buddy allocator: yes \(\d+ pages free, \d+ before: [1-4] went to page tables for the new ranges\)$/m);
      expect(t).toMatch(/^frames: 32768 total, \d+ free, \d+ reserved, 16 mapped, 0 other; self-check ok$/m);
      expect(t).toMatch(/^self-checks: \d+ passed, 0 failed$/m);
      expect(t).not.toContain('FAILED');
      expect(t.trimEnd().split('\n').at(-1)).toBe('shutdown: SBI system_reset(shutdown, no reason) -> exit status 0');
    });

    it('every mapping it reports translates, from outside, as it claims (translate)', () => {
      const { mmu } = run.machine;
      expect(mmu.getSatp() >> 60n).toBe(satp === 'sv39' ? 8n : 9n);
      const list = claims(run.text);
      expect(list.map((c) => c.name)).toEqual(['firmware (PMP-protected)', 'kernel text', 'kernel rodata',
        'kernel data, page tables, bss, stack', 'RAM', 'syscon', 'CLINT', 'PLIC', 'UART0', 'high alias of RAM']);
      for (const c of list) {
        const seen = new Map<string, number>();
        for (let va = c.start; va < c.end;) {
          const rep = translate(mmu, va, LOAD, PRV_S);
          const where = `${c.name} va 0x${va.toString(16)}`;
          expect(rep.result, where).toBeDefined();
          expect(rep.result!.pa, where).toBe(c.pa + (va - c.start));
          const leaf = rep.steps.at(-1)!.flags;
          expect(`${leaf.r ? 'R' : '-'}${leaf.w ? 'W' : '-'}${leaf.x ? 'X' : '-'}`, where).toBe(c.perm);
          const key = `${rep.result!.pageSizeName} ${LEVEL_NAMES[satp][rep.result!.level]}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          va += BigInt(rep.result!.pageSize);
        }
        expect(seen, c.name).toEqual(c.leaves);
      }
      // The device pages are never executable; kernel text is, and the firmware is stopped by PMP (step 10).
      for (const dev of [0x100000n, 0x2000000n, 0xc000000n, 0x10000000n]) {
        expect(translate(mmu, dev, FETCH, PRV_S).fault?.cause).toBe(12);
        expect(translate(mmu, dev, STORE, PRV_S, { size: 4 }).fault).toBeUndefined();
      }
      expect(translate(mmu, 0x80200000n, FETCH, PRV_S).fault).toBeUndefined();
      expect(translate(mmu, 0x80200000n, STORE, PRV_S).fault?.cause).toBe(15);
      const fw = translate(mmu, 0x80000000n, LOAD, PRV_S);
      expect(fw.fault?.cause).toBe(5);
      expect(fw.fault?.step).toBe(10);
      // Lazy region: the 16 re-touched pages of 15M-17M are mapped 4 KiB, the rest of the area is not.
      const lazy = 0x40000000n + 15n * 0x100000n;
      expect(translate(mmu, lazy, LOAD, PRV_S).result?.pageSize).toBe(4096);
      expect(translate(mmu, lazy + 15n * 4096n, STORE, PRV_S).result?.pageSize).toBe(4096);
      expect(translate(mmu, lazy + 16n * 4096n, LOAD, PRV_S).fault?.cause).toBe(13);
      expect(translate(mmu, 0x40000000n + 9n * 0x100000n, LOAD, PRV_S).fault?.cause).toBe(13);
    });
  });
}

describe('bundled kernel on a hart with Svnapot (--svnapot)', () => {
  for (const satp of ['sv39', 'sv48'] as const) {
    it(`${satp}: 64 KiB-aligned RAM that is not 2 MiB-aligned is mapped with contiguous PTEs, and translate agrees run by run`, () => {
      const run = boot(satp, undefined, undefined, 400_000_000, true);
      expect(run.code, run.text).toBe(0);
      expect(run.text).toMatch(/^page tables: Sv(39|48) \(\d levels\), root idmap_pg_dir at 0x[0-9a-f]+, built by __create_pgd_mapping \(Svnapot: 64 KiB runs contiguous\):$/m);
      const list = claims(run.text);
      const ram = list.find((c) => c.name === 'RAM')!;
      // From _end up to the first 64 KiB boundary in pages, then runs up to 2 MiB, then blocks.
      const firstRun = (ram.start + 0xffffn) & ~0xffffn;
      expect(ram.leaves.get('4 KiB PTE')).toBe(Number((firstRun - ram.start) / 4096n));
      expect(ram.leaves.get('64 KiB (Svnapot) PTE')).toBe(Number((0x80400000n - firstRun) / 0x10000n));
      expect(list.find((c) => c.name === 'CLINT')!.leaves).toEqual(new Map([['64 KiB (Svnapot) PTE', 1]]));
      const { mmu } = run.machine;
      for (const c of list) {
        const seen = new Map<string, number>();
        for (let va = c.start; va < c.end;) {
          const rep = translate(mmu, va, LOAD, PRV_S);
          expect(rep.result, `${c.name} 0x${va.toString(16)}`).toBeDefined();
          expect(rep.result!.pa).toBe(c.pa + (va - c.start));
          const key = `${rep.result!.pageSizeName} ${LEVEL_NAMES[satp][rep.result!.level]}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          va += BigInt(rep.result!.pageSize);
        }
        expect(seen, c.name).toEqual(c.leaves);
      }
      expect(run.text).toMatch(/^self-checks: \d+ passed, 0 failed$/m);
    });
  }
});

describe('bundled kernel with other RAM sizes', () => {
  it('--mem 64M boots with one zone', () => {
    const run = boot('sv48', 64 * 1024 * 1024);
    expect(run.code, run.text).toBe(0);
    expect(run.text).toMatch(/^zone DMA32 : pfn 0x80000\.\.0x84000 \(0x80000000\.\.0x84000000, 64 MiB\), \d+ pages managed by the buddy allocator$/m);
    expect(run.text).toContain('zone Normal: empty (RAM ends below 4 GiB)');
    expect(run.text).toContain('free lists identical to before: yes');
  });
  it('--mem 8G: DMA32 below 4 GiB and Normal above, both exhausted and refilled', () => {
    const run = boot('sv39', 8 * 1024 * 1024 * 1024, undefined, 1_500_000_000);
    expect(run.code, run.text).toBe(0);
    const t = run.text;
    expect(t).toMatch(/^zone DMA32 : pfn 0x80000\.\.0x100000 \(0x80000000\.\.0x100000000, 2 GiB\), 49\d{4} pages managed by the buddy allocator$/m);
    expect(t).toContain('zone Normal: pfn 0x100000..0x280000 (0x100000000..0x280000000, 6 GiB), 1572864 pages managed by the buddy allocator');
    expect(t).toMatch(/^mem_map: 0x802[0-9a-f]{5}\.\.0x882[0-9a-f]{5}, 2097152 struct pages of 64 bytes \(32768 frames\) from pfn 0x80000$/m);
    expect(t).toContain('  Normal: 0*4K 0*8K 0*16K 0*32K 0*64K 0*128K 0*256K 0*512K 0*1024K 0*2048K 1536*4096K = 6291456K');
    // GFP_KERNEL prefers Normal; GFP_DMA32 stays below 4 GiB.
    const m = /^buddy: alloc_pages\(GFP_DMA32, 3\): pfn 0x([0-9a-f]+); alloc_pages\(GFP_KERNEL, 10\): pfn 0x([0-9a-f]+)$/m.exec(t)!;
    expect(BigInt(`0x${m[1]}`)).toBeLessThan(0x100000n);
    expect(BigInt(`0x${m[2]}`)).toBeGreaterThanOrEqual(0x100000n);
    expect(t).toMatch(/^ {2}Normal: (0\*\d+K ){11}= 0K$/m);
    expect(t).toContain('free lists identical to before: yes');
    expect(t).toMatch(/^self-checks: \d+ passed, 0 failed$/m);
  });

  it('reads RAM from the device tree (--mem 2G: 1 GiB blocks in the RAM mapping too)', () => {
    const run = boot('sv39', 2 * 1024 * 1024 * 1024);
    expect(run.code, run.text).toBe(0);
    expect(run.text).toContain('memory: RAM 0x80000000..0x100000000 (2 GiB) from the device tree');
    expect(run.text).toMatch(/^ {2}RAM: .*\d+ pages of 4 KiB \(PTE\) \+ \d+ blocks of 2 MiB \(PMD\) \+ 1 block of 1 GiB \(PGD\); la2pa ok$/m);
  });
});

describe('mm-bench=N (the allocators\' benchmark, tests/bench/kernel-mm.ts)', () => {
  it('prints instructions per call for every buddy order and kmalloc class, and still passes every check', () => {
    const run = boot('sv39', undefined, 'mm-bench=2');
    expect(run.code, run.text).toBe(0);
    const buddy = [...run.text.matchAll(/^mm-bench: buddy order (\d+): alloc_pages (\d+), __free_pages (\d+) instructions per call$/gm)];
    expect(buddy.map((b) => Number(b[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const slab = [...run.text.matchAll(/^mm-bench: kmalloc-(\d+): kmalloc (\d+), kfree (\d+) instructions per call$/gm)];
    expect(slab.map((s) => Number(s[1]))).toEqual([8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]);
    for (const m of [...buddy, ...slab]) for (const n of [Number(m[2]), Number(m[3])]) expect(n > 20 && n < 5000, m[0]).toBe(true);
    expect(run.text).toMatch(/^frames: .* 0 other; self-check ok$/m);
  });
});

describe('the page-fault handler\'s fatal path (kernel command line bad-access=N)', () => {
  it('a load in no vm area: scause, stval, sepc reported, failure exit', () => {
    const run = boot('sv39', undefined, 'bad-access=1');
    expect(run.text).toMatch(/^kernel: unexpected trap: scause 0xd \(load page fault\) stval 0x46400000 sepc 0x802[0-9a-f]+ \(in no vm area\): not in any vm area$/m);
    expect(run.text).not.toContain('self-checks:');
    expect(run.code).toBe(1);
  });
  it('a store to a read-only area: a permission fault, with the area', () => {
    const run = boot('sv48', undefined, 'bad-access=2');
    expect(run.text).toMatch(/^kernel: unexpected trap: scause 0xf \(store\/AMO page fault\) stval 0x42800000 sepc 0x802[0-9a-f]+ in vm area 0x42800000\.\.0x42900000: permission fault$/m);
    expect(run.code).toBe(1);
  });
});
