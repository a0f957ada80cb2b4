// CSR rules, trap and interrupt paths, through assembled snippets on the virt board.
import { describe, expect, it } from 'vitest';
import { exitWith, runAsm } from '../../helpers/run-asm.js';

const reg = (r: ReturnType<typeof runAsm>, n: number) => BigInt.asUintN(64, r.hart.reg(n));
/** A handler that records mcause/mtval in s10/s11 and powers off. */
const MTRAP = `
  la t0, 9f
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
`;
const MHANDLER = `
  .align 2
9: csrr s10, mcause
  csrr s11, mtval
${exitWith(0)}`;

describe('CSR rules', () => {
  it('csrrs/csrrc on mip do not latch the PLIC\'s SEIP into the software bit (privileged spec 3.1.9)', () => {
    // The UART's received byte raises source 10 on context 1 (hart 0's S-mode): mip.SEIP reads 1.
    // csrsi mip, SSIP then must not copy that 1 into the software SEIP: once the UART is drained,
    // mip.SEIP reads 0 again and SSIP stays.
    const r = runAsm(`
      li t0, 0x0c000000 + 4 * 10
      li t1, 1
      sw t1, 0(t0)              # priority of source 10
      li t0, 0x0c002080
      li t1, 1 << 10
      sw t1, 0(t0)              # context 1 enables it
      li t0, 0x10000001
      li t1, 1
      sb t1, 0(t0)              # UART IER: received data available
      csrr a0, mip              # SEIP from the PLIC
      csrsi mip, 2              # SSIP: read-modify-write of mip
      li t0, 0x10000000
      lbu a1, 0(t0)             # drain the byte: the line drops
      csrr a2, mip
      csrci mip, 2
      csrr a3, mip
      ${exitWith(0)}`, { input: 'x' });
    expect(r.exitCode).toBe(0);
    expect(reg(r, 10) & 0x200n).toBe(0x200n);
    expect(reg(r, 11)).toBe(BigInt('x'.charCodeAt(0)));
    expect(reg(r, 12) & 0x202n).toBe(0x2n);
    expect(reg(r, 13) & 0x202n).toBe(0n);
  });

  it('mideleg writes only SSI/STI/SEI (0x222); medeleg cannot delegate ecall-from-M', () => {
    const r = runAsm(`li t0, -1\n csrw mideleg, t0\n csrr a0, mideleg\n csrw medeleg, t0\n csrr a1, medeleg\n ${exitWith(0)}`);
    expect(reg(r, 10)).toBe(0x222n);
    expect(reg(r, 11)).toBe(0xb3ffn);
    expect(reg(r, 11) & (1n << 11n)).toBe(0n);
  });
  it('misa is truthful: RV64 with A, C, D, F, I, M, S, U', () => {
    const r = runAsm(`csrr a0, misa\n ${exitWith(0)}`);
    expect(reg(r, 10)).toBe((2n << 62n) | 0x14112dn);
  });
  it('mstatus: UXL/SXL = 64, FS writable (Dirty sets SD), MPP WARL keeps the old value for 2', () => {
    const r = runAsm(`li t0, 0x800\n csrw mstatus, t0\n li t0, 0x1000\n csrw mstatus, t0\n csrr a0, mstatus\n li t0, 0x6000\n csrs mstatus, t0\n csrr a1, mstatus\n ${exitWith(0)}`);
    expect((reg(r, 10) >> 11n) & 3n).toBe(1n);
    expect((reg(r, 10) >> 32n) & 0xfn).toBe(0xan);
    expect((reg(r, 11) >> 13n) & 3n).toBe(3n);
    expect(reg(r, 11) >> 63n).toBe(1n);
  });
  it('sstatus is a view of mstatus; sie/sip are views under mideleg', () => {
    const r = runAsm(`csrsi mstatus, 0xa\n csrr a0, sstatus\n li t0, 0x222\n csrw mie, t0\n csrr a1, sie\n csrw mideleg, t0\n csrr a2, sie\n ${exitWith(0)}`);
    expect(reg(r, 10) & 0xan).toBe(0x2n); // SIE visible, MIE not
    expect(reg(r, 11)).toBe(0n);
    expect(reg(r, 12)).toBe(0x222n);
  });
  it('mepc clears bit 0 and keeps bit 1 (C)', () => {
    const r = runAsm(`li t0, 0x80000007\n csrw mepc, t0\n csrr a0, mepc\n ${exitWith(0)}`);
    expect(reg(r, 10)).toBe(0x80000006n);
  });
  it('an unimplemented CSR, a write to a read-only CSR and M-CSR access from S are illegal with tval = the bits', () => {
    const r1 = runAsm(`${MTRAP} csrr a0, 0x7c0\n ${MHANDLER}`);
    expect(reg(r1, 26)).toBe(2n);
    expect(reg(r1, 27)).toBe(0x7c002573n);
    const r2 = runAsm(`${MTRAP} csrw mhartid, zero\n ${MHANDLER}`);
    expect(reg(r2, 26)).toBe(2n);
    const r3 = runAsm(`${MTRAP} li t0, 0x800\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n1: csrr a0, mscratch\n ${MHANDLER}`);
    expect(reg(r3, 26)).toBe(2n);
    expect(reg(r3, 27)).toBe(0x34002573n);
  });
  it('odd pmpcfg is illegal on RV64; pmpaddr beyond the implemented count reads 0', () => {
    const r = runAsm(`${MTRAP} li t0, -1\n csrw pmpaddr20, t0\n csrr a0, pmpaddr20\n csrr a1, pmpcfg1\n ${MHANDLER}`);
    expect(reg(r, 10)).toBe(0n);
    expect(reg(r, 26)).toBe(2n);
  });
  it('counters from S/U are gated by mcounteren and scounteren', () => {
    const r = runAsm(`${MTRAP} csrw mcounteren, zero\n li t0, 0x800\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n1: rdcycle a0\n ${MHANDLER}`);
    expect(reg(r, 26)).toBe(2n);
    const ok = runAsm(`${MTRAP} csrwi mcounteren, 7\n li t0, 0x800\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n1: rdtime a0\n rdinstret a1\n ${exitWith(0)}\n ${MHANDLER}`);
    expect(ok.exitCode).toBe(0);
    expect(reg(ok, 11)).toBeGreaterThan(0n);
  });
  it('satp: a write with an unsupported mode leaves satp unchanged', () => {
    const r = runAsm(`li t0, 9 << 60\n csrw satp, t0\n csrr a0, satp\n ${exitWith(0)}`, { satpModes: ['bare', 'sv39'] });
    expect(reg(r, 10)).toBe(0n);
  });
  it('TVM traps satp and sfence.vma in S; TSR traps sret; TW traps wfi', () => {
    for (const [bit, insn, bits] of [[20, 'csrr a0, satp', 0x18002573n], [20, 'sfence.vma', 0x12000073n], [22, 'sret', 0x10200073n], [21, 'wfi', 0x10500073n]] as const) {
      const r = runAsm(`${MTRAP} li t0, ${1 << bit}\n csrs mstatus, t0\n li t0, 0x800\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n1: ${insn}\n ${MHANDLER}`);
      expect(reg(r, 26), insn).toBe(2n);
      expect(reg(r, 27), insn).toBe(bits);
    }
  });
  it('mcountinhibit.IR freezes minstret; a write to minstret is seen by the next instruction', () => {
    const r = runAsm(`csrwi mcountinhibit, 4\n csrr a0, minstret\n nop\n nop\n csrr a1, minstret\n csrwi mcountinhibit, 0\n csrwi minstret, 0\n csrr a2, minstret\n ${exitWith(0)}`);
    expect(reg(r, 11)).toBe(reg(r, 10));
    expect(reg(r, 12)).toBe(0n);
  });
});

describe('traps and interrupts', () => {
  it('delegated ecall from U goes to S with scause, sepc, SPP = U', () => {
    const r = runAsm(`
      li t0, 1 << 8
      csrw medeleg, t0
      la t0, 2f
      csrw stvec, t0
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      la t0, 1f
      csrw mepc, t0
      mret                      # MPP = U after reset
1:    ecall
      .align 2
2:    csrr a0, scause
      csrr a1, sstatus
      ${exitWith(0)}`);
    expect(reg(r, 10)).toBe(8n);
    expect(reg(r, 11) & 0x100n).toBe(0n);
    expect(r.hart.priv).toBe(1);
  });
  it('vectored mtvec: an interrupt goes to base + 4·cause; exceptions to base', () => {
    const r = runAsm(`
      la t0, vec
      ori t0, t0, 1
      csrw mtvec, t0
      csrwi mie, 8
      li t0, 0x2000000
      li t1, 1
      sw t1, 0(t0)               # msip
      csrsi mstatus, 8
1:    j 1b
      .align 6
      .option norvc
vec:  j 1b
      j 1b
      j 1b
      j soft
      .option rvc
soft: csrr a0, mcause
      ${exitWith(0)}`);
    expect(reg(r, 10)).toBe((1n << 63n) | 3n);
  });
  it('priority: MEI > MSI > MTI > SEI > SSI > STI; M-level before S-level', () => {
    const r = runAsm(`
      la t0, 1f
      csrw mtvec, t0
      li t0, 0x222
      csrw mip, t0               # SSIP STIP SEIP pending
      li t0, 0xaaa
      csrw mie, t0
      li t0, 0x2000000
      li t1, 1
      sw t1, 0(t0)               # MSIP; MTIP is pending from reset (mtimecmp = 0)
      csrsi mstatus, 8
2:    j 2b
      .align 2
1:    csrr a0, mcause
      ${exitWith(0)}`);
    expect(reg(r, 10)).toBe((1n << 63n) | 3n);
  });
  it('M-level interrupts are not taken in M with MIE = 0; WFI still wakes', () => {
    const r = runAsm(`
      li t0, 0x200bff8
      ld t1, 0(t0)
      addi t1, t1, 100
      li t0, 0x2004000
      sd t1, 0(t0)
      csrwi mie, 0
      li t0, 0x80
      csrw mie, t0
      wfi
      csrr a0, mip
      ${exitWith(0)}`);
    expect(r.exitCode).toBe(0);
    expect(reg(r, 10) & 0x80n).toBe(0x80n);
  });
  it('Sstc: stimecmp raises STIP when menvcfg.STCE = 1', () => {
    const r = runAsm(`
      li t0, 1
      slli t0, t0, 63
      csrs menvcfg, t0
      csrr t1, time
      addi t1, t1, 50
      csrw stimecmp, t1
1:    csrr a0, mip
      andi a0, a0, 0x20
      beqz a0, 1b
      ${exitWith(0)}`);
    expect(r.exitCode).toBe(0);
  });
  it('mret to S clears MPRV; xRET clears the LR reservation', () => {
    const r = runAsm(`
      li t0, 0x20800
      csrs mstatus, t0           # MPRV, MPP = S
      la t0, 1f
      csrw mepc, t0
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li s0, 0x80100000
      lr.d t1, (s0)
      mret
1:    sc.d a1, t1, (s0)
      ecall`, { maxInsns: 100 });
    expect(r.hart.mstatus & (1 << 17)).toBe(0);
    expect(reg(r, 11)).toBe(1n);
  });
});

describe('CSR rules: the rest of the issue-3 list', () => {
  it('mvendorid/marchid/mimpid/mconfigptr read 0, mhartid the hart id; all are read-only', () => {
    const r = runAsm(`csrr a0, mvendorid\n csrr a1, marchid\n csrr a2, mimpid\n csrr a3, mconfigptr\n csrr a4, mhartid\n ${exitWith(0)}`);
    for (const n of [10, 11, 12, 13, 14]) expect(reg(r, n)).toBe(0n);
    for (const csr of ['mvendorid', 'marchid', 'mimpid', 'mconfigptr']) {
      const w = runAsm(`${MTRAP} csrw ${csr}, zero\n ${MHANDLER}`);
      expect(reg(w, 26), csr).toBe(2n);
    }
  });
  it('mhpmcounter3–31 and mhpmevent3–31 are present and read 0; hpmcounterN is gated like cycle', () => {
    const r = runAsm(`li t0, -1\n csrw mhpmcounter3, t0\n csrw mhpmcounter31, t0\n csrw mhpmevent3, t0\n csrw mhpmevent31, t0
      csrr a0, mhpmcounter3\n csrr a1, mhpmcounter31\n csrr a2, mhpmevent3\n csrr a3, mhpmevent31\n csrr a4, hpmcounter17\n ${exitWith(0)}`);
    for (const n of [10, 11, 12, 13, 14]) expect(reg(r, n)).toBe(0n);
    const s = runAsm(`${MTRAP} csrwi mcounteren, 7\n li t0, 0x800\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n1: csrr a0, hpmcounter3\n ${MHANDLER}`);
    expect(reg(s, 26)).toBe(2n);
    expect(reg(s, 27)).toBe(0xc0302573n);
  });
  it('menvcfg keeps STCE, ADUE, CBZE/CBCFE/CBIE and FIOM; senvcfg keeps CBZE/CBCFE/CBIE and FIOM', () => {
    const r = runAsm(`li t0, -1\n csrw menvcfg, t0\n csrr a0, menvcfg\n csrw senvcfg, t0\n csrr a1, senvcfg\n ${exitWith(0)}`);
    expect(reg(r, 10)).toBe((1n << 63n) | (1n << 61n) | 0xf1n);
    expect(reg(r, 11)).toBe(0xf1n);
  });
  it('tselect and tdata1–3 are present (no triggers: they read 0 and writes do not trap)', () => {
    const r = runAsm(`li t0, -1\n csrw tselect, t0\n csrw tdata1, t0\n csrw tdata2, t0\n csrw tdata3, t0
      csrr a0, tselect\n csrr a1, tdata1\n csrr a2, tdata2\n csrr a3, tdata3\n ${exitWith(0)}`);
    expect(r.exitCode).toBe(0);
    for (const n of [10, 11, 12, 13]) expect(reg(r, n)).toBe(0n);
  });
  it('mtvec/stvec keep direct and vectored; a reserved MODE leaves them unchanged', () => {
    const r = runAsm(`li t0, 0x80001001\n csrw mtvec, t0\n csrw stvec, t0\n li t0, 0x80002002\n csrw mtvec, t0\n csrw stvec, t0
      csrr a0, mtvec\n csrr a1, stvec\n ${exitWith(0)}`);
    expect(reg(r, 10)).toBe(0x80001001n);
    expect(reg(r, 11)).toBe(0x80001001n);
  });
  it('mip: M writes SSIP, STIP and SEIP only; STIP is read-only under Sstc; sip writes only SSIP, under mideleg', () => {
    const r = runAsm(`li t0, -1\n csrw mip, t0\n csrr a0, mip\n csrw mip, zero
      li t0, 1\n slli t0, t0, 63\n csrw menvcfg, t0\n li t0, -1\n csrw mip, t0\n csrr a1, mip\n csrw mip, zero\n csrw menvcfg, zero
      li t0, 0x222\n csrw mideleg, t0\n li t0, -1\n csrw sip, t0\n csrr a2, mip\n csrr a3, sip\n ${exitWith(0)}`);
    expect(reg(r, 10) & ~0x888n).toBe(0x222n);      // MSIP/MTIP/MEIP come from the CLINT and PLIC only
    expect(reg(r, 11) & 0x20n).toBe(0n);            // STIP not writable with STCE = 1 (stimecmp is far away)
    expect(reg(r, 12) & 0x222n).toBe(0x2n);
    expect(reg(r, 13)).toBe(0x2n);
  });
  it('misa ignores writes; scratch, cause and tval registers hold 64 bits', () => {
    const r = runAsm(`csrw misa, zero\n csrr a0, misa\n li t0, -3\n csrw mscratch, t0\n csrw sscratch, t0\n csrw mcause, t0\n csrw scause, t0
      csrw mtval, t0\n csrw stval, t0\n csrr a1, mscratch\n csrr a2, sscratch\n csrr a3, mcause\n csrr a4, scause\n csrr a5, mtval\n csrr a6, stval\n ${exitWith(0)}`);
    expect(reg(r, 10)).toBe((2n << 62n) | 0x14112dn);
    for (const n of [11, 12, 13, 14, 15, 16]) expect(reg(r, n)).toBe(BigInt.asUintN(64, -3n));
  });
  it('stimecmp from S is illegal while menvcfg.STCE = 0', () => {
    const r = runAsm(`${MTRAP} csrwi mcounteren, 2\n li t0, 0x800\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n1: csrr a0, stimecmp\n ${MHANDLER}`);
    expect(reg(r, 26)).toBe(2n);
  });
});
