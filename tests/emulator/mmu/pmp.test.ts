// PMP (privileged spec 3.7): one test per rule.

import { describe, expect, it } from 'vitest';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE } from '../../../emulator/mmu/access.js';
import { makeMmu, RAM_BASE, setPriv, tr } from './pt-builder.js';

const A = BigInt(RAM_BASE) + 0x10_0000n;
const OFF = 0, TOR = 0x08, NA4 = 0x10, NAPOT = 0x18, L = 0x80, R = 1, W = 2, X = 4;
const napot = (base: bigint, size: bigint): bigint => (base >> 2n) | ((size >> 3n) - 1n);

function closed(entries: 0 | 16 | 64 = 16) {
  const { mmu } = makeMmu({ pmpEntries: entries }, undefined, true);
  return mmu;
}
function cfg(mmu: ReturnType<typeof closed>, i: number, byte: number): void {
  const reg = Math.floor(i / 8) * 2, sh = BigInt((i % 8) * 8);
  mmu.writePmpcfg(reg, (mmu.readPmpcfg(reg) & ~(0xffn << sh)) | (BigInt(byte) << sh));
}
function cfgOf(mmu: ReturnType<typeof closed>, i: number): number {
  const reg = Math.floor(i / 8) * 2;
  return Number((mmu.readPmpcfg(reg) >> BigInt((i % 8) * 8)) & 0xffn);
}

describe('PMP', () => {
  it('M-mode with no match succeeds', () => {
    const mmu = closed();
    expect(tr(mmu, A, STORE, 8)).toBe(Number(A));
  });
  it('S/U with no match fail when any entry is implemented', () => {
    const mmu = closed();
    for (const p of [PRV_S, PRV_U]) {
      setPriv(mmu, p);
      expect(tr(mmu, A, LOAD)).toEqual({ cause: 5, tval: A });
      expect(tr(mmu, A, FETCH)).toEqual({ cause: 1, tval: A });
      expect(tr(mmu, A, STORE)).toEqual({ cause: 7, tval: A });
    }
  });
  it('0 entries: S/U with no match succeed; pmp CSRs read 0 and ignore writes', () => {
    const mmu = closed(0);
    setPriv(mmu, PRV_U);
    expect(tr(mmu, A, STORE)).toBe(Number(A));
    mmu.writePmpaddr(0, 0x1234n);
    expect(mmu.readPmpaddr(0)).toBe(0n);
  });
  it('entries beyond the implemented count read 0 and ignore writes (16 entries)', () => {
    const mmu = closed(16);
    mmu.writePmpaddr(16, 0x1234n);
    mmu.writePmpcfg(4, 0x1fn);
    expect(mmu.readPmpaddr(16)).toBe(0n);
    expect(mmu.readPmpcfg(4)).toBe(0n);
    mmu.writePmpaddr(15, 0x1234n);
    expect(mmu.readPmpaddr(15)).toBe(0x1234n);
  });
  it('64 entries: pmpcfg14 holds entries 56..63 and entry 63 works', () => {
    const mmu = closed(64);
    mmu.writePmpaddr(63, napot(A, 0x1000n));
    cfg(mmu, 63, NAPOT | R);
    expect(mmu.readPmpcfg(14)).toBe(BigInt(NAPOT | R) << 56n);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A + 8n, LOAD)).toBe(Number(A) + 8);
    expect(tr(mmu, A + 8n, STORE)).toEqual({ cause: 7, tval: A + 8n });
  });
  it('OFF: the entry matches nothing', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 0x1000n));
    cfg(mmu, 0, OFF | R | W | X);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A, LOAD)).toEqual({ cause: 5, tval: A });
  });
  it('TOR: [pmpaddr(i-1)<<2, pmpaddr(i)<<2); entry 0 starts at 0', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, A >> 2n);
    cfg(mmu, 0, TOR | R);                      // [0, A)
    mmu.writePmpaddr(1, (A + 0x100n) >> 2n);
    cfg(mmu, 1, TOR | R | W);                  // [A, A+0x100)
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A - 4n, LOAD, 4)).toBe(Number(A) - 4);
    expect(tr(mmu, A - 4n, STORE, 4)).toEqual({ cause: 7, tval: A - 4n });
    expect(tr(mmu, A, STORE, 8)).toBe(Number(A));
    expect(tr(mmu, A + 0xf8n, STORE, 8)).toBe(Number(A) + 0xf8);
    expect(tr(mmu, A + 0x100n, LOAD)).toEqual({ cause: 5, tval: A + 0x100n });
  });
  it('TOR with pmpaddr(i) ≤ pmpaddr(i-1) matches nothing', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, (A + 0x100n) >> 2n);
    mmu.writePmpaddr(1, A >> 2n);
    cfg(mmu, 1, TOR | R);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A, LOAD)).toEqual({ cause: 5, tval: A });
  });
  it('NA4: exactly 4 bytes', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, A >> 2n);
    cfg(mmu, 0, NA4 | R);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A, LOAD, 4)).toBe(Number(A));
    expect(tr(mmu, A + 4n, LOAD, 4)).toEqual({ cause: 5, tval: A + 4n });
  });
  it('NAPOT: 8 bytes up to the whole address space', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 8n));
    cfg(mmu, 0, NAPOT | R);
    mmu.writePmpaddr(1, napot(A + 0x1000n, 0x1000n));
    cfg(mmu, 1, NAPOT | W | R);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A, LOAD, 8)).toBe(Number(A));
    expect(tr(mmu, A + 8n, LOAD)).toEqual({ cause: 5, tval: A + 8n });
    expect(tr(mmu, A + 0x1ff8n, STORE, 8)).toBe(Number(A) + 0x1ff8);
    expect(tr(mmu, A + 0x2000n, STORE)).toEqual({ cause: 7, tval: A + 0x2000n });
    mmu.writePmpaddr(2, (1n << 54n) - 1n);
    cfg(mmu, 2, NAPOT | X);
    expect(tr(mmu, 0x1000n, FETCH)).toBe(0x1000);
  });
  it('R, W, X each gate their access type', () => {
    for (const [perm, ok] of [[R, LOAD], [W | R, STORE], [X, FETCH]] as const) {
      const mmu = closed();
      mmu.writePmpaddr(0, napot(A, 0x1000n));
      cfg(mmu, 0, NAPOT | perm);
      setPriv(mmu, PRV_U);
      for (const acc of [FETCH, LOAD, STORE] as const) {
        const allowed = acc === ok || (perm === (W | R) && acc === LOAD);
        expect(tr(mmu, A, acc)).toEqual(allowed ? Number(A) : { cause: [1, 5, 7][acc], tval: A });
      }
    }
  });
  it('the lowest-numbered matching entry decides', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 0x100n));
    cfg(mmu, 0, NAPOT);                          // no permissions, small
    mmu.writePmpaddr(1, napot(A, 0x1000n));
    cfg(mmu, 1, NAPOT | R | W);                  // everything, larger
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A, LOAD)).toEqual({ cause: 5, tval: A });
    expect(tr(mmu, A + 0x100n, LOAD)).toBe(Number(A) + 0x100);
  });
  it('an access only partly inside the matching entry fails, even in M-mode', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 0x100n));
    cfg(mmu, 0, NAPOT | R | W);
    mmu.writePmpaddr(1, napot(A, 0x1000n));
    cfg(mmu, 1, NAPOT | R | W);
    setPriv(mmu, PRV_S);
    expect(tr(mmu, A + 0xfcn, LOAD, 8)).toEqual({ cause: 5, tval: A + 0xfcn });
    setPriv(mmu, PRV_M);
    expect(tr(mmu, A + 0xfcn, LOAD, 8)).toEqual({ cause: 5, tval: A + 0xfcn });
  });
  it('unlocked entries do not apply to M-mode', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 0x1000n));
    cfg(mmu, 0, NAPOT);
    expect(tr(mmu, A, STORE)).toBe(Number(A));
  });
  it('L applies the entry to M-mode', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 0x1000n));
    cfg(mmu, 0, NAPOT | L | R);
    expect(tr(mmu, A, LOAD)).toBe(Number(A));
    expect(tr(mmu, A, STORE)).toEqual({ cause: 7, tval: A });
    expect(tr(mmu, A, FETCH)).toEqual({ cause: 1, tval: A });
  });
  it('L ignores writes to the entry\'s pmpcfg and pmpaddr', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, napot(A, 0x1000n));
    cfg(mmu, 0, NAPOT | L | R);
    mmu.writePmpaddr(0, 0x55n);
    cfg(mmu, 0, NAPOT | R | W | X);
    expect(mmu.readPmpaddr(0)).toBe(napot(A, 0x1000n));
    expect(cfgOf(mmu, 0)).toBe(NAPOT | L | R);
    cfg(mmu, 1, NA4 | R);                        // other bytes of pmpcfg0 still writable
    expect(cfgOf(mmu, 1)).toBe(NA4 | R);
  });
  it('a locked TOR entry also locks the previous pmpaddr', () => {
    const mmu = closed();
    mmu.writePmpaddr(2, A >> 2n);
    mmu.writePmpaddr(3, (A + 0x100n) >> 2n);
    cfg(mmu, 3, TOR | L | R);
    mmu.writePmpaddr(2, 0n);
    expect(mmu.readPmpaddr(2)).toBe(A >> 2n);
    // A locked NAPOT entry does not lock the one below it.
    cfg(mmu, 5, NAPOT | L);
    mmu.writePmpaddr(4, 0x77n);
    expect(mmu.readPmpaddr(4)).toBe(0x77n);
  });
  it('R=0, W=1 written to a pmpcfg field is stored as R=0, W=0', () => {
    const mmu = closed();
    cfg(mmu, 0, NAPOT | W | X);
    expect(cfgOf(mmu, 0)).toBe(NAPOT | X);
    cfg(mmu, 1, NAPOT | W | R);
    expect(cfgOf(mmu, 1)).toBe(NAPOT | W | R);
  });
  it('pmpcfg bits 6:5 are reserved (read 0); pmpaddr bits 63:54 read 0; odd pmpcfg read 0', () => {
    const mmu = closed();
    mmu.writePmpcfg(0, 0x60n | BigInt(NA4 | R));
    expect(mmu.readPmpcfg(0)).toBe(BigInt(NA4 | R));
    mmu.writePmpaddr(0, BigInt.asUintN(64, -1n));
    expect(mmu.readPmpaddr(0)).toBe((1n << 54n) - 1n);
    expect(mmu.readPmpcfg(1)).toBe(0n);
  });
  it('grain is 4 bytes: NA4 is available and pmpaddr bit 0 is writable', () => {
    const mmu = closed();
    mmu.writePmpaddr(0, 1n);
    expect(mmu.readPmpaddr(0)).toBe(1n);
  });
});
