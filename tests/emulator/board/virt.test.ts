import { describe, expect, it } from 'vitest';
import { exitWith, runAsm } from '../../helpers/run-asm.js';

describe('virt machine', () => {
  it('runs a snippet that prints on the UART and exits through the syscon', () => {
    const r = runAsm(`
      li a0, 0x10000000
      la a1, msg
1:    lbu a2, 0(a1)
      beqz a2, 2f
      sb a2, 0(a0)
      addi a1, a1, 1
      j 1b
2:    ${exitWith(0)}
      .data
msg:  .asciz "hello\\n"
    `);
    expect(r.uart).toBe('hello\n');
    expect(r.exitCode).toBe(0);
  });
  it('passes a syscon failure code through', () => {
    expect(runAsm(exitWith(7)).exitCode).toBe(7);
  });
  it('boot ROM passes a0 = hartid and a1 = the DTB address', () => {
    const r = runAsm(`mv s0, a0\n mv s1, a1\n ${exitWith(0)}`);
    expect(r.hart.reg(8)).toBe(0n);
    expect(r.hart.reg(9)).toBe(BigInt(r.machine.dtbAddr));
    expect(r.machine.bus.read(r.machine.dtbAddr, 4)).toBe(0xedfe0dd0n);
  });
  it('stops at the instruction limit', () => {
    const r = runAsm('1: j 1b', { maxInsns: 1000 });
    expect(r.stop.kind).toBe('limit');
    expect(r.hart.retired).toBe(1000);
  });
  it('stops cleanly on a trap loop', () => {
    const r = runAsm('csrw mtvec, zero\n ebreak');
    expect(r.stop.kind).toBe('stopped');
    expect(r.stop.reason).toMatch(/trap loop/);
  });
  it('starts in S or U mode through the prologue', () => {
    const r = runAsm(`csrr a0, sstatus\n ${exitWith(0)}`, { priv: 'S' });
    expect(r.exitCode).toBe(0);
    expect(r.hart.priv).toBe(1);
  });
  it('WFI fast-forwards exactly to a timer deadline 2^62 ticks away (time is not a float)', () => {
    const r = runAsm(`
      li t0, 0x2004000
      li t1, 1
      slli t1, t1, 62
      addi t1, t1, 3
      sd t1, 0(t0)
      li t0, 0x80
      csrw mie, t0
      wfi
      csrr a0, mip
      ${exitWith(0)}`, { maxInsns: 1000 });
    expect(r.exitCode).toBe(0);
    expect(r.hart.reg(10) & 0x80n).toBe(0x80n);
    expect(r.machine.clint.mtime()).toBeGreaterThanOrEqual((1n << 62n) + 3n);
  });
});
