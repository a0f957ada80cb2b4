import { describe, expect, it } from 'vitest';
import { FETCH, LOAD, PRV_M, PRV_S, STORE } from '../../../emulator/mmu/access.js';
import { SV39 } from '../../../emulator/mmu/modes.js';
import { makeMmu, PageTables, RAM_BASE, RWX, setPriv, tr } from './pt-builder.js';

describe('mmu smoke', () => {
  it('bare M-mode maps VA to PA', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, 0x8000_1234n, LOAD)).toBe(0x8000_1234);
    expect(tr(mmu, 0x8000_1234n, LOAD)).toBe(0x8000_1234);
    expect(mmu.stats.hits).toBe(1);
    expect(tr(mmu, 0x1000_0000n, FETCH)).toEqual({ cause: 1, tval: 0x1000_0000n });
  });
  it('sv39 4K map', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(0x4000_0000n, 0x8020_0000n, RWX);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    expect(tr(mmu, 0x4000_0010n, STORE, 8)).toBe(0x8020_0010);
    expect(tr(mmu, 0x4000_1010n, STORE, 8)).toEqual({ cause: 15, tval: 0x4000_1010n });
    setPriv(mmu, PRV_M);
    expect(tr(mmu, BigInt(RAM_BASE), LOAD)).toBe(RAM_BASE);
  });
});
