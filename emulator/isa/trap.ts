// Architectural traps: the cause numbers and the Trap a deep check (the MMU, a device access, a CSR
// rule) throws. The interpreter catches it and takes the trap in place (hart.ts's takeTrap, the one
// definition of trap entry). Here in isa/ so mmu/ and board/ use them without depending on hart/.

/** xcause exception codes (interrupts have bit 63 set in xcause; here INTERRUPT flags them). */
export const CAUSE = {
  INSN_MISALIGNED: 0,
  INSN_ACCESS_FAULT: 1,
  ILLEGAL_INSN: 2,
  BREAKPOINT: 3,
  LOAD_MISALIGNED: 4,
  LOAD_ACCESS_FAULT: 5,
  STORE_MISALIGNED: 6,
  STORE_ACCESS_FAULT: 7,
  ECALL_U: 8,
  ECALL_S: 9,
  ECALL_M: 11,
  INSN_PAGE_FAULT: 12,
  LOAD_PAGE_FAULT: 13,
  STORE_PAGE_FAULT: 15,
} as const;

/** Interrupt numbers (bit positions in mip/mie). */
export const IRQ = { SSI: 1, MSI: 3, STI: 5, MTI: 7, SEI: 9, MEI: 11 } as const;

export const CAUSE_NAMES: Readonly<Record<number, string>> = {
  0: 'instruction-address-misaligned', 1: 'instruction-access-fault', 2: 'illegal-instruction',
  3: 'breakpoint', 4: 'load-address-misaligned', 5: 'load-access-fault', 6: 'store-address-misaligned',
  7: 'store-access-fault', 8: 'ecall-from-u', 9: 'ecall-from-s', 11: 'ecall-from-m',
  12: 'instruction-page-fault', 13: 'load-page-fault', 15: 'store-page-fault',
};

export const INTERRUPT_NAMES: Readonly<Record<number, string>> = {
  1: 'supervisor-software', 3: 'machine-software', 5: 'supervisor-timer', 7: 'machine-timer',
  9: 'supervisor-external', 11: 'machine-external',
};

/**
 * A synchronous exception: cause code and xtval (the faulting address or instruction bits). `epc`
 * is given only when the trapping pc is not the current instruction's (a fetch fault at the target
 * of a jump the hart cannot represent as its pc).
 */
export class Trap {
  constructor(readonly cause: number, readonly tval: bigint, readonly epc?: bigint) {}
}
