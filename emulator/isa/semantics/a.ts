// A: LR/SC and the AMOs (unprivileged spec chapter 14). LR and SC go through hart/atomic.ts's `amo`,
// which does the alignment check, the MMU's atomic access and the reservation; an AMO takes RAM's
// fast window when it can, and `amo` otherwise. Each piece names its width and its operation.

import { RESERVATION, type Semantics } from './semantics.js';

/** LR and SC: through `amo`. */
const reserve = (size: 4 | 8, op: string): Semantics => ({ run: `$sync amo(h, ${size}, AMO_${op}, rd, rs1, rs2);` });

/**
 * An AMO: on a page the MMU's fast cache holds for stores in RAM (write implies read, and RAM takes
 * atomics), aligned and with no debugger watching loads, done in the fast window like a store;
 * anything else through `amo`, which raises the misaligned or access fault.
 */
const amo = (size: 4 | 8, op: string): Semantics => ({
  run: `$ea
    const bl = xl[rs2], bh = ${size === 8 ? 'xh[rs2]' : 'bl >> 31'};
    $window(${size}, STORE, (lo & ${size - 1}) === 0 && h.loadObserver === undefined)
    $slow(amo(h, ${size}, AMO_${op}, rd, rs1, rs2);)
    ${RESERVATION(size)}
    const al = ram.getInt32(o, true), ah = ${size === 8 ? 'ram.getInt32(o + 4, true)' : 'al >> 31'};
    const nl = amoValue(h, AMO_${op}, al, ah, bl, bh);
    ram.setInt32(o, nl, true);${size === 8 ? ' ram.setInt32(o + 4, h.amoHi, true);' : ''}
    $stored(${size})
    xl[rd] = al; xh[rd] = ah;`,
});

const OPS = ['LR', 'SC', 'SWAP', 'ADD', 'XOR', 'AND', 'OR', 'MIN', 'MAX', 'MINU', 'MAXU'] as const;
const name = (op: string): string => (op === 'LR' || op === 'SC' ? op.toLowerCase() : `amo${op.toLowerCase()}`);

export const A: Readonly<Record<string, Semantics>> = Object.fromEntries(
  OPS.flatMap((op) => {
    const make = op === 'LR' || op === 'SC' ? reserve : amo;
    return [[`${name(op)}.w`, make(4, op)], [`${name(op)}.d`, make(8, op)]];
  }),
);
