// The satp translation modes as data (privileged spec 12.4 Sv39, 12.5 Sv48, 12.6 Sv57). The walker
// reads LEVELS, VALEN and the PTE.PPN[i] widths from here; nothing else knows which mode it is in.

export type SatpModeName = 'bare' | 'sv39' | 'sv48' | 'sv57';

export interface PagingMode {
  readonly name: Exclude<SatpModeName, 'bare'>;
  /** satp.MODE encoding. */
  readonly satpMode: number;
  /** LEVELS: number of page-table levels. */
  readonly levels: number;
  /** VALEN: virtual address width; bits 63..VALEN-1 must equal bit VALEN-1. */
  readonly vaBits: number;
  /** Width of PTE.PPN[i], i = 0..LEVELS-1 (the sum is always 44). */
  readonly ppnBits: readonly number[];
  /** Size in bytes of a leaf at level i: 4 KiB, 2 MiB, 1 GiB, 512 GiB, 256 TiB. */
  readonly pageSizes: readonly number[];
}

const sizes = (levels: number): number[] => Array.from({ length: levels }, (_, i) => 2 ** (12 + 9 * i));

export const SV39: PagingMode = { name: 'sv39', satpMode: 8, levels: 3, vaBits: 39, ppnBits: [9, 9, 26], pageSizes: sizes(3) };
export const SV48: PagingMode = { name: 'sv48', satpMode: 9, levels: 4, vaBits: 48, ppnBits: [9, 9, 9, 17], pageSizes: sizes(4) };
export const SV57: PagingMode = { name: 'sv57', satpMode: 10, levels: 5, vaBits: 57, ppnBits: [9, 9, 9, 9, 8], pageSizes: sizes(5) };

export const SATP_MODE_BARE = 0;
export const PAGING_MODES: readonly PagingMode[] = [SV39, SV48, SV57];

/** satp.MODE encoding of each mode name. */
export const SATP_MODE_OF: Readonly<Record<SatpModeName, number>> = { bare: 0, sv39: 8, sv48: 9, sv57: 10 };

export function pagingModeOf(satpMode: number): PagingMode | undefined {
  return PAGING_MODES.find((m) => m.satpMode === satpMode);
}

export const PAGE_SHIFT = 12, PAGE_SIZE = 4096, PTE_SIZE = 8;

/** "4 KiB", "2 MiB", "1 GiB", "512 GiB", "256 TiB". */
export function pageSizeName(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  while (bytes >= 1024 && u < units.length - 1) { bytes /= 1024; u++; }
  return `${bytes} ${units[u]}`;
}
