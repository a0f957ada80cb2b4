// The GDB remote stub: the RSP state machine over an abstract byte transport (the Node TCP adapter
// is node-server.ts). All-stop, one thread per hart (threads.ts: thread id = mhartid + 1, named
// "hart N"): `Hg` selects the hart registers and memory are read through (its satp), a stop reply
// names the hart that stopped (which GDB then takes as the selected thread, and so do we), and
// vCont says which hart steps and whether the others run meanwhile. While the machine runs, only
// 0x03 (interrupt) is read; every other packet is answered when it arrives. A malformed packet gets
// an error reply (E01) and changes nothing; an unknown one the empty reply the protocol prescribes.

import { MemoryError } from '../memory.js';
import { hartState } from '../hart-view.js';
import { readReg, regByName, writeReg, csrName, implementedCsrs, type RegRef } from '../regs.js';
import type { StopEvent, Target } from '../target.js';
import { fromHex, frame, PACKET_SIZE, PacketParser, parseRegHex, REG_FIRST_CSR, REG_FIRST_FP, REG_PC, REG_PRIV, regHex, targetXml, toHex } from './protocol.js';
import { parseThread, parseVCont, planVCont, threadId, threadList, threadName, threadsXml, xferSlice, type VContPlan } from './threads.js';

export interface StubTransport {
  /** Sends bytes (latin1 string). */
  send(data: string): void;
  /** Ends the connection. */
  close(): void;
}

export type StubEnd = 'detach' | 'kill' | 'exited' | 'disconnected';

const SIGTRAP = 5, SIGINT = 2;

export class GdbStub {
  private readonly parser = new PacketParser();
  private noAck = false;
  private running = false;
  private lastSent = '';
  private readonly xml: string;
  /** Points GDB inserted, by "type,addr,kind" → point number. */
  private readonly inserted = new Map<string, number>();
  private lastStop: StopEvent | undefined;
  /** Hc: the hart a plain c/s/C/S resumes (undefined: the selected one). */
  private continueHart: number | undefined;
  /** Resolves when the session ends. */
  readonly ended: Promise<StubEnd>;
  private endWith!: (why: StubEnd) => void;
  private done = false;

  constructor(private readonly target: Target, private readonly io: StubTransport,
    private readonly monitor: (command: string) => Promise<string> | string) {
    this.xml = targetXml(target.hart);
    this.ended = new Promise((r) => { this.endWith = r; });
  }

  /** Bytes from GDB. */
  receive(chunk: string): void {
    for (const ev of this.parser.feed(chunk)) {
      if (this.done) return;
      switch (ev.kind) {
        case 'interrupt': if (this.running) this.target.interrupt(); break;
        case 'nack': if (this.lastSent) this.io.send(this.lastSent); break;
        case 'ack': break;
        case 'corrupt': if (!this.noAck) this.io.send('-'); break;
        case 'packet':
          if (!this.noAck) this.io.send('+');
          if (this.running) break; // all-stop: GDB sends nothing but 0x03 while running
          void this.handle(ev.data);
          break;
      }
    }
  }

  /** The connection dropped. */
  disconnected(): void { this.finish('disconnected'); }

  private reply(data: string): void {
    this.lastSent = frame(data);
    this.io.send(this.lastSent);
  }

  private finish(why: StubEnd): void {
    if (this.done) return;
    this.done = true;
    for (const num of this.inserted.values()) this.target.points.remove(num);
    this.inserted.clear();
    if (this.running) this.target.interrupt();
    this.endWith(why);
  }

  private async handle(p: string): Promise<void> {
    try {
      const r = await this.dispatch(p);
      if (r !== undefined) this.reply(r);
    } catch {
      this.reply('E01');
    }
  }

  /** The reply, or undefined when the reply comes later (resume) or not at all. */
  private async dispatch(p: string): Promise<string | undefined> {
    const t = this.target, h = t.hart, harts = t.harts.length;
    const c = p[0];
    if (p.startsWith('qSupported')) return `PacketSize=${PACKET_SIZE.toString(16)};qXfer:features:read+;qXfer:threads:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+`;
    if (p === 'QStartNoAckMode') { this.reply('OK'); this.noAck = true; return undefined; }
    if (p.startsWith('qXfer:features:read:')) {
      const m = /^qXfer:features:read:([^:]+):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
      if (!m) return 'E01';
      if (m[1] !== 'target.xml') return 'E00';
      return xferSlice(this.xml, parseInt(m[2]!, 16), parseInt(m[3]!, 16));
    }
    if (p.startsWith('qXfer:threads:read:')) {
      const m = /^qXfer:threads:read::([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
      if (!m) return 'E01';
      return xferSlice(threadsXml(t.harts.map((h) => hartState(h, true))), parseInt(m[1]!, 16), parseInt(m[2]!, 16));
    }
    if (p === '?') return this.stopReply(this.lastStop);
    if (p === 'qAttached') return '1';
    if (p === 'qC') return `QC${threadId(t.selected).toString(16)}`;
    if (p === 'qfThreadInfo') return threadList(harts);
    if (p === 'qsThreadInfo') return 'l';
    if (p.startsWith('qThreadExtraInfo,')) {
      const id = parseThread(p.slice(17), harts);
      if (typeof id !== 'number') return 'E01';
      return toHex(`${threadName(id)} (${hartState(t.harts[id]!, true)})`);
    }
    if (c === 'H') {
      // Hg: the hart g/G/p/P/m/M read and write; Hc: the one c/s resume. 0 (any) and -1 (all) keep the current.
      const m = /^H([gc])(-1|[0-9a-fA-F]+)$/.exec(p);
      const id = m ? parseThread(m[2]!, harts) : undefined;
      if (!m || id === undefined) return 'E01';
      if (m[1] === 'g') { if (typeof id === 'number') t.select(id); } else this.continueHart = typeof id === 'number' ? id : undefined;
      return 'OK';
    }
    if (c === 'T') return typeof parseThread(p.slice(1), harts) === 'number' ? 'OK' : 'E01';
    if (p === 'vMustReplyEmpty') return '';
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('qSymbol')) return 'OK';
    if (p.startsWith('qRcmd,')) {
      const cmd = fromHex(p.slice(6));
      if (cmd === undefined) return 'E01';
      const out = await this.monitor(cmd.trim());
      return out === '' ? 'OK' : toHex(out.endsWith('\n') ? out : out + '\n');
    }
    switch (c) {
      case 'g': {
        let s = '';
        for (let n = 0; n < 32; n++) s += regHex(BigInt.asUintN(64, h.reg(n)));
        return s + regHex(h.pcBig());
      }
      case 'G': {
        const body = p.slice(1);
        if (body.length < 33 * 16) return 'E01';
        const vals: bigint[] = [];
        for (let n = 0; n < 33; n++) {
          const v = parseRegHex(body.slice(n * 16, n * 16 + 16));
          if (v === undefined) return 'E01';
          vals.push(v);
        }
        for (let n = 1; n < 32; n++) h.setReg(n, vals[n]!);
        h.setPcBig(vals[32]!);
        return 'OK';
      }
      case 'p': {
        const r = this.regRef(p.slice(1));
        if (!r) return 'E01';
        return regHex(readReg(h, r));
      }
      case 'P': {
        const m = /^P([0-9a-fA-F]+)=([0-9a-fA-F]{16})$/.exec(p);
        const r = m ? this.regRef(m[1]!) : undefined;
        if (!m || !r) return 'E01';
        return writeReg(h, r, parseRegHex(m[2]!)!) ? 'E01' : 'OK';
      }
      case 'm': {
        const m = /^m([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (!m) return 'E01';
        const len = Math.min(parseInt(m[2]!, 16), PACKET_SIZE / 2);
        const data = t.mem.readPartial(BigInt('0x' + m[1]!), len);
        if (data.length === 0 && len > 0) return 'E14';
        return [...data].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      case 'M': case 'X': {
        const m = /^[MX]([0-9a-fA-F]+),([0-9a-fA-F]+):([\s\S]*)$/.exec(p);
        if (!m) return 'E01';
        const len = parseInt(m[2]!, 16);
        const raw = c === 'M' ? fromHex(m[3]!) : m[3]!;
        if (raw === undefined || raw.length !== len) return 'E01';
        const err = t.mem.write(BigInt('0x' + m[1]!), Uint8Array.from(raw, (ch) => ch.charCodeAt(0)));
        return err ? 'E14' : 'OK';
      }
      case 'c': case 's': case 'C': case 'S': {
        const m = c === 'c' || c === 's' ? /^[cs]()([0-9a-fA-F]+)?$/.exec(p) : /^[CS]([0-9a-fA-F]{2})(?:;([0-9a-fA-F]+))?$/.exec(p);
        if (!m) return 'E01';
        const addr = m[2];
        const me = this.continueHart ?? t.selected;
        if (addr) t.harts[me]!.setPcBig(BigInt('0x' + addr));
        // The old packets resume "the" thread: a step steps it alone, a continue runs every hart.
        return this.resume(c === 's' || c === 'S' ? { step: me, others: false, only: undefined } : { step: undefined, others: true, only: undefined });
      }
      case 'v': {
        if (p.startsWith('vCont;')) {
          const actions = parseVCont(p.slice(6), harts);
          const plan = actions && planVCont(actions, harts, t.selected);
          if (!plan) return 'E01';
          return this.resume(plan);
        }
        if (p.startsWith('vKill')) { this.reply('OK'); this.finish('kill'); return undefined; }
        return '';
      }
      case 'Z': case 'z': {
        const m = /^[Zz]([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)(;.*)?$/.exec(p);
        if (!m) return 'E01';
        const type = Number(m[1]), addr = BigInt('0x' + m[2]!), len = parseInt(m[3]!, 16);
        const key = `${type},${addr},${len}`;
        if (c === 'z') {
          const num = this.inserted.get(key);
          if (num !== undefined) { t.points.remove(num); this.inserted.delete(key); }
          return 'OK';
        }
        if (this.inserted.has(key)) return 'OK';
        if (type <= 1) {
          this.inserted.set(key, t.points.addBreakpoint(addr, `gdb Z${type}`).num);
        } else {
          if (len < 1 || len > 64) return 'E01';
          const wtype = type === 2 ? 'watch' : type === 3 ? 'rwatch' : 'awatch';
          const old = t.mem.readValue(addr, len);
          this.inserted.set(key, t.points.addWatchpoint(wtype, addr, len, false, `gdb Z${type}`, old instanceof MemoryError ? undefined : old, true).num);
        }
        return 'OK';
      }
      case 'k': this.finish('kill'); return undefined;
      case 'D': this.reply('OK'); this.finish('detach'); return undefined;
    }
    return '';
  }

  private regRef(hexNum: string): RegRef | undefined {
    if (!/^[0-9a-fA-F]+$/.test(hexNum)) return undefined;
    const n = parseInt(hexNum, 16);
    if (n < 32) return { kind: 'x', n };
    if (n >= REG_FIRST_FP && n < REG_FIRST_FP + 32) return { kind: 'f', n: n - REG_FIRST_FP };
    if (n === REG_PC) return { kind: 'pc' };
    if (n === REG_PRIV) return { kind: 'priv' };
    const csr = n - REG_FIRST_CSR;
    if (csr >= 0 && csr < 4096 && implementedCsrs(this.target.hart).includes(csr)) return regByName(this.target.hart, csrName(this.target.hart, csr));
    return undefined;
  }

  private async resume(plan: VContPlan): Promise<undefined> {
    const t = this.target;
    this.running = true;
    const hart = plan.step ?? plan.only ?? t.selected;
    const e = await t.resume({ step: plan.step !== undefined, hart, others: plan.step !== undefined ? plan.others : plan.only === undefined });
    this.running = false;
    if (this.done) return undefined;
    this.lastStop = e;
    this.reply(this.stopReply(e));
    if (e.kind === 'exit' || e.kind === 'stopped') this.finish('exited');
    return undefined;
  }

  /** The stop reply, naming the hart it happened on (before any stop: the selected one). */
  private stopReply(e: StopEvent | undefined): string {
    const sig = (n: number): string => n.toString(16).padStart(2, '0');
    const thread = `thread:${threadId(e && 'hart' in e ? e.hart : this.target.selected).toString(16)};`;
    if (!e) return `T${sig(SIGTRAP)}${thread}`;
    switch (e.kind) {
      case 'breakpoint': return `T${sig(SIGTRAP)}${thread}${e.bp.spec === 'gdb Z1' ? 'hwbreak' : 'swbreak'}:;`;
      case 'watchpoint': {
        const w = e.hit.wp;
        const kind = w.type === 'watch' ? 'watch' : w.type === 'rwatch' ? 'rwatch' : 'awatch';
        return `T${sig(SIGTRAP)}${thread}${kind}:${w.addr.toString(16)};`;
      }
      case 'interrupted': return `T${sig(SIGINT)}${thread}`;
      case 'exit': return `W${sig(e.code & 0xff)}`;
      case 'stopped': return `X${sig(SIGTRAP)}`;
      default: return `T${sig(SIGTRAP)}${thread}`;
    }
  }
}
