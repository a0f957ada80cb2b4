// The physical memory map the kernel relies on (QEMU virt, DESIGN §5) and the virtual layout it builds.
// RAM's size comes from the device tree at boot; everything else here is fixed by the board.

import type { u64 } from '../runtime/intrinsics.js';

export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 0x1000n;
/** ~(PAGE_SIZE - 1), written out so that it is the same 64-bit value natively and compiled. */
export const PAGE_MASK = 0xfffffffffffff000n;

export const SZ_1M = 0x100000n;
export const SZ_2M = 0x200000n;
export const SZ_1G = 0x40000000n;

/** RAM and the two images in it: the firmware (M-mode, PMP-protected) below the kernel. */
export const RAM_BASE = 0x80000000n;
export const FIRMWARE_BASE = 0x80000000n;
export const KERNEL_BASE = 0x80200000n;
/** RAM size used when the device tree has no /memory node. */
export const DEFAULT_RAM_SIZE = 0x8000000n;

/** Devices (physical = virtual): they are mapped read/write, never executable. */
export const SYSCON_BASE = 0x100000n;
export const SYSCON_SIZE = 0x1000n;
export const CLINT_BASE = 0x2000000n;
export const CLINT_SIZE = 0x10000n;
export const PLIC_BASE = 0xc000000n;
export const PLIC_SIZE = 0x400000n;
export const UART0_BASE = 0x10000000n;
export const UART0_SIZE = 0x1000n;

/** The high alias of RAM: one 1 GiB block (as Linux's linear map), canonical in Sv39 and Sv48. */
export const HIGH_ALIAS_BASE = 0xffffffc000000000n;

/** The lazily allocated region: vm areas are offsets from here (unmapped until touched). */
export const LAZY_BASE = 0x40000000n;
export const LAZY_SIZE = 0x10000000n;

/** The kernel's address-space identifier. */
export const KERNEL_ASID = 1n;

export function page_align(x: u64): u64 {
  return (x + PAGE_SIZE - 1n) & PAGE_MASK;
}
