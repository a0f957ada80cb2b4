// Bit-manipulation helpers the Zba/Zbb/Zbs semantics call (isa/semantics/zb.ts), on 64-bit values
// as 32-bit halves like int64.ts: each reads its operands as arguments, so rd may alias a source.

/** Trailing zeros of a 32-bit value (32 for 0). */
export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Set bits of a 32-bit value. */
export function pop32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Byte-reversed 32-bit value. */
export function bswap32(x: number): number {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) | 0;
}

/** orc.b on 32 bits: every nonzero byte becomes 0xff. */
export function orcb32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i += 8) if ((x >>> i) & 0xff) r |= 0xff << i;
  return r | 0;
}

/** x[rd] = (a << n) + b, for sh1add..sh3add (n 0..3; a zero-extended word for the .uw forms: ah = 0). */
export function shadd(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, bl: number, bh: number, n: number): void {
  const sl = n === 0 ? al : al << n, sh = n === 0 ? ah : (ah << n) | (al >>> (32 - n));
  const s = (sl >>> 0) + (bl >>> 0);
  xh[rd] = (sh + bh + (s > 0xffffffff ? 1 : 0)) | 0;
  xl[rd] = s | 0;
}

/** x[rd] = (a rotated right by s), s 0..63. */
export function rotr64(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, s: number): void {
  if (s >= 32) { const t = al; al = ah; ah = t; s -= 32; }
  if (s === 0) { xl[rd] = al; xh[rd] = ah; return; }
  xl[rd] = (al >>> s) | (ah << (32 - s));
  xh[rd] = (ah >>> s) | (al << (32 - s));
}
