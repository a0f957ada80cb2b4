// PMA: the board's region table decides what each physical address supports.

import { describe, expect, it } from 'vitest';
import { FETCH, LOAD, PRV_S, STORE } from '../../../emulator/mmu/access.js';
import { DEV_BASE, makeMmu, RAM_BASE, setPriv, tr } from './pt-builder.js';

const D = BigInt(DEV_BASE), R = BigInt(RAM_BASE);

describe('PMA', () => {
  it('RAM: read, write, execute, AMO, LR/SC and misaligned accesses', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, R + 3n, LOAD, 8)).toBe(RAM_BASE + 3);
    expect(tr(mmu, R + 3n, STORE, 4)).toBe(RAM_BASE + 3);
    expect(tr(mmu, R + 2n, FETCH, 4)).toBe(RAM_BASE + 2);
    expect(tr(mmu, R + 8n, STORE, 8, true)).toBe(RAM_BASE + 8);
    expect(tr(mmu, R + 8n, LOAD, 8, true)).toBe(RAM_BASE + 8);
  });
  it('an access to a hole is an access fault of its type', () => {
    const { mmu } = makeMmu();
    for (const acc of [FETCH, LOAD, STORE] as const) expect(tr(mmu, 0x2000_0000n, acc)).toEqual({ cause: [1, 5, 7][acc], tval: 0x2000_0000n });
    const end = R + 0x80_0000n; // just past RAM
    expect(tr(mmu, end - 4n, LOAD, 8)).toEqual({ cause: 5, tval: end - 4n });
    expect(tr(mmu, 1n << 60n, LOAD)).toEqual({ cause: 5, tval: 1n << 60n });
  });
  it('boot ROM: read and execute; store and AMO → store access fault', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, 0x1000n, FETCH, 4)).toBe(0x1000);
    expect(tr(mmu, 0x1008n, LOAD, 8)).toBe(0x1008);
    expect(tr(mmu, 0x1008n, STORE, 8)).toEqual({ cause: 7, tval: 0x1008n });
    expect(tr(mmu, 0x1008n, STORE, 8, true)).toEqual({ cause: 7, tval: 0x1008n });
  });
  it('device: read/write in its sizes', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, D + 4n, LOAD, 4)).toBe(DEV_BASE + 4);
    expect(tr(mmu, D + 5n, STORE, 1)).toBe(DEV_BASE + 5);
  });
  it('device: fetch → instruction access fault', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, D, FETCH, 2)).toEqual({ cause: 1, tval: D });
  });
  it('device: AMO/SC → store access fault, LR → load access fault', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, D, STORE, 4, true)).toEqual({ cause: 7, tval: D });
    expect(tr(mmu, D, LOAD, 4, true)).toEqual({ cause: 5, tval: D });
  });
  it('device: an access size it does not accept → access fault', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, D, LOAD, 2)).toEqual({ cause: 5, tval: D });
    expect(tr(mmu, D, STORE, 8)).toEqual({ cause: 7, tval: D });
  });
  it('device: a misaligned access → access fault', () => {
    const { mmu } = makeMmu();
    expect(tr(mmu, D + 2n, LOAD, 4)).toEqual({ cause: 5, tval: D + 2n });
  });
  it('device pages are never cached: every access is checked', () => {
    const { mmu } = makeMmu();
    setPriv(mmu, PRV_S);
    expect(tr(mmu, D, LOAD, 4)).toBe(DEV_BASE);
    expect(tr(mmu, D, LOAD, 2)).toEqual({ cause: 5, tval: D });
  });
});
