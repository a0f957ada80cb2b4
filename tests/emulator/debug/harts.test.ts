// The shell on a four-hart machine (programs.ts's SMP: each hart branches on mhartid): `info harts`,
// `hart N` selecting whose registers, memory (through its own satp), walk and TLB the commands read,
// all-stop stops that switch to the hart that stopped, watchpoints seeing any hart's store,
// `hart apply`, and `si` under each `set scheduler-locking` mode.

import { describe, expect, it } from 'vitest';
import { asmSession } from './harness.js';
import { CALLS, SMP } from './programs.js';

const smp = (quantum?: number) => asmSession(SMP, { smp: 4, ...(quantum ? { quantum } : {}) });
const retired = (s: ReturnType<typeof smp>): number[] => s.machine.harts.map((h) => h.retired);

describe('harts in the shell', () => {
  it('info harts lists every hart with privilege, state and frame, * at the selected one; the prompt names it', async () => {
    const s = smp();
    let out = await s.run('info harts');
    expect(out.split('\n')[0]).toBe('  Hart  Priv  State    Frame');
    expect(out).toContain('* 0     M     running  0x0000000000001000 in ?? ()');
    expect(out).toContain('  3     M     running  0x0000000000001000 in ?? ()');
    expect(s.session.prompt()).toBe('(rvhart hart0 M) ');
    await s.run('b s_park', 'c');
    out = await s.run('info threads'); // GDB's word for the same list
    expect(out).toMatch(/^\* 1 {5}S {5}running  0x[0-9a-f]{16} in s_park \(\)$/m);
    expect(s.session.prompt()).toBe('(rvhart hart1 S) ');
    await s.run('delete', 'b h3_park', 'c'); // hart 2 has called h2fn and waits by then
    out = await s.run('info harts');
    expect(out).toMatch(/^ {2}2 {5}M {5}WFI {6}0x[0-9a-f]{16} in h2_park \(\)$/m);
    expect(out).toMatch(/^\* 3 {5}M {5}running  0x[0-9a-f]{16} in h3_park \(\)$/m);
  });

  it('a breakpoint hit on another hart stops them all, switches to it and says so', async () => {
    const s = smp();
    const out = await s.run('b h2fn', 'c');
    const h2fn = s.symbols.lookup('h2fn')!.addr;
    expect(out).toBe(`Breakpoint 1 at 0x${h2fn.toString(16)} <h2fn>\nContinuing.\n[Switching to hart 2]\n\n` +
      `Hart 2 hit Breakpoint 1, 0x${h2fn.toString(16).padStart(16, '0')} in h2fn ()\n=> 0x${h2fn.toString(16)} <h2fn>:\tadd\tsp,sp,-16\n`);
    expect(s.target.selected).toBe(2);
    expect(s.machine.harts[2]!.pcBig()).toBe(h2fn);
    // All-stop: the others stay where they were when hart 2 stopped.
    const before = s.machine.harts.map((h) => h.pc);
    expect(await s.run('p $mhartid', 'p $a0')).toBe('$1 = 2\n$2 = 2\n'); // the boot ROM's a0 = mhartid
    expect(s.machine.harts.map((h) => h.pc)).toEqual(before);
    const bt = await s.run('bt');
    expect(bt.split('\n').filter((l) => l.startsWith('#')).map((l) => / in (\w+)/.exec(l)![1])).toEqual(['h2fn', 'h2_park']);
    // Continuing from there passes hart 2's own breakpoint; no other hart reaches h2fn.
    await s.run('delete', 'b h2_park');
    const again = await s.run('c');
    expect(again).not.toContain('Switching');
    expect(again).toContain('Hart 2 hit Breakpoint 2,');
  });

  it('hart N selects the registers, the memory (its satp), walk and the TLB the commands read', async () => {
    const s = smp();
    await s.run('b s_park', 'c');
    expect(s.target.selected).toBe(1);
    const magic = s.symbols.lookup('magic')!.addr, alias = magic - 0x40000000n;
    let out = await s.run('x/gx magic - 0x40000000', 'walk 0x40000000', 'info tlb', 'p/x $satp');
    expect(out).toContain(`0x${alias.toString(16)}:\t0x1122334455667788`);
    expect(out).toMatch(/walk 0x0000000040000000: Sv39, satp 0x8000000000080\w+/);
    expect(out).toContain('leaf, 1 GiB page at 0x80000000');
    expect(out).toMatch(/0x0000000040000000 0x0000000080000000 1 GiB\s+0\s+rwx--ad/);
    expect(out).toMatch(/\$\d+ = 0x8000000000080\w+/);
    out = await s.run('hart 0');
    expect(out).toMatch(/^\[Switching to hart 0 \(M-mode, running\)\]\n#0  0x[0-9a-f]{16} in p_loop \(\)\n$/);
    out = await s.run('x/gx magic - 0x40000000', 'walk 0x40000000', 'info tlb', 'p/x $satp', 'p $mhartid', 'info registers pc');
    expect(out).toContain(`Cannot access memory at address 0x${alias.toString(16)}`);
    expect(out).toContain('satp.MODE = Bare');
    expect(out).toContain('TLB: 0 valid entries');
    expect(out).toMatch(/\$\d+ = 0x0\n\$\d+ = 0\n/);
    expect(out).toMatch(/pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <p_loop(\+\d+)?>/);
    expect(await s.run('hart')).toBe('[Current hart is 0 (M-mode, running)]\n');
    expect(await s.run('hart 4')).toBe('Invalid hart ID: 4 (harts 0..3).\n');
    expect(await s.run('thread 3', 'p $mhartid')).toMatch(/Switching to hart 3[^]*\$\d+ = 3\n$/);
  });

  it('a watchpoint fires on a store by any hart, naming that hart', async () => {
    const s = smp();
    const out = await s.run('watch counter', 'c');
    expect(out).toContain('[Switching to hart 3]');
    expect(out).toMatch(/Hart 3 hit Hardware watchpoint 1: \*\(u64\*\)0x[0-9a-f]+ <counter>\n\nOld value = 0x0\nNew value = 0x21\n/);
    expect(s.target.selected).toBe(3);
  });

  it('a caught trap names its hart', async () => {
    const s = smp();
    const out = await s.run('catch trap illegal-instruction', 'b s_park', 'c', 'hart 0');
    expect(out).toContain('Hart 1 hit Breakpoint 2');
    // s_park's `j s_park` becomes an illegal instruction; hart 1 takes it (S to M) as the others run on
    const trap = await s.run('delete 2', 'set *(u16*)s_park = 0', 'c');
    expect(trap).toContain('[Switching to hart 1]');
    expect(trap).toMatch(/Hart 1 hit Catchpoint 1 \(trap illegal-instruction\), illegal-instruction \(cause 2\) from S to M/);
  });

  it('hart apply runs a command on each hart (all: highest first), then selects the first hart again', async () => {
    const s = smp();
    await s.run('b h2fn', 'c');
    let out = await s.run('hart apply all p $mhartid');
    expect(out).toBe('\nHart 3 (M-mode, running):\n$1 = 3\n\nHart 2 (M-mode, running):\n$2 = 2\n\nHart 1 (S-mode, running):\n$3 = 1\n\nHart 0 (M-mode, running):\n$4 = 0\n');
    expect(s.target.selected).toBe(2);
    out = await s.run('hart apply 0-1 3 -q p $mhartid');
    expect(out).toBe('$5 = 0\n$6 = 1\n$7 = 3\n');
    out = await s.run('thread apply all -ascending -q p $mhartid');
    expect(out).toBe('$8 = 0\n$9 = 1\n$10 = 2\n$11 = 3\n');
    expect(await s.run('hart apply 7 p 1')).toBe('Invalid hart ID: 7 (harts 0..3).\n');
    expect(await s.run('hart apply all')).toBe('Please specify a command following the hart ID list.\n');
  });

  it('si steps the selected hart alone (scheduler-locking step); off lets the scheduler run the others; on keeps them stopped on c', async () => {
    const s = smp(1);
    await s.run('b s_park', 'c', 'delete');
    expect(await s.run('show scheduler-locking')).toBe('Mode for locking scheduler during execution is "step".\n');
    let before = retired(s);
    await s.run('si 5');
    let after = retired(s);
    expect(after[1]).toBe(before[1]! + 5);
    expect([after[0], after[2], after[3]]).toEqual([before[0], before[2], before[3]]);
    // off: the machine runs by its scheduler (quantum 1 here) until hart 1 has retired one more
    await s.run('set scheduler-locking off');
    before = retired(s);
    await s.run('si 3');
    after = retired(s);
    expect(after[1]).toBe(before[1]! + 3);
    expect(after[0]).toBeGreaterThan(before[0]!); // hart 0 spins in p_loop: it ran meanwhile
    expect(s.target.selected).toBe(1);
    // on: c runs the selected hart alone, to its breakpoint
    await s.run('set scheduler-locking on', 'hart 0', 'b p_loop');
    before = retired(s);
    const out = await s.run('c');
    expect(out).not.toContain('Switching');
    after = retired(s);
    expect(after[0]).toBeGreaterThan(before[0]!);
    expect([after[1], after[2], after[3]]).toEqual([before[1], before[2], before[3]]);
    expect(await s.run('set scheduler-locking sometimes')).toBe('Usage: set scheduler-locking off|on|step\n');
  });

  it('ni over a call runs the selected hart alone under scheduler-locking step, as si does', async () => {
    const s = smp();
    await s.run('b *hart2', 'c', 'delete');
    expect(s.target.selected).toBe(2);
    const before = retired(s);
    const out = await s.run('ni 2'); // auipc, then the jalr of `call wait_go`, stepped over
    expect(out).toMatch(/in hart2 \(\)/);
    const after = retired(s);
    expect(after[2]).toBeGreaterThan(before[2]! + 2);
    expect([after[0], after[1], after[3]]).toEqual([before[0], before[1], before[3]]);
  });

  it('stepping a hart that waits in WFI alone says nothing could wake it, and the machine goes on', async () => {
    const s = smp();
    await s.run('b h3_park', 'c', 'delete', 'hart 2');
    expect(s.machine.harts[2]!.waiting).toBe(true);
    const before = retired(s);
    const out = await s.run('si');
    expect(out).toContain('Hart 2 waits in WFI with no interrupt pending, and the other harts are stopped (scheduler-locking step): nothing could wake it.');
    expect(retired(s)).toEqual(before);
    expect(s.target.finished).toBeUndefined();
    expect(await s.run('b s_park', 'c')).toContain('Hart 1 hit Breakpoint 2');
  });

  it('continuing a hart alone (scheduler-locking on) stops in a WFI nothing could wake, not ending the machine', async () => {
    const s = smp();
    await s.run('b *hart3', 'c', 'delete', 'set scheduler-locking on');
    const out = await s.run('c');
    expect(out).toContain('Hart 3 waits in WFI with no interrupt pending, and the other harts are stopped (scheduler-locking on)');
    expect(out).toMatch(/=> 0x[0-9a-f]+ <h3_park\+4>:\tj/); // the wfi retired: the hart waits after it
    expect(s.machine.harts[3]!.pcBig()).toBe(s.symbols.lookup('h3_park')!.addr + 4n);
    expect(s.machine.harts[3]!.waiting).toBe(true);
    expect(s.target.finished).toBeUndefined();
    expect(await s.run('si')).toContain('Hart 3 waits in WFI');
    expect(await s.run('set scheduler-locking step', 'b s_park', 'c')).toContain('Hart 1 hit Breakpoint 2');
  });

  it('one hart: no hart in the prompt or the stops, info harts lists the one', async () => {
    const s = asmSession(CALLS);
    expect(s.session.prompt()).toBe('(rvhart M) ');
    const out = await s.run('b inner', 'c', 'info harts');
    expect(out).toContain('\nBreakpoint 1, 0x');
    expect(out).not.toContain('Hart 0 hit');
    expect(out).toMatch(/\* 0 {5}M {5}running  0x[0-9a-f]{16} in inner \(\)/);
  });
});
