// A memory-mapped device on the bus. Device accesses are off the hot path, so values are bigint.

export type AccessSize = 1 | 2 | 4 | 8;

export interface Device {
  /** Short name shown by `info pma` ("uart0", "clint"). */
  readonly name: string;
  /** Physical base address and size in bytes of its register window. */
  readonly base: number;
  readonly size: number;
  /** The access sizes it accepts; others, and misaligned accesses, are access faults (PMA). */
  readonly accessSizes: readonly AccessSize[];
  /**
   * Optional, for devices whose registers differ in the sizes they accept (the CLINT's msip takes only
   * 4-byte accesses, its mtimer 4 and 8): false makes an access that `accessSizes` allows a fault too.
   */
  accepts?(offset: number, size: AccessSize): boolean;
  /** Reads `size` bytes at `offset` from base. Returns the value zero-extended. */
  read(offset: number, size: AccessSize): bigint;
  /** Writes the low `size` bytes of value at `offset` from base. */
  write(offset: number, size: AccessSize, value: bigint): void;
}

/** What devices drive: the hart's interrupt-pending bits (mip.MTIP, MSIP, MEIP, SEIP). */
export interface InterruptSink {
  setPending(irq: number, level: boolean): void;
}
