// Zba, Zbb, Zbs (the bit-manipulation chapter of the unprivileged spec), Zicond, the cache-block
// operations (Zicbom, Zicboz; hart/cbo.ts) and the hints (Zicbop prefetches, Zihintntl). Values
// are 32-bit halves as in rv64i.ts; every piece reads its sources before it writes rd (rd may be
// one of them). Helpers from hart/bitmanip.ts.

import type { Semantics } from './semantics.js';

const A = 'const al = xl[rs1], ah = xh[rs1];';
const AB = 'const al = xl[rs1], ah = xh[rs1], bl = xl[rs2], bh = xh[rs2];';

/** sh{n}add: (x[rs1] << n) + x[rs2]; `uw`: x[rs1] zero-extended from 32 bits first. */
const shadd = (n: number, uw: boolean): Semantics =>
  ({ run: `shadd(xl, xh, rd, xl[rs1], ${uw ? '0' : 'xh[rs1]'}, xl[rs2], xh[rs2], ${n});` });

/** x[rd] = x[rs1] or x[rs2] by a signed/unsigned comparison; `min`: the smaller. */
const minmax = (cmp: 'lt' | 'ltu', min: boolean): Semantics => ({
  run: `${AB} const a = ${cmp}(ah, al, bh, bl) === ${min};
    xl[rd] = a ? al : bl; xh[rd] = a ? ah : bh;`,
});

/** Single-bit operations on bit index s (a JS expression, 0..63) of x[rs1]. */
const bit = (s: string, op: 'set' | 'clr' | 'inv' | 'ext'): Semantics => {
  const apply = { set: 'v | m', clr: 'v & ~m', inv: 'v ^ m' };
  if (op === 'ext') return { run: `${A} const s = ${s}; xl[rd] = (s < 32 ? al >>> s : ah >>> (s - 32)) & 1; xh[rd] = 0;` };
  return {
    run: `${A} const s = ${s}, m = 1 << (s & 31);
    if (s < 32) { const v = al; xl[rd] = ${apply[op]}; xh[rd] = ah; } else { const v = ah; xh[rd] = ${apply[op]}; xl[rd] = al; }`,
  };
};

/** 32-bit rotate right by s (0..31), sign-extended. */
const rorw = (s: string): Semantics => ({ run: `const a = xl[rs1], s = ${s}; $setw((a >>> s) | (a << ((32 - s) & 31)))` });

export const ZB: Readonly<Record<string, Semantics>> = {
  // ---- Zba ----
  sh1add: shadd(1, false), sh2add: shadd(2, false), sh3add: shadd(3, false),
  'add.uw': shadd(0, true),
  'sh1add.uw': shadd(1, true), 'sh2add.uw': shadd(2, true), 'sh3add.uw': shadd(3, true),
  'slli.uw': { run: '$shl(xl[rs1], 0, im & 63)' },

  // ---- Zbb ----
  andn: { run: 'xh[rd] = xh[rs1] & ~xh[rs2]; xl[rd] = xl[rs1] & ~xl[rs2];' },
  orn: { run: 'xh[rd] = xh[rs1] | ~xh[rs2]; xl[rd] = xl[rs1] | ~xl[rs2];' },
  xnor: { run: 'xh[rd] = ~(xh[rs1] ^ xh[rs2]); xl[rd] = ~(xl[rs1] ^ xl[rs2]);' },
  clz: { run: `${A} xl[rd] = ah !== 0 ? Math.clz32(ah) : 32 + Math.clz32(al); xh[rd] = 0;` },
  ctz: { run: `${A} xl[rd] = al !== 0 ? ctz32(al) : 32 + ctz32(ah); xh[rd] = 0;` },
  cpop: { run: `${A} xl[rd] = pop32(al) + pop32(ah); xh[rd] = 0;` },
  clzw: { run: 'xl[rd] = Math.clz32(xl[rs1]); xh[rd] = 0;' },
  ctzw: { run: 'xl[rd] = ctz32(xl[rs1]); xh[rd] = 0;' },
  cpopw: { run: 'xl[rd] = pop32(xl[rs1]); xh[rd] = 0;' },
  max: minmax('lt', false), maxu: minmax('ltu', false), min: minmax('lt', true), minu: minmax('ltu', true),
  'sext.b': { run: '$setw((xl[rs1] << 24) >> 24)' },
  'sext.h': { run: '$setw((xl[rs1] << 16) >> 16)' },
  'zext.h': { run: 'xl[rd] = xl[rs1] & 0xffff; xh[rd] = 0;' },
  rol: { run: 'rotr64(xl, xh, rd, xl[rs1], xh[rs1], (64 - (xl[rs2] & 63)) & 63);' },
  ror: { run: 'rotr64(xl, xh, rd, xl[rs1], xh[rs1], xl[rs2] & 63);' },
  rori: { run: 'rotr64(xl, xh, rd, xl[rs1], xh[rs1], im & 63);' },
  rolw: rorw('(32 - (xl[rs2] & 31)) & 31'),
  rorw: rorw('xl[rs2] & 31'),
  roriw: rorw('im & 31'),
  'orc.b': { run: 'xh[rd] = orcb32(xh[rs1]); xl[rd] = orcb32(xl[rs1]);' },
  rev8: { run: `${A} xl[rd] = bswap32(ah); xh[rd] = bswap32(al);` },

  // ---- Zbs ----
  bset: bit('xl[rs2] & 63', 'set'), bclr: bit('xl[rs2] & 63', 'clr'), binv: bit('xl[rs2] & 63', 'inv'), bext: bit('xl[rs2] & 63', 'ext'),
  bseti: bit('im & 63', 'set'), bclri: bit('im & 63', 'clr'), binvi: bit('im & 63', 'inv'), bexti: bit('im & 63', 'ext'),

  // ---- Zicond: rd = 0 when rs2 is zero (eqz) or nonzero (nez), else rs1 ----
  'czero.eqz': { run: `${AB} const z = (bl | bh) === 0; xl[rd] = z ? 0 : al; xh[rd] = z ? 0 : ah;` },
  'czero.nez': { run: `${AB} const z = (bl | bh) !== 0; xl[rd] = z ? 0 : al; xh[rd] = z ? 0 : ah;` },

  // ---- Zicbom, Zicboz: may trap (access, envcfg) ----
  'cbo.inval': { run: '$sync cbo(h, CBO_INVAL, rs1, bits);' },
  'cbo.clean': { run: '$sync cbo(h, CBO_CLEAN, rs1, bits);' },
  'cbo.flush': { run: '$sync cbo(h, CBO_FLUSH, rs1, bits);' },
  'cbo.zero': { run: '$sync cbo(h, CBO_ZERO, rs1, bits);' },

  // ---- hints: no cache to prefetch into, no locality to keep ----
  'prefetch.i': { run: '' }, 'prefetch.r': { run: '' }, 'prefetch.w': { run: '' },
  'ntl.p1': { run: '' }, 'ntl.pall': { run: '' }, 'ntl.s1': { run: '' }, 'ntl.all': { run: '' },
};
