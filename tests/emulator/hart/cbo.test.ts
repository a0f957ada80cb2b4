// Zicbom/Zicboz on a board without caches: cbo.zero zeroes the 64-byte block holding the address
// (through the store path), the management operations only check; below M each needs its envcfg
// enable (menvcfg, and in U senvcfg too), else illegal instruction.

import { describe, expect, it } from 'vitest';
import { enc, makeHart, RAM_BASE } from './harness.js';
import { PRV_S, PRV_U } from '../../../emulator/hart/mstatus.js';

const A0 = 10, BLOCK = RAM_BASE + 0x8000;

function run(op: string, priv: number, menvcfg: bigint, senvcfg: bigint, addr = BLOCK + 0x13) {
  const t = makeHart();
  t.load([enc(op, { rs1: A0 })]);
  for (let i = 0; i < 0x100; i++) t.bus.ram.view.setUint8(BLOCK - RAM_BASE - 0x40 + i, 0xaa);
  t.hart.setReg(A0, BigInt(addr));
  t.hart.menvcfg = menvcfg; t.hart.senvcfg = senvcfg;
  // PMP entry 0: all of memory RWX (S and U need a matching entry).
  t.mmu.writePmpaddr(0, (1n << 54n) - 1n); t.mmu.writePmpcfg(0, 0x1fn);
  t.hart.priv = priv; t.hart.privChanged();
  t.run(1);
  return t;
}

describe('cache-block operations', () => {
  it('cbo.zero zeroes exactly the aligned 64-byte block', () => {
    const t = run('cbo.zero', 3, 0n, 0n);
    const byte = (o: number): number => t.bus.ram.view.getUint8(BLOCK - RAM_BASE + o);
    expect(byte(-1)).toBe(0xaa);
    for (let o = 0; o < 64; o++) expect(byte(o)).toBe(0);
    expect(byte(64)).toBe(0xaa);
    expect(t.hart.pc).toBe(RAM_BASE + 4);
  });

  it('below M, each operation needs its enable: CBZE (bit 7), CBCFE (bit 6), CBIE (bits 5:4)', () => {
    expect(run('cbo.zero', PRV_S, 0n, 0n).hart.mcause).toBe(2n);
    expect(run('cbo.zero', PRV_S, 0x80n, 0n).hart.pc).toBe(RAM_BASE + 4);
    expect(run('cbo.clean', PRV_S, 0x80n, 0n).hart.mcause).toBe(2n);
    expect(run('cbo.flush', PRV_S, 0x40n, 0n).hart.pc).toBe(RAM_BASE + 4);
    expect(run('cbo.inval', PRV_S, 0x40n, 0n).hart.mcause).toBe(2n);
    expect(run('cbo.inval', PRV_S, 0x10n, 0n).hart.pc).toBe(RAM_BASE + 4);
    // U: senvcfg as well
    expect(run('cbo.zero', PRV_U, 0x80n, 0n).hart.mcause).toBe(2n);
    expect(run('cbo.zero', PRV_U, 0x80n, 0x80n).hart.pc).toBe(RAM_BASE + 4);
  });

  it('a management operation on a hole is a store access fault', () => {
    const t = run('cbo.clean', 3, 0n, 0n, 0x4000_0000);
    expect(t.hart.mcause).toBe(7n);
  });
});
