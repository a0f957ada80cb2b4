// `rvhart disasm ELF`: the listing `objdump -d` prints — every executable section, a `<symbol>:`
// header where a symbol starts, address, raw instruction, and the disassembly with targets
// named `<sym+0x..>` — so the two can be diffed line for line.

import type { Argv, CommandModule } from 'yargs';
import { disassemble, newDisasmState, type Symbolize } from '../emulator/isa/disasm.js';
import { SHF_EXECINSTR, SHT_NOBITS } from '../linker/elf/consts.js';
import { readElf, sectionData, type ElfImage, type ElfSymbol } from '../linker/elf/read.js';
import { ToolError } from '../linker/object.js';
import { EXIT, fail } from './exit.js';
import { readInput } from './input.js';

interface DisasmArgs { elf: string }

export const disasmCommand: CommandModule<object, DisasmArgs> = {
  command: 'disasm <elf>',
  describe: 'disassemble an ELF image with symbols (objdump -d style)',
  builder: (y) => y.positional('elf', { type: 'string', demandOption: true, describe: 'ELF file' }) as unknown as Argv<DisasmArgs>,
  handler: (args) => {
    const bytes = readInput(args.elf);
    try {
      process.stdout.write(disasmListing(readElf(bytes, args.elf), args.elf));
    } catch (e) {
      if (e instanceof ToolError) fail(EXIT.BAD_IMAGE, e.message);
      throw e;
    }
  },
};

/**
 * objdump's choice among symbols at one address (compare_symbols in binutils): functions, then
 * objects, then globals before locals, larger sizes first, names not starting with '.', then by name.
 */
function preferred(a: ElfSymbol, b: ElfSymbol): number {
  const rank = (s: ElfSymbol) => [s.type === 'func' ? 0 : 1, s.type === 'object' ? 0 : 1, s.bind === 'local' ? 1 : 0];
  const ra = rank(a), rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  if (a.size !== b.size) return a.size > b.size ? -1 : 1;
  const da = a.name.startsWith('.'), db = b.name.startsWith('.');
  if (da !== db) return da ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Symbols objdump would use for labels: named, in a section, not mapping symbols ($x, $d). */
function labelSymbols(img: ElfImage): ElfSymbol[] {
  return img.symbols
    .filter((s) => s.name !== '' && s.type !== 'section' && s.type !== 'file' && s.section !== null
      && s.section !== '*ABS*' && !s.section.startsWith('*') && !/^\$[xd]/.test(s.name))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : preferred(a, b)));
}

/** The objdump -d listing of an image. */
export function disasmListing(img: ElfImage, file: string): string {
  const syms = labelSymbols(img);
  // The best symbol at each address, and a sorted list of them for "sym+off" lookups.
  const best = new Map<bigint, ElfSymbol>();
  for (const s of syms) if (!best.has(s.value)) best.set(s.value, s);
  const sorted = [...best.values()];
  const secOf = (s: ElfSymbol) => s.section;
  const symbolize: Symbolize = (addr) => {
    let lo = 0, hi = sorted.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.value <= addr) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (sorted.length === 0) return undefined;
    // Below every symbol, objdump still names the first one, with a negative offset.
    if (at < 0) return `${sorted[0]!.name}-0x${(sorted[0]!.value - addr).toString(16)}`;
    // objdump prefers a symbol in the same section as the address being disassembled.
    let s = sorted[at]!;
    const target = img.sections.find((x) => x.addr <= addr && addr < x.addr + BigInt(x.size) && (x.flags & 2) !== 0);
    if (target) {
      for (let i = at; i >= 0; i--) {
        if (secOf(sorted[i]!) === target.name) { s = sorted[i]!; break; }
      }
    }
    const off = addr - s.value;
    return off === 0n ? s.name : `${s.name}+0x${off.toString(16)}`;
  };

  const out: string[] = ['', `${file}:     file format elf64-littleriscv`, '', ''];
  const gp = img.symbols.find((s) => s.name === '__global_pointer$')?.value;
  for (const sec of img.sections) {
    if ((sec.flags & SHF_EXECINSTR) === 0 || sec.type === SHT_NOBITS || sec.size === 0) continue;
    out.push(`Disassembly of section ${sec.name}:`);
    const data = sectionData(img, sec);
    // objdump drops the leading zeros all addresses of the section share, in groups of four.
    const maxAddr = (sec.addr + BigInt(sec.size)).toString(16).padStart(16, '0');
    let skip = maxAddr.match(/^0*/)![0].length;
    if (skip !== 0) skip = (skip - 1) & -4;
    const state = newDisasmState(gp);
    const sym = symbolize;
    // objdump disassembles symbol by symbol: each range ends where the next label of the section starts.
    const stops = sorted.filter((x) => x.section === sec.name && x.value > sec.addr).map((x) => Number(x.value - sec.addr));
    stops.push(data.length);
    let next = 0; // index in stops of the end of the current range
    let first = true;
    for (let off = 0; off < data.length;) {
      const pc = sec.addr + BigInt(off);
      const label = best.get(pc);
      if (label && label.section === sec.name) {
        out.push('', `${pc.toString(16).padStart(16, '0')} <${label.name}>:`);
        first = false;
      } else if (first) {
        // objdump names the section start even without a symbol there.
        out.push('', `${pc.toString(16).padStart(16, '0')} <${sym(pc) ?? sec.name}>:`);
        first = false;
      }
      while (stops[next]! <= off) next++;
      const zeros = zeroRun(data, off, Math.min(stops[next]!, data.length));
      if (zeros > 0) {
        out.push('\t...');
        off += zeros;
        continue;
      }
      const lo = data[off]! | ((data[off + 1] ?? 0) << 8);
      let bits = lo;
      let size: 2 | 4 = (lo & 3) === 3 && off + 4 <= data.length ? 4 : 2;
      if (size === 4) bits = (lo | (data[off + 2]! << 16) | (data[off + 3]! << 24)) >>> 0;
      if (off + 2 > data.length) size = 2;
      const d = disassemble(bits, pc, sym, state);
      const raw = size === 4 ? bits.toString(16).padStart(8, '0') + ' '.repeat(10) : (bits & 0xffff).toString(16).padStart(4, '0') + ' '.repeat(16);
      const addr = pc.toString(16).padStart(16, '0').slice(skip).replace(/^0+(?=.)/, (z) => ' '.repeat(z.length));
      out.push(`${addr}:\t${raw}\t${d.text}`);
      off += size;
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

/**
 * How many zero bytes at `off` objdump prints as `...` (disassemble_bytes without -z): a run of at
 * least 8 (in multiples of 4 when code follows, so as not to swallow the start of an instruction),
 * or a run of fewer than 3 that ends the symbol's range. 0 when the bytes are disassembled.
 */
function zeroRun(data: Uint8Array, off: number, stop: number): number {
  const SKIP_ZEROES = 8, SKIP_ZEROES_AT_END = 3;
  let z = off;
  while (z < stop && data[z] === 0) z++;
  const run = z - off;
  if (run >= SKIP_ZEROES) return z === stop ? run : run & ~3;
  return z === stop && run > 0 && run < SKIP_ZEROES_AT_END ? run : 0;
}
