// Several harts (`--smp N`): every hart starts at the reset vector with its mhartid; CLINT IPIs and
// timers per hart; LR/SC broken by another hart's store; the stale translation a hart keeps when a
// kernel forgets the remote fence; code written by another hart; WFI harts passed over; and the
// interleaving identical on every run.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTER_S, exitWith, runAsm, setPte, SV39_TABLES, WALK_TO_L0 } from '../../helpers/run-asm.js';
import { buildVirtFdt } from '../../../emulator/board/fdt.js';
import { Plic } from '../../../emulator/board/plic.js';
import { traceStep } from '../../../emulator/hart/trace.js';
import { IRQ } from '../../../emulator/isa/trap.js';

/** Data each test's harts share: 64 doublewords at `shared`, 8-byte aligned. */
const DATA = `
    .data
    .balign 4096
shared: .zero 512
    .balign 4096
other_page: .zero 64
`;

/** Reads doubleword k of `shared` after the run. */
function word(r: ReturnType<typeof runAsm>, k: number): bigint {
  const base = Number(r.symbols.get('shared')!);
  return r.machine.ram.view.getBigUint64(base - 0x8000_0000 + 8 * k, true);
}

describe('--smp: harts and their start', () => {
  it('every hart starts at the reset vector with a0 = mhartid, and runs in turn', () => {
    const r = runAsm(`
      csrr t0, mhartid
      bne a0, t0, bad
      la t1, shared
      slli t2, t0, 3
      add t1, t1, t2
      addi t3, t0, 100
      sd t3, 0(t1)          # shared[hartid] = 100 + hartid
      bnez t0, park
      la t1, shared         # hart 0 waits for the others, then passes
    1: ld t2, 8(t1)
      beqz t2, 1b
      ld t2, 16(t1)
      beqz t2, 1b
      ld t2, 24(t1)
      beqz t2, 1b
      ${exitWith(0)}
    park: wfi
      j park
    bad: ${exitWith(1)}
      ${DATA}`, { smp: 4, quantum: 50 });
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    expect([0, 1, 2, 3].map((k) => word(r, k))).toEqual([100n, 101n, 102n, 103n]);
    expect(r.machine.harts.map((h) => h.hartid)).toEqual([0, 1, 2, 3]);
    // The parked harts are passed over: they retire a handful of instructions, not a share of the run.
    for (const h of r.machine.harts.slice(1)) expect(h.retired).toBeLessThan(20);
    expect(r.machine.retired).toBe(r.machine.harts.reduce((n, h) => n + h.retired, 0));
  });

  it('harts take turns of exactly `quantum` instructions', () => {
    // Each hart counts its own loop iterations into shared[hartid] until hart 0 has done 1000.
    const r = runAsm(`
      csrr t0, mhartid
      la t1, shared
      slli t2, t0, 3
      add t1, t1, t2
      li t3, 0
    1: addi t3, t3, 1
      sd t3, 0(t1)
      bnez t0, 1b
      li t4, 1000
      blt t3, t4, 1b
      ${exitWith(0)}
      ${DATA}`, { smp: 2, quantum: 300 });
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    // Hart 0 needed ~3000 instructions: ten turns of 300, hart 1 running in between.
    const h0 = r.machine.harts[0]!.retired, h1 = r.machine.harts[1]!.retired;
    expect(h1 % 300).toBe(0);
    expect(Math.abs(h0 - h1)).toBeLessThanOrEqual(300);
  });

  it('refuses 0 or more than 8 harts and a quantum under 1', async () => {
    const { Virt } = await import('../../../emulator/board/virt.js');
    expect(() => new Virt({ smp: 9 })).toThrow(/1 to 8/);
    expect(() => new Virt({ smp: 0 })).toThrow(/1 to 8/);
    expect(() => new Virt({ smp: 2, quantum: 0 })).toThrow(/at least 1/);
  });
});

describe('--smp: the CLINT per hart', () => {
  it('an IPI through msip reaches only the hart it names', () => {
    const r = runAsm(`
      csrr t0, mhartid
      la t1, handler
      csrw mtvec, t1
      bnez t0, waiter
      la t1, shared         # hart 0: wait until harts 1 and 2 are in WFI, then IPI hart 2
    1: ld t2, 8(t1)
      beqz t2, 1b
      ld t2, 16(t1)
      beqz t2, 1b
      li t2, 0x2000008      # msip of hart 2
      li t3, 1
      sw t3, 0(t2)
    2: ld t2, 40(t1)        # shared[5]: hart 2 took it
      beqz t2, 2b
      li t2, 0x2000008
      lw t3, 0(t2)          # hart 2 cleared its msip
      sd t3, 48(t1)
      ${exitWith(0)}
    waiter:
      li t1, 8              # mie.MSIE
      csrw mie, t1
      csrsi mstatus, 8      # mstatus.MIE
      la t1, shared
      slli t2, t0, 3
      add t1, t1, t2
      li t2, 1
      sd t2, 0(t1)          # shared[hartid] = 1: ready
    3: wfi
      j 3b
      .balign 4
    handler:                # the IPI: record mcause, clear our msip
      csrr t0, mhartid
      csrr t2, mcause
      la t1, shared
      slli t3, t0, 3
      add t1, t1, t3
      sd t2, 24(t1)         # shared[3 + hartid] = mcause
      slli t3, t0, 2
      li t2, 0x2000000
      add t2, t2, t3
      sw zero, 0(t2)
      mret
      ${DATA}`, { smp: 3, quantum: 100 });
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    expect(word(r, 5)).toBe((1n << 63n) | 3n); // hart 2: machine software interrupt
    expect(word(r, 4)).toBe(0n);               // hart 1: nothing
    expect(word(r, 6)).toBe(0n);               // msip[2] reads back cleared
    expect(r.machine.harts[1]!.trapCounts.size).toBe(0);
  });

  it('each hart has its own mtimecmp and takes only its own timer interrupt', () => {
    // Hart h sets mtimecmp[h] = mtime + 5000·(h+1) and waits in WFI; its handler records mtime.
    const r = runAsm(`
      csrr t0, mhartid
      la t1, handler
      csrw mtvec, t1
      li t1, 0x200bff8
      ld t2, 0(t1)
      addi t3, t0, 1
      li t4, 5000
      mul t3, t3, t4
      add t2, t2, t3
      li t1, 0x2004000
      slli t3, t0, 3
      add t1, t1, t3
      sd t2, 0(t1)          # mtimecmp[hartid]
      la t1, shared
      slli t3, t0, 3
      add t1, t1, t3
      sd t2, 32(t1)         # shared[4 + hartid] = the deadline
      li t1, 0x80           # mie.MTIE
      csrw mie, t1
      csrsi mstatus, 8
    1: wfi
      bnez t0, 1b
      la t1, shared         # hart 0: spin until hart 1 has taken its own
    2: ld t2, 8(t1)
      beqz t2, 2b
      ${exitWith(0)}
      .balign 4
    handler:
      csrr t0, mhartid
      li t1, 0x200bff8
      ld t2, 0(t1)
      la t1, shared
      slli t3, t0, 3
      add t1, t1, t3
      sd t2, 0(t1)          # shared[hartid] = mtime at the interrupt
      csrr t2, mcause
      sd t2, 16(t1)         # shared[2 + hartid] = mcause
      li t1, 0x2004000
      slli t3, t0, 3
      add t1, t1, t3
      li t2, -1
      sd t2, 0(t1)          # no more
      mret
      ${DATA}`, { smp: 2, quantum: 64 });
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    for (const h of [0, 1]) {
      expect(word(r, 2 + h)).toBe((1n << 63n) | 7n);
      const at = word(r, h), deadline = word(r, 4 + h);
      expect(at).toBeGreaterThanOrEqual(deadline);
      expect(at - deadline).toBeLessThan(200n); // both harts wait in WFI: time jumps to each deadline
    }
    expect(word(r, 5) - word(r, 4)).toBeGreaterThan(4000n);
    expect(r.machine.harts.map((h) => h.trapCounts.get('irq:7'))).toEqual([1, 1]);
  });
});

describe('--smp: the PLIC routes each context to its hart', () => {
  it('context 2·hart drives that hart\'s MEIP, 2·hart+1 its SEIP, and no other', () => {
    const seen = [0, 1, 2].map(() => new Map<number, boolean>());
    const plic = new Plic(seen.map((m) => ({ setPending: (irq: number, level: boolean) => { m.set(irq, level); } })));
    plic.write(4 * 10, 4, 1n);                              // priority of source 10
    plic.write(0x2000 + 0x80 * 3, 4, BigInt(1 << 10));      // context 3: hart 1's S-mode
    plic.setSource(10, true);
    expect(seen.map((m) => [m.get(IRQ.MEI), m.get(IRQ.SEI)])).toEqual([[false, false], [false, true], [false, false]]);
    expect(plic.read(0x20_0000 + 0x1000 * 3 + 4, 4)).toBe(10n); // the claim from context 3
    expect(seen[1]!.get(IRQ.SEI)).toBe(false);
    plic.write(0x20_0000 + 0x1000 * 3 + 4, 4, 10n);
    plic.write(0x2000 + 0x80 * 4, 4, BigInt(1 << 10));      // context 4: hart 2's M-mode
    plic.setSource(10, true);
    expect(seen.map((m) => [m.get(IRQ.MEI), m.get(IRQ.SEI)])).toEqual([[false, false], [false, true], [true, false]]);
    expect(plic.read(0x20_0000 + 0x1000 * 6, 4)).toBe(0n);   // context 6 does not exist with 3 harts
  });
});

describe('--smp: memory between harts', () => {
  /** Hart 1 takes a reservation and waits; hart 0 stores `store` (an instruction on t1 = &shared[8]) and lets it go on; SC's result in shared[2]. */
  const lrsc = (store: string) => runAsm(`
      csrr t0, mhartid
      la t1, shared
      bnez t0, hart1
    1: ld t2, 0(t1)         # hart 0: wait for the reservation
      beqz t2, 1b
      addi t1, t1, 64
      ${store}
      addi t1, t1, -64
      li t2, 1
      sd t2, 8(t1)          # go
    2: ld t2, 24(t1)
      beqz t2, 2b
      ${exitWith(0)}
    hart1:
      addi t3, t1, 64
      lr.d t4, (t3)
      li t2, 1
      sd t2, 0(t1)          # reserved (a store elsewhere keeps our reservation)
    3: ld t2, 8(t1)
      beqz t2, 3b
      li t4, 77
      sc.d t5, t4, (t3)
      sd t5, 16(t1)         # SC's result: 0 success, 1 failure
      li t2, 1
      sd t2, 24(t1)
    4: j 4b
      ${DATA}`, { smp: 2, quantum: 20 });

  it('another hart\'s store to the reserved doubleword makes SC fail', () => {
    const r = lrsc('sw zero, 4(t1)');
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    expect(word(r, 2)).toBe(1n);
    expect(word(r, 8)).toBe(0n);
  });

  it('another hart\'s AMO to it does too', () => {
    const r = lrsc('li t2, 5\n      amoadd.d zero, t2, (t1)');
    expect(word(r, 2)).toBe(1n);
    expect(word(r, 8)).toBe(5n);
  });

  it('a store next to it (the same page, another doubleword) leaves the reservation', () => {
    const r = lrsc('sd zero, 8(t1)');
    expect(word(r, 2)).toBe(0n);
    expect(word(r, 8)).toBe(77n);
  });

  it('code another hart wrote runs after fence.i — and already before it: the decode cache never runs stale bytes', () => {
    // Hart 1 calls `patch` (returns 1), waits, [fence.i,] calls it again: hart 0 has rewritten it to
    // return 42. The spec asks for the new code after fence.i; rvhart's harts share one decode cache,
    // which the store itself drops, so the old code cannot run even without it.
    for (const fence of ['fence.i', 'nop']) {
      const r = runAsm(`
      csrr t0, mhartid
      la s0, shared
      bnez t0, hart1
    1: ld t2, 0(s0)
      beqz t2, 1b
      la t1, patch
      li t2, 0x02a00513     # addi a0, zero, 42
      sw t2, 0(t1)
      li t2, 1
      sd t2, 8(s0)
    2: ld t2, 24(s0)
      beqz t2, 2b
      ${exitWith(0)}
    hart1:
      call patch
      sd a0, 16(s0)         # shared[2] = the first answer
      li t2, 1
      sd t2, 0(s0)
    3: ld t2, 8(s0)
      beqz t2, 3b
      ${fence}
      call patch
      sd a0, 32(s0)         # shared[4] = the second
      li t2, 1
      sd t2, 24(s0)
    4: j 4b
      .balign 4
    patch:
      .option push
      .option norvc
      addi a0, zero, 1
      ret
      .option pop
      ${DATA}`, { smp: 2, quantum: 30 });
      expect(r.exitCode, fence).toBe(0);
      expect([word(r, 2), word(r, 4)], fence).toEqual([1n, 42n]);
    }
  });
});

describe('--smp: one hart\'s sfence.vma does not flush another\'s TLB', () => {
  /**
   * Both harts run in S-mode on one Sv39 table: VA 0x4000_0000 maps page_a (holding 111), RAM is
   * identity-mapped by a gigapage. Hart 1 reads the VA (its TLB now has it); hart 0 repoints the PTE
   * at page_b (222) and fences only itself; hart 1 reads again, then fences and reads a third time.
   */
  const run = (fenceFirst: boolean) => runAsm(`
      csrr t0, mhartid
      la s0, shared
      bnez t0, 1f
      # hart 0 builds the tables: root[1] -> l1, l1[0] -> l0, l0[0] = page_a, V R W A D
      ${WALK_TO_L0}
      ${setPte('l0', 0, 'page_a', 0xc7)}
      li t2, 1
      sd t2, 48(s0)         # shared[6]: tables ready
    1: ld t2, 48(s0)
      beqz t2, 1b
      ${ENTER_S}
    s_main:
      li s1, 0x40000000
      bnez t0, hart1
    2: ld t2, 0(s0)         # hart 0: hart 1 has the translation
      beqz t2, 2b
      ${setPte('l0', 0, 'page_b', 0xc7)}  # repoint the PTE at page_b
      sfence.vma            # this hart only: the remote fence is forgotten
      li t2, 1
      sd t2, 8(s0)
    3: ld t2, 40(s0)
      beqz t2, 3b
      ${exitWith(0)}
    hart1:
      ld t3, 0(s1)
      sd t3, 16(s0)         # shared[2]: before the change
      li t2, 1
      sd t2, 0(s0)
    4: ld t2, 8(s0)
      beqz t2, 4b
      ${fenceFirst ? 'sfence.vma            # what the remote fence (SBI RFENCE) would have done' : ''}
      ld t3, 0(s1)
      sd t3, 24(s0)         # shared[3]: after the change
      sfence.vma
      ld t3, 0(s1)
      sd t3, 32(s0)         # shared[4]: after this hart's own fence
      li t2, 1
      sd t2, 40(s0)
    5: j 5b
      ${SV39_TABLES}
    page_a: .dword 111
      .balign 4096
    page_b: .dword 222
      .balign 4096
      ${DATA}`, { smp: 2, quantum: 40 });

  it('a hart keeps the stale translation until it fences itself', () => {
    const r = run(false);
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    expect([word(r, 2), word(r, 3), word(r, 4)]).toEqual([111n, 111n, 222n]);
  });

  it('with the fence on that hart (as a remote fence does) it sees the new one at once', () => {
    const r = run(true);
    expect(r.exitCode, `${r.stop.reason}; pcs ${r.machine.harts.map((h) => h.pc.toString(16))}; shared ${[0, 1, 2, 3, 4, 5, 6].map((k) => word(r, k))}`).toBe(0);
    expect([word(r, 2), word(r, 3), word(r, 4)]).toEqual([111n, 222n, 222n]);
  });
});

describe('--smp: determinism', () => {
  /** A racy program: three harts increment a shared counter without atomics. */
  const racy = `
      la t1, shared
      li t3, 200
    1: ld t2, 0(t1)
      addi t2, t2, 1
      sd t2, 0(t1)
      addi t3, t3, -1
      bnez t3, 1b
      csrr t0, mhartid
      slli t0, t0, 3
      add t0, t0, t1
      li t2, 1
      sd t2, 8(t0)          # shared[1 + hartid] = done
      csrr t0, mhartid
      bnez t0, 3f
    2: ld t2, 8(t1)
      beqz t2, 2b
      ld t2, 16(t1)
      beqz t2, 2b
      ld t2, 24(t1)
      beqz t2, 2b
      ${exitWith(0)}
    3: wfi
      j 3b
      ${DATA}`;

  it('two runs of a racy program give the same trace, line for line', () => {
    const traces = [0, 1].map(() => {
      const r = runAsm(racy, { smp: 3, quantum: 7, maxInsns: 0 });
      const lines: string[] = [];
      for (let i = 0; i < 20_000 && !r.machine.stopped; i++) {
        const h = r.machine.current;
        lines.push(traceStep(h, () => { r.machine.run(Number.POSITIVE_INFINITY, 1, 1); }, true));
      }
      return { lines, counter: r.machine.ram.view.getBigUint64(Number(r.symbols.get('shared')!) - 0x8000_0000, true) };
    });
    expect(traces[0]!.lines.length).toBeGreaterThan(1000);
    expect(traces[1]!.lines).toEqual(traces[0]!.lines);
    expect(traces[1]!.counter).toBe(traces[0]!.counter);
    // The race is real: increments were lost.
    expect(traces[0]!.counter).toBeLessThan(600n);
    expect(traces[0]!.lines.some((l) => l.startsWith('hart2 M '))).toBe(true);
  });

  it('running in slices of any size gives the same interleaving as one run', () => {
    const whole = runAsm(racy, { smp: 3, quantum: 13 });
    const sliced = runAsm(racy, { smp: 3, quantum: 13, maxInsns: 0 });
    while (!sliced.machine.stopped) sliced.machine.run(Number.POSITIVE_INFINITY, 1 << 15, 37);
    expect(sliced.machine.harts.map((h) => h.retired)).toEqual(whole.machine.harts.map((h) => h.retired));
    expect(word(sliced, 0)).toBe(word(whole, 0));
  });
});

describe('--smp: the device tree', () => {
  const have = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  const haveDtc = have('fdtget', ['-h']), haveQemu = have('qemu-system-riscv64', ['--version']);
  if (!haveDtc || !haveQemu) console.warn('smp device tree test: fdtget or qemu-system-riscv64 absent (apt-get install device-tree-compiler qemu-system-misc): skipped');
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-smp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!haveDtc || !haveQemu)('lists cpu@N, its interrupt controller and cpu-map coreN as QEMU virt -smp 4 does', () => {
    const ours = join(dir, 'ours.dtb'), qemu = join(dir, 'qemu.dtb');
    writeFileSync(ours, buildVirtFdt({ memBase: 0x8000_0000, memSize: 128 << 20, isa: 'rv64imac_zicsr', mmuType: 'riscv,sv39', timebaseFrequency: 10_000_000, harts: 4 }));
    spawnSync('qemu-system-riscv64', ['-machine', `virt,dumpdtb=${qemu}`, '-smp', '4', '-m', '128M', '-nographic'], { stdio: 'ignore', timeout: 60_000 });
    expect(existsSync(qemu)).toBe(true);
    const get = (file: string, path: string, p: string) => execFileSync('fdtget', ['-t', 'bx', file, path, p], { encoding: 'utf8' }).trim();
    const checks: [string, string][] = [];
    for (let i = 0; i < 4; i++) {
      checks.push([`/cpus/cpu@${i}`, 'reg'], [`/cpus/cpu@${i}`, 'phandle'], [`/cpus/cpu@${i}/interrupt-controller`, 'phandle'], [`/cpus/cpu-map/cluster0/core${i}`, 'cpu']);
    }
    checks.push(['/soc/plic@c000000', 'interrupts-extended'], ['/soc/clint@2000000', 'interrupts-extended'], ['/soc/plic@c000000', 'phandle'], ['/soc/test@100000', 'phandle']);
    for (const [path, p] of checks) expect(`${path} ${p} = ${get(ours, path, p)}`).toBe(`${path} ${p} = ${get(qemu, path, p)}`);
  });
});

describe('--smp: one hart run alone (the debugger\'s scheduler-locking)', () => {
  it('runs only that hart, and a WFI nothing but another hart could end is not the end of the machine', () => {
    const r = runAsm(`
      csrr t0, mhartid
      bnez t0, 2f
    1: addi a0, a0, 1
      j 1b
    2: li t1, 8
      csrw mie, t1
    3: wfi
      j 3b
      ${DATA}`, { smp: 2, quantum: 10, maxInsns: 0 });
    const m = r.machine;
    expect(m.runHart(0, 500)).toBeUndefined();
    expect([m.harts[0]!.retired, m.harts[1]!.retired]).toEqual([500, 0]);
    const s = m.runHart(1, 100);
    expect(s?.kind).toBe('waiting');
    expect(m.stopped).toBeUndefined();
    expect(m.harts[1]!.waiting).toBe(true);
    // Hart 0 sends the IPI by hand (msip of hart 1); hart 1 then wakes.
    m.clint.write(4, 4, 1n);
    expect(m.runHart(1, 3)).toBeUndefined();
    expect(m.harts[1]!.waiting).toBe(false);
  });
});

describe('--smp: what review found', () => {
  it('a store by another hart\'s page walk (setting PTE.A) breaks a reservation on the PTE', () => {
    const r = runAsm(`
      csrr t0, mhartid
      la s0, shared
      bnez t0, hart1
      # hart 0: root[1] -> l1, l1[0] -> l0, l0[0] = page_a, V R W without A and D
      ${WALK_TO_L0}
      ${setPte('l0', 0, 'page_a', 0x07, 't3')}
      lr.d t4, (t3)         # reserve the PTE
      li t2, 1
      sd t2, 48(s0)         # go, hart 1
    2: ld t2, 8(s0)         # until hart 1 has loaded through it (its walk set A)
      beqz t2, 2b
      ori t4, t4, 0x100
      sc.d t5, t4, (t3)     # must fail
      sd t5, 24(s0)
      ld t6, 0(t3)
      sd t6, 32(s0)
      ${exitWith(0)}
    hart1:
    1: ld t2, 48(s0)
      beqz t2, 1b
      ${ENTER_S}
    s_main:
      li s1, 0x40000000
      ld t3, 0(s1)
      li t2, 1
      sd t2, 8(s0)
    5: j 5b
      ${SV39_TABLES}
    page_a: .dword 111
      .balign 4096
      ${DATA}`, { smp: 2, quantum: 40 });
    expect(r.exitCode).toBe(0);
    expect(word(r, 3)).toBe(1n);                 // SC failed
    expect(word(r, 4) & 0x40n).toBe(0x40n);      // the walk's A survives
  });

  it('--trace names the hart that ran when every hart waited and time moved on (settle)', () => {
    const r = runAsm(`
      csrr t0, mhartid
      la t1, handler
      csrw mtvec, t1
      li t1, 0x200bff8
      ld t2, 0(t1)
      li t4, 500
      add t2, t2, t4
      bnez t0, 5f
      li t4, 1000
      add t2, t2, t4        # hart 0's deadline 1000 ticks after hart 1's
    5: li t1, 0x2004000
      slli t3, t0, 3
      add t1, t1, t3
      sd t2, 0(t1)
      li t1, 0x80
      csrw mie, t1
      csrsi mstatus, 8
    1: wfi
      j 1b
      .balign 4
    handler:
      csrr t0, mhartid
      li t1, 0x2004000
      slli t3, t0, 3
      add t1, t1, t3
      li t2, -1
      sd t2, 0(t1)
      bnez t0, 2f
      ${exitWith(0)}
    2: mret`, { smp: 2, quantum: 5, maxInsns: 0 });
    const m = r.machine;
    for (let i = 0; i < 500 && !m.stopped; i++) {
      m.settle();
      const h = m.current, before = m.harts.map((x) => x.retired);
      const line = traceStep(h, () => { m.run(Number.POSITIVE_INFINITY, 1, 1); }, true);
      const ran = m.harts.findIndex((x, k) => x.retired !== before[k]);
      if (ran >= 0) expect(line.startsWith(`hart${ran} `), line).toBe(true);
    }
    expect(m.stopped?.kind).toBe('exit');
    expect(m.harts.map((x) => x.trapCounts.get('irq:7'))).toEqual([1, 1]);
  });

  it('runHart: a hart\'s own mtimecmp write and timer reach that hart, not the scheduler\'s next; its own timer wakes it from WFI', () => {
    const r = runAsm(`
      csrr t0, mhartid
      bnez t0, 3f
      la t1, handler
      csrw mtvec, t1
      li t1, 0x200bff8
      ld t2, 0(t1)
      addi t2, t2, 100
      li t1, 0x2004000
      sd t2, 0(t1)          # hart 0: its timer, 100 ticks on
      li t1, 0x80
      csrw mie, t1
      csrsi mstatus, 8
    1: wfi
      j 1b
      .balign 4
    handler:
      li t1, 0x2004000
      li t2, -1
      sd t2, 0(t1)
      la t1, shared
      li t2, 1
      sd t2, 0(t1)
    2: j 2b
    3: j 3b
      ${DATA}`, { smp: 2, quantum: 10, maxInsns: 0 });
    const m = r.machine;
    m.run(3);                     // the round-robin's turn is now hart 0's; run hart 1 a little so it is hart 1's
    m.run(m.retired + 10);
    expect(m.runHart(0, 2000)).toBeUndefined();
    expect(word(r, 0)).toBe(1n);
    expect(m.harts[0]!.trapCounts.get('irq:7')).toBe(1);
    expect(m.harts[1]!.events).toBe(0);
  });

  it('a page PMP allows only in part is checked at every fetch, also coming back from another page', () => {
    const src = (direct: boolean) => `
      la t0, mhandler
      csrw mtvec, t0
      la t0, pageP
      addi t1, t0, 2047
      addi t1, t1, 1        # P + 0x800
      srli t1, t1, 2
      csrw pmpaddr0, t1
      li t1, 4095
      add t1, t0, t1
      addi t1, t1, 1        # P + 0x1000
      srli t1, t1, 2
      csrw pmpaddr1, t1
      li t1, -1
      csrw pmpaddr2, t1
      li t1, 0x1f080f       # [0, P+0x800) RWX, [P+0x800, P+0x1000) nothing (TOR), the rest RWX
      csrw pmpcfg0, t1
      li t1, 0x1800
      csrc mstatus, t1
      li t1, 0x800
      csrs mstatus, t1
      csrw mepc, t0
      mret
      .balign 4
    mhandler:
      csrr t0, mcause
      la t1, shared
      sd t0, 0(t1)
      ${exitWith(0)}
      .balign 4096
    pageP:
      ${direct ? 'la t0, denied\n      jr t0' : 'call fnQ'}
      ecall
      .balign 2048
    denied:
      li a1, 0x77
      ecall
      .balign 4096
    fnQ:
      la t0, denied
      jr t0
      ${DATA}`;
    for (const direct of [false, true]) {
      const r = runAsm(src(direct), { maxInsns: 10_000 });
      expect(r.exitCode).toBe(0);
      expect(word(r, 0), direct ? 'a jump within the page' : 'back from another page').toBe(1n); // instruction access fault
    }
  });
});
