// Number formatting shared by the shell and the stub: GDB's spellings.

export const M64 = (1n << 64n) - 1n;

export const u64 = (v: bigint): bigint => v & M64;

/** 0x0000000080200000 */
export const hex16 = (v: bigint): string => '0x' + u64(v).toString(16).padStart(16, '0');

/** 0x80200000 */
export const hex = (v: bigint | number): string => '0x' + (typeof v === 'number' ? v.toString(16) : u64(v).toString(16));

export const PRIV_NAMES: readonly string[] = ['U', 'S', 'H', 'M'];
export const PRIV_WORDS: readonly string[] = ['user', 'supervisor', 'hypervisor', 'machine'];

/** An exact size in the largest unit that divides it: '2 MiB', '2012 KiB', '1 GiB'. */
export function sizeText(bytes: bigint | number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = BigInt(bytes), u = 0;
  while (n >= 1024n && n % 1024n === 0n && u < units.length - 1) { n /= 1024n; u++; }
  return `${n} ${units[u]}`;
}
