// The debugger's symbol table: names → addresses (for anything typed as an address) and addresses →
// `<symbol+offset>` (for anything shown). Built by the caller from the images' ELF symbols, so this
// file reads no files.

export type SymbolKind = 'func' | 'object' | 'other';

export interface DebugSymbol {
  readonly name: string;
  readonly addr: bigint;
  readonly size: bigint;
  readonly kind: SymbolKind;
}

/** Past this distance from the nearest symbol an address is shown bare (GDB shows nothing either). */
const MAX_OFFSET = 0x10_0000n;

export class SymbolTable {
  private readonly byName = new Map<string, DebugSymbol>();
  /** Sorted by address; one entry per address (the preferred name). */
  private readonly sorted: DebugSymbol[];

  constructor(symbols: Iterable<DebugSymbol>) {
    const best = new Map<bigint, DebugSymbol>();
    for (const s of symbols) {
      if (!SymbolTable.useful(s.name)) continue;
      if (!this.byName.has(s.name) || (this.byName.get(s.name)!.kind === 'other' && s.kind !== 'other')) this.byName.set(s.name, s);
      const prev = best.get(s.addr);
      if (prev === undefined || SymbolTable.rank(s) > SymbolTable.rank(prev)) best.set(s.addr, s);
    }
    this.sorted = [...best.values()].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  }

  /** Local labels and mapping symbols name no place a person would type or want to read. */
  private static useful(name: string): boolean {
    return name !== '' && !name.startsWith('.L') && !name.startsWith('$') && !name.startsWith('L0');
  }

  /** Functions, then data objects, then the rest; a global-looking name over an underscore one. */
  private static rank(s: DebugSymbol): number {
    return (s.kind === 'func' ? 4 : s.kind === 'object' ? 2 : 0) + (s.name.startsWith('_') ? 0 : 1);
  }

  get size(): number { return this.byName.size; }

  lookup(name: string): DebugSymbol | undefined { return this.byName.get(name); }

  names(): string[] { return [...this.byName.keys()].sort(); }

  /** The nearest symbol at or below addr, and the offset from it. */
  find(addr: bigint): { sym: DebugSymbol; offset: bigint } | undefined {
    const a = this.sorted;
    let lo = 0, hi = a.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]!.addr <= addr) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const sym = a[found]!, offset = addr - sym.addr;
    if (offset >= MAX_OFFSET || (sym.size > 0n && offset >= sym.size && sym.kind !== 'other' && offset >= MAX_OFFSET / 16n)) return undefined;
    return { sym, offset };
  }

  /** "sym+16" (GDB's decimal offset), or undefined. */
  describe(addr: bigint): string | undefined {
    const f = this.find(addr);
    if (!f) return undefined;
    return f.offset === 0n ? f.sym.name : `${f.sym.name}+${f.offset}`;
  }

  /** "sym+0x10" as objdump writes it inside a listing, or undefined. */
  describeHex(addr: bigint): string | undefined {
    const f = this.find(addr);
    if (!f) return undefined;
    return f.offset === 0n ? f.sym.name : `${f.sym.name}+0x${f.offset.toString(16)}`;
  }

  /** The function containing addr (its start), for backtraces and `finish`. */
  functionAt(addr: bigint): DebugSymbol | undefined {
    const f = this.find(addr);
    return f?.sym;
  }
}
