// Page-table entry layout (privileged spec 12.4, Figure "Sv39 page table entry"). The walker keeps a
// PTE as two 32-bit halves so the hot path needs no bigint; `decodePte` is for reports.

export const PTE_V = 1 << 0, PTE_R = 1 << 1, PTE_W = 1 << 2, PTE_X = 1 << 3, PTE_U = 1 << 4,
  PTE_G = 1 << 5, PTE_A = 1 << 6, PTE_D = 1 << 7;

/** PTE.PPN (44 bits, bits 53..10) from the two halves; exact as a JS number. */
export function ptePpn(lo: number, hi: number): number {
  return (hi & 0x3fffff) * 0x400000 + (lo >>> 10);
}
/** Bits 60..54: reserved for future standard use. */
export function pteReserved(hi: number): number { return (hi >>> 22) & 0x7f; }
/** Bits 62..61: PBMT (Svpbmt). */
export function ptePbmt(hi: number): number { return (hi >>> 29) & 3; }
/** Bit 63: N (Svnapot). */
export function pteN(hi: number): number { return hi >>> 31; }

export interface PteFields {
  v: boolean; r: boolean; w: boolean; x: boolean; u: boolean; g: boolean; a: boolean; d: boolean;
  rsw: number; ppn: bigint; reserved: number; pbmt: number; n: boolean;
  /** "VRWXUGAD" letters, '-' where clear, e.g. "VRWX-GAD". */
  text: string;
}

export function decodePte(pte: bigint): PteFields {
  const lo = Number(pte & 0xffffffffn), hi = Number((pte >> 32n) & 0xffffffffn);
  const bit = (b: number): boolean => (lo & b) !== 0;
  const text = 'VRWXUGAD'.split('').map((c, i) => ((lo >> i) & 1 ? c : '-')).join('');
  return {
    v: bit(PTE_V), r: bit(PTE_R), w: bit(PTE_W), x: bit(PTE_X), u: bit(PTE_U), g: bit(PTE_G), a: bit(PTE_A), d: bit(PTE_D),
    rsw: (lo >>> 8) & 3, ppn: (pte >> 10n) & ((1n << 44n) - 1n), reserved: pteReserved(hi), pbmt: ptePbmt(hi), n: pteN(hi) === 1,
    text,
  };
}
