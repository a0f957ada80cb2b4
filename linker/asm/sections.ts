// Sections while assembling: a list of items (fixed bytes, instructions, data with expressions,
// branches whose size is chosen at layout, alignment padding), and the layout that gives every item
// its offset. Branch sizes follow GNU as's branch relaxation (done even with -mno-relax): a branch or
// `j` to a label in the same section takes the shortest form whose offset fits.

import type { Expr, Value } from './expr.js';
import type { RelocType, SourceLoc } from '../object.js';
import type { Token } from './lexer.js';
import type { FieldName } from '../../emulator/isa/fields.js';
import type { InsnDef } from '../../emulator/isa/table.js';

/** A relocatable operand of an encoded instruction. */
export interface Fixup {
  readonly type: RelocType;
  readonly target: Value;
  /** Field receiving pc-relative offsets when the target is resolved in this file (JAL, BRANCH, RVC_*). */
  readonly field?: FieldName;
}

export type Item =
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | { readonly kind: 'insn'; readonly def: InsnDef; readonly bits: number; readonly size: 2 | 4; readonly fix?: Fixup; readonly loc: SourceLoc; readonly at: Token }
  | { readonly kind: 'data'; readonly size: 1 | 2 | 4 | 8; readonly expr: Expr; readonly loc: SourceLoc }
  | { readonly kind: 'space'; readonly size: number; readonly fill: number; readonly loc: SourceLoc }
  | { readonly kind: 'align'; readonly align: number; readonly fill: number | undefined; readonly max: number; readonly code: boolean }
  | Branch;

/** A conditional branch or `j` whose encoding (2, 4, 6 or 8 bytes) is chosen at layout. */
export interface Branch {
  readonly kind: 'branch';
  /** beq/bne/blt/bge/bltu/bgeu, or jal for `j`. */
  readonly op: string;
  readonly rs1: number;
  readonly rs2: number;
  readonly target: Value;
  /** Whether GNU as would consider a compressed form (RVC on and the registers allow c.beqz/c.bnez/c.j). */
  readonly rvc: boolean;
  readonly loc: SourceLoc;
  readonly at: Token;
  size: number;
}

export interface SectionFlags { alloc: boolean; write: boolean; exec: boolean }

export class Section {
  readonly items: Item[] = [];
  /** Offset of each item after layout, plus the end offset. */
  offsets: number[] = [];
  align = 1;
  constructor(readonly name: string, public type: 'progbits' | 'nobits', public flags: SectionFlags) {}
  get here(): number { return this.items.length; }
  get size(): number { return this.offsets[this.items.length] ?? 0; }
}

/** Size of an item at `offset` (branches use their current size). */
export function itemSize(item: Item, offset: number): number {
  switch (item.kind) {
    case 'bytes': return item.data.length;
    case 'insn': return item.size;
    case 'data': return item.size;
    case 'space': return item.size;
    case 'branch': return item.size;
    case 'align': {
      const pad = (item.align - (offset % item.align)) % item.align;
      return pad > item.max ? 0 : pad;
    }
  }
}

/** Computes offsets; `branchSize` re-sizes branches until nothing changes (sizes only grow). */
export function layout(sec: Section, branchSize: (b: Branch, offset: number, offsets: readonly number[]) => number): void {
  for (let pass = 0; ; pass++) {
    const offs: number[] = new Array(sec.items.length + 1);
    let off = 0;
    sec.items.forEach((it, k) => { offs[k] = off; off += itemSize(it, off); });
    offs[sec.items.length] = off;
    sec.offsets = offs;
    let changed = false;
    sec.items.forEach((it, k) => {
      if (it.kind !== 'branch') return;
      const s = branchSize(it, offs[k]!, offs);
      if (s > it.size) { it.size = s; changed = true; }
    });
    if (!changed) return;
    if (pass > 1000) throw new Error('layout does not converge');
  }
}
