// Register access by name for the shell and the stub: x0–x31 (and ABI names), pc, every implemented
// CSR (read and written through the hart's own CSR rules, so WARL masks apply), and `priv`.

import type { Hart } from '../hart/hart.js';
import { csrCheck, csrRead, csrWrite } from '../hart/csr.js';
import { CSR_NAMES, CSR_NUMBERS, registerNumber } from '../isa/csrs.js';

export type RegRef = { kind: 'x'; n: number } | { kind: 'pc' } | { kind: 'csr'; csr: number; name: string } | { kind: 'priv' };

let implementedCache: number[] | undefined;

/** Every CSR number the hart implements, ascending: csrCheck from M-mode refuses exactly the others. */
export function implementedCsrs(): number[] {
  if (implementedCache) return implementedCache;
  // The probe is an M-mode hart with every counter enabled: only "not implemented" can refuse a read.
  const probe = { priv: 3, mcounteren: -1, scounteren: -1, mstatus: 0, menvcfg: 0n } as Pick<Hart, 'priv' | 'mcounteren' | 'scounteren' | 'mstatus' | 'menvcfg'>;
  const out: number[] = [];
  for (const csr of [...CSR_NAMES.keys()].sort((a, b) => a - b)) {
    try { csrCheck(probe as Hart, csr, false, 0); out.push(csr); } catch { /* not implemented */ }
  }
  return (implementedCache = out);
}

export function csrName(csr: number): string {
  return CSR_NAMES.get(csr) ?? `csr${csr.toString(16)}`;
}

/** Resolves "a0", "x10", "fp", "pc", "satp", "priv" (a leading $ is allowed). */
export function regByName(name: string): RegRef | undefined {
  const n = name.replace(/^\$/, '').toLowerCase();
  if (n === 'pc') return { kind: 'pc' };
  if (n === 'priv') return { kind: 'priv' };
  const x = registerNumber(n);
  if (x !== undefined) return { kind: 'x', n: x };
  const csr = CSR_NUMBERS[n];
  if (csr !== undefined && implementedCsrs().includes(csr)) return { kind: 'csr', csr, name: n };
  return undefined;
}

export function readReg(h: Hart, r: RegRef): bigint {
  switch (r.kind) {
    case 'x': return BigInt.asUintN(64, h.reg(r.n));
    case 'pc': return h.pcBig();
    case 'priv': return BigInt(h.priv);
    case 'csr': return BigInt.asUintN(64, csrRead(h, r.csr));
  }
}

/** Writes a register; returns an error line, or undefined. */
export function writeReg(h: Hart, r: RegRef, v: bigint): string | undefined {
  v = BigInt.asUintN(64, v);
  switch (r.kind) {
    case 'x': if (r.n !== 0) h.setReg(r.n, v); return undefined;
    case 'pc': h.setPcBig(v); return undefined;
    case 'priv':
      if (v !== 0n && v !== 1n && v !== 3n) return `priv: ${v} is not a privilege level (0 U, 1 S, 3 M)`;
      h.priv = Number(v);
      h.privChanged();
      return undefined;
    case 'csr':
      if ((r.csr >>> 10) === 3) return `${r.name} is read-only`;
      csrWrite(h, r.csr, v);
      return undefined;
  }
}
