import { describe, expect, it } from 'vitest';
import { assemble } from '../../../linker/asm/assemble.js';
import { readElf } from '../../../linker/elf/read.js';
import { link } from '../../../linker/link/link.js';

const script = 'ENTRY(_start) SECTIONS { . = 0x80000000; .text : { *(.text) } .data : { *(.data) } }';

/** The doubleword the linked image holds at `name`. */
function wordAt(elf: Uint8Array, symbols: ReadonlyMap<string, bigint>, name: string): bigint {
  const addr = symbols.get(name)!;
  const seg = readElf(elf, 'out.elf').segments.find((s) => addr >= s.vaddr && addr + 8n <= s.vaddr + BigInt(s.filesz))!;
  return new DataView(seg.data.buffer, seg.data.byteOffset).getBigUint64(Number(addr - seg.vaddr), true);
}

describe('weak symbols', () => {
  const start = assemble('.globl _start\n_start: ret\n', 'start.s');
  const weak = assemble('.data\n.weak f\nf: .dword 1\n', 'weak.s');
  const strong = assemble('.data\n.globl f\nf: .dword 2\n', 'strong.s');

  it.each([['weak first', [start, weak, strong]], ['strong first', [start, strong, weak]]])(
    'a strong definition wins over a weak one (%s)', (_order, objects) => {
      const r = link(objects, script, 'x.ld');
      expect(wordAt(r.elf, r.symbols, 'f')).toBe(2n);
    });

  it('the first of two weak definitions wins', () => {
    const weak2 = assemble('.data\n.weak f\nf: .dword 3\n', 'weak2.s');
    const r = link([start, weak, weak2], script, 'x.ld');
    expect(wordAt(r.elf, r.symbols, 'f')).toBe(1n);
  });

  it('two strong definitions are still a duplicate, naming both places', () => {
    const again = assemble('.data\n.globl f\nf: .dword 4\n', 'again.s');
    expect(() => link([start, strong, again], script, 'x.ld')).toThrow(/again\.s:3:\d+: duplicate symbol 'f' \(first defined at strong\.s:3/);
  });

  it('an undefined weak reference resolves to 0', () => {
    const user = assemble('.data\n.weak hook\nptr: .dword hook\n.globl ptr\n', 'user.s');
    const r = link([start, user], script, 'x.ld');
    expect(wordAt(r.elf, r.symbols, 'ptr')).toBe(0n);
  });
});
