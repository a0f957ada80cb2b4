// How a decoded instruction is packed into the decode cache's Int32Array slot (decode-cache.ts
// fills it, the interpreter unpacks it): the opcode is the base instruction's index in the ISA
// table (the table's length is the illegal instruction); 0 means "not decoded yet", and the
// `filled` bit makes every decoded slot nonzero.
//
//   bits  8..0  op (table index)       14..9  rd (SINK = 32 for x0)
//        19..15 rs1                    24..20 rs2
//        25     four-byte instruction  26     filled

/** rd = x0 is written here: x0 reads 0 without a test on every write. */
export const SINK = 32;

export const OP_MASK = 0x1ff, RD_SHIFT = 9, RS1_SHIFT = 15, RS2_SHIFT = 20, WIDE_BIT = 25, FILLED_BIT = 26;

/** The most table entries an opcode can index. */
export const MAX_OPS = OP_MASK + 1;

export function packSlot(op: number, rd: number, rs1: number, rs2: number, wide: boolean): number {
  return op | (rd << RD_SHIFT) | (rs1 << RS1_SHIFT) | (rs2 << RS2_SHIFT) | (wide ? 1 << WIDE_BIT : 0) | (1 << FILLED_BIT);
}

/**
 * The trap CSRs' pairs in Hart.x64: each machine register directly followed by its supervisor
 * twin, so trap entry picks the level by adding 0 or 1.
 */
export const X_MTVEC = 0, X_STVEC = 1, X_MEPC = 2, X_SEPC = 3, X_MCAUSE = 4, X_SCAUSE = 5, X_MTVAL = 6, X_STVAL = 7,
  X_MSCRATCH = 8, X_SSCRATCH = 9, X_PAIRS = 10;
