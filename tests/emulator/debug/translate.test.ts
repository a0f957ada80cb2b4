// The debugger's side-effect-free translate(): every step recorded, same rules as the MMU's walk,
// no TLB fill and no A/D writes.

import { describe, expect, it } from 'vitest';
import { translate } from '../../../emulator/debug/translate.js';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE } from '../../../emulator/mmu/access.js';
import { SV39, SV48, SV57 } from '../../../emulator/mmu/modes.js';
import { PTE_R, PTE_U, PTE_V, PTE_W } from '../../../emulator/mmu/pte.js';
import { makeMmu, PageTables, RAM_BASE, RWX } from '../mmu/pt-builder.js';

const VA = 0x4000_1234n, PA = BigInt(RAM_BASE) + 0x20_0000n;

describe('debug translate', () => {
  for (const mode of [SV39, SV48, SV57]) {
    it(`records one step per level with PTE address, raw PTE, flags and VPN[i] (${mode.name})`, () => {
      const { bus, mmu } = makeMmu();
      const pt = new PageTables(bus, mode);
      const leaf = pt.map(VA, PA, RWX);
      mmu.setSatp(pt.satp());
      const r = translate(mmu, VA, LOAD, PRV_S);
      expect(r.mode).toBe(mode.name);
      expect(r.fault).toBeUndefined();
      expect(r.result).toEqual({ pa: PA + 0x234n, pageSize: 4096, pageSizeName: '4 KiB', level: 0 });
      expect(r.steps.map((s) => s.level)).toEqual([...Array(mode.levels).keys()].reverse());
      expect(r.steps[0]!.pteAddr).toBe(BigInt(pt.root) + BigInt(pt.vpn(VA, mode.levels - 1)) * 8n);
      const last = r.steps[r.steps.length - 1]!;
      expect(last.pteAddr).toBe(BigInt(leaf));
      expect(last.pte).toBe(pt.readPte(leaf));
      expect(last.kind).toBe('leaf');
      expect(last.vpn).toBe(1);
      expect(last.flags.text).toBe('VRWX--AD');
      expect(r.steps.slice(0, -1).every((s) => s.kind === 'pointer')).toBe(true);
    });
  }

  it('reports the page size and level of a block mapping', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(0x4000_0000n, BigInt(RAM_BASE), RWX, 2);
    mmu.setSatp(pt.satp());
    const r = translate(mmu, 0x4012_3456n, FETCH, PRV_S);
    expect(r.result).toEqual({ pa: BigInt(RAM_BASE) + 0x12_3456n, pageSize: 1 << 30, pageSizeName: '1 GiB', level: 2 });
    expect(r.steps.length).toBe(1);
  });

  it('has no side effects: no TLB fill, no A/D write, no stats', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    const leaf = pt.map(VA, PA, PTE_V | PTE_R | PTE_W);
    mmu.setSatp(pt.satp());
    const before = pt.readPte(leaf);
    const r = translate(mmu, VA, STORE, PRV_S);
    expect(r.result?.setsAD).toBe('A and D');
    expect(r.steps[r.steps.length - 1]!.setsAD).toBe('A and D');
    expect(pt.readPte(leaf)).toBe(before);
    expect(mmu.tlb.entries()).toEqual([]);
    expect(mmu.stats).toEqual({ hits: 0, misses: 0, walks: 0, faults: {} });
  });

  it('a fault names the cause, the walk step, the spec 12.3.2 step and the rule', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, RWX);
    mmu.setSatp(pt.satp());
    const r = translate(mmu, VA, LOAD, PRV_U);
    expect(r.fault).toEqual({ cause: 13, step: 6, specStep: 5, rule: 'U-mode access needs PTE.U=1' });
    expect(r.steps[r.steps.length - 1]!.kind).toBe('fault');
    const nc = translate(mmu, 1n << 40n, FETCH, PRV_S);
    expect(nc.fault).toMatchObject({ cause: 12, step: 1, specStep: 0 });
    expect(nc.steps).toEqual([]);
    const v0 = translate(mmu, 0x7000_0000n, STORE, PRV_S);
    expect(v0.fault).toMatchObject({ cause: 15, step: 4, rule: 'PTE.V=0 at level 1' });
    const sum = translate(mmu, VA, LOAD, PRV_S, { sum: true });
    expect(sum.fault).toBeUndefined();
  });

  it('S-mode never executes a U page even with SUM=1 (rule text)', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, RWX | PTE_U);
    mmu.setSatp(pt.satp());
    expect(translate(mmu, VA, FETCH, PRV_S, { sum: true }).fault?.rule).toBe('S-mode never executes from a U=1 page');
  });

  it('the final physical access is PMP/PMA-checked (step 10)', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, 0x2000_0000n, RWX);
    mmu.setSatp(pt.satp());
    const r = translate(mmu, VA, LOAD, PRV_S);
    expect(r.result?.pa).toBe(0x2000_0234n);
    expect(r.fault).toMatchObject({ cause: 5, step: 10 });
    expect(r.fault?.rule).toContain('hole');
  });

  it('M-mode and Bare: PA = VA', () => {
    const { mmu } = makeMmu();
    expect(translate(mmu, PA, LOAD, PRV_M).result?.pa).toBe(PA);
    expect(translate(mmu, PA, LOAD, PRV_S).mode).toBe('bare');
  });

  it('shares the walk with the MMU: same verdict as the access path for every rule', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, PTE_V | PTE_R | PTE_W); // no A: hardware policy sets it
    mmu.setSatp(pt.satp());
    const d = translate(mmu, VA, LOAD, PRV_S);
    mmu.setPrivilege(PRV_S, 0, false);
    expect(mmu.translate(Number(VA), 0, 1, LOAD)).toBe(Number(d.result!.pa));
  });
});
