// Register access by name for the shell and the stub: x0–x31 (and ABI names), f0–f31 (ft0, fa0, ...:
// the raw 64 bits), pc, every implemented CSR (read and written through the hart's own CSR rules, so
// WARL masks apply), and `priv`.

import type { Hart } from '../hart/hart.js';
import { csrRead, csrWrite } from '../hart/csr.js';
import { CSR_NAMES, fpRegisterNumber, registerNumber } from '../isa/csrs.js';
import { toBigU } from '../hart/int64.js';

export type RegRef = { kind: 'x'; n: number } | { kind: 'f'; n: number } | { kind: 'pc' } | { kind: 'csr'; csr: number; name: string } | { kind: 'priv' };

/** Every CSR number the hart implements (has a record for), ascending. */
export function implementedCsrs(h: Hart): readonly number[] {
  return h.csrs.numbers;
}

export function csrName(h: Hart, csr: number): string {
  return h.csrs.get(csr)?.name ?? CSR_NAMES.get(csr) ?? `csr${csr.toString(16)}`;
}

/** Resolves "a0", "x10", "fp", "pc", "satp", "priv" (a leading $ is allowed). */
export function regByName(h: Hart, name: string): RegRef | undefined {
  const n = name.replace(/^\$/, '').toLowerCase();
  if (n === 'pc') return { kind: 'pc' };
  if (n === 'priv') return { kind: 'priv' };
  const x = registerNumber(n);
  if (x !== undefined) return { kind: 'x', n: x };
  const f = fpRegisterNumber(n);
  if (f !== undefined) return { kind: 'f', n: f };
  const r = h.csrs.byName(n);
  if (r !== undefined) return { kind: 'csr', csr: r.number, name: r.name };
  return undefined;
}

export function readReg(h: Hart, r: RegRef): bigint {
  switch (r.kind) {
    case 'x': return BigInt.asUintN(64, h.reg(r.n));
    case 'f': return fpBits(h, r.n);
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
    case 'f': h.fpu.f[2 * r.n] = Number(BigInt.asIntN(32, v)); h.fpu.f[2 * r.n + 1] = Number(BigInt.asIntN(32, v >> 32n)); return undefined;
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

/** f[n]'s 64 bits (a single is NaN-boxed in them). */
export function fpBits(h: Hart, n: number): bigint {
  return toBigU(h.fpu.f[2 * n]!, h.fpu.f[2 * n + 1]!);
}
