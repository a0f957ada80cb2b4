// One test per walk rule (docs/ARCHITECTURE.md), in each paging mode where the rule differs (canonical bit,
// number of levels, block sizes). Page tables are built in RAM from TypeScript; translate() is the access path.

import { describe, expect, it } from 'vitest';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE } from '../../../emulator/mmu/access.js';
import { SV39, SV48, SV57, type PagingMode } from '../../../emulator/mmu/modes.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../../../emulator/mmu/pte.js';
import { DEV_BASE, LEAF_RW, makeMmu, PageTables, RAM_BASE, RWX, setPriv, tr } from './pt-builder.js';

const MODES: PagingMode[] = [SV39, SV48, SV57];
const PF = [12, 13, 15];
const AF = [1, 5, 7];
const VA = 0x4000_0000n;           // canonical in every mode, VPN[2] = 1
const PA = BigInt(RAM_BASE) + 0x20_0000n;

function setup(mode: PagingMode, opts: Parameters<typeof makeMmu>[0] = {}) {
  const { bus, mmu } = makeMmu(opts);
  const pt = new PageTables(bus, mode);
  mmu.setSatp(pt.satp());
  setPriv(mmu, PRV_S);
  return { bus, mmu, pt };
}

describe.each(MODES.map((m) => [m.name, m] as const))('%s', (_name, mode) => {
  const m = mode.name;

  it(`step 1 canonical check: bits 63..${mode.vaBits - 1} must equal bit ${mode.vaBits - 1} (${m})`, () => {
    const { mmu, pt } = setup(mode);
    pt.map(VA, PA, RWX);
    const topBit = 1n << BigInt(mode.vaBits - 1);
    // Only bit VALEN-1 set: not canonical; a page fault of each access type, tval = the VA.
    for (const acc of [FETCH, LOAD, STORE] as const) {
      expect(tr(mmu, topBit | VA, acc)).toEqual({ cause: PF[acc], tval: topBit | VA });
    }
    // One bit above VALEN-1 set (would alias VA in its low bits): page fault, never a TLB hit.
    expect(tr(mmu, VA, LOAD)).toBe(Number(PA));
    const alias = VA | (1n << BigInt(mode.vaBits));
    expect(tr(mmu, alias, LOAD)).toEqual({ cause: 13, tval: alias });
    // Fully sign-extended high half is canonical (and unmapped here → page fault from the walk, step 4).
    const high = BigInt.asUintN(64, -(1n << BigInt(mode.vaBits - 1)));
    expect(tr(mmu, high, LOAD)).toEqual({ cause: 13, tval: high });
  });

  it(`step 1 canonical: highest canonical half VA is translated (${m})`, () => {
    const { mmu, pt } = setup(mode);
    const high = BigInt.asUintN(64, -0x1000n); // 0xffff...f000
    pt.map(high, PA, RWX);
    expect(tr(mmu, high + 8n, LOAD)).toBe(Number(PA) + 8);
  });

  for (let level = 0; level < mode.levels; level++) {
    const size = 1n << BigInt(12 + 9 * level);
    it(`step 9 leaf at level ${level}: one ${size >> 10n} KiB page, PA = PTE.PPN[LEVELS-1:${level}] ‖ VA.VPN[${level}-1:0] ‖ offset (${m})`, () => {
      const { mmu, pt } = setup(mode);
      // A page whose first bytes include RAM: PA base aligned to the page size (0 for the biggest).
      const paBase = size <= 1n << 30n ? BigInt(RAM_BASE) : 0n;
      const vaBase = size * 3n;
      pt.map(vaBase, paBase, RWX, level);
      const inside = level === 0 ? 0x123n : BigInt(RAM_BASE) - paBase + 0x1000n + 0x123n;
      expect(tr(mmu, vaBase + inside, LOAD)).toBe(Number(paBase + inside));
      expect(mmu.stats.walks).toBe(1);
      if (level > 0) {
        // The TLB entry covers the whole superpage: another 4 KiB page inside it needs no walk.
        expect(tr(mmu, vaBase + inside + 0x2000n, STORE, 8)).toBe(Number(paBase + inside + 0x2000n));
        expect(mmu.stats.walks).toBe(1);
      }
    });
    if (level > 0) {
      it(`step 7 misaligned superpage at level ${level}: PTE.PPN[${level - 1}:0] ≠ 0 → page fault (${m})`, () => {
        const { mmu, pt } = setup(mode);
        const va = 1n << BigInt(12 + 9 * level); // VPN[level] = 1
        pt.map(va, PA + 0x1000n, RWX, level);
        for (const acc of [FETCH, LOAD, STORE] as const) expect(tr(mmu, va, acc)).toEqual({ cause: PF[acc], tval: va });
      });
    }
  }

  it(`step 5 running out of levels: a pointer PTE at level 0 → page fault (${m})`, () => {
    const { mmu, pt } = setup(mode);
    const at = pt.pteAddr(VA, 0);
    pt.writePte(at, ((PA >> 12n) << 10n) | BigInt(PTE_V));
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
    expect(tr(mmu, VA, FETCH)).toEqual({ cause: 12, tval: VA });
  });

  it(`step 5 pointer descent visits LEVELS PTEs (${m})`, () => {
    const { mmu, pt } = setup(mode);
    pt.map(VA, PA, RWX);
    tr(mmu, VA, LOAD);
    expect(mmu.stats.walks).toBe(1);
    expect(mmu.tlb.entries()).toEqual([expect.objectContaining({ level: 0, ppn: Number(PA >> 12n) })]);
  });

  it(`step 3 PTE read refused by PMP → access fault of the original access type (${m})`, () => {
    const { mmu, pt } = setup(mode);
    pt.map(VA, PA, RWX);
    // pmp0 = NAPOT 4 KiB over the root table, no permissions: the implicit S-level read fails.
    mmu.writePmpaddr(0, (BigInt(pt.root) >> 2n) | 0x1ffn);
    mmu.writePmpcfg(0, 0x18n);
    for (const acc of [FETCH, LOAD, STORE] as const) expect(tr(mmu, VA, acc)).toEqual({ cause: AF[acc], tval: VA });
  });

  it(`step 3 PTE in a hole (satp.PPN outside every region) → access fault (${m})`, () => {
    const { mmu } = setup(mode);
    mmu.setSatp((BigInt(mode.satpMode) << 60n) | 0x12345n);
    for (const acc of [FETCH, LOAD, STORE] as const) expect(tr(mmu, VA, acc)).toEqual({ cause: AF[acc], tval: VA });
  });

  it(`step 3 PTE in a device → access fault (${m})`, () => {
    const { mmu } = setup(mode);
    mmu.setSatp((BigInt(mode.satpMode) << 60n) | BigInt(DEV_BASE >> 12));
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 5, tval: VA });
  });

  const step4: [string, (pt: PageTables) => void][] = [
    ['V=0', (pt) => pt.map(VA, PA, RWX & ~PTE_V)],
    ['R=0 and W=1', (pt) => pt.map(VA, PA, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D)],
    ['reserved bit 54', (pt) => pt.map(VA, PA, RWX, 0, 1n << 54n)],
    ['reserved bit 60', (pt) => pt.map(VA, PA, RWX, 0, 1n << 60n)],
    ['N without Svnapot', (pt) => pt.map(VA, PA, RWX, 0, 1n << 63n)],
    ['PBMT without Svpbmt', (pt) => pt.map(VA, PA, RWX, 0, 1n << 61n)],
    ['non-leaf PTE with D', (pt) => { pt.pteAddr(VA, 0, PTE_V | PTE_D); pt.map(VA, PA, RWX); }],
    ['non-leaf PTE with A', (pt) => { pt.pteAddr(VA, 0, PTE_V | PTE_A); pt.map(VA, PA, RWX); }],
    ['non-leaf PTE with U', (pt) => { pt.pteAddr(VA, 0, PTE_V | PTE_U); pt.map(VA, PA, RWX | PTE_U); }],
  ];
  for (const [rule, build] of step4) {
    it(`step 4 ${rule} → page fault (${m})`, () => {
      const { mmu, pt } = setup(mode);
      build(pt);
      for (const acc of [FETCH, LOAD, STORE] as const) expect(tr(mmu, VA, acc)).toEqual({ cause: PF[acc], tval: VA });
    });
  }
});

describe('step 6 leaf permissions (Sv39; the check does not depend on the mode)', () => {
  const cases: [string, number, number, { sum?: boolean; mxr?: boolean }, (0 | 1 | 2)[], (0 | 1 | 2)[]][] = [
    // name, PTE flags, priv, mstatus bits, accesses allowed, accesses faulting
    ['fetch needs X', PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, PRV_S, {}, [LOAD, STORE], [FETCH]],
    ['load needs R', PTE_V | PTE_X | PTE_A | PTE_D, PRV_S, {}, [FETCH], [LOAD, STORE]],
    ['MXR=1 makes X-only pages loadable', PTE_V | PTE_X | PTE_A | PTE_D, PRV_S, { mxr: true }, [FETCH, LOAD], [STORE]],
    ['store needs W', PTE_V | PTE_R | PTE_X | PTE_A | PTE_D, PRV_S, {}, [FETCH, LOAD], [STORE]],
    ['U-mode needs U=1', RWX, PRV_U, {}, [], [FETCH, LOAD, STORE]],
    ['U-mode with U=1', RWX | PTE_U, PRV_U, {}, [FETCH, LOAD, STORE], []],
    ['U-mode MXR=1 loads an X-only U page', PTE_V | PTE_X | PTE_U | PTE_A | PTE_D, PRV_U, { mxr: true }, [FETCH, LOAD], [STORE]],
    ['S-mode on a U=1 page with SUM=0 faults', RWX | PTE_U, PRV_S, {}, [], [FETCH, LOAD, STORE]],
    ['S-mode on a U=1 page with SUM=1 loads and stores but never fetches', RWX | PTE_U, PRV_S, { sum: true }, [LOAD, STORE], [FETCH]],
  ];
  for (const [name, flags, priv, bits, ok, bad] of cases) {
    it(name, () => {
      const { bus, mmu } = makeMmu();
      const pt = new PageTables(bus, SV39);
      pt.map(VA, PA, flags);
      mmu.setSatp(pt.satp());
      setPriv(mmu, priv, bits);
      for (const acc of ok) expect(tr(mmu, VA + 4n, acc)).toBe(Number(PA) + 4);
      for (const acc of bad) expect(tr(mmu, VA + 4n, acc)).toEqual({ cause: PF[acc], tval: VA + 4n });
    });
  }

  it('AMO and SC raise store faults; LR raises load faults', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, PTE_V | PTE_R | PTE_A | PTE_D);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, STORE, 8, true)).toEqual({ cause: 15, tval: VA });
    expect(tr(mmu, VA, LOAD, 8, true)).toBe(Number(PA));
    pt.map(VA, PA, PTE_V | PTE_X | PTE_A);
    mmu.sfence(null, null);
    expect(tr(mmu, VA, LOAD, 8, true)).toEqual({ cause: 13, tval: VA });
  });
});

describe('effective privilege (mstatus.MPRV/MPP, loads and stores only)', () => {
  it('M-mode with MPRV=1, MPP=S translates loads and stores but not fetches', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, RWX);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_M, { mprv: true, mpp: PRV_S });
    expect(tr(mmu, VA, LOAD)).toBe(Number(PA));
    expect(tr(mmu, VA, STORE)).toBe(Number(PA));
    expect(tr(mmu, VA, FETCH)).toEqual({ cause: 1, tval: VA }); // bare fetch at 0x4000_0000: a hole
    expect(tr(mmu, PA, FETCH)).toBe(Number(PA));
  });
  it('M-mode with MPRV=1, MPP=U applies U-mode rules; MPP=M translates nothing', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, RWX);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_M, { mprv: true, mpp: PRV_U });
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 13, tval: VA });
    setPriv(mmu, PRV_M, { mprv: true, mpp: PRV_M });
    expect(tr(mmu, PA, LOAD)).toBe(Number(PA));
  });
  it('MPRV=0 in M-mode: loads are not translated', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, RWX);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_M, { mpp: PRV_S });
    expect(tr(mmu, PA, LOAD)).toBe(Number(PA));
  });
});

describe('step 8 A/D policy', () => {
  for (const acc of [FETCH, LOAD, STORE] as const) {
    it(`hardware: ${['fetch', 'load', 'store'][acc]} sets A${acc === STORE ? ' and D' : ''} with an update of the PTE`, () => {
      const { bus, mmu } = makeMmu();
      const pt = new PageTables(bus, SV39);
      const at = pt.map(VA, PA, PTE_V | PTE_R | PTE_W | PTE_X);
      mmu.setSatp(pt.satp());
      setPriv(mmu, PRV_S);
      expect(tr(mmu, VA, acc)).toBe(Number(PA));
      const flags = Number(pt.readPte(at) & 0xffn);
      expect(flags & PTE_A).toBe(PTE_A);
      expect(flags & PTE_D).toBe(acc === STORE ? PTE_D : 0);
    });
  }
  it('hardware: a store through a TLB entry with D=0 re-walks and sets D', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    const at = pt.map(VA, PA, PTE_V | PTE_R | PTE_W);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    tr(mmu, VA, LOAD);
    expect(Number(pt.readPte(at) & 0xffn) & PTE_D).toBe(0);
    tr(mmu, VA, STORE);
    expect(Number(pt.readPte(at) & 0xffn) & PTE_D).toBe(PTE_D);
    expect(mmu.stats.walks).toBe(2);
  });
  it('hardware: the A/D update is an S-level store checked by PMP → access fault of the original type', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    const at = pt.map(VA, PA, PTE_V | PTE_R | PTE_W);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    // pmp0: the leaf table's 4 KiB page is read-only for S.
    const table = at - (at % 4096);
    mmu.writePmpaddr(0, (BigInt(table) >> 2n) | 0x1ffn);
    mmu.writePmpcfg(0, 0x19n); // NAPOT, R
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 5, tval: VA });
    expect(tr(mmu, VA, STORE)).toEqual({ cause: 7, tval: VA });
    expect(pt.readPte(at) & 0xffn).toBe(BigInt(PTE_V | PTE_R | PTE_W));
  });
  it('hardware: a PTE in ROM cannot be updated → access fault', () => {
    const { bus, mmu } = makeMmu();
    // Root table in ROM at 0x1000 pointing at a 1 GiB leaf without A.
    bus.rom.view.setBigUint64(8, ((0x4000_0000n >> 12n) << 10n) | BigInt(PTE_V | PTE_R), true);
    mmu.setSatp((8n << 60n) | 1n);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, LOAD)).toEqual({ cause: 5, tval: VA });
    bus.rom.view.setBigUint64(8, ((0x8000_0000n >> 12n) << 10n) | BigInt(PTE_V | PTE_R | PTE_A), true);
    expect(tr(mmu, VA, LOAD)).toBe(RAM_BASE);
  });
  for (const acc of [FETCH, LOAD, STORE] as const) {
    it(`svade: A=0 → page fault (${['fetch', 'load', 'store'][acc]})`, () => {
      const { bus, mmu } = makeMmu({ ad: 'svade' });
      const pt = new PageTables(bus, SV39);
      const at = pt.map(VA, PA, PTE_V | PTE_R | PTE_W | PTE_X | PTE_D);
      mmu.setSatp(pt.satp());
      setPriv(mmu, PRV_S);
      expect(tr(mmu, VA, acc)).toEqual({ cause: PF[acc], tval: VA });
      expect(pt.readPte(at) & 0xffn).toBe(BigInt(PTE_V | PTE_R | PTE_W | PTE_X | PTE_D));
    });
  }
  it('svade: a store with D=0 → store page fault, loads fine', () => {
    const { bus, mmu } = makeMmu({ ad: 'svade' });
    const pt = new PageTables(bus, SV39);
    pt.map(VA, PA, PTE_V | PTE_R | PTE_W | PTE_A);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, LOAD)).toBe(Number(PA));
    expect(tr(mmu, VA, STORE)).toEqual({ cause: 15, tval: VA });
  });
  it('svadu: faults while menvcfg.ADUE=0, updates while ADUE=1', () => {
    const { bus, mmu } = makeMmu({ ad: 'svadu' });
    const pt = new PageTables(bus, SV39);
    const at = pt.map(VA, PA, PTE_V | PTE_R | PTE_W);
    mmu.setSatp(pt.satp());
    setPriv(mmu, PRV_S);
    expect(tr(mmu, VA, STORE)).toEqual({ cause: 15, tval: VA });
    setPriv(mmu, PRV_S, { adue: true });
    expect(tr(mmu, VA, STORE)).toBe(Number(PA));
    expect(pt.readPte(at) & 0xffn).toBe(BigInt(PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
  });
});

describe('satp', () => {
  it('a write with an unsupported MODE has no effect at all', () => {
    const { mmu } = makeMmu({ modes: ['bare', 'sv39'] });
    mmu.setSatp((8n << 60n) | (5n << 44n) | 0x80100n);
    const before = mmu.getSatp();
    mmu.setSatp((9n << 60n) | 0x1234n);   // sv48 not supported by this board
    expect(mmu.getSatp()).toBe(before);
    mmu.setSatp((1n << 60n) | 0x1234n);   // reserved encoding
    expect(mmu.getSatp()).toBe(before);
    mmu.setSatp(0n);
    expect(mmu.getSatp()).toBe(0n);
  });
  it('Bare: S-mode addresses are physical', () => {
    const { mmu } = makeMmu();
    setPriv(mmu, PRV_S);
    expect(tr(mmu, PA + 3n, STORE)).toBe(Number(PA) + 3);
    expect(mmu.stats.walks).toBe(0);
  });
  it('global pointer makes every leaf under it global', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.pteAddr(VA, 0, PTE_V | PTE_G);
    pt.map(VA, PA, LEAF_RW);
    mmu.setSatp(pt.satp(1));
    setPriv(mmu, PRV_S);
    tr(mmu, VA, LOAD);
    expect(mmu.tlb.entries()[0]!.global).toBe(true);
  });
});
