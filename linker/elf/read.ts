// ELF64 reader for RISC-V images: what the emulator's loader, the disassembler and the linker's
// tests read. It accepts what GNU ld produces (ET_EXEC) and relocatable objects (ET_REL), and
// refuses anything malformed with one line naming the file offset of the fault: a bad image must
// never become a host exception further down.

import { ToolError } from '../object.js';
import {
  EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, EM_RISCV, ET_DYN, ET_EXEC, ET_REL, EV_CURRENT, PHDR_SIZE,
  SHDR_SIZE, SHN_ABS, SHN_COMMON, SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB,
  STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FILE, STT_FUNC, STT_NOTYPE, STT_OBJECT, STT_SECTION, SYM_SIZE,
} from './consts.js';

export interface ElfSegment {
  /** p_type (PT_LOAD = 1, ...). */
  readonly type: number;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly offset: number;
  readonly filesz: number;
  readonly memsz: number;
  /** p_flags: PF_R = 4, PF_W = 2, PF_X = 1. */
  readonly flags: number;
  readonly align: bigint;
  /** The filesz bytes of the file image (a view into the input, not a copy). */
  readonly data: Uint8Array;
}

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
}

export type ElfSymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'other';
export type ElfSymbolBind = 'local' | 'global' | 'weak' | 'other';

export interface ElfSymbol {
  readonly name: string;
  readonly value: bigint;
  readonly size: bigint;
  readonly type: ElfSymbolType;
  readonly bind: ElfSymbolBind;
  /** Section name; null when undefined, '*ABS*' for absolute, '*COM*' for common. */
  readonly section: string | null;
  readonly shndx: number;
}

export interface ElfImage {
  readonly file: string;
  /** e_type: ET_REL, ET_EXEC. */
  readonly type: number;
  readonly entry: bigint;
  readonly machine: number;
  /** 64 (only ELFCLASS64 is accepted). */
  readonly class: 64;
  readonly flags: number;
  readonly segments: readonly ElfSegment[];
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  /** The whole file, for section contents (see sectionData). */
  readonly bytes: Uint8Array;
}

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  0: 'none', 3: 'x86', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 40: 'ARM', 62: 'x86-64', 183: 'AArch64',
  243: 'RISC-V', 258: 'LoongArch',
};

const hex = (n: number | bigint) => `0x${n.toString(16)}`;

/** Reads and validates an ELF64 little-endian RISC-V file. Throws ToolError `file: offset 0x..: ...`. */
export function readElf(bytes: Uint8Array, file: string): ElfImage {
  const fail = (offset: number | bigint, what: string): never => {
    throw new ToolError(file, `offset ${hex(offset)}: ${what}`);
  };
  const len = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // e_ident first: its fields decide how the rest is read.
  if (len < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail(0, len < 4 ? `truncated: ${len} bytes, not an ELF file` : 'not an ELF file (bad magic, expected 7f 45 4c 46)');
  }
  if (len < 16) fail(len, `truncated ELF identification (${len} of 16 bytes)`);
  if (bytes[4] !== ELFCLASS64) {
    fail(4, bytes[4] === 1 ? 'ELF32 file (ELFCLASS32); rvhart needs ELF64 (RV64)' : `bad EI_CLASS ${bytes[4]}`);
  }
  if (bytes[5] !== ELFDATA2LSB) {
    fail(5, bytes[5] === 2 ? 'big-endian ELF (ELFDATA2MSB); RISC-V images are little-endian' : `bad EI_DATA ${bytes[5]}`);
  }
  if (bytes[6] !== EV_CURRENT) fail(6, `bad EI_VERSION ${bytes[6]}`);
  if (len < EHDR_SIZE) fail(len, `truncated ELF header (${len} of ${EHDR_SIZE} bytes)`);

  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number) => view.getBigUint64(o, true);
  /** A 64-bit file offset or size: anything past 2^53 is past the end of any file we can hold. */
  const num = (v: bigint) => (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v));

  const type = u16(0x10);
  if (type !== ET_EXEC && type !== ET_REL) {
    fail(0x10, type === ET_DYN
      ? 'e_type ET_DYN (shared object or PIE); rvhart loads ET_EXEC images'
      : `e_type ${type} is not ET_EXEC (2) or ET_REL (1)`);
  }
  const machine = u16(0x12);
  if (machine !== EM_RISCV) {
    fail(0x12, `e_machine ${machine} (${MACHINE_NAMES[machine] ?? 'unknown'}), not RISC-V (${EM_RISCV})`);
  }
  const entry = u64(0x18);
  const phoff = num(u64(0x20));
  const shoff = num(u64(0x28));
  const flags = u32(0x30);
  const phentsize = u16(0x36);
  let phnum = u16(0x38);
  const shentsize = u16(0x3a);
  let shnum = u16(0x3c);
  let shstrndx = u16(0x3e);

  // Section header table (read first: an extended phnum/shnum/shstrndx lives in section 0).
  if (shoff !== 0 && shentsize !== SHDR_SIZE) fail(0x3a, `e_shentsize ${shentsize}, expected ${SHDR_SIZE}`);
  if (shoff !== 0) {
    if (shoff + SHDR_SIZE > len) fail(0x28, `section header table at ${hex(shoff)} is past the end of the file (${hex(len)} bytes)`);
    if (shnum === 0) shnum = num(u64(shoff + 0x20));
    if (shstrndx === SHN_XINDEX) shstrndx = u32(shoff + 0x28);
    if (phnum === 0xffff) phnum = u32(shoff + 0x2c);
    if (shoff + shnum * SHDR_SIZE > len) {
      fail(0x28, `section header table ${hex(shoff)}..${hex(shoff + shnum * SHDR_SIZE)} (${shnum} entries) extends past the end of the file (${hex(len)} bytes)`);
    }
  } else {
    shnum = 0;
  }

  // Program headers.
  if (phnum > 0 && phentsize !== PHDR_SIZE) fail(0x36, `e_phentsize ${phentsize}, expected ${PHDR_SIZE}`);
  if (phnum > 0 && phoff + phnum * PHDR_SIZE > len) {
    fail(0x20, `program header table ${hex(phoff)}..${hex(phoff + phnum * PHDR_SIZE)} (${phnum} entries) extends past the end of the file (${hex(len)} bytes)`);
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * PHDR_SIZE;
    const offset = num(u64(p + 0x08));
    const filesz = num(u64(p + 0x20));
    const memsz = num(u64(p + 0x28));
    const ptype = u32(p);
    if (ptype === 1 /* PT_LOAD */ || filesz > 0) {
      if (offset + filesz > len) {
        fail(p + 0x08, `program header ${i}: data ${hex(offset)}..${hex(offset + filesz)} extends past the end of the file (${hex(len)} bytes)`);
      }
    }
    if (ptype === 1 && filesz > memsz) fail(p + 0x20, `program header ${i}: p_filesz ${hex(filesz)} exceeds p_memsz ${hex(memsz)}`);
    segments.push({
      type: ptype, flags: u32(p + 0x04), offset, vaddr: u64(p + 0x10), paddr: u64(p + 0x18), filesz, memsz,
      align: u64(p + 0x30), data: offset + filesz <= len ? bytes.subarray(offset, offset + filesz) : new Uint8Array(0),
    });
  }

  // Section headers; names resolved once the string table is known.
  interface RawSection extends Omit<ElfSection, 'name'> { readonly nameOff: number; readonly hdr: number }
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = shoff + i * SHDR_SIZE;
    const stype = u32(s + 0x04);
    const offset = num(u64(s + 0x18));
    const size = num(u64(s + 0x20));
    if (i > 0 && stype !== SHT_NOBITS && stype !== 0 && offset + size > len) {
      fail(s + 0x18, `section ${i}: data ${hex(offset)}..${hex(offset + size)} extends past the end of the file (${hex(len)} bytes)`);
    }
    raw.push({
      index: i, hdr: s, nameOff: u32(s), type: stype, flags: Number(u64(s + 0x08) & 0xffffffffn), addr: u64(s + 0x10),
      offset, size, link: u32(s + 0x28), info: u32(s + 0x2c), addralign: num(u64(s + 0x30)), entsize: num(u64(s + 0x38)),
    });
  }
  const cstr = (table: RawSection, off: number, where: number, what: string): string => {
    if (off >= table.size) fail(where, `${what}: name offset ${hex(off)} is outside its string table (${hex(table.size)} bytes)`);
    const start = table.offset + off;
    const end = bytes.indexOf(0, start);
    if (end < 0 || end >= table.offset + table.size) fail(where, `${what}: name is not NUL-terminated inside its string table`);
    return new TextDecoder().decode(bytes.subarray(start, end));
  };
  let shstr: RawSection | undefined;
  if (shnum > 0 && shstrndx !== SHN_UNDEF) {
    if (shstrndx >= shnum) fail(0x3e, `e_shstrndx ${shstrndx} is not a section (there are ${shnum})`);
    shstr = raw[shstrndx];
  }
  const sections: ElfSection[] = raw.map((r) => {
    const { nameOff, hdr, ...rest } = r;
    return { ...rest, name: shstr && r.index > 0 ? cstr(shstr, nameOff, hdr, `section ${r.index}`) : '' };
  });

  // Symbols: the first SHT_SYMTAB (executables from GNU ld have one); a stripped image keeps only
  // its dynamic symbols (Debian's OpenSBI fw_jump.elf), which objdump and gdb then use, so do we.
  const symbols: ElfSymbol[] = [];
  const symtab = raw.find((r) => r.type === SHT_SYMTAB) ?? raw.find((r) => r.type === SHT_DYNSYM);
  if (symtab) {
    if (symtab.entsize !== SYM_SIZE) fail(symtab.hdr + 0x38, `symbol table: sh_entsize ${symtab.entsize}, expected ${SYM_SIZE}`);
    if (symtab.link >= shnum) fail(symtab.hdr + 0x28, `symbol table: sh_link ${symtab.link} is not a section`);
    const strtab = raw[symtab.link]!;
    const count = Math.floor(symtab.size / SYM_SIZE);
    for (let i = 0; i < count; i++) {
      const o = symtab.offset + i * SYM_SIZE;
      const info = bytes[o + 4]!;
      const shndx = u16(o + 6);
      const t = info & 0xf;
      const b = info >> 4;
      let section: string | null;
      if (shndx === SHN_UNDEF) section = null;
      else if (shndx === SHN_ABS) section = '*ABS*';
      else if (shndx === SHN_COMMON) section = '*COM*';
      else if (shndx >= SHN_LORESERVE) section = `*${hex(shndx)}*`;
      else if (shndx >= shnum) section = fail(o + 6, `symbol ${i}: st_shndx ${shndx} is not a section (there are ${shnum})`);
      else section = sections[shndx]!.name;
      let name = cstr(strtab, u32(o), o, `symbol ${i}`);
      if (t === STT_SECTION && name === '' && section !== null) name = section;
      symbols.push({
        name, value: u64(o + 8), size: u64(o + 16), shndx,
        section,
        type: t === STT_NOTYPE ? 'notype' : t === STT_OBJECT ? 'object' : t === STT_FUNC ? 'func'
          : t === STT_SECTION ? 'section' : t === STT_FILE ? 'file' : 'other',
        bind: b === STB_LOCAL ? 'local' : b === STB_GLOBAL ? 'global' : b === STB_WEAK ? 'weak' : 'other',
      });
    }
  }

  return { file, type, entry, machine, class: 64, flags, segments, sections, symbols, bytes };
}

/** The file bytes of a section (empty for SHT_NOBITS). readElf has already bounds-checked them. */
export function sectionData(image: ElfImage, section: ElfSection): Uint8Array {
  if (section.type === SHT_NOBITS || section.type === 0) return new Uint8Array(0);
  return image.bytes.subarray(section.offset, section.offset + section.size);
}
