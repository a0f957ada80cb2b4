// Svnapot against the spec text (privileged spec, "Svnapot" chapter, table ptenapot): a level-0 leaf
// with N=1 and PPN[0][3:0] = 1000 is one of 16 PTEs of a 64 KiB run, read as a copy whose PPN[0][3:0]
// is VPN[0][3:0]; every other N=1 encoding is reserved (page fault), and so is N itself when Svnapot
// is off. One TLB entry covers the run; SFENCE.VMA of any page inside it removes it.

import { describe, expect, it } from 'vitest';
import { Virt } from '../../../emulator/board/virt.js';
import { translate } from '../../../emulator/debug/translate.js';
import { formatMappings, pageTableMappings } from '../../../emulator/debug/info-mem.js';
import { FETCH, LOAD, PRV_S, STORE } from '../../../emulator/mmu/access.js';
import { SV39, SV48 } from '../../../emulator/mmu/modes.js';
import { makeMmu, PageTables, RAM_BASE, RWX, setPriv, tr } from './pt-builder.js';

const N = 1n << 63n;
const VA = 0x4001_0000n;                         // 64 KiB-aligned
const PA = BigInt(RAM_BASE) + 0x30_0000n;        // 64 KiB-aligned

/** The 16 PTEs of a NAPOT run: each PPN has PPN[0][3:0] = 1000, as the spec's encoding requires. */
function mapRun(pt: PageTables, va: bigint, pa: bigint, flags = RWX): void {
  for (let j = 0n; j < 16n; j++) pt.map(va + j * 0x1000n, pa | 0x8000n, flags, 0, N);
}

function setup(svnapot: boolean, mode = SV39) {
  const { bus, mmu } = makeMmu({ svnapot });
  const pt = new PageTables(bus, mode);
  mmu.setSatp(pt.satp());
  setPriv(mmu, PRV_S);
  return { mmu, pt };
}

describe('Svnapot', () => {
  for (const mode of [SV39, SV48]) {
    it(`a 64 KiB run: every page translates to PA + its offset in the run (${mode.name})`, () => {
      const { mmu, pt } = setup(true, mode);
      mapRun(pt, VA, PA);
      for (let j = 0n; j < 16n; j++) {
        const off = j * 0x1000n + 0x123n;
        expect(tr(mmu, VA + off, LOAD)).toBe(Number(PA + off));
      }
    });
  }

  it('one TLB entry covers the run: one walk for 16 pages; sfence.vma of a page inside it removes it', () => {
    const { mmu, pt } = setup(true);
    mapRun(pt, VA, PA);
    for (let j = 0n; j < 16n; j++) tr(mmu, VA + j * 0x1000n, STORE, 8);
    expect(mmu.stats.walks).toBe(1);
    const es = mmu.tlb.entries();
    expect(es).toHaveLength(1);
    expect(es[0]).toMatchObject({ napot: true, level: 0, vpn: Number(VA >> 12n) });
    mmu.sfence(VA + 0x7000n, null);
    expect(mmu.tlb.entries()).toHaveLength(0);
    expect(tr(mmu, VA + 0x3000n, LOAD)).toBe(Number(PA + 0x3000n));
    expect(mmu.stats.walks).toBe(2);
    // The fast cache forgot every page of the run too: a changed run is seen at once after the fence.
    mapRun(pt, VA, PA + 0x10_0000n);
    mmu.sfence(VA + 0xf000n, null);
    expect(tr(mmu, VA + 0x1000n, LOAD)).toBe(Number(PA + 0x10_1000n));
  });

  it('reserved encodings page-fault: PPN[0][3:0] ≠ 1000; N at a level-1 leaf; N at a pointer', () => {
    const { mmu, pt } = setup(true);
    pt.map(VA, PA | 0x4000n, RWX, 0, N);                          // napot_bits would be 3: reserved
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
    expect(translate(mmu, VA, LOAD).fault).toMatchObject({ step: 4, rule: 'PTE.N=1 with PPN[0][3:0] ≠ 1000: a reserved Svnapot encoding (level 0)' });
    pt.map(0x8000_0000n, BigInt(RAM_BASE), RWX, 1, N);           // a 2 MiB leaf with N
    expect(tr(mmu, 0x8000_0000n, FETCH)).toEqual({ cause: 12, tval: 0x8000_0000n });
    expect(translate(mmu, 0x8000_0000n, FETCH).fault?.rule).toMatch(/PTE\.N=1 at level 1: reserved/);
    const va2 = 0x8040_0000n;
    const at = pt.pteAddr(va2, 1);                                 // a pointer with N
    pt.writePte(at, (BigInt(pt.alloc() / 4096) << 10n) | 1n | N);
    expect(tr(mmu, va2, STORE)).toEqual({ cause: 15, tval: va2 });
  });

  it('off (the default, as QEMU 7.2): N is reserved and page-faults', () => {
    const { mmu, pt } = setup(false);
    mapRun(pt, VA, PA);
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
    expect(translate(mmu, VA, LOAD).fault?.rule).toBe('PTE.N is set but Svnapot is not implemented (level 0)');
  });

  it('the inspector agrees: translate() and info mem name the run', () => {
    const { mmu, pt } = setup(true);
    mapRun(pt, VA, PA);
    const r = translate(mmu, VA + 0x5010n, LOAD);
    expect(r.result).toMatchObject({ pa: PA + 0x5010n, pageSize: 0x1_0000, pageSizeName: '64 KiB (Svnapot)' });
    const { mappings } = pageTableMappings({ bus: pt.bus, mmu });
    expect(mappings).toEqual([expect.objectContaining({ va: VA, pa: PA, size: 0x1_0000n, pages: 16, napot: true })]);
    expect(formatMappings({ bus: pt.bus, mmu }, () => undefined).join('\n')).toContain('4 KiB pages x16 (Svnapot 64 KiB)');
  });

  it('the board offers it only when asked (--svnapot), and says so in the device tree\'s riscv,isa', () => {
    const isa = (svnapot: boolean): string => {
      const m = new Virt({ svnapot });
      m.boot(undefined);
      const dtb = new TextDecoder('latin1').decode(m.ram.readBytes(m.dtbAddr - m.ram.base, 0x4000));
      return /rv64[a-z_]+/.exec(dtb)![0];
    };
    expect(isa(false)).toBe('rv64imafdc_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zba_zbb_zbs_sstc');
    expect(isa(true)).toBe('rv64imafdc_zicbom_zicbop_zicboz_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zba_zbb_zbs_sstc_svnapot');
    expect(new Virt().mmu.svnapot).toBe(false);
  });
});
