// Field positions of mstatus (privileged spec 3.1.6) and of the interrupt bits of mip/mie (3.1.9),
// plus the masks of the views and writable fields. Bits 31..0 of mstatus live in a JS number;
// the upper half is constant here (UXL = SXL = 2, big-endian off) but for SD, which sdBit derives
// from FS.

export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << 11;
export const MSTATUS_MPRV = 1 << 17;
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21;
export const MSTATUS_TSR = 1 << 22;
/** FS (bits 14:13): Off 0, Initial 1, Clean 2, Dirty 3; Off makes F/D instructions and fcsr illegal. */
export const MSTATUS_FS = 3 << 13;

/** mstatus[63:32]: UXL = 2 (bits 33:32) and SXL = 2 (bits 35:34). */
export const MSTATUS_HI = 0xa;

/** SD (bit 63) as a bit of the upper half: set while FS is Dirty (VS and XS are always 0 here). */
export function sdBit(mstatusLo: number): number {
  return (mstatusLo & MSTATUS_FS) === MSTATUS_FS ? 0x80000000 : 0;
}

/** Fields software can write in mstatus (MPP is further legalized). */
export const MSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
  MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_FS;

/** The sstatus view: SIE, SPIE, UBE, SPP, VS, FS, XS, SUM, MXR (+ UXL and SD in the upper half). */
export const SSTATUS_MASK_LO = MSTATUS_SIE | MSTATUS_SPIE | (1 << 6) | MSTATUS_SPP | (3 << 9) | (3 << 13) |
  (3 << 15) | MSTATUS_SUM | MSTATUS_MXR;
/** sstatus[63:32]: UXL only. */
export const SSTATUS_HI = 0x2;
export const SSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_FS;

// mip / mie bits
export const MIP_SSIP = 1 << 1, MIP_MSIP = 1 << 3, MIP_STIP = 1 << 5, MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9, MIP_MEIP = 1 << 11;
/** Interrupts that exist here. */
export const MIE_MASK = MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP;
/** The supervisor interrupts: the only delegable ones (mideleg is 0x222). */
export const S_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP;

/** Exceptions that can be delegated to S (all but ecall-from-M and the reserved codes): 0xb3ff. */
export const MEDELEG_MASK = 0xb3ff;

// menvcfg bits (RV64): FIOM bit 0, CBIE bits 5:4, CBCFE bit 6, CBZE bit 7, ADUE bit 61, STCE bit 63.
export const MENVCFG_FIOM = 1n;
/** Zicbom/Zicboz enables (hart/cbo.ts reads them); senvcfg has the same bits. */
export const ENVCFG_CBO = 0xf0n;
export const MENVCFG_ADUE = 1n << 61n;
export const MENVCFG_STCE = 1n << 63n;
export const MENVCFG_MASK = MENVCFG_FIOM | ENVCFG_CBO | MENVCFG_ADUE | MENVCFG_STCE;

export const PRV_U = 0, PRV_S = 1, PRV_M = 3;
