// RV64I (unprivileged spec chapters 2 and 4): integer computation on 32-bit halves, branches as a
// pc delta, loads and stores through the RAM fast window with the MMU's checks, fences.

import { RESERVATION, type Semantics } from './semantics.js';

/** A load of `size` bytes: the fast window read `fast` (at offset o), else memory.ts (which may fault or reach a device: sync first). */
const ld = (size: number, signed: boolean, fast: string): Semantics => ({
  run: `$ea
    $window(${size}, LOAD)
    $slow(load(h, lo, hi, ${size}, ${signed}, rd);)
    ${fast}`,
});

/** A store of `size` bytes of x[rs2]: the fast window write `fast`, else memory.ts. */
const st = (size: number, fast: string): Semantics => ({
  run: `$ea
    const vlo = xl[rs2], vhi = xh[rs2];
    $window(${size}, STORE)
    $slow(store(h, lo, hi, ${size}, vlo, vhi);)
    ${RESERVATION(size)}
    ${fast}
    $stored(${size})`,
});

const branch = (cond: string): Semantics => ({ run: `if (${cond}) d = im;` });

/** x[rd] = x[rs1] + b (b given as low and high halves); the carry is (sum <u a), all in int32s. */
const add = (bl: string, bh: string): string =>
  `const a = xl[rs1], s = (a + ${bl}) | 0; xh[rd] = (xh[rs1] + ${bh} + ((s >>> 0) < (a >>> 0) ? 1 : 0)) | 0; xl[rd] = s;`;

export const RV64I: Readonly<Record<string, Semantics>> = {
  lui: { run: 'xl[rd] = im; xh[rd] = im >> 31;' },
  auipc: { run: '$link(im)' },
  jal: { run: '$link(len) d = im;' },
  jalr: {
    // d = target - pc as a 64-bit difference; a jump farther than ±2^30 re-enters at the target.
    run: `$ea
    const lo0 = lo & ~1, pcl = vpLo + off;
    $link(len)
    const dl = (lo0 - pcl) | 0, dh = (hi - vpHi - ((lo0 >>> 0) < (pcl >>> 0) ? 1 : 0)) | 0;
    if ((dh === 0 ? dl >= 0 : dh === -1 && dl < 0) && dl > -0x40000000 && dl < 0x40000000) d = dl; else $goto(lo0, hi)`,
  },
  beq: branch('xl[rs1] === xl[rs2] && xh[rs1] === xh[rs2]'),
  bne: branch('xl[rs1] !== xl[rs2] || xh[rs1] !== xh[rs2]'),
  blt: branch('lt(xh[rs1], xl[rs1], xh[rs2], xl[rs2])'),
  bge: branch('!lt(xh[rs1], xl[rs1], xh[rs2], xl[rs2])'),
  bltu: branch('ltu(xh[rs1], xl[rs1], xh[rs2], xl[rs2])'),
  bgeu: branch('!ltu(xh[rs1], xl[rs1], xh[rs2], xl[rs2])'),

  lb: ld(1, true, 'const x = ram.getInt8(o); xl[rd] = x; xh[rd] = x >> 31;'),
  lh: ld(2, true, 'const x = ram.getInt16(o, true); xl[rd] = x; xh[rd] = x >> 31;'),
  lw: ld(4, true, 'const x = ram.getInt32(o, true); xl[rd] = x; xh[rd] = x >> 31;'),
  ld: ld(8, true, 'xl[rd] = ram.getInt32(o, true); xh[rd] = ram.getInt32(o + 4, true);'),
  lbu: ld(1, false, 'xl[rd] = ram.getUint8(o); xh[rd] = 0;'),
  lhu: ld(2, false, 'xl[rd] = ram.getUint16(o, true); xh[rd] = 0;'),
  lwu: ld(4, false, 'xl[rd] = ram.getInt32(o, true); xh[rd] = 0;'),
  sb: st(1, 'ram.setInt8(o, vlo);'),
  sh: st(2, 'ram.setInt16(o, vlo, true);'),
  sw: st(4, 'ram.setInt32(o, vlo, true);'),
  sd: st(8, 'ram.setInt32(o, vlo, true); ram.setInt32(o + 4, vhi, true);'),

  addi: { run: add('im', '(im >> 31)') },
  slti: { run: 'xl[rd] = lt(xh[rs1], xl[rs1], im >> 31, im) ? 1 : 0; xh[rd] = 0;' },
  sltiu: { run: 'xl[rd] = ltu(xh[rs1], xl[rs1], im >> 31, im) ? 1 : 0; xh[rd] = 0;' },
  xori: { run: 'xh[rd] = xh[rs1] ^ (im >> 31); xl[rd] = xl[rs1] ^ im;' },
  ori: { run: 'xh[rd] = xh[rs1] | (im >> 31); xl[rd] = xl[rs1] | im;' },
  andi: { run: 'xh[rd] = xh[rs1] & (im >> 31); xl[rd] = xl[rs1] & im;' },
  slli: { run: '$shl(xl[rs1], xh[rs1], im & 63)' },
  srli: { run: '$shr(xl[rs1], xh[rs1], im & 63)' },
  srai: { run: '$sar(xl[rs1], xh[rs1], im & 63)' },

  add: { run: add('xl[rs2]', 'xh[rs2]') },
  sub: {
    run: `const a = xl[rs1], b = xl[rs2];
    xh[rd] = (xh[rs1] - xh[rs2] - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; xl[rd] = (a - b) | 0;`,
  },
  sll: { run: '$shl(xl[rs1], xh[rs1], xl[rs2] & 63)' },
  slt: { run: 'xl[rd] = lt(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? 1 : 0; xh[rd] = 0;' },
  sltu: { run: 'xl[rd] = ltu(xh[rs1], xl[rs1], xh[rs2], xl[rs2]) ? 1 : 0; xh[rd] = 0;' },
  xor: { run: 'xh[rd] = xh[rs1] ^ xh[rs2]; xl[rd] = xl[rs1] ^ xl[rs2];' },
  srl: { run: '$shr(xl[rs1], xh[rs1], xl[rs2] & 63)' },
  sra: { run: '$sar(xl[rs1], xh[rs1], xl[rs2] & 63)' },
  or: { run: 'xh[rd] = xh[rs1] | xh[rs2]; xl[rd] = xl[rs1] | xl[rs2];' },
  and: { run: 'xh[rd] = xh[rs1] & xh[rs2]; xl[rd] = xl[rs1] & xl[rs2];' },

  // W forms: a 32-bit result, sign-extended to 64.
  addiw: { run: '$setw(xl[rs1] + im)' },
  slliw: { run: '$setw(xl[rs1] << (im & 31))' },
  srliw: { run: '$setw(xl[rs1] >>> (im & 31))' },
  sraiw: { run: '$setw(xl[rs1] >> (im & 31))' },
  addw: { run: '$setw(xl[rs1] + xl[rs2])' },
  subw: { run: '$setw(xl[rs1] - xl[rs2])' },
  sllw: { run: '$setw(xl[rs1] << (xl[rs2] & 31))' },
  srlw: { run: '$setw(xl[rs1] >>> (xl[rs2] & 31))' },
  sraw: { run: '$setw(xl[rs1] >> (xl[rs2] & 31))' },

  // One hart, in order: fences order nothing more than program order already does.
  fence: { run: '' },
  'fence.tso': { run: '' },
  pause: { run: '' },
};
