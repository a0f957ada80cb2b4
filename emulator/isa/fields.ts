// Operand fields of the instruction encodings: where each operand's bits live in the instruction
// word, and what the operand means (its role in the base instruction it expands to).
//
// A field is a list of segments [instHi, instLo, valueLo]: instruction bits instHi..instLo hold
// value bits valueLo..valueLo+(instHi-instLo). Immediates are then sign-extended (signed) and may
// have implied low zero bits (the segments simply never fill them).

/** The role an operand plays once a (possibly compressed) instruction is expanded to its base form. */
export type Role = 'rd' | 'rs1' | 'rs2' | 'rs3' | 'rdrs1' | 'imm' | 'csr' | 'pred' | 'succ' | 'aqrl' | 'rm';

export type Segment = readonly [instHi: number, instLo: number, valueLo: number];

export interface FieldKind {
  readonly name: string;
  readonly role: Role;
  readonly segments: readonly Segment[];
  /** Width of the value in bits (before sign extension). */
  readonly width: number;
  readonly signed: boolean;
  /** Register fields of compressed forms that address x8..x15 (rd', rs1', rs2'). */
  readonly prime?: boolean;
  /** The encoding with this field equal to zero is reserved (illegal), not a HINT. */
  readonly nonzero?: boolean;
  /** Values that encode a different instruction (c.lui with rd = 2 is c.addi16sp): not this field's. */
  readonly exclude?: readonly number[];
  /**
   * How the assembler and disassembler write it. 'freg' is a floating-point register (f0 is a real
   * register there: the decode cache must not send rd = 0 to the x0 sink); 'rm' a rounding mode
   * (rne, rtz, rdn, rup, rmm; dyn = 7 is the default and is not printed).
   */
  readonly syntax: 'reg' | 'freg' | 'imm' | 'uimm' | 'offset' | 'csr' | 'fence' | 'shamt' | 'rm';
}

const reg = (name: string, role: Role, hi: number, lo: number, extra: Partial<FieldKind> = {}): FieldKind => ({
  name, role, segments: [[hi, lo, 0]], width: hi - lo + 1, signed: false, syntax: 'reg', ...extra,
});
const freg = (name: string, role: Role, hi: number, lo: number, extra: Partial<FieldKind> = {}): FieldKind =>
  reg(name, role, hi, lo, { syntax: 'freg', ...extra });
const imm = (name: string, width: number, signed: boolean, segments: Segment[], extra: Partial<FieldKind> = {}): FieldKind => ({
  name, role: 'imm', segments, width, signed, syntax: signed ? 'imm' : 'uimm', ...extra,
});

/** Every operand field used by the table, by name. */
export const FIELDS = {
  // 32-bit encodings
  rd: reg('rd', 'rd', 11, 7),
  rs1: reg('rs1', 'rs1', 19, 15),
  rs2: reg('rs2', 'rs2', 24, 20),
  imm12: imm('imm12', 12, true, [[31, 20, 0]]),
  simm12: imm('simm12', 12, true, [[31, 25, 5], [11, 7, 0]]),
  bimm13: imm('bimm13', 13, true, [[31, 31, 12], [30, 25, 5], [11, 8, 1], [7, 7, 11]], { syntax: 'offset' }),
  jimm21: imm('jimm21', 21, true, [[31, 31, 20], [30, 21, 1], [20, 20, 11], [19, 12, 12]], { syntax: 'offset' }),
  /** U-type: the 20-bit field itself (the value added is field << 12, sign-extended from bit 31). */
  uimm20: imm('uimm20', 20, false, [[31, 12, 0]]),
  shamt6: imm('shamt6', 6, false, [[25, 20, 0]], { syntax: 'shamt' }),
  shamt5: imm('shamt5', 5, false, [[24, 20, 0]], { syntax: 'shamt' }),
  csr: { name: 'csr', role: 'csr', segments: [[31, 20, 0]], width: 12, signed: false, syntax: 'csr' } as FieldKind,
  zimm5: imm('zimm5', 5, false, [[19, 15, 0]]),
  pred: { name: 'pred', role: 'pred', segments: [[27, 24, 0]], width: 4, signed: false, syntax: 'fence' } as FieldKind,
  succ: { name: 'succ', role: 'succ', segments: [[23, 20, 0]], width: 4, signed: false, syntax: 'fence' } as FieldKind,
  aqrl: { name: 'aqrl', role: 'aqrl', segments: [[26, 25, 0]], width: 2, signed: false, syntax: 'uimm' } as FieldKind,
  /** Zicbop prefetch offsets: imm[11:5] only (the low five bits are the rs2-field selector's neighbours, zero). */
  pimm12: imm('pimm12', 12, true, [[31, 25, 5]]),

  // F and D: register fields naming f registers, the R4 format's rs3, the rounding mode
  frd: freg('frd', 'rd', 11, 7),
  frs1: freg('frs1', 'rs1', 19, 15),
  frs2: freg('frs2', 'rs2', 24, 20),
  frs3: freg('frs3', 'rs3', 31, 27),
  rm: { name: 'rm', role: 'rm', segments: [[14, 12, 0]], width: 3, signed: false, syntax: 'rm' } as FieldKind,

  // 16-bit encodings (C extension); names follow the spec's CIW/CL/CS/CA/CB/CJ/CR/CI/CSS formats
  c_rd: reg('c_rd', 'rd', 11, 7),
  c_rd_n0: reg('c_rd_n0', 'rd', 11, 7, { nonzero: true }),
  /** c.lui's rd: rd = 2 is c.addi16sp (rd = 0 is a HINT, still c.lui). */
  c_rd_n2: reg('c_rd_n2', 'rd', 11, 7, { exclude: [2] }),
  c_rdrs1: reg('c_rdrs1', 'rdrs1', 11, 7),
  c_rdrs1_n0: reg('c_rdrs1_n0', 'rdrs1', 11, 7, { nonzero: true }),
  c_rs1_n0: reg('c_rs1_n0', 'rs1', 11, 7, { nonzero: true }),
  c_rs2: reg('c_rs2', 'rs2', 6, 2),
  c_rs2_n0: reg('c_rs2_n0', 'rs2', 6, 2, { nonzero: true }),
  c_rd_p: reg('c_rd_p', 'rd', 4, 2, { prime: true }),
  c_rs2_p: reg('c_rs2_p', 'rs2', 4, 2, { prime: true }),
  c_rs1_p: reg('c_rs1_p', 'rs1', 9, 7, { prime: true }),
  c_rdrs1_p: reg('c_rdrs1_p', 'rdrs1', 9, 7, { prime: true }),
  c_frd: freg('c_frd', 'rd', 11, 7),
  c_frs2: freg('c_frs2', 'rs2', 6, 2),
  c_frd_p: freg('c_frd_p', 'rd', 4, 2, { prime: true }),
  c_frs2_p: freg('c_frs2_p', 'rs2', 4, 2, { prime: true }),
  c_nzuimm10: imm('c_nzuimm10', 10, false, [[12, 11, 4], [10, 7, 6], [6, 6, 2], [5, 5, 3]], { nonzero: true }),
  c_uimm7: imm('c_uimm7', 7, false, [[12, 10, 3], [6, 6, 2], [5, 5, 6]]),
  c_uimm8: imm('c_uimm8', 8, false, [[12, 10, 3], [6, 5, 6]]),
  c_imm6: imm('c_imm6', 6, true, [[12, 12, 5], [6, 2, 0]]),
  c_nzimm6: imm('c_nzimm6', 6, true, [[12, 12, 5], [6, 2, 0]], { nonzero: true }),
  c_shamt6: imm('c_shamt6', 6, false, [[12, 12, 5], [6, 2, 0]], { syntax: 'shamt' }),
  c_nzimm10: imm('c_nzimm10', 10, true, [[12, 12, 9], [6, 6, 4], [5, 5, 6], [4, 3, 7], [2, 2, 5]], { nonzero: true }),
  /**
   * c.lui: the raw value is nzimm[17:12] as a signed 6-bit number (-32..31), the 20-bit upper
   * immediate sign-extended from bit 5 (GNU writes -32 as 0xfffe0); decode's imm is it << 12.
   */
  c_nzimm18: imm('c_nzimm18', 6, true, [[12, 12, 5], [6, 2, 0]], { nonzero: true }),
  c_jimm12: imm('c_jimm12', 12, true, [[12, 12, 11], [11, 11, 4], [10, 9, 8], [8, 8, 10], [7, 7, 6], [6, 6, 7], [5, 3, 1], [2, 2, 5]], { syntax: 'offset' }),
  c_bimm9: imm('c_bimm9', 9, true, [[12, 12, 8], [11, 10, 3], [6, 5, 6], [4, 3, 1], [2, 2, 5]], { syntax: 'offset' }),
  c_uimm8sp: imm('c_uimm8sp', 8, false, [[12, 12, 5], [6, 4, 2], [3, 2, 6]]),
  c_uimm9sp: imm('c_uimm9sp', 9, false, [[12, 12, 5], [6, 5, 3], [4, 2, 6]]),
  c_uimm8sp_s: imm('c_uimm8sp_s', 8, false, [[12, 9, 2], [8, 7, 6]]),
  c_uimm9sp_s: imm('c_uimm9sp_s', 9, false, [[12, 10, 3], [9, 7, 6]]),
} as const satisfies Record<string, FieldKind>;

export type FieldName = keyof typeof FIELDS;

/** Extracts a field's value from instruction bits (register numbers of prime fields are 8..15). */
export function extractField(kind: FieldKind, bits: number): number {
  let v = 0;
  for (const [hi, lo, vlo] of kind.segments) {
    const n = hi - lo + 1;
    v |= ((bits >>> lo) & ((1 << n) - 1)) << vlo;
  }
  if (kind.signed && kind.width < 32) v = (v << (32 - kind.width)) >> (32 - kind.width);
  if (kind.prime) v += 8;
  return v;
}

/** Whether a value can be encoded exactly in a field (range, and implied zero low bits). */
export function fieldFits(kind: FieldKind, value: number): boolean {
  if (kind.prime) return value >= 8 && value <= 15;
  if (kind.nonzero && value === 0) return false;
  if (kind.exclude?.includes(value)) return false;
  const min = kind.signed ? -(2 ** (kind.width - 1)) : 0;
  const max = kind.signed ? 2 ** (kind.width - 1) - 1 : 2 ** kind.width - 1;
  if (value < min || value > max) return false;
  let covered = 0;
  for (const [hi, lo, vlo] of kind.segments) covered |= ((1 << (hi - lo + 1)) - 1) << vlo;
  const mask = kind.width >= 32 ? 0xffffffff : (1 << kind.width) - 1;
  return ((value & mask) & ~covered) === 0;
}

/** Places a value into a field, returning the instruction bits it contributes (caller checks fieldFits). */
export function insertField(kind: FieldKind, value: number): number {
  const v = kind.prime ? value - 8 : value;
  let bits = 0;
  for (const [hi, lo, vlo] of kind.segments) {
    const n = hi - lo + 1;
    bits |= ((v >>> vlo) & ((1 << n) - 1)) << lo;
  }
  return bits >>> 0;
}
