// Decoding through the table: instruction bits → the table entry, its operand values, and for a
// compressed instruction the base instruction it expands to. The hart decodes once per physical
// address and caches the result, so this is deliberately plain.

import { TABLE, type InsnDef } from './table.js';
import { FIELDS, extractField, type FieldKind } from './fields.js';

export interface Decoded {
  /** The entry that matched (c.addi for a compressed addi). */
  readonly def: InsnDef;
  /** The base instruction executed (addi for c.addi): its mnemonic and its index in TABLE. */
  readonly base: InsnDef;
  readonly op: number;
  /** 2 or 4 bytes. */
  readonly size: 2 | 4;
  readonly bits: number;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  /** F/D: the R4 format's third source, and the rm field of an FR or R4 instruction (0 otherwise). */
  readonly rs3: number;
  readonly rm: number;
  /** rd names an f register (f0 is a real register there, not a sink). */
  readonly fpRd: boolean;
  /**
   * The architectural immediate as a signed 32-bit number: offsets in bytes, lui/auipc already
   * shifted left by 12, shift amounts, zimm of csr*i, fence pred/succ packed as (pred << 4) | succ.
   */
  readonly imm: number;
  readonly csr: number;
  /** A/L ordering bits of AMOs: aq = 2, rl = 1. */
  readonly aqrl: number;
  /** Every field's raw value by field name (U-type fields unshifted), as `encode` takes them. */
  readonly fields: Readonly<Record<string, number>>;
}

const groupKey = (bits: number): number =>
  (bits & 3) === 3 ? 0x10000 | (bits & 0x7f) : ((bits >>> 13) & 7) << 2 | (bits & 3);

/** Value of a field in its decoded meaning (U-type fields shifted into place). */
function fieldValue(kind: FieldKind, bits: number): number {
  const v = extractField(kind, bits);
  return kind.name === 'uimm20' || kind.name === 'c_nzimm18' ? v << 12 : v;
}

/** A decoder for one instruction table (the project's TABLE, or a test's table with extra entries). */
export interface Decoder {
  /** Finds the table entry for instruction bits (a 16-bit parcel in the low half for compressed forms). */
  lookup(bits: number): InsnDef | undefined;
  /** Decodes instruction bits, or returns undefined for an illegal or reserved encoding. */
  decode(bits: number): Decoded | undefined;
}

export function makeDecoder(table: readonly InsnDef[]): Decoder {
  // Candidates by the bits that select a major group: opcode for 32-bit, (funct3, op) for 16-bit.
  const groups = new Map<number, InsnDef[]>();
  for (const d of table) {
    const k = groupKey(d.match);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(d);
  }
  const index = new Map(table.map((d, n) => [d.mnemonic, n]));
  function lookup(bits: number): InsnDef | undefined {
    const g = groups.get(groupKey(bits));
    if (!g) return undefined;
    const word = (bits & 3) === 3 ? bits >>> 0 : bits & 0xffff;
    for (const d of g) {
      if (((word & d.mask) >>> 0) !== d.match) continue;
      if (d.fields.some((f) => FIELDS[f].nonzero === true && extractField(FIELDS[f], word) === 0)) continue;
      if (d.fields.some((f) => FIELDS[f].exclude?.includes(extractField(FIELDS[f], word)) === true)) continue;
      return d;
    }
    return undefined;
  }

  function decode(bits: number): Decoded | undefined {
    const def = lookup(bits);
    if (!def) return undefined;
    const word = def.size === 4 ? bits >>> 0 : bits & 0xffff;
    const fields: Record<string, number> = {};
    let rd = 0, rs1 = 0, rs2 = 0, rs3 = 0, imm = 0, csr = 0, aqrl = 0, pred = 0, succ = 0, fpRd = false;
    for (const name of def.fields) {
      const kind = FIELDS[name];
      fields[name] = extractField(kind, word);
      const v = fieldValue(kind, word);
      switch (kind.role) {
        case 'rd': rd = v; fpRd = kind.syntax === 'freg'; break;
        case 'rs3': rs3 = v; break;
        case 'rs1': rs1 = v; break;
        case 'rs2': rs2 = v; break;
        case 'rdrs1': rd = rs1 = v; break;
        case 'imm': imm = v; break;
        case 'csr': csr = v; break;
        case 'aqrl': aqrl = v; break;
        case 'pred': pred = v; break;
        case 'succ': succ = v; break;
        default: break; // rm: read from the bits below, also where the syntax has none (fcvt.d.w)
      }
    }
    if (def.format === 'FENCE') imm = (pred << 4) | succ;
    let base = def;
    if (def.expand) {
      const n = index.get(def.expand.base), b = n === undefined ? undefined : table[n];
      if (!b) throw new Error(`table: ${def.mnemonic} expands to unknown ${def.expand.base}`);
      base = b;
      const f = def.expand.fixed;
      if (f.rd !== undefined) rd = f.rd;
      if (f.rs1 !== undefined) rs1 = f.rs1;
      if (f.rs2 !== undefined) rs2 = f.rs2;
      if (f.imm !== undefined) imm = f.imm;
    }
    const rm = base.format === 'FR' || base.format === 'R4' ? (word >>> 12) & 7 : 0;
    return { def, base, op: index.get(base.mnemonic)!, size: def.size, bits: word, rd, rs1, rs2, rs3, rm, fpRd, imm, csr, aqrl, fields };
  }
  return { lookup, decode };
}

const DEFAULT = makeDecoder(TABLE);
/** Finds the project's table entry for instruction bits. */
export const lookup = DEFAULT.lookup;
/** Decodes instruction bits with the project's table, or undefined for an illegal or reserved encoding. */
export const decode = DEFAULT.decode;
