// The stub's threads on a four-hart machine (programs.ts's SMP): one thread per hart, id = mhartid
// + 1, named "hart N" — the thread list (qfThreadInfo and qXfer:threads:read), qC, T, H selecting
// the hart registers and memory are read through, stop replies naming the hart that stopped, and
// vCont stepping one hart alone or with the others running. Also threads.ts's parsing alone.

import { describe, expect, it } from 'vitest';
import { GdbStub } from '../../../../emulator/debug/gdb/stub.js';
import { monitorHandler } from '../../../../emulator/debug/gdb/monitor.js';
import { frame, fromHex, PacketParser, regHex } from '../../../../emulator/debug/gdb/protocol.js';
import { parseThread, parseVCont, planVCont, threadList, threadsXml } from '../../../../emulator/debug/gdb/threads.js';
import { asmSession } from '../harness.js';
import { SMP } from '../programs.js';

function stubOn(src: string, smp: number, quantum?: number) {
  const s = asmSession(src, { smp, ...(quantum ? { quantum } : {}) });
  const sent: string[] = [];
  const parser = new PacketParser();
  const stub = new GdbStub(s.target, { send: (d) => { for (const e of parser.feed(d)) if (e.kind === 'packet') sent.push(e.data); }, close: () => {} },
    monitorHandler(s.target, s.symbols));
  const ask = async (p: string): Promise<string> => {
    const n = sent.length;
    stub.receive(frame(p));
    for (let i = 0; i < 1000 && sent.length === n; i++) await new Promise((r) => setTimeout(r, 1));
    return sent[sent.length - 1]!;
  };
  return { s, stub, ask };
}

describe('threads.ts', () => {
  it('parses thread ids and vCont, and plans which harts run', () => {
    expect(parseThread('-1', 4)).toBe('all');
    expect(parseThread('0', 4)).toBe('any');
    expect(parseThread('3', 4)).toBe(2);
    expect(parseThread('5', 4)).toBeUndefined();
    expect(parseThread('p1.2', 4)).toBeUndefined();
    expect(threadList(3)).toBe('m1,2,3');
    expect(threadsXml(['M-mode'])).toContain('<thread id="1" core="0" name="hart 0">M-mode</thread>');
    expect(parseVCont('s:2;c', 4)).toEqual([{ action: 's', thread: 1 }, { action: 'c', thread: 'all' }]);
    expect(parseVCont('C05:1;c', 4)).toEqual([{ action: 'c', thread: 0 }, { action: 'c', thread: 'all' }]);
    expect(parseVCont('q', 4)).toBeUndefined();
    expect(parseVCont('s:9', 4)).toBeUndefined();
    const plan = (body: string, cur = 0) => planVCont(parseVCont(body, 4)!, 4, cur);
    expect(plan('s:2;c')).toEqual({ step: 1, others: true, only: undefined });
    expect(plan('s:2')).toEqual({ step: 1, others: false, only: undefined });
    expect(plan('c')).toEqual({ step: undefined, others: true, only: undefined });
    expect(plan('c:3')).toEqual({ step: undefined, others: true, only: 2 });
    expect(plan('c:3;c:4')).toEqual({ step: undefined, others: true, only: undefined });
    expect(planVCont(parseVCont('c:1', 1)!, 1, 0)).toEqual({ step: undefined, others: true, only: undefined });
  });
});

describe('the stub with four harts', () => {
  it('lists the harts as threads named "hart N"; qC, T and qThreadExtraInfo', async () => {
    const { ask } = stubOn(SMP, 4);
    expect(await ask('qfThreadInfo')).toBe('m1,2,3,4');
    expect(await ask('qsThreadInfo')).toBe('l');
    expect(await ask('qC')).toBe('QC1');
    const xml = await ask('qXfer:threads:read::0,fff');
    expect(xml.startsWith('l<?xml version="1.0"?>\n<threads>\n')).toBe(true);
    for (let i = 0; i < 4; i++) expect(xml).toContain(`<thread id="${i + 1}" core="${i}" name="hart ${i}">M-mode</thread>`);
    expect(await ask('qXfer:threads:read::0,10')).toBe('m<?xml version="1');
    expect(await ask('T4')).toBe('OK');
    expect(await ask('T5')).toBe('E01');
    expect(fromHex(await ask('qThreadExtraInfo,3'))).toBe('hart 2 (M-mode)');
    expect(await ask('?')).toBe('T05thread:1;');
  });

  it('a breakpoint hit on hart 2 reports thread 3 and selects it; Hg picks whose registers and memory (its satp) are read', async () => {
    const { s, ask } = stubOn(SMP, 4);
    const h2fn = s.symbols.lookup('h2fn')!.addr, sPark = s.symbols.lookup('s_park')!.addr;
    expect(await ask(`Z0,${h2fn.toString(16)},2`)).toBe('OK');
    expect(await ask('vCont;c')).toBe('T05thread:3;swbreak:;');
    expect(await ask('qC')).toBe('QC3');
    expect(await ask('p20')).toBe(regHex(h2fn));
    expect(await ask(`p${(65 + 0xf14).toString(16)}`)).toBe(regHex(2n)); // mhartid
    expect(await ask(`z0,${h2fn.toString(16)},2`)).toBe('OK');
    expect(await ask(`Z0,${sPark.toString(16)},2`)).toBe('OK');
    expect(await ask('vCont;c')).toBe('T05thread:2;swbreak:;');
    const alias = s.symbols.lookup('magic')!.addr - 0x40000000n;
    expect(await ask(`m${alias.toString(16)},8`)).toBe('8877665544332211'); // hart 1's Sv39 alias
    expect(await ask('Hg1')).toBe('OK');
    expect(await ask(`m${alias.toString(16)},8`)).toBe('E14'); // hart 0: Bare, no RAM there
    expect(await ask(`p${(65 + 0xf14).toString(16)}`)).toBe(regHex(0n));
    expect((await ask('g')).slice(32 * 16)).toBe(regHex(s.machine.harts[0]!.pcBig()));
    expect(await ask('Hg3')).toBe('OK');
    expect(await ask('p20')).toBe(regHex(s.machine.harts[2]!.pcBig()));
    expect(await ask('Hg9')).toBe('E01');
    expect(await ask('Hc-1')).toBe('OK');
  });

  it('vCont;s:N steps hart N-1 alone; vCont;s:N;c lets the others run; a watchpoint hit by hart 3 reports thread 4', async () => {
    const { s, ask } = stubOn(SMP, 4, 1);
    const sPark = s.symbols.lookup('s_park')!.addr;
    await ask(`Z0,${sPark.toString(16)},2`);
    expect(await ask('vCont;c')).toBe('T05thread:2;swbreak:;');
    await ask(`z0,${sPark.toString(16)},2`);
    const before = s.machine.harts.map((h) => h.retired);
    expect(await ask('vCont;s:2')).toBe('T05thread:2;');
    let after = s.machine.harts.map((h) => h.retired);
    expect(after).toEqual([before[0], before[1]! + 1, before[2], before[3]]);
    for (let i = 0; i < 3; i++) expect(await ask('vCont;s:2;c')).toBe('T05thread:2;');
    after = s.machine.harts.map((h) => h.retired);
    expect(after[1]).toBe(before[1]! + 4);
    expect(after[0]).toBeGreaterThan(before[0]!); // hart 0 spins: it ran between hart 1's steps
    const { s: s2, ask: ask2 } = stubOn(SMP, 4);
    const counter = s2.symbols.lookup('counter')!.addr;
    expect(await ask2(`Z2,${counter.toString(16)},8`)).toBe('OK');
    expect(await ask2('vCont;c')).toBe(`T05thread:4;watch:${counter.toString(16)};`);
    expect(await ask2('qC')).toBe('QC4');
  });

  it('vCont;c:N runs hart N-1 alone; a hart that waits in WFI alone stops there', async () => {
    const { s, ask } = stubOn(SMP, 4);
    const h3Park = s.symbols.lookup('h3_park')!.addr, pLoop = s.symbols.lookup('p_loop')!.addr;
    await ask(`Z0,${h3Park.toString(16)},2`);
    expect(await ask('vCont;c')).toBe('T05thread:4;swbreak:;');
    await ask(`z0,${h3Park.toString(16)},2`);
    const before = s.machine.harts.map((h) => h.retired);
    expect(await ask('vCont;s:4')).toBe('T05thread:4;'); // its wfi retires; the hart then waits
    expect(s.machine.harts.map((h) => h.retired)).toEqual(before.map((n, i) => (i === 3 ? n + 1 : n)));
    expect(s.machine.harts[3]!.waiting).toBe(true);
    expect(await ask('vCont;c:4')).toBe('T05thread:4;'); // nothing pending, the others stopped: it stops where it waits
    expect(s.machine.harts[3]!.retired).toBe(before[3]! + 1);
    expect(s.target.finished).toBeUndefined();
    await ask(`Z0,${pLoop.toString(16)},2`);
    expect(await ask('vCont;c:1')).toBe('T05thread:1;swbreak:;');
    const after = s.machine.harts.map((h) => h.retired);
    expect(after[0]).toBeGreaterThan(before[0]!);
    expect(after.slice(1)).toEqual([before[1], before[2], before[3]! + 1]);
  });

  it('one hart: one thread, as before', async () => {
    const { ask } = stubOn(SMP, 1);
    expect(await ask('qfThreadInfo')).toBe('m1');
    expect(await ask('qC')).toBe('QC1');
    expect(await ask('T2')).toBe('E01');
    expect(await ask('qXfer:threads:read::0,fff')).toContain('<thread id="1" core="0" name="hart 0">M-mode</thread>\n</threads>');
  });
});
