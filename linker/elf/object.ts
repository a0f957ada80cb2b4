// Reads an ELF relocatable (ET_REL, e.g. from GNU as) into the ObjectFile the linker consumes, so
// objects from other assemblers link with ours. Local symbols that share a name (GNU as makes many
// `.L0 ` labels for %pcrel_hi) are renamed apart, since ObjectFile refers to symbols by name.

import { RELOC, ToolError, type ObjSection, type ObjSymbol, type ObjectFile, type RelocType, type Relocation } from '../object.js';
import { ET_REL, RELA_SIZE, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS, SHT_RELA } from './consts.js';
import { readElf, sectionData } from './read.js';

const RELOC_NAMES = new Map<number, RelocType>(Object.entries(RELOC).map(([k, v]) => [v, k as RelocType]));

export function readObject(bytes: Uint8Array, file: string): ObjectFile {
  const img = readElf(bytes, file);
  const hex = (n: number) => `0x${n.toString(16)}`;
  if (img.type !== ET_REL) throw new ToolError(file, 'offset 0x10: not a relocatable object (ET_REL)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const loc = { file, line: 0, col: 0 };

  const allocated = img.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0 && (s.type === SHT_PROGBITS || s.type === SHT_NOBITS));
  const byIndex = new Set(allocated.map((s) => s.index));

  // Symbol names made unique per object; section symbols are named after their section.
  const names: string[] = [];
  const used = new Set<string>();
  const symbols: ObjSymbol[] = [];
  img.symbols.forEach((s, i) => {
    let name = s.name;
    if (s.bind === 'local' && used.has(name)) name = `${name}#${i}`;
    used.add(name);
    names.push(name);
    if (i === 0 || s.type === 'file') return;
    const inAlloc = s.section === null || s.section === '*ABS*' || byIndex.has(s.shndx);
    if (!inAlloc) return;
    symbols.push({
      name, section: s.section, value: s.value, size: s.size,
      binding: s.bind === 'local' ? 'local' : 'global',
      type: s.type === 'func' || s.type === 'object' || s.type === 'section' ? s.type : 'notype', loc,
    });
  });

  const sections: ObjSection[] = allocated.map((s) => {
    const relocs: Relocation[] = [];
    for (const r of img.sections.filter((x) => x.type === SHT_RELA && x.info === s.index)) {
      for (let o = r.offset; o + RELA_SIZE <= r.offset + r.size; o += RELA_SIZE) {
        const info = view.getBigUint64(o + 8, true);
        const type = Number(info & 0xffffffffn);
        const symIndex = Number(info >> 32n);
        const name = RELOC_NAMES.get(type);
        if (!name) throw new ToolError(file, `offset ${hex(o + 8)}: relocation type ${type} is not supported by rvhart's linker`);
        if (symIndex >= names.length) throw new ToolError(file, `offset ${hex(o + 12)}: relocation symbol ${symIndex} is not in the symbol table`);
        relocs.push({ offset: Number(view.getBigUint64(o, true)), type: name, symbol: names[symIndex]!, addend: view.getBigInt64(o + 16, true), loc });
      }
    }
    return {
      name: s.name, type: s.type === SHT_NOBITS ? 'nobits' : 'progbits',
      flags: { alloc: true, write: (s.flags & SHF_WRITE) !== 0, exec: (s.flags & SHF_EXECINSTR) !== 0 },
      align: Math.max(1, s.addralign), data: new Uint8Array(sectionData(img, s)), size: s.size, relocs,
    };
  });
  return { file, sections, symbols, rvc: (img.flags & 1) !== 0 };
}
