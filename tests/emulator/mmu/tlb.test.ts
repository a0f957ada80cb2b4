// TLB and SFENCE.VMA: ASID/VPN tags, leaf level, global bit, each rs1/rs2 combination, and nothing
// stale in a fast path after satp, PMP, privilege, MPRV, SUM or MXR change. A stale translation is made
// observable by remapping a VA in memory without SFENCE.VMA: the TLB may (and here does) keep the old PA.

import { describe, expect, it } from 'vitest';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE } from '../../../emulator/mmu/access.js';
import { SV39, SV48 } from '../../../emulator/mmu/modes.js';
import { PTE_G, PTE_U, PTE_V, PTE_X, PTE_A, PTE_D } from '../../../emulator/mmu/pte.js';
import { LEAF_RW, makeMmu, PageTables, RAM_BASE, RWX, setPriv, tr } from './pt-builder.js';

const VA = 0x4000_0000n, VA2 = 0x4000_5000n;
const OLD = BigInt(RAM_BASE) + 0x20_0000n, NEW = BigInt(RAM_BASE) + 0x30_0000n;

/** Two address spaces (ASID 1 and 2) sharing nothing but the pages we map. */
function twoSpaces(globalFlag = 0) {
  const { bus, mmu } = makeMmu();
  const a = new PageTables(bus, SV39, RAM_BASE + 0x10_0000);
  const b = new PageTables(bus, SV39, RAM_BASE + 0x18_0000);
  a.map(VA, OLD, LEAF_RW | globalFlag);
  b.map(VA, OLD, LEAF_RW | globalFlag);
  a.map(VA2, OLD + 0x5000n, LEAF_RW);
  mmu.setSatp(a.satp(1));
  setPriv(mmu, PRV_S);
  return { bus, mmu, a, b };
}

describe('TLB', () => {
  it('a hit uses the cached translation (no walk) until SFENCE.VMA', () => {
    const { mmu, a } = twoSpaces();
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    a.map(VA, NEW, LEAF_RW);
    expect(tr(mmu, VA + 8n, LOAD)).toBe(Number(OLD) + 8);
    expect(mmu.stats.walks).toBe(1);
    mmu.sfence(null, null);
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
    expect(mmu.stats.walks).toBe(2);
    expect(mmu.stats.misses).toBe(2);
  });

  it('entries are tagged by ASID: another ASID does not see them; switching back does', () => {
    const { mmu, a, b } = twoSpaces();
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    b.map(VA, NEW, LEAF_RW);
    mmu.setSatp(b.satp(2));
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
    a.map(VA, NEW + 0x1000n, LEAF_RW);    // no sfence: ASID 1's entry is still valid to use
    mmu.setSatp(a.satp(1));
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
  });

  it('a new root under the same ASID drops that ASID\'s non-global entries', () => {
    const { mmu, b } = twoSpaces();
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    b.map(VA, NEW, LEAF_RW);
    mmu.setSatp(b.satp(1));
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
  });

  it('the global bit: a global entry serves every ASID', () => {
    const { mmu, b } = twoSpaces(PTE_G);
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    b.map(VA, NEW, LEAF_RW | PTE_G);
    mmu.setSatp(b.satp(2));
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
  });

  it('satp MODE change flushes everything, globals too', () => {
    const { bus, mmu, a } = twoSpaces(PTE_G);
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    const c = new PageTables(bus, SV48, RAM_BASE + 0x1c_0000);
    c.map(VA, NEW, LEAF_RW);
    mmu.setSatp(c.satp(1));
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
    mmu.setSatp(0n);
    expect(tr(mmu, OLD, LOAD)).toBe(Number(OLD));
    a.map(VA, NEW + 0x1000n, LEAF_RW | PTE_G);
    mmu.setSatp(a.satp(1));
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW) + 0x1000);
  });

  it('one entry covers a whole 2 MiB superpage and keeps its level', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(0x4020_0000n, BigInt(RAM_BASE) + 0x40_0000n, LEAF_RW, 1);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    for (let off = 0n; off < 0x20_0000n; off += 0x1_0000n) tr(mmu, 0x4020_0000n + off, LOAD);
    expect(mmu.stats.walks).toBe(1);
    expect(mmu.tlb.entries()).toEqual([expect.objectContaining({ level: 1, vpn: 0x40200 })]);
  });
});

describe('SFENCE.VMA', () => {
  it('rs1=x0, rs2=x0: flushes all entries of all ASIDs, globals included', () => {
    const { mmu, a } = twoSpaces(PTE_G);
    tr(mmu, VA, LOAD); tr(mmu, VA2, LOAD);
    a.map(VA, NEW, LEAF_RW | PTE_G); a.map(VA2, NEW, LEAF_RW);
    mmu.sfence(null, null);
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
    expect(tr(mmu, VA2, LOAD)).toBe(Number(NEW));
  });

  it('rs1=x0, rs2=ASID: flushes that ASID\'s non-global entries only', () => {
    const { mmu, a } = twoSpaces(PTE_G);
    tr(mmu, VA, LOAD); tr(mmu, VA2, LOAD);          // VA global, VA2 not
    a.map(VA, NEW, LEAF_RW | PTE_G); a.map(VA2, NEW, LEAF_RW);
    mmu.sfence(null, 2n);                            // another ASID: nothing of ours goes
    expect(tr(mmu, VA2, LOAD)).toBe(Number(OLD) + 0x5000);
    mmu.sfence(null, 1n);
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));     // global kept
    expect(tr(mmu, VA2, LOAD)).toBe(Number(NEW));    // non-global flushed
  });

  it('rs1=VA, rs2=x0: flushes the entries for that VA in every ASID, globals included', () => {
    const { mmu, a } = twoSpaces(PTE_G);
    tr(mmu, VA, LOAD); tr(mmu, VA2, LOAD);
    a.map(VA, NEW, LEAF_RW | PTE_G); a.map(VA2, NEW, LEAF_RW);
    mmu.sfence(VA + 0x10n, null);
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
    expect(tr(mmu, VA2, LOAD)).toBe(Number(OLD) + 0x5000); // other VA untouched
  });

  it('rs1=VA, rs2=ASID: flushes that VA for that ASID, not global entries', () => {
    const { mmu, a } = twoSpaces();
    tr(mmu, VA, LOAD); tr(mmu, VA2, LOAD);
    a.map(VA, NEW, LEAF_RW); a.map(VA2, NEW, LEAF_RW);
    mmu.sfence(VA, 2n);
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    mmu.sfence(VA, 1n);
    expect(tr(mmu, VA, LOAD)).toBe(Number(NEW));
    expect(tr(mmu, VA2, LOAD)).toBe(Number(OLD) + 0x5000);
    const g = twoSpaces(PTE_G);
    tr(g.mmu, VA, LOAD);
    g.a.map(VA, NEW, LEAF_RW | PTE_G);
    g.mmu.sfence(VA, 1n);
    expect(tr(g.mmu, VA, LOAD)).toBe(Number(OLD));
  });

  it('rs1=VA inside a superpage flushes the superpage entry', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(0x4020_0000n, OLD, LEAF_RW, 1);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    tr(mmu, 0x4020_0000n, LOAD); tr(mmu, 0x4030_0000n, LOAD);
    pt.map(0x4020_0000n, BigInt(RAM_BASE) + 0x40_0000n, LEAF_RW, 1);
    mmu.sfence(0x4021_2345n, null);
    expect(tr(mmu, 0x4030_0000n, LOAD)).toBe(RAM_BASE + 0x50_0000);
  });

  it('rs1 not a valid (canonical) VA: no effect', () => {
    const { mmu, a } = twoSpaces();
    tr(mmu, VA, LOAD);
    a.map(VA, NEW, LEAF_RW);
    mmu.sfence(VA | (1n << 40n), null);
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
  });
});

describe('nothing stale survives', () => {
  it('a PMP write: a page cached as allowed is refused after pmpcfg changes', () => {
    const { mmu } = makeMmu();
    setPriv(mmu, PRV_S);
    expect(tr(mmu, OLD, LOAD)).toBe(Number(OLD));
    expect(tr(mmu, OLD, LOAD)).toBe(Number(OLD));
    mmu.writePmpaddr(0, (OLD >> 2n) | 0x1ffn);
    mmu.writePmpcfg(0, 0x18n);
    expect(tr(mmu, OLD, LOAD)).toEqual({ cause: 5, tval: OLD });
  });

  it('a PMP region smaller than a page is enforced byte-exactly even when the page is in the TLB', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, OLD, LEAF_RW);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    mmu.writePmpaddr(0, (OLD + 0x100n) >> 2n);  // NA4 at OLD+0x100, no permissions
    mmu.writePmpcfg(0, 0x10n);
    for (let k = 0; k < 3; k++) {
      expect(tr(mmu, VA + 0xf8n, LOAD, 8)).toBe(Number(OLD) + 0xf8);
      expect(tr(mmu, VA + 0x100n, LOAD, 4)).toEqual({ cause: 5, tval: VA + 0x100n });
      expect(tr(mmu, VA + 0xfcn, LOAD, 8)).toEqual({ cause: 5, tval: VA + 0xfcn }); // partly inside
      expect(tr(mmu, VA + 0x104n, STORE, 8)).toBe(Number(OLD) + 0x104);
    }
  });

  it('a privilege change S → U: an S page cached for S is refused in U', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, OLD, RWX);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, FETCH)).toBe(Number(OLD));
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    setPriv(mmu, PRV_U);
    expect(tr(mmu, VA, FETCH)).toEqual({ cause: 12, tval: VA });
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
  });

  it('an MPRV change: M-mode loads are translated once MPRV=1 and not after MPRV=0', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(OLD, NEW, LEAF_RW);                     // VA OLD → PA NEW
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_M, { mpp: PRV_S });
    expect(tr(mmu, OLD, LOAD)).toBe(Number(OLD));
    setPriv(mmu, PRV_M, { mpp: PRV_S, mprv: true });
    expect(tr(mmu, OLD, LOAD)).toBe(Number(NEW));
    expect(tr(mmu, OLD, FETCH)).toBe(Number(OLD));
    setPriv(mmu, PRV_M, { mpp: PRV_S });
    expect(tr(mmu, OLD, LOAD)).toBe(Number(OLD));
  });

  it('a SUM change: S loads from a U page are refused after SUM is cleared', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, OLD, LEAF_RW | PTE_U);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S, { sum: true });
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    expect(tr(mmu, VA, STORE)).toBe(Number(OLD));
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
    expect(tr(mmu, VA, STORE)).toEqual({ cause: 15, tval: VA });
  });

  it('an MXR change: loads from an X-only page are refused after MXR is cleared', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, OLD, PTE_V | PTE_X | PTE_A | PTE_D);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S, { mxr: true });
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
  });

  it('a satp write to Bare: S-mode accesses are physical at once', () => {
    const { mmu, a } = twoSpaces();
    void a;
    expect(tr(mmu, VA, LOAD)).toBe(Number(OLD));
    mmu.setSatp(0n);
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 5, tval: VA }); // 0x4000_0000 is a hole
  });

  it('generation counts every invalidation', () => {
    const { mmu } = makeMmu();
    const g0 = mmu.generation;
    mmu.sfence(null, null);
    mmu.setSatp(0n);
    mmu.writePmpaddr(0, 0n);
    setPriv(mmu, PRV_S);
    expect(mmu.generation).toBe(g0 + 4);
  });

  it('stats: faults counted per cause', () => {
    const { mmu } = makeMmu();
    setPriv(mmu, PRV_S);
    tr(mmu, 0x10n, LOAD); tr(mmu, 0x10n, LOAD); tr(mmu, 0x10n, FETCH);
    expect(mmu.stats.faults).toEqual({ 5: 2, 1: 1 });
  });
});
