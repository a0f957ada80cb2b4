// The translation tier (translator.ts) against the interpreter: every program here runs on both,
// the tier translating each block head at its first entry (hot = 1), and must give the same result,
// which is also checked against what the program computes. The cases are the ones a translator gets
// wrong: code stored into the running block, code another hart writes, a page remapped to other code
// under the same VA, a trap in the middle of a block, budgets ending inside blocks, the cap on
// translated code, and a whole kernel (the bundled one, with processes, faults and timers).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTER_S, exitWith, runAsm, setPte, SV39_TABLES, WALK_TO_L0, type RunAsmOptions, type RunAsmResult } from '../../helpers/run-asm.js';
import { linkAsm } from '../../helpers/build-asm.js';
import { readElf } from '../../../linker/elf/read.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { Virt } from '../../../emulator/board/virt.js';
import type { Tier } from '../../../emulator/hart/hart.js';
import { Translator } from '../../../emulator/hart/translator.js';
import { TABLE } from '../../../emulator/isa/table.js';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';

const DATA = `
    .data
    .balign 4096
shared: .zero 512
`;

/** Doubleword k of `shared`. */
function word(r: RunAsmResult, k: number): bigint {
  return r.machine.ram.view.getBigUint64(Number(r.symbols.get('shared')!) - 0x8000_0000 + 8 * k, true);
}

/** The program on both tiers: the results side by side, the jit's translated-instruction count. */
function both(source: string, opts: RunAsmOptions = {}): { interp: RunAsmResult; jit: RunAsmResult } {
  return { interp: runAsm(source, { ...opts, tier: 'interp' }), jit: runAsm(source, { ...opts, tier: 'jit', hot: 1 }) };
}

/** What must not differ between the tiers: how it stopped, instret, pc and registers of every hart. */
function state(r: RunAsmResult): unknown {
  return {
    stop: r.stop, uart: r.uart,
    harts: r.machine.harts.map((h) => ({ retired: h.retired, pc: h.pcBig(), x: Array.from({ length: 32 }, (_, i) => h.reg(i)), traps: h.trapCounts })),
  };
}

describe('the translation tier gives the interpreter\'s results', () => {
  it('a store into the running block: the instruction after it runs as stored', () => {
    // Pass 10 of 20 stores a new word (+100 instead of +1) over the instruction right after the store,
    // in the block already translated and running; the other passes store to data. Branch-free, so
    // the store and its target are in one block.
    const src = `
      li a0, 0
      li s0, 0
      li s1, 20
      li s5, 10
      la s7, shared
      la t0, target
      la t4, alt
      lw t1, 0(t4)
      sub t4, t0, s7        # target - shared
    loop:
      addi s0, s0, 1
      sub t5, s0, s5
      seqz t5, t5
      neg t5, t5            # all ones in pass 10
      and t6, t5, t4
      add t6, t6, s7        # pass 10: target, else shared
      sw t1, 0(t6)
    target:
      addi a0, a0, 1
      addi s1, s1, -1
      bnez s1, loop
      sd a0, 8(s7)
      ${exitWith(0)}
    alt:
      addi a0, a0, 100
      ${DATA}`;
    const { interp, jit } = both(src, { rvc: false });
    expect(interp.exitCode).toBe(0);
    expect(word(interp, 1)).toBe(9n * 1n + 11n * 100n);
    expect(state(jit)).toEqual(state(interp));
    expect(word(jit, 1)).toBe(word(interp, 1));
    const t = jit.hart.tierStats!;
    expect(t.invalidated).toBeGreaterThan(0);
    expect(t.insns).toBeGreaterThan(100);
  });

  it('code another hart writes (without fence.i) runs on the next call', () => {
    const src = `
      bnez a0, hart1
      la s0, shared
    1: ld t2, 0(s0)          # hart 0: once hart 1 has called f 100 times
      li t3, 100
      blt t2, t3, 1b
      la t0, f
      la t1, f2
      lw t2, 0(t1)
      sw t2, 0(t0)          # f now returns 2
    2: ld t2, 8(s0)
      beqz t2, 2b
      ${exitWith(0)}
    hart1:
      la s2, shared
      li s0, 0
      li s1, 0
    3: jal ra, f
      add s1, s1, a0
      addi s0, s0, 1
      sd s0, 0(s2)
      li t3, 2
      bne a0, t3, 3b        # until the new code runs
      sd s1, 16(s2)
      li t2, 1
      sd t2, 8(s2)
    4: j 4b
      .balign 64
    f: li a0, 1
      ret
    f2: li a0, 2
      ${DATA}`;
    const { interp, jit } = both(src, { rvc: false, smp: 2, quantum: 37 });
    expect(interp.exitCode).toBe(0);
    const calls = word(interp, 0);
    expect(calls).toBeGreaterThan(100n);
    expect(word(interp, 2)).toBe(calls - 1n + 2n); // every call returned 1 but the last
    expect(state(jit)).toEqual(state(interp));
    expect(jit.machine.harts[1]!.tierStats!.executed).toBeGreaterThan(0);
  });

  it('a page remapped to other code under the same VA runs the new code after sfence.vma', () => {
    // VA 0x40000000 maps page_a (returns 1), is called 50 times, then maps page_b (returns 2).
    const src = `
      ${WALK_TO_L0}
      ${setPte('l0', 0, 'page_a', 0xcb)}    # V R X A D
      ${ENTER_S}
    s_main:
      li s0, 0x40000000
      li s1, 0
      li s2, 50
    1: jalr ra, 0(s0)
      add s1, s1, a0
      addi s2, s2, -1
      bnez s2, 1b
      ${setPte('l0', 0, 'page_b', 0xcb)}    # the same VA, other code
      sfence.vma
      li s2, 50
    2: jalr ra, 0(s0)
      add s1, s1, a0
      addi s2, s2, -1
      bnez s2, 2b
      la t1, shared
      sd s1, 0(t1)
      ${exitWith(0)}
      ${SV39_TABLES}
    page_a: li a0, 1
      ret
      .balign 4096
    page_b: li a0, 2
      ret
      .balign 4096
    shared: .zero 64`;
    const { interp, jit } = both(src, { rvc: false });
    expect(interp.exitCode).toBe(0);
    expect(word(interp, 0)).toBe(50n * 1n + 50n * 2n);
    expect(state(jit)).toEqual(state(interp));
  });

  it('a region follows a call onto another page, and goes when that page\'s code is written', () => {
    // f is on the next page; pass 100 of 200 stores "li a0, 2" over its first instruction (no fence.i).
    // Translated after a few passes (f decoded by then), the loop's region holds f: the call and its
    // return stay inside, so regions are entered a few times, not once a pass.
    const src = `
      li s0, 0
      li s1, 200
      li s4, 100
      la s7, shared
    loop:
      jal ra, f
      add s0, s0, a0
      addi s1, s1, -1
      bne s1, s4, 1f
      la t0, f
      la t1, f2
      lw t2, 0(t1)
      sw t2, 0(t0)
    1: bnez s1, loop
      sd s0, 0(s7)
      ${exitWith(0)}
      .balign 4096
    f: li a0, 1
      ret
    f2: li a0, 2
      ${DATA}`;
    const interp = runAsm(src, { rvc: false, tier: 'interp' }), jit = runAsm(src, { rvc: false, tier: 'jit', hot: 3 });
    expect(interp.exitCode).toBe(0);
    expect(word(interp, 0)).toBe(100n * 1n + 100n * 2n);
    expect(state(jit)).toEqual(state(interp));
    const t = jit.hart.tierStats!;
    expect(t.insns).toBeGreaterThan(1000);
    expect(t.executed).toBeLessThan(40); // 200 or more if each call left the region
    expect(t.invalidated).toBeGreaterThan(0); // f's page written: the loop's region, on the page before, went too
  });

  it('a region reaching a page whose VA is remapped to other code runs the new code, and is translated again', () => {
    // The routine at VA 0x40000000 calls .+4096 (VA 0x40001000) 50 times; that VA maps page_a
    // (returns 1), then page_b (returns 2), and the routine runs again. The routine's region holds
    // page_a's code, guarded by the jump cache: after sfence.vma the guard leaves the region, and
    // once the jump cache holds page_b there, the region is stale: dropped, and translated anew.
    const src = `
      ${WALK_TO_L0}
      ${setPte('l0', 0, 'routine', 0xcb)}   # V R X A D
      ${setPte('l0', 1, 'page_a', 0xcb)}
      ${ENTER_S}
    s_main:
      li s0, 0x40000000
      li s1, 0
      jalr ra, 0(s0)
      ${setPte('l0', 1, 'page_b', 0xcb)}    # the same VA, other code
      sfence.vma
      jalr ra, 0(s0)
      la t1, shared
      sd s1, 0(t1)
      ${exitWith(0)}
      ${SV39_TABLES}
    routine:
      mv s3, ra
      li s2, 50
    1: jal ra, .+4096
      add s1, s1, a0
      addi s2, s2, -1
      bnez s2, 1b
      jr s3
      .balign 4096
    page_a: nop
      nop
      nop
      li a0, 1
      ret
      .balign 4096
    page_b: nop
      nop
      nop
      li a0, 2
      ret
      .balign 4096
    shared: .zero 64`;
    const interp = runAsm(src, { rvc: false, tier: 'interp' }), jit = runAsm(src, { rvc: false, tier: 'jit', hot: 3 });
    expect(interp.exitCode).toBe(0);
    expect(word(interp, 0)).toBe(50n * 1n + 50n * 2n);
    expect(state(jit)).toEqual(state(interp));
    const t = jit.hart.tierStats!;
    expect(t.executed).toBeLessThan(20); // each run of the routine stayed in a region, but for the exits at the remap
    expect(t.invalidated).toBe(1); // the stale region
  });

  it('a trap in the middle of a block: mepc, minstret and the registers before and after the faulting load', () => {
    const src = `
      la t0, handler
      csrw mtvec, t0
      la s1, value
      li s3, 30
      li s5, 25
      li s0, 0
      li s2, 0
      li s6, 0
    loop:
      addi s0, s0, 1
      mv s4, s1
      bne s0, s5, 1f
      li s4, 0              # iteration 25: no memory at address 0
    1: addi s6, s6, 1       # before the fault: done
    fault_at:
      ld t1, 0(s4)
      add s2, s2, t1        # after it: not yet
      addi s3, s3, -1
      bnez s3, loop
      la t0, shared
      sd s2, 40(t0)
      ${exitWith(0)}
    handler:
      la t0, shared
      csrr t2, mepc
      sd t2, 0(t0)
      csrr t2, minstret
      sd t2, 8(t0)
      sd s6, 16(t0)
      sd s2, 24(t0)
      csrr t2, mcause
      sd t2, 32(t0)
      mv s4, s1             # retry with the good address
      mret
    value: .dword 7
      ${DATA}`;
    const { interp, jit } = both(src, { rvc: false });
    expect(interp.exitCode).toBe(0);
    expect(word(interp, 0)).toBe(interp.symbols.get('fault_at'));
    expect(word(interp, 2)).toBe(25n);
    expect(word(interp, 3)).toBe(24n * 7n);
    expect(word(interp, 4)).toBe(5n); // load access fault
    expect(word(interp, 5)).toBe(30n * 7n);
    for (const k of [0, 1, 2, 3, 4, 5]) expect(word(jit, k), `shared[${k}]`).toBe(word(interp, k));
    expect(state(jit)).toEqual(state(interp));
  });

  it('budgets that end anywhere, inside blocks too, stop both tiers at the same instruction', () => {
    const src = `
      li s0, 0
      li s1, 400
      la s2, shared
    1: addi s0, s0, 3
      sd s0, 8(s2)
      ld t0, 8(s2)
      add s3, s3, t0
      andi t1, s0, 7
      beqz t1, 2f
      addi s4, s4, 1
    2: addi s1, s1, -1
      bnez s1, 1b
      ${exitWith(0)}
      ${DATA}`;
    const machines = (['interp', 'jit'] as Tier[]).map((tier) => {
      const m = new Virt({ mem: 16 << 20, output: () => {}, tier, hot: 1 });
      m.boot(bootImage(readElf(linkAsm(`  .text\n  .globl _start\n_start:\n${src}`, 'b.s').elf, 'b.elf')));
      return m;
    });
    for (let step = 1, total = 0; total < 4000; step = (step * 7 + 3) % 23 + 1) {
      total += step;
      const stops = machines.map((m) => m.run(total));
      const [a, b] = machines.map((m) => ({ retired: m.hart.retired, pc: m.hart.pcBig(), x: Array.from({ length: 32 }, (_, i) => m.hart.reg(i)) }));
      expect(b, `after ${total}`).toEqual(a);
      expect(stops[1]).toEqual(stops[0]);
      if (stops[0]!.kind !== 'limit') break;
    }
    expect(machines[1]!.hart.tierStats!.insns).toBeGreaterThan(1000);
  });

  it('AMOs, LR/SC, a cache-block zero, CSR reads and writes and x0 destinations inside a region', () => {
    // Each of these writes registers or memory from outside the region's locals (hart/locals.ts):
    // the region writes its locals back before and reads them again after. minstret is read inside
    // the loop, so instret must be exact there too.
    const src = `
      la s7, shared
      addi s8, s7, 64
      li s1, 300
      li a0, 0
    1:amoadd.d t1, s1, (s7)
      add a0, a0, t1
      lr.d t2, (s7)
      addi t2, t2, 1
      sc.d t3, t2, (s7)
      add a0, a0, t3
      addi t0, s7, 8
      amoswap.w t4, s1, (t0)
      add a0, a0, t4
      addi t0, s7, 16
      amoadd.w x0, s1, (t0)
      csrr t5, mscratch
      add t5, t5, s1
      csrw mscratch, t5
      csrr t6, minstret
      add a0, a0, t6
      sd s1, 64(s7)
      cbo.zero (s8)
      ld t0, 64(s7)
      add a0, a0, t0
      csrrs x0, mscratch, x0
      addi s1, s1, -1
      bnez s1, 1b
      sd a0, 24(s7)
      csrr t5, mscratch
      sd t5, 32(s7)
      ${exitWith(0)}
      ${DATA}`;
    const { interp, jit } = both(src);
    expect(state(jit)).toEqual(state(interp));
    for (let k = 0; k < 5; k++) expect(word(jit, k)).toBe(word(interp, k));
    expect(word(interp, 4)).toBe(BigInt((300 * 301) / 2)); // mscratch summed s1 over the passes
    expect(jit.machine.hart.tierStats!.insns).toBeGreaterThan(300 * 20);
  });

  it('past the cap every region is dropped, and the code is translated again', () => {
    // Each function on its own page: a region reaches four of them at most (MAX_FOREIGN).
    const fns = Array.from({ length: 12 }, (_, i) => `f${i}: addi a0, a0, ${i + 1}\n      ret\n      .balign 4096`).join('\n');
    const src = `
      li s1, 40
      li a0, 0
    1: ${Array.from({ length: 12 }, (_, i) => `jal ra, f${i}`).join('\n      ')}
      addi s1, s1, -1
      bnez s1, 1b
      la t0, shared
      sd a0, 0(t0)
      ${exitWith(0)}
      .balign 4096
      ${fns}
      ${DATA}`;
    const run = (tier: Tier): { m: Virt; value: bigint } => {
      const linked = linkAsm(`  .text\n  .globl _start\n_start:\n${src}`, 'c.s');
      const m = new Virt({ mem: 16 << 20, output: () => {}, tier, hot: 1 });
      if (tier === 'jit') m.hart.code.blocks = new Translator(TABLE, 1, 30_000); // a few regions' source
      m.boot(bootImage(readElf(linked.elf, 'c.elf')));
      m.run(1_000_000);
      return { m, value: m.ram.view.getBigUint64(Number(linked.symbols.get('shared')!) - 0x8000_0000, true) };
    };
    const a = run('interp'), b = run('jit');
    expect(a.value).toBe(40n * 78n);
    expect(b.value).toBe(a.value);
    expect(b.m.hart.retired).toBe(a.m.hart.retired);
    const t = b.m.hart.tierStats!;
    expect(t.evicted).toBeGreaterThan(0);
    expect(t.bytes).toBeLessThanOrEqual(30_000);
    expect(t.live).toBeGreaterThan(0);
  });
});

const ROOT = join(import.meta.dirname, '..', '..', '..');
const haveKernel = existsSync(join(ROOT, 'kernel-ts', 'kernel', 'main.ts'));
const dir = mkdtempSync(join(tmpdir(), 'rvhart-tier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveKernel)('the bundled kernel on both tiers', () => {
  /** Boots it to power-off: the console, every trap with its instret, the final state. */
  function boot(tier: Tier, smp: number, slice?: number): unknown {
    const images = buildBundled({ satp: 'sv39', outDir: dir });
    let out = '';
    const m = new Virt({ output: (b) => { out += new TextDecoder().decode(b); }, tier, hot: 1, smp });
    m.boot(loadImage(images.kernel), loadImage(images.firmware));
    const traps: string[] = [];
    for (const h of m.harts) h.onTrap = (cause, irq, tval, epc): void => { traps.push(`hart${h.hartid} ${irq ? 'irq' : 'exc'} ${cause} ${tval} ${epc} at ${h.retired}`); };
    let stop;
    for (let total = slice ?? 200_000_000; ; total += slice ?? 0) {
      stop = m.run(total);
      if (stop.kind !== 'limit' || slice === undefined) break;
    }
    return { stop, out, traps, harts: m.harts.map((h) => ({ retired: h.retired, pc: h.pcBig(), x: Array.from({ length: 32 }, (_, i) => h.reg(i)) })), tier: tier === 'jit' ? m.hart.tierStats!.insns > 0 : true };
  }

  it('one hart: the same console, traps at the same instret, the same end; also when run in slices of 9973', () => {
    const a = boot('interp', 1), b = boot('jit', 1);
    expect((a as { stop: { kind: string } }).stop.kind).toBe('exit');
    expect(b).toEqual(a);
    expect(boot('jit', 1, 9973)).toEqual({ ...(a as object), stop: (b as { stop: unknown }).stop });
  });

  it('two harts, round-robin in quanta: the same interleaving', () => {
    expect(boot('jit', 2)).toEqual(boot('interp', 2));
  });
});

describe('a slot where no region can start', () => {
  it('is never entered, even with an unlimited budget', () => {
    // The loop's head is a CSR read (a system instruction: no region starts there).
    const src = `
      li s0, 300
    1: csrr t0, mhartid
      addi s0, s0, -1
      bnez s0, 1b
      ${exitWith(0)}`;
    const run = (tier: Tier): { stop: unknown; retired: number } => {
      const m = new Virt({ mem: 16 << 20, output: () => {}, tier, hot: 1 });
      m.boot(bootImage(readElf(linkAsm(`  .text\n  .globl _start\n_start:\n${src}`, 'u.s').elf, 'u.elf')));
      return { stop: m.run(Number.POSITIVE_INFINITY), retired: m.hart.retired };
    };
    const a = run('interp');
    expect(a.stop).toMatchObject({ kind: 'exit', code: 0 });
    expect(run('jit')).toEqual(a);
  });
});
