// The RSP state machine over an in-memory transport: framing, acks, every packet family, malformed
// packets, Ctrl-C while running.

import { describe, expect, it } from 'vitest';
import { GdbStub } from '../../../../emulator/debug/gdb/stub.js';
import { checksum, frame, PacketParser, targetXml, fromHex } from '../../../../emulator/debug/gdb/protocol.js';
import { monitorHandler } from '../../../../emulator/debug/gdb/monitor.js';
import { asmSession } from '../harness.js';
import { Virt } from '../../../../emulator/board/virt.js';
import { CALLS, PAGING } from '../programs.js';

function stubOn(src: string) {
  const s = asmSession(src);
  const sent: string[] = [];
  const parser = new PacketParser();
  const stub = new GdbStub(s.target, { send: (d) => { for (const e of parser.feed(d)) if (e.kind === 'packet') sent.push(e.data); }, close: () => {} },
    monitorHandler(s.target, s.symbols));
  /** Sends one packet and waits for its reply (or the stop reply of a resume). */
  const ask = async (p: string): Promise<string> => {
    const n = sent.length;
    stub.receive(frame(p));
    for (let i = 0; i < 1000 && sent.length === n; i++) await new Promise((r) => setTimeout(r, 1));
    return sent[sent.length - 1]!;
  };
  return { s, stub, sent, ask };
}

/** Waits until cond() holds (at most ~10 s); the test's own expect then says what did not happen. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
}

describe('RSP framing', () => {
  it('frames with checksum and escapes, and parses back', () => {
    expect(frame('OK')).toBe('$OK#9a');
    expect(frame('a}b#')).toBe('$a}]b}\x03#' + checksum('a}]b}\x03').toString(16).padStart(2, '0'));
    const p = new PacketParser();
    expect(p.feed('+$m1000,4#')).toEqual([{ kind: 'ack' }]);
    expect(p.feed(checksum('m1000,4').toString(16))).toEqual([{ kind: 'packet', data: 'm1000,4' }]);
    expect(p.feed('$m1000,4#00')).toEqual([{ kind: 'corrupt', data: 'm1000,4' }]);
    expect(p.feed('\x03')).toEqual([{ kind: 'interrupt' }]);
  });

  it('the target description has the cpu, csr and virtual features', () => {
    const x = targetXml(new Virt({}).hart);
    expect(x).toContain('<feature name="org.gnu.gdb.riscv.cpu">');
    expect(x).toContain('<reg name="pc" bitsize="64" type="code_ptr" regnum="32"/>');
    expect(x).toContain(`<reg name="satp" bitsize="64" type="int" regnum="${65 + 0x180}" group="csr"/>`);
    expect(x).toContain(`<reg name="mstatus" bitsize="64" type="int" regnum="${65 + 0x300}" group="csr"/>`);
    expect(x).toContain(`<reg name="priv" bitsize="64" type="int" regnum="${65 + 4096}" group="system"/>`);
  });

  it('the target description says osabi none, in the DTD\'s order (architecture, osabi, features)', () => {
    // Without it gdb-multiarch keeps its host default (GNU/Linux), whose RISC-V support steps by
    // planting a breakpoint at the next pc: stepi over an ecall or a fault would run the whole handler.
    const x = targetXml(new Virt({}).hart);
    expect(x).toMatch(/<architecture>riscv:rv64<\/architecture>\n  <osabi>none<\/osabi>\n  <feature /);
  });
});

describe('GDB stub', () => {
  it('answers qSupported, features, ?, registers and memory; bad packets get E01', async () => {
    const { s, ask, stub } = stubOn(CALLS);
    expect(await ask('qSupported:multiprocess+;swbreak+;hwbreak+')).toBe('PacketSize=4000;qXfer:features:read+;qXfer:threads:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+');
    const xml = await ask('qXfer:features:read:target.xml:0,ffff');
    expect(xml.startsWith('l<?xml')).toBe(true);
    expect(await ask('qXfer:features:read:target.xml:0,10')).toBe('m<?xml version="1');
    expect(await ask('?')).toBe('T05thread:1;');
    const g = await ask('g');
    expect(g.length).toBe(33 * 16);
    expect(g.slice(32 * 16)).toBe('0010000000000000'); // pc = 0x1000, little-endian
    expect(await ask('p20')).toBe('0010000000000000');
    expect(await ask(`p${(65 + 0x301).toString(16)}`)).toBe('2d11140000000080'); // misa: RV64, A C D F I M S U
    expect(await ask(`p${(65 + 4096).toString(16)}`)).toBe('0300000000000000');
    expect(await ask('pa=1')).toBe('E01');
    expect(await ask('P5=2a00000000000000')).toBe('OK');
    expect(s.machine.hart.reg(5)).toBe(42n);
    expect(await ask('m1000,4')).toMatch(/^[0-9a-f]{8}$/);
    expect(await ask('m0,4')).toBe('E14');
    expect(await ask('mzz')).toBe('E01');
    expect(await ask('M80001000,2:beef')).toBe('OK');
    expect(await ask('m80001000,2')).toBe('beef');
    expect(await ask('X80001000,2:\x01\x02')).toBe('OK');
    expect(await ask('m80001000,2')).toBe('0102');
    expect(await ask('Z0,nothex,4')).toBe('E01');
    expect(await ask('qUnknownThing')).toBe('');
    stub.disconnected();
  });

  it('Z0 then c stops with swbreak; s steps once; Z2 reports watch:ADDR; a trap on a step stops at the handler', async () => {
    const { s, ask } = stubOn(CALLS);
    const inner = s.symbols.lookup('inner')!.addr;
    expect(await ask(`Z0,${inner.toString(16)},2`)).toBe('OK');
    expect(await ask('vCont;c')).toBe('T05thread:1;swbreak:;');
    expect(s.machine.hart.pcBig()).toBe(inner);
    const r = s.machine.hart.retired;
    expect(await ask('vCont;s:1')).toBe('T05thread:1;');
    expect(s.machine.hart.retired).toBe(r + 1);
    expect(await ask(`z0,${inner.toString(16)},2`)).toBe('OK');
    const counter = s.symbols.lookup('counter')!.addr;
    expect(await ask(`Z2,${counter.toString(16)},8`)).toBe('OK');
    expect(await ask('c')).toBe(`T05thread:1;watch:${counter.toString(16)};`);
    expect(await ask(`z2,${counter.toString(16)},8`)).toBe('OK');
    expect(await ask('c')).toBe('W00');
  });

  it('Ctrl-C while running stops with SIGINT; D detaches and removes GDB\'s breakpoints', async () => {
    const { s, stub, sent } = stubOn('1: j 1b\n');
    stub.receive(frame('c'));
    await until(() => s.machine.hart.retired > 0); // polled, not slept: the host may be loaded
    stub.receive('\x03');
    await until(() => sent.length > 0);
    expect(sent[0]).toBe('T02thread:1;');
    stub.receive(frame('Z0,80000000,2'));
    await until(() => sent.length > 1);
    expect(sent[1]).toBe('OK');
    expect(s.target.points.all().length).toBe(1);
    stub.receive(frame('D'));
    expect(await stub.ended).toBe('detach');
    expect(s.target.points.all().length).toBe(0);
  });

  it('QStartNoAckMode stops acks; a corrupt packet is nacked only in ack mode', async () => {
    const s = asmSession(CALLS);
    const raw: string[] = [];
    const stub = new GdbStub(s.target, { send: (d) => raw.push(d), close: () => {} }, () => '');
    stub.receive('$m1000,4#00');
    expect(raw).toEqual(['-']);
    stub.receive(frame('QStartNoAckMode'));
    await new Promise((r) => setTimeout(r, 1));
    expect(raw.slice(1)).toEqual(['+', '$OK#9a']);
    stub.receive(frame('?'));
    await new Promise((r) => setTimeout(r, 1));
    expect(raw[3]!.startsWith('$T05')).toBe(true);
  });

  it('qRcmd runs monitor walk / info mem / info pmp / info tlb', async () => {
    const { s, ask } = stubOn(PAGING);
    const smain = s.symbols.lookup('smain')!.addr;
    await ask(`Z0,${smain.toString(16)},2`);
    await ask('c');
    const hex = (t: string): string => [...t].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
    const walk = fromHex(await ask('qRcmd,' + hex('walk 0x40000010')))!;
    expect(walk).toContain('leaf, 2 MiB page at 0x80200000');
    expect(walk).toContain('=> PA 0x0000000080200010');
    expect(fromHex(await ask('qRcmd,' + hex('info mem')))!).toContain('2 MiB block');
    expect(fromHex(await ask('qRcmd,' + hex('info pmp')))!).toContain('pmp0: NAPOT');
    expect(fromHex(await ask('qRcmd,' + hex('info tlb')))!).toContain('TLB:');
    expect(fromHex(await ask('qRcmd,' + hex('si')))!).toContain('is not a monitor command');
    expect(await ask('qRcmd,zz')).toBe('E01');
  });
});
