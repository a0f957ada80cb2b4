// The linker: resolves symbols across objects, lays sections out by a GNU ld script (or the
// default one), applies relocations and writes an ELF64 executable.

import { ErrorList } from '../asm/errors.js';
import { ToolError, type ObjSymbol, type ObjectFile } from '../object.js';
import { writeExecutable, type OutSection, type OutSymbol } from '../elf/write.js';
import { DEFAULT_SCRIPT, DEFAULT_SCRIPT_FILE } from './default-script.js';
import { formatLoc, type InputSection, type OutputSection } from './inputs.js';
import { layout } from './layout.js';
import { applyRelocation, pcrelHiOffset, type RelocSite } from './relocate.js';
import { parseScript } from './script.js';

export interface LinkResult {
  readonly elf: Uint8Array;
  /** Every global symbol and script symbol, plus local symbols whose name no global uses. */
  readonly symbols: Map<string, bigint>;
  readonly entry: bigint;
  /** Output sections as laid out (name, address, size), in address order. */
  readonly sections: readonly { readonly name: string; readonly addr: bigint; readonly size: number }[];
  /** What GNU ld would warn about (e.g. no entry symbol); the link still succeeded. */
  readonly warnings: readonly string[];
}

/** Where a symbol is defined: in an input section at an offset, or absolute. */
type Def = { readonly input: InputSection; readonly value: bigint } | { readonly input: null; readonly value: bigint };
interface GlobalDef { readonly def: Def; readonly sym: ObjSymbol; readonly obj: ObjectFile }

const ARCH_BASE = 'rv64i2p1_m2p0_a2p1';
const ARCH_TAIL = '_zicsr2p0_zifencei2p0_zmmul1p0'; // as GNU as spells rv64imac_zicsr_zifencei

function symLoc(sym: ObjSymbol, obj: ObjectFile): string {
  return sym.loc.line > 0 ? formatLoc(sym.loc) : obj.file;
}

export function link(objects: readonly ObjectFile[], script: string | undefined, scriptFile: string): LinkResult {
  const parsed = script === undefined ? parseScript(DEFAULT_SCRIPT, DEFAULT_SCRIPT_FILE) : parseScript(script, scriptFile);
  const warnings: string[] = [];

  // 1. Input sections (allocated ones; the rest — debug info, notes — are not carried over).
  const inputs: InputSection[] = [];
  const inputOf = new Map<ObjectFile, Map<string, InputSection>>();
  objects.forEach((obj, objIndex) => {
    const m = new Map<string, InputSection>();
    for (const sec of obj.sections) {
      if (!sec.flags.alloc) continue;
      const inp: InputSection = { obj, objIndex, sec, addr: 0n, out: null, discarded: false };
      inputs.push(inp);
      if (!m.has(sec.name)) m.set(sec.name, inp);
    }
    inputOf.set(obj, m);
  });

  // 2. Symbols: locals per object, globals across objects (a second definition is an error).
  const locals = new Map<ObjectFile, Map<string, Def>>();
  const globals = new Map<string, GlobalDef>();
  const referenced = new Set<string>();
  for (const obj of objects) {
    const mine = new Map<string, Def>();
    locals.set(obj, mine);
    for (const sym of obj.symbols) {
      if (sym.type === 'file') continue;
      if (sym.section === null) { referenced.add(sym.name); continue; }
      let def: Def;
      if (sym.section === '*ABS*') def = { input: null, value: sym.value };
      else {
        const input = inputOf.get(obj)!.get(sym.section);
        if (!input) {
          if (obj.sections.some((s) => s.name === sym.section)) continue; // in a non-allocated section
          throw new ToolError(symLoc(sym, obj), `symbol '${sym.name}' is defined in section '${sym.section}', which ${obj.file} does not have`);
        }
        def = { input, value: sym.value };
      }
      if (sym.binding === 'local') { if (!mine.has(sym.name)) mine.set(sym.name, def); continue; }
      const prev = globals.get(sym.name);
      // A weak definition yields to a strong one, and the first of two weak ones wins (as GNU ld).
      if (prev && sym.binding === 'weak') continue;
      if (prev && prev.sym.binding !== 'weak') {
        throw new ToolError(symLoc(sym, obj), `duplicate symbol '${sym.name}' (first defined at ${symLoc(prev.sym, prev.obj)})`);
      }
      globals.set(sym.name, { def, sym, obj });
    }
  }
  for (const obj of objects) {
    for (const sec of obj.sections) {
      for (const r of sec.relocs) {
        if (locals.get(obj)!.has(r.symbol)) continue;
        referenced.add(r.symbol);
      }
    }
  }

  const address = (d: Def): bigint => (d.input ? d.input.addr + d.value : d.value);

  // 3. Layout by the script.
  const laid = layout(parsed, inputs, {
    referenced,
    objectSymbol: (name) => {
      const g = globals.get(name);
      return g ? address(g.def) : undefined;
    },
  });
  const outputs = [...laid.outputs].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  for (let i = 1; i < outputs.length; i++) {
    const a = outputs[i - 1]!, b = outputs[i]!;
    if (a.size > 0 && b.size > 0 && a.addr + BigInt(a.size) > b.addr) {
      throw new ToolError(formatLoc(b.loc), `section ${b.name} [0x${b.addr.toString(16)}..0x${(b.addr + BigInt(b.size)).toString(16)}) overlaps section ${a.name} [0x${a.addr.toString(16)}..0x${(a.addr + BigInt(a.size)).toString(16)})`);
    }
  }

  // 4. Symbol lookup for relocations: the object's locals, then script symbols, then globals.
  const resolve = (obj: ObjectFile, name: string): bigint | undefined => {
    const l = locals.get(obj)!.get(name);
    if (l) return checkKept(l, name) ?? address(l);
    const s = laid.scriptSymbols.get(name);
    if (s) return s.value;
    const g = globals.get(name);
    if (g) return checkKept(g.def, name) ?? address(g.def);
    return undefined;
  };
  let discardedUse: string | undefined;
  const checkKept = (d: Def, name: string): undefined => {
    if (d.input?.discarded) discardedUse = `'${name}' is defined in ${d.input.sec.name} of ${d.input.obj.file}, which the script discards (/DISCARD/)`;
    return undefined;
  };

  // 5. Output section contents, then relocations.
  const contents = new Map<OutputSection, Uint8Array>();
  for (const o of outputs) {
    const bytes = new Uint8Array(o.nobits ? 0 : o.size);
    if (!o.nobits) {
      for (const inp of o.inputs) if (inp.sec.type === 'progbits') bytes.set(inp.sec.data.subarray(0, inp.sec.size), Number(inp.addr - o.addr));
      for (const d of o.data) {
        for (let i = 0; i < d.size; i++) bytes[d.offset + i] = Number((d.value >> BigInt(8 * i)) & 0xffn);
      }
    }
    contents.set(o, bytes);
  }
  const sites: RelocSite[] = [];
  // As GNU ld, every undefined reference is reported (bounded), not only the first.
  const undefinedRefs = new ErrorList();
  for (const inp of inputs) {
    if (inp.discarded || !inp.out) continue;
    const bytes = contents.get(inp.out)!;
    for (const reloc of inp.sec.relocs) {
      if (reloc.type === 'R_RISCV_RELAX') continue;
      discardedUse = undefined;
      const weakUndefined = inp.obj.symbols.some((s) => s.name === reloc.symbol && s.section === null && s.binding === 'weak');
      const S = resolve(inp.obj, reloc.symbol) ?? (weakUndefined ? 0n : undefined); // an undefined weak symbol is 0
      const at = formatLoc(reloc.loc, inp.sec.name, reloc.offset);
      if (discardedUse) throw new ToolError(at, `reference to ${discardedUse}`);
      if (S === undefined) {
        const decl = inp.obj.symbols.find((s) => s.name === reloc.symbol && s.section === null);
        const declared = decl && decl.loc.line > 0 && formatLoc(decl.loc) !== at ? ` (declared at ${formatLoc(decl.loc)})` : '';
        undefinedRefs.add(new ToolError(at, `undefined reference to '${reloc.symbol}'${declared}; no input object defines it`));
        continue;
      }
      if (inp.out.nobits) throw new ToolError(at, `relocation ${reloc.type} in ${inp.sec.name}, which has no file contents`);
      sites.push({ input: inp, reloc, S, bytes, at: Number(inp.addr - inp.out.addr) + reloc.offset });
    }
  }
  undefinedRefs.throwIfAny();
  const hiByAuipc = new Map<bigint, bigint>();
  for (const s of sites) if (s.reloc.type === 'R_RISCV_PCREL_HI20') hiByAuipc.set(s.input.addr + BigInt(s.reloc.offset), pcrelHiOffset(s));
  for (const s of sites) applyRelocation(s, (auipc) => hiByAuipc.get(auipc));

  // 6. Entry point: ENTRY(sym), else _start; like GNU ld, fall back to the start of .text.
  const entryName = parsed.entry?.name ?? '_start';
  const symbols = new Map<string, bigint>();
  for (const [name, s] of laid.scriptSymbols) symbols.set(name, s.value);
  for (const [name, g] of globals) if (!symbols.has(name)) symbols.set(name, address(g.def));
  let entry = symbols.get(entryName);
  if (entry === undefined && /^(0x[0-9a-f]+|[0-9]+)$/i.test(entryName)) entry = BigInt(entryName);
  if (entry === undefined) {
    const text = outputs.find((o) => o.name === '.text') ?? outputs.find((o) => o.exec) ?? outputs[0];
    entry = text?.addr ?? 0n;
    const where = script !== undefined && parsed.entry ? `${formatLoc(parsed.entry.loc)}: ` : '';
    warnings.push(`${where}cannot find entry symbol ${entryName}; defaulting to 0x${entry.toString(16)}`);
  }

  // 7. The output symbol table.
  const outSyms: OutSymbol[] = [];
  const secName = (d: Def) => (d.input ? (d.input.out?.name ?? '*ABS*') : '*ABS*');
  // A symbol computed from addresses outside any output section belongs, as in GNU ld, to the
  // section it points into or ends; in a gap, to the next section; past the last, to the last.
  const containing = (v: bigint): string => {
    for (const o of outputs) if (v >= o.addr && v <= o.addr + BigInt(o.size)) return o.name;
    const next = outputs.find((o) => o.addr > v);
    if (next && outputs.some((o) => o.addr < v)) return next.name;
    const prev = outputs.filter((o) => o.addr <= v).pop();
    return prev?.name ?? '*ABS*';
  };
  const symType = (t: ObjSymbol['type']) => (t === 'func' || t === 'object' ? t : 'notype');
  for (const obj of objects) {
    const kept = obj.symbols.filter((s) => s.binding === 'local' && s.section !== null && s.type !== 'section' && s.type !== 'file'
      && !s.name.startsWith('.L') && !s.name.includes('#'));
    const defs = kept.map((s) => ({ s, d: locals.get(obj)!.get(s.name) })).filter((x) => x.d && !x.d.input?.discarded);
    if (defs.length === 0) continue;
    outSyms.push({ name: obj.file.replace(/^.*\//, ''), value: 0n, size: 0n, type: 'file', bind: 'local', section: '*ABS*' });
    for (const { s, d } of defs) {
      outSyms.push({ name: s.name, value: address(d!), size: s.size, type: symType(s.type), bind: 'local', section: secName(d!) });
      if (!symbols.has(s.name)) symbols.set(s.name, address(d!));
    }
  }
  for (const [name, s] of laid.scriptSymbols) {
    const section = s.section?.name ?? (s.constant ? '*ABS*' : containing(s.value));
    outSyms.push({ name, value: s.value, size: 0n, type: 'notype', bind: s.hidden ? 'local' : 'global', section });
  }
  for (const [name, g] of globals) {
    if (laid.scriptSymbols.has(name) || g.def.input?.discarded) continue;
    outSyms.push({ name, value: address(g.def), size: g.sym.size, type: symType(g.sym.type), bind: 'global', section: secName(g.def) });
  }
  // Locals first (FILE groups keep their order), hidden script symbols after them.
  const ordered = [...outSyms.filter((s) => s.bind === 'local'), ...outSyms.filter((s) => s.bind !== 'local')];

  const rvc = objects.some((o) => o.rvc);
  const outSections: OutSection[] = outputs.map((o) => ({
    name: o.name, type: o.nobits ? 'nobits' : 'progbits', flags: { write: o.write, exec: o.exec },
    addr: o.addr, align: o.align, data: contents.get(o)!, size: o.size,
  }));
  const elf = writeExecutable({
    entry, rvc, arch: `${ARCH_BASE}${rvc ? '_c2p0' : ''}${ARCH_TAIL}`, sections: outSections, symbols: ordered,
  });
  return { elf, symbols, entry, warnings, sections: outputs.map((o) => ({ name: o.name, addr: o.addr, size: o.size })) };
}
