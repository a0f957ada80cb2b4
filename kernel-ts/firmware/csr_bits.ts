// The CSR fields the firmware writes, named as the privileged spec names them (mip/mie bit per
// interrupt, 3.1.9; mstatus, 3.1.6; menvcfg.STCE, Sstc), once for every firmware module.

export const MIP_SSIP = 0x2n;
export const MIP_MSIP = 0x8n;
export const MIP_STIP = 0x20n;
export const MIP_MTIP = 0x80n;
export const MIP_SEIP = 0x200n;
export const MIE_MSIE = 0x8n;
export const MIE_MTIE = 0x80n;
export const MSTATUS_SIE = 0x2n;
export const MSTATUS_MPIE = 0x80n;
export const MSTATUS_MPP_MASK = 0x1800n;
export const MSTATUS_MPP_S = 0x800n;
export const MENVCFG_STCE = 0x8000000000000000n;
