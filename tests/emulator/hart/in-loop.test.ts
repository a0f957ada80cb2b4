// The kernel's own paths inside the interpreter loop (issue "Speed on the kernel's own paths"): CSR
// writes, traps and xRET no longer leave the loop, so these check that nothing they change is
// seen late — a translation change takes effect at the very next instruction of a straight-line
// block, an interrupt enabled by csrs is taken before the next instruction, a fault's epc, tval,
// instret and mtime are exact — and that an interrupt-heavy run traps at the same instructions as
// the loop before the change did.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RAM_BASE, Virt } from '../../../emulator/board/virt.js';
import { SV39 } from '../../../emulator/mmu/modes.js';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../../../emulator/mmu/pte.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { readElf } from '../../../linker/elf/read.js';
import { buildElf } from '../../helpers/build-asm.js';
import { PageTables } from '../mmu/pt-builder.js';

/** The machine booted on `source`, and its symbols' addresses. */
function boot(source: string): { m: Virt; sym: (name: string) => number } {
  // No compressed instructions: the handlers step over a fault with mepc + 4.
  const elf = readElf(buildElf(`  .option norvc\n${source}`, 'in-loop.s'), 'in-loop.elf');
  const m = new Virt({ mem: 16 << 20 });
  m.boot(bootImage(elf));
  const sym = (name: string): number => {
    const s = elf.symbols.find((x) => x.name === name);
    if (!s) throw new Error(`no symbol ${name}`);
    return Number(s.value);
  };
  return { m, sym };
}
const machine = (source: string): Virt => boot(source).m;

const EXIT = `
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b`;

/** A handler that records mcause in s11 and steps over the faulting instruction. */
const SKIP_HANDLER = `
  .align 2
handler:
  csrr s11, mcause
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret`;

const X = 0x8020_0000, Y = 0x8030_0000, Z = 0x8040_0000;
const MPP_S = 1 << 11, MPRV = 1 << 17, SUM = 1 << 18, MXR = 1 << 19;
const LEAF = PTE_V | PTE_A | PTE_D;

describe('a CSR write in a straight-line block takes effect at the next instruction', () => {
  it('mstatus.MPRV, satp, SUM and MXR each change the very next load', () => {
    const { m, sym } = boot(`
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, satps
  ld s2, 0(t0)           # root 1: X -> Y
  ld s3, 8(t0)           # root 2: X -> Z (U page)
  ld s4, 16(t0)          # root 3: X execute-only
  csrw satp, s2
  li t0, ${MPP_S}
  csrs mstatus, t0
  li s0, ${X}
  li s1, ${MPRV}
  li s5, ${SUM}
  li s6, ${MXR}
  li s9, ${MPP_S}
  ld a0, 0(s0)           # M, bare: X
  csrs mstatus, s1
  ld a1, 0(s0)           # S through root 1: Y
  csrw satp, s3
  li s11, 0
  ld a2, 0(s0)           # a U page from S without SUM: load page fault
  mv a3, s11
  csrs mstatus, s9       # MPP = S again: the trap's mret left it U (MPRV means "as MPP")
  csrs mstatus, s5
  ld a4, 0(s0)           # with SUM: Z
  csrw satp, s4
  li s11, 0
  ld a5, 0(s0)           # an execute-only page without MXR: load page fault
  mv a6, s11
  csrs mstatus, s9
  csrs mstatus, s6
  ld a7, 0(s0)           # with MXR: X's frame
  csrc mstatus, s1
  ld s7, 0(s0)           # M, bare again: X
  ${EXIT}
${SKIP_HANDLER}
  .data
  .align 3
satps: .dword 0, 0, 0
`);
    const ram = m.ram.view;
    const at = (pa: number) => pa - RAM_BASE;
    ram.setBigUint64(at(X), 0x1111n, true);
    ram.setBigUint64(at(Y), 0x2222n, true);
    ram.setBigUint64(at(Z), 0x3333n, true);
    const roots = [0x8060_0000, 0x8070_0000, 0x8080_0000].map((base, i) => {
      const pt = new PageTables(m.bus, SV39, base);
      if (i === 0) pt.map(BigInt(X), BigInt(Y), LEAF | PTE_R | PTE_W);
      if (i === 1) pt.map(BigInt(X), BigInt(Z), LEAF | PTE_R | PTE_W | PTE_U);
      if (i === 2) pt.map(BigInt(X), BigInt(X), LEAF | PTE_X);
      return pt.satp(i + 1);
    });
    roots.forEach((v, i) => ram.setBigUint64(at(sym('satps')) + 8 * i, v, true));
    const r = m.run(10_000);
    expect(r.kind).toBe('exit');
    const x = (n: number) => m.hart.reg(n);
    expect(x(10)).toBe(0x1111n); // a0
    expect(x(11)).toBe(0x2222n); // a1
    expect(x(13)).toBe(13n);     // a3: load page fault
    expect(x(14)).toBe(0x3333n); // a4
    expect(x(16)).toBe(13n);     // a6: load page fault
    expect(x(17)).toBe(0x1111n); // a7
    expect(x(23)).toBe(0x1111n); // s7
  });
});

describe('interrupts and traps inside the loop', () => {
  it('csrs mstatus, MIE with a software interrupt pending takes it before the next instruction', () => {
    const { m, sym } = boot(`
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, 8
  csrw mie, t0           # MSIE
  li t0, 0x2000000
  li t1, 1
  sw t1, 0(t0)           # msip = 1: pending, not yet enabled
  li a7, 0
  csrsi mstatus, 8       # MIE: the interrupt is taken here
after:
  li a7, 1
  ${EXIT}
  .align 2
handler:
  csrr s10, mcause
  csrr s9, mepc
  mv s8, a7
  li t0, 0x2000000
  sw zero, 0(t0)
  mret
`);
    let retiredAtIrq = -1;
    m.hart.onTrap = (_c, irq) => { if (irq) retiredAtIrq = m.hart.retired; };
    expect(m.run(10_000).kind).toBe('exit');
    expect(m.hart.reg(26)).toBe(-(1n << 63n) | 3n); // s10 = mcause: machine software interrupt
    expect(m.hart.reg(24)).toBe(0n);                // s8: `li a7, 1` had not run
    // mepc is the instruction after csrsi (label `after`): the csrsi retired, the next did not.
    expect(m.hart.reg(25)).toBe(BigInt(sym('after')));
    expect(retiredAtIrq).toBeGreaterThan(0);
  });

  it('a fault on each kind of access: epc, tval, instret and mtime are those of the faulting instruction', () => {
    const m = machine(`
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li s0, 0x200000        # a hole in the address space
  ld a0, 0(s0)           # load access fault
  sd a0, 8(s0)           # store access fault
  la t0, jump
  jr t0
  .align 2
jump:
  jr s0                  # fetch access fault at the target
  ${EXIT}
  .align 2
handler:
  csrr t6, mcause
  li t5, 1
  bne t6, t5, 1f
  la t5, back            # the fetch fault: continue after the jump
  csrw mepc, t5
  mret
1:
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
  .align 2
back:
  ${EXIT}
`);
    const seen: { cause: number; tval: bigint; epc: bigint; retired: number; mtime: bigint }[] = [];
    m.hart.onTrap = (cause, _irq, tval, epc) => { seen.push({ cause, tval, epc, retired: m.hart.retired, mtime: m.hart.clock.mtime() }); };
    expect(m.run(10_000).kind).toBe('exit');
    expect(seen.map((s) => s.cause)).toEqual([5, 7, 1]);
    expect(seen.map((s) => s.tval)).toEqual([0x200000n, 0x200008n, 0x200000n]);
    // epc: the load and the store themselves; the fetch fault at the jump's target.
    expect(seen[2]!.epc).toBe(0x200000n);
    expect(seen[1]!.epc - seen[0]!.epc).toBe(4n);
    // instret at each trap counts exactly the instructions before the faulting one (and mtime, which
    // advances with retired instructions, agrees).
    for (const s of seen) expect(s.mtime).toBe(BigInt(s.retired));
    expect(seen[1]!.retired - seen[0]!.retired).toBe(7); // the load's handler (7 instructions), then the store
  });
});

describe('determinism', () => {
  // The (instret, cause) of every trap of this interrupt-heavy program. When traps, CSR instructions
  // and xRET moved into the interpreter's loop (7954c4f) this digest was the one 35fde93, the loop
  // before them, gave. It was recorded again when a write to mtimecmp or stimecmp began to make the
  // board look at the new deadline at once (before, a timer due within a run chunk fired at the
  // chunk's end, up to 32,768 instructions late: this program then saw 11 timer interrupts, now
  // thousands).
  const RECORDED = '6467cbfa322180dccef01895d6d6c8b67fac9f8b4e997888f1a455c7a659675d';

  it('an interrupt-heavy run traps at exactly the instructions it did before the change', () => {
    const m = machine(`
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li s0, 0x2004000        # mtimecmp
  li s1, 0x200bff8        # mtime
  li s2, 0x2000000        # msip
  ld t0, 0(s1)
  addi t0, t0, 60
  sd t0, 0(s0)
  li t0, 0x88             # MTIE | MSIE
  csrw mie, t0
  csrsi mstatus, 8
  li s3, 0
loop:
  addi s3, s3, 1
  li t1, 7
  remu t2, s3, t1
  bnez t2, 1f
  .word 0                 # illegal
1:
  ecall
  li t3, 40
2:
  addi t3, t3, -1
  bnez t3, 2b
  j loop
  .align 2
handler:
  csrr t4, mcause
  bltz t4, irq
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
irq:
  andi t4, t4, 0xff
  li t5, 7
  bne t4, t5, soft
  ld t5, 0(s1)
  addi t5, t5, 60
  sd t5, 0(s0)
  addi s4, s4, 1
  li t5, 5
  remu t6, s4, t5
  bnez t6, 3f
  li t5, 1
  sw t5, 0(s2)
3:
  mret
soft:
  sw zero, 0(s2)
  mret
`);
    const lines: string[] = [];
    m.hart.onTrap = (cause, irq) => { lines.push(`${m.hart.retired}:${irq ? 'i' : 'e'}${cause}`); };
    m.run(300_000);
    expect(lines.length).toBe(8374);
    expect(lines.filter((l) => l.includes(':i7')).length).toBe(4600); // a timer interrupt every 60 ticks
    expect(createHash('sha256').update(lines.join('\n')).digest('hex')).toBe(RECORDED);
  });
});
