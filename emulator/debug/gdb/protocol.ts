// GDB remote serial protocol: packet framing ($data#cs, '}' escapes, '*' run-length in replies we
// do not send), acknowledgements, the 0x03 interrupt byte, and the target description XML with the
// features GDB's RISC-V port knows: org.gnu.gdb.riscv.cpu (x0–x31, pc), org.gnu.gdb.riscv.csr
// (every implemented CSR, at GDB's numbering 65 + csr) and org.gnu.gdb.riscv.virtual (priv).
// Packet payloads are handled as latin1 strings (one char per byte).

import { ABI_NAMES, FP_ABI_NAMES } from '../../isa/csrs.js';
import type { Hart } from '../../hart/hart.js';
import { csrName, implementedCsrs } from '../regs.js';

export const PACKET_SIZE = 0x4000;
/** GDB's RISC-V register numbering. */
export const REG_PC = 32, REG_FIRST_FP = 33, REG_FIRST_CSR = 65, REG_PRIV = 65 + 4096;
/** The F CSRs GDB expects in the fpu feature rather than the csr one. */
const FP_CSRS: readonly number[] = [1, 2, 3];

export type RspEvent =
  | { readonly kind: 'packet'; readonly data: string }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nack' }
  /** A packet whose checksum did not match (answered with '-' in ack mode). */
  | { readonly kind: 'corrupt'; readonly data: string };

export function checksum(s: string): number {
  let c = 0;
  for (let i = 0; i < s.length; i++) c = (c + s.charCodeAt(i)) & 0xff;
  return c;
}

/** Escapes '$', '#', '}' and '*' as '}' + (byte ^ 0x20). */
export function escape(s: string): string {
  return s.replace(/[$#}*]/g, (c) => '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
}

export function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '}' && i + 1 < s.length) out += String.fromCharCode(s.charCodeAt(++i) ^ 0x20);
    else out += c;
  }
  return out;
}

export function frame(data: string): string {
  const e = escape(data);
  return `$${e}#${checksum(e).toString(16).padStart(2, '0')}`;
}

/** Incremental parser: bytes in, events out. Garbage between packets is skipped. */
export class PacketParser {
  private buf = '';

  feed(chunk: string): RspEvent[] {
    this.buf += chunk;
    const out: RspEvent[] = [];
    for (;;) {
      if (this.buf.length === 0) break;
      const c = this.buf[0]!;
      if (c === '+') { out.push({ kind: 'ack' }); this.buf = this.buf.slice(1); continue; }
      if (c === '-') { out.push({ kind: 'nack' }); this.buf = this.buf.slice(1); continue; }
      if (c === '\x03') { out.push({ kind: 'interrupt' }); this.buf = this.buf.slice(1); continue; }
      if (c !== '$') { this.buf = this.buf.slice(1); continue; }
      const hash = this.findHash();
      if (hash < 0 || hash + 2 >= this.buf.length) break; // incomplete
      const body = this.buf.slice(1, hash), cs = this.buf.slice(hash + 1, hash + 3);
      this.buf = this.buf.slice(hash + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(cs) || parseInt(cs, 16) !== checksum(body)) out.push({ kind: 'corrupt', data: body });
      else out.push({ kind: 'packet', data: unescape(body) });
    }
    return out;
  }

  /** The '#' ending the packet at buf[0] (an escaped '#' is preceded by '}'). */
  private findHash(): number {
    for (let i = 1; i < this.buf.length; i++) {
      if (this.buf[i] === '}') { i++; continue; }
      if (this.buf[i] === '#') return i;
    }
    return -1;
  }
}

export const toHex = (s: string): string => [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
export const fromHex = (h: string): string | undefined => {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined;
  let s = '';
  for (let i = 0; i < h.length; i += 2) s += String.fromCharCode(parseInt(h.slice(i, i + 2), 16));
  return s;
};

/** A 64-bit value as GDB's target-endian (little-endian) hex. */
export function regHex(v: bigint): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += Number((v >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0');
  return s;
}

export function parseRegHex(h: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{16}$/.test(h)) return undefined;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(parseInt(h.slice(2 * i, 2 * i + 2), 16));
  return v;
}

const PTR: Record<string, string> = { ra: 'code_ptr', sp: 'data_ptr', gp: 'data_ptr', tp: 'data_ptr', s0: 'data_ptr' };

export function targetXml(h: Hart): string {
  const cpu = ABI_NAMES.map((n, i) => `    <reg name="${i === 8 ? 'fp' : n}" bitsize="64" type="${PTR[n] ?? 'int'}" regnum="${i}"/>`);
  cpu.push(`    <reg name="pc" bitsize="64" type="code_ptr" regnum="${REG_PC}"/>`);
  // RV64 D: each f register holds a double or a NaN-boxed float (GDB's riscv_double union).
  const fpu = [
    '    <union id="riscv_double">', '      <field name="float" type="ieee_single"/>', '      <field name="double" type="ieee_double"/>', '    </union>',
    ...FP_ABI_NAMES.map((n, i) => `    <reg name="${n}" bitsize="64" type="riscv_double" regnum="${REG_FIRST_FP + i}"/>`),
    ...FP_CSRS.map((c) => `    <reg name="${csrName(h, c)}" bitsize="64" type="int" regnum="${REG_FIRST_CSR + c}" group="float"/>`),
  ];
  const csr = implementedCsrs(h).filter((c) => !FP_CSRS.includes(c)).map((c) => `    <reg name="${csrName(h, c)}" bitsize="64" type="int" regnum="${REG_FIRST_CSR + c}" group="csr"/>`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    '<target version="1.0">',
    '  <architecture>riscv:rv64</architecture>',
    // Bare metal: without this, gdb-multiarch assumes its host's OS ABI (GNU/Linux), whose RISC-V
    // support single-steps by a breakpoint at the next pc and so runs through trap handlers.
    '  <osabi>none</osabi>',
    '  <feature name="org.gnu.gdb.riscv.cpu">', ...cpu, '  </feature>',
    '  <feature name="org.gnu.gdb.riscv.fpu">', ...fpu, '  </feature>',
    '  <feature name="org.gnu.gdb.riscv.csr">', ...csr, '  </feature>',
    '  <feature name="org.gnu.gdb.riscv.virtual">',
    `    <reg name="priv" bitsize="64" type="int" regnum="${REG_PRIV}" group="system"/>`,
    '  </feature>',
    '</target>',
    '',
  ].join('\n');
}
