// The inspector never disagrees with the machine: over random page tables (valid, reserved, misaligned,
// self-mapped, Svnapot runs with and without Svnapot, pointing at ROM, devices and holes), PMP configurations (page tables read-only or
// unreadable included), A/D policies, privileges with MPRV/MPP/SUM/MXR, sizes and atomics, the
// debugger's translate() predicts exactly what the real access then does: the same PA, or the same
// cause and tval. `info mem` lists exactly the pages such a walk reaches.

import { describe, expect, it } from 'vitest';
import { pageTableMappings } from '../../../emulator/debug/info-mem.js';
import { translate } from '../../../emulator/debug/translate.js';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE, type AccessType } from '../../../emulator/mmu/access.js';
import { SV39, SV48, SV57, type PagingMode } from '../../../emulator/mmu/modes.js';
import type { Mmu } from '../../../emulator/mmu/mmu.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../../../emulator/mmu/pte.js';
import { DEV_BASE, makeMmu, PageTables, RAM_BASE, setPriv, tr } from '../mmu/pt-builder.js';

/** mulberry32: a small seeded generator, so a failure names a case that can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const RAM_SIZE = 8 << 20;
const TABLES = RAM_BASE + 0x10_0000; // PageTables allocates its tables from here up

class Case {
  readonly r: () => number;
  constructor(seed: number) { this.r = rng(seed); }
  int(n: number): number { return Math.floor(this.r() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.r() < p; }
  big(bits: number): bigint {
    let v = 0n;
    for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(this.int(0x10000));
    return v & ((1n << BigInt(bits)) - 1n);
  }
}

/** A canonical VA for the mode (sometimes near the RAM base, where identity maps live). */
function randomVa(c: Case, mode: PagingMode): bigint {
  if (c.chance(0.3)) return BigInt(RAM_BASE) + c.big(23);
  return BigInt.asUintN(64, BigInt.asIntN(mode.vaBits, c.big(mode.vaBits)));
}

/** A leaf's target: RAM (aligned to the level, or not), the boot ROM, a device, a hole, beyond 2^53. */
function randomPa(c: Case, level: number): bigint {
  const span = 1n << BigInt(12 + 9 * level);
  switch (c.int(6)) {
    case 0: return 0x1000n;
    case 1: return BigInt(DEV_BASE);
    case 2: return (c.big(40) << 12n) | (1n << 52n);
    case 3: return BigInt(RAM_BASE) + (c.big(22) & ~0xfffn); // may be a misaligned superpage
    default: return (BigInt(RAM_BASE) + c.big(23)) / span * span;
  }
}

function randomFlags(c: Case): number {
  if (c.chance(0.4)) return PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | (c.chance(0.3) ? PTE_U : 0);
  let f = PTE_V;
  for (const b of [PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D]) if (c.chance(0.5)) f |= b;
  if (!(f & (PTE_R | PTE_X)) && c.chance(0.8)) f |= PTE_R; // mostly leaves; sometimes R=0,W=1 or a pointer-looking leaf
  if (c.chance(0.05)) f &= ~PTE_V;
  return f;
}

/** Bits 63..54: reserved bits, PBMT or N, now and then. */
function randomHighBits(c: Case): bigint {
  if (!c.chance(0.08)) return 0n;
  return c.pick([1n << 54n, 1n << 60n, 1n << 61n, 2n << 61n, 1n << 63n]);
}

/** Runs a page-table write; false when it would land outside RAM (the builder refuses with a RangeError). */
function inRam(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/** A random page table, with corruptions the walk must judge as the machine does. */
function buildTables(c: Case, mmu: Mmu, pt: PageTables): bigint[] {
  const vas: bigint[] = [];
  const maxLevel = Math.min(pt.mode.levels - 1, 3);
  for (let k = 0; k < 10; k++) {
    const va = randomVa(c, pt.mode);
    const level = c.chance(0.6) ? 0 : 1 + c.int(maxLevel);
    const pa = randomPa(c, level), flags = randomFlags(c), high = randomHighBits(c);
    // The builder follows PTEs already written; one that leads out of RAM cannot be written through.
    if (inRam(() => pt.map(va, pa, flags, level, high))) vas.push(va);
  }
  // Pointer PTEs gone wrong: A/D/U in a non-leaf, a pointer at level 0, into ROM, a device or a hole.
  for (let k = 0; k < 3; k++) {
    const va = randomVa(c, pt.mode);
    const level = c.int(pt.mode.levels);
    const target = c.pick([0x1000n, BigInt(DEV_BASE), BigInt(TABLES), 1n << 50n, BigInt(RAM_BASE) + (c.big(22) & ~0xfffn)]);
    const flags = PTE_V | (c.chance(0.5) ? c.pick([PTE_A, PTE_D, PTE_U]) : 0), high = randomHighBits(c);
    if (inRam(() => pt.writePte(pt.pteAddr(va, level), ((target >> 12n) << 10n) | BigInt(flags) | high))) vas.push(va);
  }
  // Svnapot runs: 16 level-0 PTEs with N=1 and PPN[0][3:0] = 1000 (or, now and then, a wrong encoding).
  if (c.chance(0.5)) {
    const va = randomVa(c, pt.mode) & ~0xffffn, pa = (BigInt(RAM_BASE) + c.big(22)) & ~0xffffn;
    const low = c.chance(0.8) ? 0x8000n : c.pick([0x0n, 0x4000n, 0xc000n]), flags = randomFlags(c);
    let ok = true;
    for (let j = 0n; j < 16n && ok; j++) ok = inRam(() => pt.map(va + j * 0x1000n, pa | low, flags, 0, 1n << 63n));
    if (ok) vas.push(va, va + 0x9000n);
  }
  // A self-map now and then: a root entry pointing at the root (the walk then reads it a level lower).
  if (c.chance(0.2)) {
    const idx = c.int(512);
    pt.writePte(pt.root + idx * 8, (BigInt(pt.root / 4096) << 10n) | BigInt(PTE_V));
    vas.push(BigInt.asUintN(64, BigInt.asIntN(pt.mode.vaBits, BigInt(idx) << BigInt(12 + 9 * (pt.mode.levels - 1)))) | c.big(21));
  }
  mmu.setSatp(pt.satp(c.int(4)));
  return vas;
}

/** PMP: a few random entries (the page tables read-only or closed, RAM windows, locks), then maybe an allow-all. */
function randomPmp(c: Case, mmu: Mmu): void {
  const napot = (base: number, size: number): bigint => BigInt(base + size / 2 - 1) >> 2n;
  const ranges: [number, number][] = [[TABLES, 0x1_0000], [TABLES, 0x1000], [RAM_BASE, 0x10_0000], [RAM_BASE, RAM_SIZE], [0, 0x2000]];
  const n = c.int(4);
  let cfg = 0n;
  for (let e = 0; e < n; e++) {
    const [base, size] = c.pick(ranges);
    mmu.writePmpaddr(e, napot(base, size));
    // RWX and read-only (A/D updates refused) most often, any other now and then.
    const perm = c.pick([7, 7, 1, 1, 3, 5, c.int(8)]), lock = c.chance(0.1) ? 0x80 : 0;
    cfg |= BigInt(0x18 | perm | lock) << BigInt(8 * e);
  }
  if (c.chance(0.85)) {
    mmu.writePmpaddr(15, (1n << 54n) - 1n);
    mmu.writePmpcfg(2, BigInt(0x18 | (c.chance(0.8) ? 7 : c.int(8))) << 56n);
  }
  mmu.writePmpcfg(0, cfg);
}

const MODES = [SV39, SV48, SV57];
const ACCESSES: readonly AccessType[] = [FETCH, LOAD, STORE];

describe('translate() agrees with the machine', () => {
  it('on random page tables, PMP, A/D policies, privileges, MPRV/SUM/MXR and accesses (16,000 accesses)', () => {
    let compared = 0, faults = 0, stepCounts = new Map<number, number>();
    for (let seed = 1; seed <= 400; seed++) {
      const c = new Case(seed);
      const mode = c.pick(MODES);
      const { bus, mmu } = makeMmu({ ad: c.pick(['hardware', 'hardware', 'svade', 'svadu'] as const), pmpEntries: 16, svnapot: c.chance(0.5) }, RAM_SIZE, true);
      const pt = new PageTables(bus, mode);
      const vas = buildTables(c, mmu, pt);
      randomPmp(c, mmu);
      for (let q = 0; q < 40; q++) {
        const priv = c.pick([PRV_U, PRV_S, PRV_S, PRV_M]);
        setPriv(mmu, priv, { sum: c.chance(0.5), mxr: c.chance(0.5), mprv: c.chance(0.3), mpp: c.pick([PRV_U, PRV_S, PRV_M]), adue: c.chance(0.5) });
        const access = c.pick(ACCESSES);
        const size = access === FETCH ? c.pick([2, 4]) : c.pick([1, 2, 4, 8]);
        const atomic = access !== FETCH && c.chance(0.2);
        const base = c.chance(0.85) ? c.pick(vas) : randomVa(c, mode);
        // Now and then a non-canonical VA: one bit above VALEN-1 flipped.
        const skew = c.chance(0.05) ? 1n << BigInt(mode.vaBits + c.int(64 - mode.vaBits)) : 0n;
        const va = BigInt.asUintN(64, (base + BigInt(c.int(4096) & -size)) ^ skew);
        // The privilege the hart uses for this access (MPRV applies to loads and stores only).
        const effective = access === FETCH ? mmu.priv : mmu.dataPriv;
        const predicted = translate(mmu, va, access, effective, { size, atomic });
        const actual = tr(mmu, va, access, size, atomic);
        const where = `seed ${seed} query ${q}: ${['fetch', 'load', 'store'][access]} ${size}${atomic ? ' atomic' : ''} at 0x${va.toString(16)}, priv ${priv}`;
        if (predicted.fault) {
          faults++;
          stepCounts.set(predicted.fault.step, (stepCounts.get(predicted.fault.step) ?? 0) + 1);
          expect(actual, `${where}: translate() said ${predicted.fault.rule}`).toEqual({ cause: predicted.fault.cause, tval: va });
        } else {
          expect(actual, where).toBe(Number(predicted.result!.pa));
        }
        compared++;
      }
    }
    expect(compared).toBe(16_000);
    // The generator reaches every kind of outcome: success, and a fault at each step of the walk.
    expect(faults).toBeGreaterThan(3000);
    expect(compared - faults).toBeGreaterThan(1000);
    for (const step of [1, 3, 4, 5, 6, 7, 8, 10]) expect(stepCounts.get(step) ?? 0, `faults at step ${step}`).toBeGreaterThan(10);
  });

  it('A/D update refused by PMP: translate() reports the store-access fault the machine raises (the known divergence)', () => {
    const { bus, mmu } = makeMmu({ ad: 'hardware', pmpEntries: 16 }, RAM_SIZE, true);
    const pt = new PageTables(bus, SV39);
    const va = 0x4000_0000n;
    pt.map(va, BigInt(RAM_BASE) + 0x20_0000n, PTE_V | PTE_R | PTE_W | PTE_A);
    mmu.setSatp(pt.satp());
    // Entry 0: the page tables read-only to S; entry 15: everything else RWX.
    mmu.writePmpaddr(0, BigInt(TABLES + 0x8000 - 1) >> 2n);
    mmu.writePmpaddr(15, (1n << 54n) - 1n);
    mmu.writePmpcfg(0, 0x18n | 1n);
    mmu.writePmpcfg(2, 0x1fn << 56n);
    setPriv(mmu, PRV_S);
    const r = translate(mmu, va, STORE);
    expect(r.fault).toMatchObject({ cause: 7, step: 8 });
    expect(r.fault!.rule).toMatch(/A\/D update of the PTE at 0x[0-9a-f]+ \(level 0\) refused/);
    expect(tr(mmu, va, STORE)).toEqual({ cause: 7, tval: va });
    expect(translate(mmu, va, LOAD).fault).toBeUndefined(); // A is set: a load needs no update
  });

  it('info mem lists exactly the pages a walk reaches', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const c = new Case(seed * 7919);
      const mode = c.pick(MODES);
      const { bus, mmu } = makeMmu({ ad: 'hardware', pmpEntries: 16, svnapot: c.chance(0.5) }, RAM_SIZE, true);
      const pt = new PageTables(bus, mode);
      const vas = buildTables(c, mmu, pt);
      randomPmp(c, mmu);
      const { mappings, truncated } = pageTableMappings({ bus, mmu });
      expect(truncated).toBe(false);
      // A load as S with SUM and MXR is permitted by every leaf, so such a walk reaches a leaf exactly
      // where the table maps the VA; past the leaf only the A/D update (step 8: the policy, PMP on
      // the PTE) or the physical access (step 10, with the PA reported) can still refuse it.
      const walkOf = (va: bigint): ReturnType<typeof translate> => translate(mmu, va, LOAD, PRV_S, { sum: true, mxr: true });
      const reachesLeaf = (r: ReturnType<typeof translate>): boolean => r.result !== undefined || r.fault?.step === 8;
      for (const m of mappings) {
        for (const va of [m.va, m.va + m.size - 1n]) {
          const r = walkOf(va);
          const where = `seed ${seed}: info mem has 0x${m.va.toString(16)}+0x${m.size.toString(16)}; the walk: ${r.fault?.rule ?? 'a page'}`;
          expect(reachesLeaf(r), where).toBe(true);
          if (r.result) {
            expect(r.result.pa, where).toBe(m.pa + (va - m.va));
            expect(r.result.pageSize, where).toBe(m.napot ? 0x1_0000 : m.pageSize);
          }
        }
      }
      const listed = (va: bigint): boolean => mappings.some((m) => va >= m.va && va < m.va + m.size);
      for (const base of [...vas, ...Array.from({ length: 20 }, () => randomVa(c, mode))]) {
        const va = BigInt.asUintN(64, base + BigInt(c.int(4096)));
        const r = walkOf(va);
        expect(listed(va), `seed ${seed}: 0x${va.toString(16)}: the walk: ${r.fault?.rule ?? 'a page'}`).toBe(reachesLeaf(r));
      }
    }
  });
});
