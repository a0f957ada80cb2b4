// Zicond and Zihintntl came in binutils 2.41, after the 2.40 the GNU comparisons run: their
// encodings are checked here against the specs' tables, their spellings against 2.41's objdump
// (czero.eqz a0,a1,a2; ntl.p1 for both the 4-byte hint and c.ntl.p1), and our assembler's bytes
// against the same encodings (2.41 assembles ntl.* to c.ntl.* when RVC is on).

import { describe, expect, it } from 'vitest';
import { decode } from '../../../emulator/isa/decode.js';
import { disassemble } from '../../../emulator/isa/disasm.js';
import { assemble } from '../../../linker/asm/assemble.js';

function bytesOf(src: string, rvc: boolean): number[] {
  const obj = assemble(`${src}\n`, 't.s', { rvc });
  return [...(obj.sections.find((s) => s.name === '.text')?.data ?? [])];
}
const le = (w: number, n: 2 | 4): number[] => Array.from({ length: n }, (_, i) => (w >>> (8 * i)) & 0xff);

describe('Zicond (funct7 0000111, OP)', () => {
  const cases: [string, number][] = [
    ['czero.eqz\ta0,a1,a2', 0x0ec5d533], // funct3 101
    ['czero.nez\ta0,a1,a2', 0x0ec5f533], // funct3 111
    ['czero.eqz\tzero,t6,ra', 0x0e1fd033],
  ];
  it.each(cases)('%s = 0x%s', (text, word) => {
    expect(disassemble(word, 0n).text).toBe(text);
    expect(bytesOf(text.replace('\t', ' '), false)).toEqual(le(word, 4));
    expect(decode(word)!.def.ext).toBe('Zicond');
  });
});

describe('Zihintntl (add x0, x0, x2..x5; c.add x0, x2..x5)', () => {
  const cases: [string, number, number][] = [['ntl.p1', 0x00200033, 0x900a], ['ntl.pall', 0x00300033, 0x900e], ['ntl.s1', 0x00400033, 0x9012], ['ntl.all', 0x00500033, 0x9016]];
  it.each(cases)('%s', (name, word, half) => {
    expect(disassemble(word, 0n).text).toBe(name);
    expect(disassemble(half, 0n).text).toBe(name);
    expect(bytesOf(name, false)).toEqual(le(word, 4));
    expect(bytesOf(name, true)).toEqual(le(half, 2));
    expect(bytesOf(`c.${name}`, true)).toEqual(le(half, 2));
    expect(decode(half)!.base.mnemonic).toBe(name);
  });
  it('other x0 adds stay add', () => {
    expect(disassemble(0x00600033, 0n).text).toBe('add\tzero,zero,t1');
    expect(disassemble(0x9006, 0n).text).toBe('c.add\tzero,ra');
  });
});
