// ELF64 executable writer: ET_EXEC for EM_RISCV with PT_LOAD segments, section headers, a symbol
// table and the RISC-V attributes section, laid out so that GNU readelf/objdump/nm and gdb read it
// without a warning (p_offset ≡ p_vaddr mod p_align, symbols sorted locals first, and so on).

import {
  EF_RISCV_FLOAT_ABI_SOFT, EF_RISCV_RVC, EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, EM_RISCV, ET_EXEC, EV_CURRENT,
  PF_R, PF_W, PF_X, PHDR_SIZE, PT_LOAD, PT_RISCV_ATTRIBUTES, SHDR_SIZE, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE,
  SHN_ABS, SHN_UNDEF, SHT_NOBITS, SHT_PROGBITS, SHT_RISCV_ATTRIBUTES, SHT_STRTAB, SHT_SYMTAB, STB_GLOBAL,
  STB_LOCAL, STB_WEAK, STT_FILE, STT_FUNC, STT_NOTYPE, STT_OBJECT, STT_SECTION, SYM_SIZE,
} from './consts.js';

export const PAGE_SIZE = 0x1000;

export interface OutSection {
  readonly name: string;
  readonly type: 'progbits' | 'nobits';
  readonly flags: { readonly write: boolean; readonly exec: boolean };
  readonly addr: bigint;
  readonly align: number;
  /** Contents; for nobits sections only `size` matters. */
  readonly data: Uint8Array;
  readonly size: number;
}

export interface OutSymbol {
  readonly name: string;
  readonly value: bigint;
  readonly size: bigint;
  readonly type: 'notype' | 'object' | 'func' | 'file';
  readonly bind: 'local' | 'global' | 'weak';
  /** Output section name; '*ABS*' for absolute; null for undefined (weak). */
  readonly section: string | null;
}

export interface ExecutableImage {
  readonly entry: bigint;
  /** Whether any input used RVC (EF_RISCV_RVC). */
  readonly rvc: boolean;
  /** Tag_RISCV_arch, e.g. rv64i2p1_m2p0_a2p1_c2p0_zicsr2p0_zifencei2p0. */
  readonly arch: string;
  /** Allocated sections (any order; laid out by address). */
  readonly sections: readonly OutSection[];
  /** Symbols in output order within their group: FILE symbols precede that file's locals. */
  readonly symbols: readonly OutSymbol[];
}

interface Segment { vaddr: bigint; flags: number; fileEnd: bigint; memEnd: bigint; sections: OutSection[]; offset: number }

const segFlags = (s: OutSection) => PF_R | (s.flags.write ? PF_W : 0) | (s.flags.exec ? PF_X : 0);

/**
 * Groups sections (sorted by address) into PT_LOAD segments: a new segment when the permissions
 * change, when file-backed data would follow a zero-filled tail, or when a gap of a page or more
 * would have to be stored as zeros in the file.
 */
function segmentsOf(sections: readonly OutSection[]): Segment[] {
  const segs: Segment[] = [];
  for (const s of sections) {
    if (s.size === 0) continue;
    const end = s.addr + BigInt(s.size);
    const last = segs[segs.length - 1];
    const flags = segFlags(s);
    if (last && last.flags === flags && s.addr >= last.memEnd) {
      const gap = s.addr - last.memEnd;
      const tailIsZero = last.memEnd > last.fileEnd;
      if (s.type === 'nobits') {
        last.memEnd = end;
        last.sections.push(s);
        continue;
      }
      if (!tailIsZero && gap < BigInt(PAGE_SIZE)) {
        last.memEnd = end;
        last.fileEnd = end;
        last.sections.push(s);
        continue;
      }
    }
    segs.push({ vaddr: s.addr, flags, fileEnd: s.type === 'nobits' ? s.addr : end, memEnd: end, sections: [s], offset: 0 });
  }
  return segs;
}

class Strtab {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  private readonly index = new Map<string, number>();
  add(s: string): number {
    if (s === '') return 0;
    const known = this.index.get(s);
    if (known !== undefined) return known;
    const b = new TextEncoder().encode(`${s}\0`);
    const off = this.size;
    this.parts.push(b);
    this.size += b.length;
    this.index.set(s, off);
    return off;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** The .riscv.attributes contents (psABI "RISC-V attributes"): format 'A', vendor "riscv", file tags. */
function attributes(arch: string): Uint8Array {
  const tags = [...uleb(5) /* Tag_RISCV_arch */, ...new TextEncoder().encode(arch), 0];
  const fileSub = [...uleb(1) /* Tag_File */, 0, 0, 0, 0, ...tags];
  const fileLen = fileSub.length;
  fileSub.splice(1, 4, fileLen & 0xff, (fileLen >> 8) & 0xff, (fileLen >> 16) & 0xff, fileLen >>> 24);
  const vendor = [...new TextEncoder().encode('riscv'), 0];
  const subLen = 4 + vendor.length + fileSub.length;
  return new Uint8Array([0x41, subLen & 0xff, (subLen >> 8) & 0xff, (subLen >> 16) & 0xff, subLen >>> 24, ...vendor, ...fileSub]);
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Writes the executable. Section data sizes must already equal `size` for progbits sections. */
export function writeExecutable(img: ExecutableImage): Uint8Array {
  const alloc = [...img.sections].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const segs = segmentsOf(alloc);
  const attr = attributes(img.arch);
  const phnum = segs.length + 1; // + PT_RISCV_ATTRIBUTES

  // File layout: headers, each segment at an offset congruent to its vaddr mod the page size, then
  // the non-allocated sections and the section header table.
  let cursor = EHDR_SIZE + phnum * PHDR_SIZE;
  const secOffset = new Map<OutSection, number>();
  for (const seg of segs) {
    const want = Number(seg.vaddr % BigInt(PAGE_SIZE));
    const here = cursor % PAGE_SIZE;
    seg.offset = cursor + ((want - here + PAGE_SIZE) % PAGE_SIZE);
    for (const s of seg.sections) secOffset.set(s, seg.offset + Number(s.addr - seg.vaddr));
    cursor = seg.offset + Number(seg.fileEnd - seg.vaddr);
  }
  // Sections outside any segment (empty ones) sit at the cursor.
  for (const s of alloc) if (!secOffset.has(s)) secOffset.set(s, cursor);

  // Section header order: null, allocated sections by address, .riscv.attributes, .symtab, .strtab, .shstrtab.
  const shstr = new Strtab();
  const secIndex = new Map<string, number>();
  alloc.forEach((s, i) => secIndex.set(s.name, i + 1));
  const attrIdx = alloc.length + 1, symIdx = alloc.length + 2, strIdx = alloc.length + 3, shstrIdx = alloc.length + 4;

  // Symbol table: null, one STT_SECTION per allocated section, then locals (with their FILE
  // symbols), then globals — the gABI requires every local before the first global (sh_info).
  const strtab = new Strtab();
  const symBytes: Uint8Array[] = [];
  const sym = (name: number, info: number, shndx: number, value: bigint, size: bigint) => {
    const b = new Uint8Array(SYM_SIZE);
    const v = new DataView(b.buffer);
    v.setUint32(0, name, true);
    b[4] = info;
    v.setUint16(6, shndx, true);
    v.setBigUint64(8, BigInt.asUintN(64, value), true);
    v.setBigUint64(16, size, true);
    symBytes.push(b);
  };
  sym(0, 0, 0, 0n, 0n);
  alloc.forEach((s, i) => sym(0, (STB_LOCAL << 4) | STT_SECTION, i + 1, s.addr, 0n));
  const typeCode = { notype: STT_NOTYPE, object: STT_OBJECT, func: STT_FUNC, file: STT_FILE } as const;
  const shndxOf = (s: OutSymbol) => s.type === 'file' ? SHN_ABS : s.section === null ? SHN_UNDEF
    : s.section === '*ABS*' ? SHN_ABS : (secIndex.get(s.section) ?? SHN_ABS);
  const locals = img.symbols.filter((s) => s.bind === 'local');
  const globals = img.symbols.filter((s) => s.bind !== 'local');
  for (const s of locals) sym(strtab.add(s.name), (STB_LOCAL << 4) | typeCode[s.type], shndxOf(s), s.type === 'file' ? 0n : s.value, s.size);
  const firstGlobal = symBytes.length;
  for (const s of globals) {
    sym(strtab.add(s.name), ((s.bind === 'weak' ? STB_WEAK : STB_GLOBAL) << 4) | typeCode[s.type], shndxOf(s), s.value, s.size);
  }

  const symtabData = new Uint8Array(symBytes.length * SYM_SIZE);
  symBytes.forEach((b, i) => symtabData.set(b, i * SYM_SIZE));
  const strtabData = strtab.bytes();
  const names = alloc.map((s) => shstr.add(s.name));
  const attrName = shstr.add('.riscv.attributes');
  const symName = shstr.add('.symtab');
  const strName = shstr.add('.strtab');
  const shstrName = shstr.add('.shstrtab');
  const shstrData = shstr.bytes();

  const attrOff = cursor;
  cursor += attr.length;
  const symOff = alignUp(cursor, 8);
  cursor = symOff + symtabData.length;
  const strOff = cursor;
  cursor += strtabData.length;
  const shstrOff = cursor;
  cursor += shstrData.length;
  const shoff = alignUp(cursor, 8);
  const shnum = shstrIdx + 1;
  const total = shoff + shnum * SHDR_SIZE;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);

  // ELF header.
  out.set([0x7f, 0x45, 0x4c, 0x46, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, 0 /* ELFOSABI_NONE */]);
  v.setUint16(0x10, ET_EXEC, true);
  v.setUint16(0x12, EM_RISCV, true);
  v.setUint32(0x14, EV_CURRENT, true);
  v.setBigUint64(0x18, img.entry, true);
  v.setBigUint64(0x20, BigInt(EHDR_SIZE), true);
  v.setBigUint64(0x28, BigInt(shoff), true);
  v.setUint32(0x30, (img.rvc ? EF_RISCV_RVC : 0) | EF_RISCV_FLOAT_ABI_SOFT, true);
  v.setUint16(0x34, EHDR_SIZE, true);
  v.setUint16(0x36, PHDR_SIZE, true);
  v.setUint16(0x38, phnum, true);
  v.setUint16(0x3a, SHDR_SIZE, true);
  v.setUint16(0x3c, shnum, true);
  v.setUint16(0x3e, shstrIdx, true);

  // Program headers: the attributes first (as GNU ld puts PT_RISCV_ATTRIBUTES), then the loads.
  const phdr = (i: number, type: number, flags: number, offset: number, vaddr: bigint, filesz: number, memsz: number, align: number) => {
    const p = EHDR_SIZE + i * PHDR_SIZE;
    v.setUint32(p, type, true);
    v.setUint32(p + 4, flags, true);
    v.setBigUint64(p + 8, BigInt(offset), true);
    v.setBigUint64(p + 0x10, vaddr, true);
    v.setBigUint64(p + 0x18, vaddr, true);
    v.setBigUint64(p + 0x20, BigInt(filesz), true);
    v.setBigUint64(p + 0x28, BigInt(memsz), true);
    v.setBigUint64(p + 0x30, BigInt(align), true);
  };
  phdr(0, PT_RISCV_ATTRIBUTES, PF_R, attrOff, 0n, attr.length, 0, 1);
  segs.forEach((seg, i) => phdr(i + 1, PT_LOAD, seg.flags, seg.offset, seg.vaddr,
    Number(seg.fileEnd - seg.vaddr), Number(seg.memEnd - seg.vaddr), PAGE_SIZE));

  // Section contents.
  for (const s of alloc) if (s.type === 'progbits') out.set(s.data.subarray(0, s.size), secOffset.get(s)!);
  out.set(attr, attrOff);
  out.set(symtabData, symOff);
  out.set(strtabData, strOff);
  out.set(shstrData, shstrOff);

  // Section headers.
  const shdr = (i: number, name: number, type: number, flags: number, addr: bigint, offset: number, size: number,
    link: number, info: number, align: number, entsize: number) => {
    const o = shoff + i * SHDR_SIZE;
    v.setUint32(o, name, true);
    v.setUint32(o + 4, type, true);
    v.setBigUint64(o + 8, BigInt(flags), true);
    v.setBigUint64(o + 0x10, addr, true);
    v.setBigUint64(o + 0x18, BigInt(offset), true);
    v.setBigUint64(o + 0x20, BigInt(size), true);
    v.setUint32(o + 0x28, link, true);
    v.setUint32(o + 0x2c, info, true);
    v.setBigUint64(o + 0x30, BigInt(align), true);
    v.setBigUint64(o + 0x38, BigInt(entsize), true);
  };
  alloc.forEach((s, i) => shdr(i + 1, names[i]!, s.type === 'nobits' ? SHT_NOBITS : SHT_PROGBITS,
    SHF_ALLOC | (s.flags.write ? SHF_WRITE : 0) | (s.flags.exec ? SHF_EXECINSTR : 0), s.addr, secOffset.get(s)!, s.size,
    0, 0, Math.max(1, s.align), 0));
  shdr(attrIdx, attrName, SHT_RISCV_ATTRIBUTES, 0, 0n, attrOff, attr.length, 0, 0, 1, 0);
  shdr(symIdx, symName, SHT_SYMTAB, 0, 0n, symOff, symtabData.length, strIdx, firstGlobal, 8, SYM_SIZE);
  shdr(strIdx, strName, SHT_STRTAB, 0, 0n, strOff, strtabData.length, 0, 0, 1, 0);
  shdr(shstrIdx, shstrName, SHT_STRTAB, 0, 0n, shstrOff, shstrData.length, 0, 0, 1, 0);
  return out;
}
