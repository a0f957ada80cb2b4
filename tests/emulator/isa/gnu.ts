// GNU binutils for the ISA tests: assemble a source with riscv64-unknown-elf-as, read back the
// .text bytes, objdump's listing and the symbols. Every call works in its own temp dir.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AS = 'riscv64-unknown-elf-as';
export const OBJCOPY = 'riscv64-unknown-elf-objcopy';
export const OBJDUMP = 'riscv64-unknown-elf-objdump';
export const NM = 'riscv64-unknown-elf-nm';
export const MARCH = 'rv64imafdc_zicsr_zifencei_zba_zbb_zbs_zicbom_zicboz_zicbop_zihintpause';
/**
 * Extensions of the table binutils 2.40 does not know (Zicond and Zihintntl came in 2.41): left out
 * of the GNU comparisons, checked by hand against the spec's encodings and 2.41's spellings.
 */
export const NOT_IN_BINUTILS_2_40: ReadonlySet<string> = new Set(['Zicond', 'Zihintntl']);
/** The privileged spec the hart implements (Sstc, menvcfg, pmpaddr16..63 are 1.12); objdump names CSRs by it. */
export const PRIV_SPEC = '1.12';

function present(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether GNU binutils for RISC-V are installed; warns once (naming the tool) when not. */
export function haveBinutils(): boolean {
  const missing = [AS, OBJCOPY, OBJDUMP, NM].filter((t) => !present(t));
  if (missing.length) console.warn(`skipping GNU comparison: ${missing.join(', ')} not installed (apt install binutils-riscv64-unknown-elf)`);
  return missing.length === 0;
}

export interface Assembled {
  /** The .text section's bytes. */
  readonly text: Uint8Array;
  /** objdump -d lines of .text that hold an instruction. */
  readonly listing: readonly ListingLine[];
  /** Symbols of the object: name → value. */
  readonly symbols: ReadonlyMap<string, bigint>;
}

export interface ListingLine {
  readonly addr: bigint;
  /** The bytes column as objdump prints it ("00a50533", "4501"). */
  readonly bytes: string;
  readonly text: string;
}

/** Assembles `source` with GNU as (one invocation), returning .text bytes, listing and symbols. */
export function gnuAssemble(source: string, opts: { march?: string; listing?: boolean } = {}): Assembled {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-isa-'));
  try {
    const src = join(dir, 'in.s'), obj = join(dir, 'in.o'), bin = join(dir, 'text.bin');
    writeFileSync(src, source);
    try {
      execFileSync(AS, [`-march=${opts.march ?? MARCH}`, '-mabi=lp64', `-mpriv-spec=${PRIV_SPEC}`, '-mno-relax', src, '-o', obj], { stdio: 'pipe' });
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error(`GNU as refused the corpus:\n${err.stderr?.toString().split('\n').slice(0, 20).join('\n')}`);
    }
    execFileSync(OBJCOPY, ['-O', 'binary', '-j', '.text', obj, bin]);
    const text = new Uint8Array(readFileSync(bin));
    const symbols = new Map<string, bigint>();
    for (const line of execFileSync(NM, [obj], { maxBuffer: 1 << 28 }).toString().split('\n')) {
      const m = /^([0-9a-f]+) \S (\S+)$/.exec(line);
      if (m && !m[2]!.startsWith('$')) symbols.set(m[2]!, BigInt(`0x${m[1]}`));
    }
    const listing: ListingLine[] = [];
    if (opts.listing !== false) {
      const out = execFileSync(OBJDUMP, ['-d', '-j', '.text', obj], { maxBuffer: 1 << 30 }).toString();
      for (const line of out.split('\n')) {
        const m = /^ *([0-9a-f]+):\t([0-9a-f]+) *\t(.*)$/.exec(line);
        if (m) listing.push({ addr: BigInt(`0x${m[1]}`), bytes: m[2]!, text: m[3]! });
      }
    }
    return { text, listing, symbols };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** objdump's way of naming an address: the nearest symbol at or below it (or the first one), plus an offset. */
export function symbolizer(symbols: ReadonlyMap<string, bigint>): (addr: bigint) => string | undefined {
  const sorted = [...symbols].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return (addr) => {
    if (!sorted.length) return undefined;
    let best = sorted[0]!;
    for (const s of sorted) if (s[1] <= addr) best = s;
    const off = addr - best[1];
    return off === 0n ? best[0] : off > 0n ? `${best[0]}+0x${off.toString(16)}` : `${best[0]}-0x${(-off).toString(16)}`;
  };
}

/** Little-endian instruction parcel at `off`: 16 bits, or 32 when the low bits say so. */
export function fetchInsn(bytes: Uint8Array, off: number): number {
  const lo = bytes[off]! | (bytes[off + 1]! << 8);
  if ((lo & 3) !== 3) return lo;
  return (lo | (bytes[off + 2]! << 16) | (bytes[off + 3]! << 24)) >>> 0;
}
