// The relocatable object: what the assembler produces and the linker consumes. It mirrors an ELF
// relocatable (sections, symbols, relocations with psABI names), so it can be written as ELF too.

export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** RISC-V psABI relocation types this project produces and resolves. */
export const RELOC = {
  R_RISCV_32: 1,
  R_RISCV_64: 2,
  R_RISCV_BRANCH: 16,
  R_RISCV_JAL: 17,
  R_RISCV_CALL: 18,
  R_RISCV_CALL_PLT: 19,
  R_RISCV_PCREL_HI20: 23,
  R_RISCV_PCREL_LO12_I: 24,
  R_RISCV_PCREL_LO12_S: 25,
  R_RISCV_HI20: 26,
  R_RISCV_LO12_I: 27,
  R_RISCV_LO12_S: 28,
  R_RISCV_ADD32: 35,
  R_RISCV_SUB32: 39,
  R_RISCV_RVC_BRANCH: 44,
  R_RISCV_RVC_JUMP: 45,
  R_RISCV_RELAX: 51,
} as const;
export type RelocType = keyof typeof RELOC;

export interface Relocation {
  /** Byte offset within the section. */
  readonly offset: number;
  readonly type: RelocType;
  /** Target symbol; for PCREL_LO12 it is the label of the matching auipc, as in the psABI. */
  readonly symbol: string;
  readonly addend: bigint;
  readonly loc: SourceLoc;
}

export interface ObjSection {
  readonly name: string;
  /** SHT_PROGBITS or SHT_NOBITS (.bss: size only). */
  readonly type: 'progbits' | 'nobits';
  readonly flags: { readonly alloc: boolean; readonly write: boolean; readonly exec: boolean };
  readonly align: number;
  /** Contents (empty for nobits). */
  readonly data: Uint8Array;
  readonly size: number;
  readonly relocs: readonly Relocation[];
}

export interface ObjSymbol {
  readonly name: string;
  /** Section it is defined in; null for an undefined (external) symbol; '*ABS*' for .equ/.set. */
  readonly section: string | null;
  readonly value: bigint;
  /** 'weak' (`.weak`): a global that yields to a strong definition; STB_WEAK in ELF. */
  readonly binding: 'local' | 'global' | 'weak';
  readonly type: 'notype' | 'func' | 'object' | 'section' | 'file';
  readonly size: bigint;
  readonly loc: SourceLoc;
}

export interface ObjectFile {
  readonly file: string;
  readonly sections: readonly ObjSection[];
  readonly symbols: readonly ObjSymbol[];
  /** Whether any instruction was assembled with RVC enabled (sets EF_RISCV_RVC). */
  readonly rvc: boolean;
}

/**
 * Largest section with file contents the assembler and linker build (they hold it in memory).
 * GNU tools would try to write 8 GiB of zeros; a `.zero 1<<33` or `. += 1<<33` in a loaded section
 * is surely a mistake, so it is refused with its location instead of failing in the allocator.
 */
export const MAX_SECTION_BYTES = 1 << 30;

/** A user-facing error with a location: printed as `file:line:col: message`, never as a stack trace. */
export class ToolError extends Error {
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
  }
}
