// Relocation choices: which psABI relocation a %operator on a given instruction field means, and
// the inverted branch used when a conditional branch must reach further than ±4 KiB.

import type { FieldName } from '../../emulator/isa/fields.js';
import type { RelocType } from '../object.js';
import type { RelocOp } from './expr.js';

export function relocForOperator(op: RelocOp, field: FieldName): RelocType | undefined {
  switch (op) {
    case 'hi': return field === 'uimm20' ? 'R_RISCV_HI20' : undefined;
    case 'pcrel_hi': return field === 'uimm20' ? 'R_RISCV_PCREL_HI20' : undefined;
    case 'lo': return field === 'imm12' ? 'R_RISCV_LO12_I' : field === 'simm12' ? 'R_RISCV_LO12_S' : undefined;
    case 'pcrel_lo': return field === 'imm12' ? 'R_RISCV_PCREL_LO12_I' : field === 'simm12' ? 'R_RISCV_PCREL_LO12_S' : undefined;
  }
}

const INVERSE: Readonly<Record<string, string>> = { beq: 'bne', bne: 'beq', blt: 'bge', bge: 'blt', bltu: 'bgeu', bgeu: 'bltu' };
export function invertBranch(op: string): string {
  const r = INVERSE[op];
  if (!r) throw new Error(`not a conditional branch: ${op}`);
  return r;
}
