// Test helper: hand-built ObjectFiles (the linker's input) from instruction mnemonics, so link tests
// need neither an assembler nor GNU tools.
import { encode } from '../../../emulator/isa/encode.js';
import type { FieldName } from '../../../emulator/isa/fields.js';
import { TABLE } from '../../../emulator/isa/table.js';
import type { ObjSection, ObjSymbol, ObjectFile, RelocType, Relocation } from '../../../linker/object.js';

export type Item =
  | { insn: string; ops?: Partial<Record<FieldName, number>>; reloc?: [RelocType, string, bigint?]; label?: string; line?: number }
  | { bytes: number[]; reloc?: [RelocType, string, bigint?]; label?: string; line?: number }
  | { zero: number; label?: string };

export interface SectionSpec {
  name: string;
  items?: Item[];
  nobits?: number;
  flags?: { write?: boolean; exec?: boolean; alloc?: boolean };
  align?: number;
}

/** Builds an object; `globals` lists symbols bound globally, `undefinedRefs` adds undefined symbols. */
export function object(file: string, sections: SectionSpec[], globals: string[] = [], undefinedRefs: string[] = []): ObjectFile {
  const symbols: ObjSymbol[] = [];
  const secs: ObjSection[] = sections.map((spec) => {
    const bytes: number[] = [];
    const relocs: Relocation[] = [];
    const exec = spec.flags?.exec ?? spec.name.startsWith('.text');
    for (const item of spec.items ?? []) {
      const line = 'line' in item && item.line !== undefined ? item.line : 1;
      if (item.label) {
        symbols.push({
          name: item.label, section: spec.name, value: BigInt(bytes.length), binding: globals.includes(item.label) ? 'global' : 'local',
          type: 'notype', size: 0n, loc: { file, line, col: 1 },
        });
      }
      const off = bytes.length;
      if ('zero' in item) { for (let i = 0; i < item.zero; i++) bytes.push(0); continue; }
      if ('insn' in item) {
        const def = TABLE.find((d) => d.mnemonic === item.insn);
        if (!def) throw new Error(`no ${item.insn}`);
        const bits = encode(def, item.ops ?? {});
        for (let i = 0; i < def.size; i++) bytes.push((bits >>> (8 * i)) & 0xff);
      } else {
        bytes.push(...item.bytes);
      }
      if (item.reloc) {
        relocs.push({ offset: off, type: item.reloc[0], symbol: item.reloc[1], addend: item.reloc[2] ?? 0n, loc: { file, line, col: 5 } });
      }
    }
    return {
      name: spec.name, type: spec.nobits !== undefined ? 'nobits' : 'progbits',
      flags: { alloc: spec.flags?.alloc ?? true, write: spec.flags?.write ?? (!exec && !spec.name.startsWith('.rodata')), exec },
      align: spec.align ?? (exec ? 2 : 8), data: new Uint8Array(bytes), size: spec.nobits ?? bytes.length, relocs,
    };
  });
  for (const name of undefinedRefs) {
    symbols.push({ name, section: null, value: 0n, binding: 'global', type: 'notype', size: 0n, loc: { file, line: 1, col: 9 } });
  }
  return { file, sections: secs, symbols, rvc: secs.some((s) => s.flags.exec) };
}

/** Reads the little-endian instruction word at an address of a linked image's section bytes. */
export function wordAt(elf: Uint8Array, fileOffset: number, size: 2 | 4 = 4): number {
  let v = 0;
  for (let i = 0; i < size; i++) v |= elf[fileOffset + i]! << (8 * i);
  return v >>> 0;
}
