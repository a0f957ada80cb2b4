// Choosing the compressed (RVC) form of a base instruction, derived from the ISA table: the
// candidates are the C entries whose `expand.base` is the instruction, tried in table order; one
// fits when its fixed operands equal the instruction's and each of its fields can hold the
// corresponding operand. On top of the table, three facts about GNU as (the reference we match):
//  - it never emits a HINT encoding (rd = x0, c.addi with imm 0, shifts by 0), except that an alias
//    entry naming its C forms (`add rd, rd, 0` → c.addi) takes any immediate their fields hold;
//  - it also writes commutative operations with swapped sources (add a0, a1, a0 → c.add a0, a1);
//  - `addi rd, rs, 0` (mv) becomes c.mv, which expands to the equivalent `add rd, x0, rs`.

import { FIELDS, fieldFits, type FieldName, type Role } from '../../emulator/isa/fields.js';
import { TABLE, BY_MNEMONIC, type InsnDef } from '../../emulator/isa/table.js';
import { encode } from '../../emulator/isa/encode.js';
import { lookup } from '../../emulator/isa/decode.js';

/** Operand values by role, as the base instruction has them (imm: U-type field sign-extended). */
export interface Roles { rd?: number; rs1?: number; rs2?: number; imm?: number }

const CANDIDATES = new Map<string, InsnDef[]>();
for (const d of TABLE) {
  if (!d.expand) continue;
  let l = CANDIDATES.get(d.expand.base);
  if (!l) CANDIDATES.set(d.expand.base, (l = []));
  l.push(d);
}

/** Base operations whose two source registers may be swapped. */
const COMMUTATIVE: ReadonlySet<string> = new Set(['add', 'addw', 'and', 'or', 'xor', 'mul', 'mulw', 'mulh', 'mulhu']);

/** The role values of a base instruction's raw field values. */
export function rolesOf(def: InsnDef, raw: Partial<Record<FieldName, number>>): Roles {
  const r: Roles = {};
  for (const f of def.fields) {
    const kind = FIELDS[f];
    const v = raw[f] ?? 0;
    switch (kind.role) {
      case 'rd': r.rd = v; break;
      case 'rs1': r.rs1 = v; break;
      case 'rs2': r.rs2 = v; break;
      // U-type: the 20-bit field stands for a sign-extended 32-bit value, as c.lui's 6 bits do.
      case 'imm': r.imm = kind.name === 'uimm20' ? (v << 12) >> 12 : v; break;
      default: break;
    }
  }
  return r;
}

/**
 * The compressed encoding GNU as would pick for this base instruction, or undefined. `only` limits
 * the choice to the named C entries (GNU's entry for the spelling used lists them).
 */
export function compress(base: InsnDef, raw: Partial<Record<FieldName, number>>, only?: readonly string[]): { def: InsnDef; bits: number } | undefined {
  const roles = rolesOf(base, raw);
  const found = tryAll(base, roles, only);
  if (found) return found;
  // Swapped sources only serve the two-address forms (add a0, a1, a0 → c.add a0, a1).
  if (COMMUTATIVE.has(base.mnemonic) && roles.rs2 === roles.rd && roles.rs1 !== roles.rd) {
    const swapped = tryAll(base, { ...roles, rs1: roles.rs2, rs2: roles.rs1 }, only);
    if (swapped) return swapped;
  }
  if (base.mnemonic === 'addi' && roles.imm === 0) {
    const add = BY_MNEMONIC.get('add');
    if (add) return tryAll(add, { rd: roles.rd, rs1: 0, rs2: roles.rs1 }, only);
  }
  return undefined;
}

function tryAll(base: InsnDef, roles: Roles, only: readonly string[] | undefined): { def: InsnDef; bits: number } | undefined {
  for (const c of CANDIDATES.get(base.mnemonic) ?? []) {
    if (only && !only.includes(c.mnemonic)) continue;
    const fields = fit(base, c, roles, only !== undefined);
    if (!fields) continue;
    const bits = encode(c, fields);
    // An encoding claimed by an earlier entry (c.lui with rd = sp is c.addi16sp) is not this one.
    if (lookup(bits) !== c) continue;
    return { def: c, bits };
  }
  return undefined;
}

function fit(base: InsnDef, c: InsnDef, roles: Roles, named: boolean): Partial<Record<FieldName, number>> | undefined {
  const fixed = c.expand!.fixed;
  const covered = new Set<Role>();
  for (const [role, v] of Object.entries(fixed) as [keyof Roles, number][]) {
    if ((roles[role] ?? 0) !== v) return undefined;
    covered.add(role);
  }
  const out: Partial<Record<FieldName, number>> = {};
  for (const f of c.fields) {
    const kind = FIELDS[f];
    let v: number | undefined;
    switch (kind.role) {
      case 'rd': v = roles.rd; covered.add('rd'); break;
      case 'rs1': v = roles.rs1; covered.add('rs1'); break;
      case 'rs2': v = roles.rs2; covered.add('rs2'); break;
      case 'rdrs1':
        if (roles.rd !== roles.rs1) return undefined;
        v = roles.rd; covered.add('rd'); covered.add('rs1'); break;
      case 'imm': v = roles.imm; covered.add('imm'); break;
      default: return undefined;
    }
    if (v === undefined || !fieldFits(kind, v)) return undefined;
    if (isHint(base, kind.role, kind.syntax, v, c, named)) return undefined;
    out[f] = v;
  }
  // Every operand of the base instruction must be expressed by the compressed form.
  for (const r of ['rd', 'rs1', 'rs2', 'imm'] as const) {
    if (roles[r] !== undefined && !covered.has(r)) return undefined;
  }
  return out;
}

/** RVC HINT encodings (spec: "RVC HINT instructions"), which GNU as never produces from a base instruction. */
function isHint(base: InsnDef, role: Role, syntax: string, v: number, c: InsnDef, named: boolean): boolean {
  // c.li/c.lui/c.addi/c.slli/c.mv/c.add with rd = x0 (f0 is a real register: c.fldsp ft0 is not a HINT)
  if ((role === 'rd' || role === 'rdrs1') && v === 0 && syntax !== 'freg') return true;
  if (syntax === 'shamt' && v === 0) return true;                    // c.slli/c.srli/c.srai by 0
  // c.addi with imm 0 (rd = rs1 from one field, base addi) is a HINT; c.li rd, 0 is not.
  if (role === 'imm' && v === 0 && !named && base.mnemonic === 'addi' && c.fields.some((f) => FIELDS[f].role === 'rdrs1')) return true;
  return false;
}
