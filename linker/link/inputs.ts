// The linker's view of its inputs: each allocated section of each object, and where it ends up.

import type { ObjSection, ObjectFile, SourceLoc } from '../object.js';

export interface InputSection {
  readonly obj: ObjectFile;
  /** Index of obj among the link's inputs (command-line order). */
  readonly objIndex: number;
  readonly sec: ObjSection;
  /** Address assigned by layout (updated on every layout pass). */
  addr: bigint;
  /** Output section it was placed in, or null when discarded / not yet placed. */
  out: OutputSection | null;
  discarded: boolean;
}

export interface DataItem { readonly offset: number; readonly size: 1 | 2 | 4 | 8; value: bigint }

export interface OutputSection {
  readonly name: string;
  addr: bigint;
  size: number;
  align: number;
  readonly inputs: InputSection[];
  readonly data: DataItem[];
  write: boolean;
  exec: boolean;
  /** No file contents (all inputs nobits, or NOLOAD). */
  nobits: boolean;
  readonly loc: SourceLoc;
}

/** `file:line:col`, or for objects read from ELF (no line) GNU ld's `file:(section+0xoff)`. */
export function formatLoc(loc: SourceLoc, section?: string, offset?: number): string {
  if (loc.line > 0) return `${loc.file}:${loc.line}:${loc.col}`;
  if (section !== undefined && offset !== undefined) return `${loc.file}:(${section}+0x${offset.toString(16)})`;
  return loc.file;
}
