// Encoding through the table: an entry and its operand values → instruction bits. The assembler
// uses this; nothing else knows where operand bits go.

import { FIELDS, fieldFits, insertField, type FieldName } from './fields.js';
import type { InsnDef } from './table.js';

export class EncodeError extends Error {
  constructor(readonly field: FieldName, readonly value: number, message: string) { super(message); }
}

/**
 * Encodes `def` with raw field values (as `decode` reports them in `fields`: U-type fields as the
 * 20-bit field, not shifted; register numbers as 0..31). Throws EncodeError for a value that does not fit.
 */
export function encode(def: InsnDef, values: Partial<Record<FieldName, number>>): number {
  let bits = def.match;
  for (const name of def.fields) {
    const kind = FIELDS[name];
    const v = values[name] ?? 0;
    if (!fieldFits(kind, v)) {
      throw new EncodeError(name, v, `${def.mnemonic}: ${kind.syntax === 'reg' ? 'register' : 'immediate'} ${v} does not fit ${name}`);
    }
    bits |= insertField(kind, v);
  }
  return bits >>> 0;
}
