// Relocation: patches instruction fields and data words with final addresses, following the RISC-V
// psABI (S = symbol address, A = addend, P = address of the field), with its overflow rules.
// Instruction fields are written through emulator/isa/fields.ts, so nothing here knows bit layouts.

import { FIELDS, insertField, type FieldKind } from '../../emulator/isa/fields.js';
import { ToolError, type Relocation } from '../object.js';
import { formatLoc, type InputSection } from './inputs.js';

/** Where a relocation's bytes are and what its symbol resolved to. */
export interface RelocSite {
  readonly input: InputSection;
  readonly reloc: Relocation;
  /** Final symbol address, or undefined for relocations that need none (RELAX). */
  readonly S: bigint;
  /** The output section's bytes and the offset of the field in them. */
  readonly bytes: Uint8Array;
  readonly at: number;
}

const hex = (v: bigint) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

function where(site: RelocSite): string {
  return formatLoc(site.reloc.loc, site.input.sec.name, site.reloc.offset);
}

function fail(site: RelocSite, message: string): never {
  throw new ToolError(where(site), `${site.reloc.type} against '${site.reloc.symbol}': ${message}`);
}

function read32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function write32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff;
}
function read16(b: Uint8Array, o: number): number { return b[o]! | (b[o + 1]! << 8); }
function write16(b: Uint8Array, o: number, v: number): void { b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; }

/** Replaces one immediate field of an instruction. */
function setField(bits: number, kind: FieldKind, value: number): number {
  const covered = insertField(kind, -1);
  return ((bits & ~covered) | insertField(kind, value)) >>> 0;
}

/** The %hi part: (v + 0x800) >> 12, which must fit the signed 20-bit U-type field. */
function hi20(site: RelocSite, v: bigint, what: string): number {
  const hi = (v + 0x800n) >> 12n;
  if (hi < -(1n << 19n) || hi >= 1n << 19n) {
    fail(site, `${what} ${hex(v)} is out of range of a 32-bit %hi/%lo pair (±2 GiB${what === 'offset' ? ' from the instruction' : ' around 0'})`);
  }
  return Number(hi & 0xfffffn);
}

/** Sign-extended low 12 bits: what %lo adds back after %hi's rounding. */
function lo12(v: bigint): number {
  return Number(BigInt.asIntN(12, v));
}

/** A pc-relative offset for `field` (its width gives the reach), or the site's error. */
function checkPcrel(site: RelocSite, off: bigint, field: FieldKind, what: string): number {
  const min = -(1n << BigInt(field.width - 1));
  const max = (1n << BigInt(field.width - 1)) - 1n;
  if ((off & 1n) !== 0n) fail(site, `target is at an odd offset ${hex(off)} from the instruction`);
  if (off < min || off > max) fail(site, `target out of range: offset ${hex(off)} does not fit ${what} (${hex(min)}..${hex(max - 1n)})`);
  return Number(off);
}

function need(site: RelocSite, size: number): void {
  if (site.reloc.offset < 0 || site.reloc.offset + size > site.input.sec.size) {
    fail(site, `offset 0x${site.reloc.offset.toString(16)} is outside section ${site.input.sec.name} (0x${site.input.sec.size.toString(16)} bytes)`);
  }
}

/**
 * Applies one relocation. `pcrelHi` gives, for a PCREL_LO12 site, the full pc-relative offset that
 * the matching PCREL_HI20 computed (keyed by the auipc's address).
 */
export function applyRelocation(site: RelocSite, pcrelHi: (auipc: bigint) => bigint | undefined): void {
  const { reloc, bytes, at } = site;
  const P = site.input.addr + BigInt(reloc.offset);
  const A = reloc.addend;
  const S = site.S;
  switch (reloc.type) {
    case 'R_RISCV_32': {
      need(site, 4);
      const v = S + A;
      if (v < -(1n << 31n) || v >= 1n << 32n) fail(site, `value ${hex(v)} does not fit in 32 bits`);
      write32(bytes, at, Number(BigInt.asUintN(32, v)));
      return;
    }
    case 'R_RISCV_64': {
      need(site, 8);
      const v = BigInt.asUintN(64, S + A);
      for (let i = 0; i < 8; i++) bytes[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return;
    }
    case 'R_RISCV_ADD32': case 'R_RISCV_SUB32': {
      need(site, 4);
      const cur = BigInt(read32(bytes, at));
      const v = reloc.type === 'R_RISCV_ADD32' ? cur + S + A : cur - (S + A);
      write32(bytes, at, Number(BigInt.asUintN(32, v)));
      return;
    }
    case 'R_RISCV_BRANCH': {
      need(site, 4);
      const off = checkPcrel(site, S + A - P, FIELDS.bimm13, 'a branch (±4 KiB)');
      write32(bytes, at, setField(read32(bytes, at), FIELDS.bimm13, off));
      return;
    }
    case 'R_RISCV_JAL': {
      need(site, 4);
      const off = checkPcrel(site, S + A - P, FIELDS.jimm21, 'jal (±1 MiB)');
      write32(bytes, at, setField(read32(bytes, at), FIELDS.jimm21, off));
      return;
    }
    case 'R_RISCV_RVC_BRANCH': {
      need(site, 2);
      const off = checkPcrel(site, S + A - P, FIELDS.c_bimm9, 'c.beqz/c.bnez (±256 B)');
      write16(bytes, at, setField(read16(bytes, at), FIELDS.c_bimm9, off));
      return;
    }
    case 'R_RISCV_RVC_JUMP': {
      need(site, 2);
      const off = checkPcrel(site, S + A - P, FIELDS.c_jimm12, 'c.j/c.jal (±2 KiB)');
      write16(bytes, at, setField(read16(bytes, at), FIELDS.c_jimm12, off));
      return;
    }
    case 'R_RISCV_CALL': case 'R_RISCV_CALL_PLT': {
      // auipc ra, %pcrel_hi(S+A); jalr ra, %pcrel_lo(S+A)(ra)
      need(site, 8);
      const off = S + A - P;
      if ((off & 1n) !== 0n) fail(site, `target is at an odd offset ${hex(off)} from the call`);
      write32(bytes, at, setField(read32(bytes, at), FIELDS.uimm20, hi20(site, off, 'offset')));
      write32(bytes, at + 4, setField(read32(bytes, at + 4), FIELDS.imm12, lo12(off)));
      return;
    }
    case 'R_RISCV_PCREL_HI20': {
      need(site, 4);
      write32(bytes, at, setField(read32(bytes, at), FIELDS.uimm20, hi20(site, S + A - P, 'offset')));
      return;
    }
    case 'R_RISCV_PCREL_LO12_I': case 'R_RISCV_PCREL_LO12_S': {
      // The symbol labels the auipc; its PCREL_HI20 holds the real target (psABI).
      need(site, 4);
      const auipc = S + A;
      const off = pcrelHi(auipc);
      if (off === undefined) {
        fail(site, `no R_RISCV_PCREL_HI20 at ${hex(auipc)} ('${reloc.symbol}' must label the auipc of a %pcrel_hi)`);
      }
      const kind = reloc.type === 'R_RISCV_PCREL_LO12_I' ? FIELDS.imm12 : FIELDS.simm12;
      write32(bytes, at, setField(read32(bytes, at), kind, lo12(off)));
      return;
    }
    case 'R_RISCV_HI20': {
      need(site, 4);
      write32(bytes, at, setField(read32(bytes, at), FIELDS.uimm20, hi20(site, BigInt.asIntN(64, S + A), 'address')));
      return;
    }
    case 'R_RISCV_LO12_I': case 'R_RISCV_LO12_S': {
      need(site, 4);
      const kind = reloc.type === 'R_RISCV_LO12_I' ? FIELDS.imm12 : FIELDS.simm12;
      write32(bytes, at, setField(read32(bytes, at), kind, lo12(S + A)));
      return;
    }
    case 'R_RISCV_RELAX':
      return; // rvhart does not relax; the marker only permits it
  }
}

/** The value a PCREL_HI20 relocation resolves to (S + A − P), for its PCREL_LO12 partners. */
export function pcrelHiOffset(site: RelocSite): bigint {
  return site.S + site.reloc.addend - (site.input.addr + BigInt(site.reloc.offset));
}
