// The table against GNU as: every entry over the operand spread is written in GNU syntax (the
// compressed ones under their c. mnemonic), assembled in one `as` run, and the bytes GNU produced
// must be what encode() produces, and decode() must give back the entry and the values.

import { describe, expect, it } from 'vitest';
import { ABI_NAMES, CSR_NAMES, FP_ABI_NAMES, ROUNDING_MODES } from '../../../emulator/isa/csrs.js';
import { decode } from '../../../emulator/isa/decode.js';
import { encode } from '../../../emulator/isa/encode.js';
import { FIELDS, type FieldName } from '../../../emulator/isa/fields.js';
import { BY_MNEMONIC, type InsnDef } from '../../../emulator/isa/table.js';
import { fetchInsn, gnuAssemble, haveBinutils, MARCH, NOT_IN_BINUTILS_2_40 } from './gnu.js';
import { allCases, type Values } from './spread.js';

const have = haveBinutils();

const FENCE_SET = (v: number): string =>
  (v & 8 ? 'i' : '') + (v & 4 ? 'o' : '') + (v & 2 ? 'r' : '') + (v & 1 ? 'w' : '');

/** One operand as GNU as writes it. */
function operand(name: FieldName, v: number): string {
  const kind = FIELDS[name];
  switch (kind.syntax) {
    case 'reg': return ABI_NAMES[v]!;
    case 'freg': return FP_ABI_NAMES[v]!;
    case 'rm': return ROUNDING_MODES[v] ?? String(v);
    case 'csr': return CSR_NAMES.get(v) ?? `0x${v.toString(16)}`;
    case 'fence': return FENCE_SET(v);
    case 'offset': return v < 0 ? `. - ${-v}` : `. + ${v}`;
    default:
      if (name === 'uimm20') return `0x${v.toString(16)}`;
      // c.lui takes the 20-bit upper immediate: nzimm[17:12] sign-extended to 20 bits.
      if (name === 'c_nzimm18') return `0x${(v & 0xfffff).toString(16)}`;
      return String(v);
  }
}

/**
 * The GNU spelling of an entry with these values, or undefined where GNU has none: a fence with an
 * empty predecessor or successor set cannot be written.
 */
function gnuSource(def: InsnDef, v: Values): string | undefined {
  if (def.format === 'FENCE' && def.fields.length && (v.pred === 0 || v.succ === 0)) return undefined;
  if (NOT_IN_BINUTILS_2_40.has(def.expand ? BY_MNEMONIC.get(def.expand.base)!.ext : def.ext)) return undefined;
  // Reserved rounding modes (5, 6) have no name to write.
  if (v.rm === 5 || v.rm === 6) return undefined;
  // Shift HINTs with shamt = 0 have their own GNU names.
  if (/^c\.(slli|srli|srai)$/.test(def.mnemonic) && v.c_shamt6 === 0) {
    const rd = v.c_rdrs1 ?? v.c_rdrs1_p;
    return `${def.mnemonic}64 ${ABI_NAMES[rd!]}`;
  }
  const mnemonic = def.format === 'AMO' ? def.mnemonic + ['', '.rl', '.aq', '.aqrl'][v.aqrl ?? 0] : def.mnemonic;
  const ops = def.syntax.replace(/[a-z_0-9]+/g, (t) => (t in FIELDS ? operand(t as FieldName, v[t as FieldName] ?? 0) : t));
  return ops ? `${mnemonic} ${ops}` : mnemonic;
}

describe('the table against GNU as', () => {
  it.skipIf(!have)('encodes and decodes every entry over the operand spread exactly as GNU as assembles it', () => {
    const cases = allCases();
    let src = '';
    const written: typeof cases = [];
    let unwritable = 0;
    for (const c of cases) {
      const line = gnuSource(c.def, c.values);
      if (line === undefined) {
        unwritable++;
        continue;
      }
      src += `.option ${c.def.size === 2 ? 'rvc' : 'norvc'}\n${line}\n`;
      written.push(c);
    }
    const { text } = gnuAssemble(src, { march: MARCH, listing: false });
    const problems: string[] = [];
    let off = 0;
    for (const { def, values } of written) {
      const gnu = fetchInsn(text, off);
      const what = gnuSource(def, values);
      const ours = encode(def, values);
      if (ours !== gnu) problems.push(`${what}: GNU 0x${gnu.toString(16)}, encode 0x${ours.toString(16)}`);
      const d = decode(gnu);
      if (!d) problems.push(`${what}: decode refuses GNU's 0x${gnu.toString(16)}`);
      else if (d.def !== def) {
        // c.addi zero, 0 is c.nop: a more specific entry with the same expansion may win.
        const same = d.base === decode(ours)?.base && d.rd === decode(ours)?.rd && d.imm === decode(ours)?.imm;
        // ori with rd = x0 and a prefetch selector in imm[4:0] is Zicbop's prefetch (a HINT).
        const prefetch = def.mnemonic === 'ori' && d.def.ext === 'Zicbop';
        if (!(def.mnemonic === 'c.addi' && d.def.mnemonic === 'c.nop' && same) && !prefetch) problems.push(`${what}: decodes as ${d.def.mnemonic}`);
      } else {
        for (const f of def.fields) {
          if (d.fields[f] !== (values[f] ?? 0)) problems.push(`${what}: decode gives ${f} = ${d.fields[f]}, wrote ${values[f]}`);
        }
      }
      off += (gnu & 3) === 3 ? 4 : 2;
      if (((gnu & 3) === 3 ? 4 : 2) !== def.size) problems.push(`${what}: GNU made ${(gnu & 3) === 3 ? 4 : 2} bytes`);
    }
    expect(off).toBe(text.length);
    expect(problems.slice(0, 40)).toEqual([]);
    expect(written.length).toBeGreaterThan(3000);
    // Only fence sets GNU cannot spell are left out.
    expect(unwritable).toBeLessThan(written.length / 20);
  });
});
