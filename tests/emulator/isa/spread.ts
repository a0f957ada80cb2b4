// A spread of operand values for every table entry: each field through its extremes (min/max
// immediates, x0/x31, the prime registers x8/x15, every CSR, every fence set, every aq/rl), one
// field at a time over a base combination, plus all-minimum and all-maximum combinations.

import { FIELDS, fieldFits, type FieldKind, type FieldName } from '../../../emulator/isa/fields.js';
import { CSR_NAMES } from '../../../emulator/isa/csrs.js';
import { TABLE, type InsnDef } from '../../../emulator/isa/table.js';

export type Values = Partial<Record<FieldName, number>>;

/** Numbers no CSR name covers, so the `0x…` spelling is exercised too. */
const UNNAMED_CSRS = [0x7c0, 0x5ff, 0xfff, 0x800, 0xbc0];

/** The values a field takes in the spread (only ones that fit it). */
export function fieldValues(kind: FieldKind): number[] {
  let vs: number[];
  if (kind.syntax === 'reg' || kind.syntax === 'freg') vs = kind.prime ? [8, 9, 10, 11, 12, 13, 14, 15] : Array.from({ length: 32 }, (_, n) => n);
  else if (kind.syntax === 'csr') vs = [...CSR_NAMES.keys(), ...UNNAMED_CSRS];
  else if (kind.syntax === 'fence' || kind.syntax === 'rm' || kind.name === 'aqrl') vs = Array.from({ length: 2 ** kind.width }, (_, n) => n);
  else {
    // The smallest step the encoding can express (implied zero low bits).
    let covered = 0;
    for (const [hi, lo, vlo] of kind.segments) covered |= ((1 << (hi - lo + 1)) - 1) << vlo;
    const step = covered & -covered;
    const min = kind.signed ? -(2 ** (kind.width - 1)) : 0;
    const max = (kind.signed ? 2 ** (kind.width - 1) : 2 ** kind.width) - step;
    vs = [min, min + step, -step, 0, step, 2 * step, 3 * step, 16 * step, (max >> 1) & ~(step - 1), max - step, max, 1, -1, 255];
  }
  return [...new Set(vs)].filter((v) => fieldFits(kind, v));
}

/** Operand combinations for one entry (never empty: an entry without fields gets `{}`). */
export function spread(def: InsnDef): Values[] {
  const names = def.fields;
  const values = names.map((f) => fieldValues(FIELDS[f]));
  const base: Values = {};
  names.forEach((f, i) => {
    const vs = values[i]!;
    base[f] = FIELDS[f].syntax === 'reg' || FIELDS[f].syntax === 'freg' ? (vs.includes(10) ? 10 : vs[0]!) : vs[Math.min(4, vs.length - 1)]!;
  });
  const out: Values[] = [{ ...base }];
  names.forEach((f, i) => {
    for (const v of values[i]!) out.push({ ...base, [f]: v });
  });
  const lo: Values = {}, hi: Values = {};
  names.forEach((f, i) => {
    lo[f] = values[i]![0]!;
    hi[f] = values[i]![values[i]!.length - 1]!;
  });
  out.push(lo, hi);
  return out;
}

/** Every table entry with its spread. */
export function allCases(): { def: InsnDef; values: Values }[] {
  return TABLE.flatMap((def) => spread(def).map((values) => ({ def, values })));
}
