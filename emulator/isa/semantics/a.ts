// A: LR/SC and the AMOs (unprivileged spec chapter 14), through hart/atomic.ts's `amo`, which does
// the alignment check, the MMU's atomic access and the reservation; each piece names its width and
// its operation.

import type { Semantics } from './semantics.js';

const amo = (size: 4 | 8, op: string): Semantics => ({ run: `$sync amo(h, ${size}, AMO_${op}, rd, rs1, rs2);` });

const OPS = ['LR', 'SC', 'SWAP', 'ADD', 'XOR', 'AND', 'OR', 'MIN', 'MAX', 'MINU', 'MAXU'] as const;
const name = (op: string): string => (op === 'LR' || op === 'SC' ? op.toLowerCase() : `amo${op.toLowerCase()}`);

export const A: Readonly<Record<string, Semantics>> = Object.fromEntries(
  OPS.flatMap((op) => [[`${name(op)}.w`, amo(4, op)], [`${name(op)}.d`, amo(8, op)]]),
);
