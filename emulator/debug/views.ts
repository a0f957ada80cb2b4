// Text views of machine state for the shell and `monitor` commands: a page walk level by level,
// the TLB, PMP entries, the board's PMA regions, registers and decoded CSRs — of one hart (the
// selected one: each hart has its own registers, satp, TLB and PMP).

import type { HartView } from './hart-view.js';
import type { MemView } from './page-table-tree.js';
import { ACCESS_NAMES, FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE, type AccessType } from '../mmu/access.js';
import { pageSizeName } from '../mmu/modes.js';
import { entryPages } from '../mmu/tlb.js';
import { CAUSE_NAMES, INTERRUPT_NAMES } from '../isa/trap.js';
import { ABI_NAMES, FP_ABI_NAMES } from '../isa/csrs.js';
import { hex, hex16, PRIV_NAMES, PRIV_WORDS } from './format.js';
import { attrText } from './info-mem.js';
import { csrName, fpBits, implementedCsrs, readReg } from './regs.js';
import { inspectedPrivilege, translate } from './translate.js';

export type Describe = (a: bigint) => string | undefined;
const sym = (d: Describe, a: bigint): string => { const s = d(a); return s ? ` <${s}>` : ''; };

export interface WalkArgs { va: bigint; priv?: number; access?: AccessType }

/** Parses `VA [--priv s|u|m] [--access r|w|x]` after the VA has been split off. */
export function parseWalkOptions(words: string[]): { priv?: number; access?: AccessType } | string {
  const out: { priv?: number; access?: AccessType } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!, v = (words[i + 1] ?? '').toLowerCase();
    const [flag, inline] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1).toLowerCase()] : [w, undefined];
    const val = inline ?? v;
    if (flag === '--priv' || flag === '-priv') {
      const p = ({ s: PRV_S, u: PRV_U, m: PRV_M, supervisor: PRV_S, user: PRV_U, machine: PRV_M } as Record<string, number>)[val];
      if (p === undefined) return `--priv ${val}: expected s, u or m`;
      out.priv = p;
    } else if (flag === '--access' || flag === '-access') {
      const a = ({ r: LOAD, w: STORE, x: FETCH, read: LOAD, write: STORE, load: LOAD, store: STORE, exec: FETCH, fetch: FETCH } as Record<string, AccessType>)[val];
      if (a === undefined) return `--access ${val}: expected r, w or x`;
      out.access = a;
    } else return `walk: unexpected "${w}" (usage: walk VA [--priv s|u] [--access r|w|x])`;
    if (inline === undefined) i++;
  }
  return out;
}

/** Where the rule that raised a fault is written: the walk's step (docs/ARCHITECTURE.md), and the privileged spec's. */
function specRef(step: number, specStep: number, mode: string): string {
  // Step 1 is the canonical-address rule, which the spec states per mode (12.4 Sv39, 12.5 Sv48, 12.6 Sv57).
  if (step === 1) return `walk step 1 (docs/ARCHITECTURE.md); privileged spec ${({ sv39: '12.4', sv48: '12.5', sv57: '12.6' } as Record<string, string>)[mode] ?? '12.4–12.6'}, canonical addresses`;
  // Past the walk: the physical access itself, checked by PMP (3.7) and PMA (3.6).
  if (step > 9) return 'the physical access: PMP, privileged spec 3.7; PMA, 3.6';
  return `walk step ${step} (docs/ARCHITECTURE.md); privileged spec 12.3.2 step ${specStep}`;
}

export function formatWalk(m: MemView, args: WalkArgs, d: Describe): string[] {
  const mmu = m.mmu;
  const access = args.access ?? LOAD;
  const priv = args.priv ?? inspectedPrivilege(mmu, access);
  const satp = mmu.getSatp();
  const r = translate(mmu, args.va, access, priv);
  const lines: string[] = [];
  const who = `${ACCESS_NAMES[access]} as ${PRIV_WORDS[priv]}`;
  if (r.mode === 'bare' || priv === PRV_M) {
    lines.push(`walk ${hex16(args.va)}${sym(d, args.va)}: ${priv === PRV_M ? 'M-mode' : 'satp.MODE = Bare'}: no translation, PA = VA (${who})`);
  } else {
    const root = (satp & ((1n << 44n) - 1n)) << 12n;
    lines.push(`walk ${hex16(args.va)}${sym(d, args.va)}: ${r.mode.replace('sv', 'Sv')}, satp ${hex(satp)} (root table ${hex(root)}, ASID ${(satp >> 44n) & 0xffffn}), ${who}, SUM=${mmu.sum ? 1 : 0} MXR=${mmu.mxr ? 1 : 0}`);
    for (const s of r.steps) {
      const f = s.flags;
      const kind = s.kind === 'pointer' ? `pointer -> table ${hex(f.ppn << 12n)}`
        : s.kind === 'leaf' ? `leaf, ${f.n ? `64 KiB NAPOT run (Svnapot) at ${hex((f.ppn >> 4n) << 16n)}` : `${pageSizeName(2 ** (12 + 9 * s.level))} page at ${hex(f.ppn << 12n)}`}${s.setsAD ? ` (walk would set ${s.setsAD})` : ''}`
          : 'fault';
      lines.push(`  level ${s.level}: VPN[${s.level}] = ${hex(s.vpn).padEnd(5)}  PTE at ${hex16(s.pteAddr)} = ${hex16(s.pte)}  ${f.text} rsw=${f.rsw}  ${kind}`);
    }
  }
  if (r.fault) {
    const f = r.fault;
    lines.push(`  => ${CAUSE_NAMES[f.cause] ?? f.cause} (cause ${f.cause}): ${f.rule}  [${specRef(f.step, f.specStep, r.mode)}]`);
  } else if (r.result) {
    const x = r.result;
    lines.push(`  => PA ${hex16(x.pa)}${sym(d, x.pa)}${r.mode === 'bare' || priv === PRV_M ? '' : ` (${x.pageSizeName} page, level ${x.level})`}`);
  }
  return lines;
}

export function formatTlb(m: MemView): string[] {
  const es = m.mmu.tlb.entries();
  const s = m.mmu.stats;
  const lines = [`TLB: ${es.length} valid entries; hits ${s.hits}, misses ${s.misses}, walks ${s.walks}, faults ${Object.entries(s.faults).map(([c, n]) => `${CAUSE_NAMES[Number(c)] ?? c} ${n}`).join(', ') || 'none'}`];
  if (es.length) lines.push(`${'vaddr'.padEnd(18)} ${'paddr'.padEnd(18)} page     asid  attr`);
  for (const e of es.sort((a, b) => a.vpn - b.vpn || a.asid - b.asid)) {
    const span = entryPages(e);
    const va = BigInt(e.vpn) << 12n, pa = BigInt(e.ppn - (e.ppn % span)) << 12n;
    // The VPN is stored without sign extension: print it canonically for the current mode.
    const bits = m.mmu.mode?.vaBits ?? 64;
    const vaC = BigInt.asUintN(64, BigInt.asIntN(bits, va));
    lines.push(`${hex16(vaC)} ${hex16(pa)} ${pageSizeName(4096 * span).padEnd(8)} ${String(e.asid).padStart(4)}  ${attrText(e.flags)}${e.global ? ' global' : ''}${e.napot ? ' Svnapot' : ''}`);
  }
  return lines;
}

export function formatPmp(m: MemView): string[] {
  const pmp = m.mmu.pmp;
  if (pmp.count === 0) return ['PMP: no entries implemented (every access allowed).'];
  const es = pmp.entries();
  const active = es.filter((e) => e.mode !== 'OFF');
  const lines = [`PMP: ${pmp.count} entries, ${active.length} active${active.length === 0 ? ' (M-mode: all allowed; S/U: all denied)' : ''}`];
  for (const e of active) {
    const perm = `${e.r ? 'r' : '-'}${e.w ? 'w' : '-'}${e.x ? 'x' : '-'}`;
    const range = e.lo === e.hi ? 'matches nothing' : `${hex16(e.lo)}-${hex16(e.hi - 1n)}`;
    lines.push(`pmp${e.index}: ${e.mode.padEnd(5)} ${range}  ${perm}${e.l ? ' L (locked, applies to M)' : ''}  cfg=${hex(e.cfg)} pmpaddr=${hex(e.addr)}`);
  }
  return lines;
}

export function formatPma(m: MemView): string[] {
  const lines = [`${'region'.padEnd(10)} ${'start'.padEnd(18)} ${'end'.padEnd(18)} attributes`];
  for (const r of m.bus.regions()) {
    const attrs = r.kind === 'ram' ? 'RAM: read/write/execute, AMO, LR/SC, misaligned ok'
      : r.kind === 'rom' ? 'ROM: read/execute'
        : `I/O: read/write, no execute, no AMO, sizes ${r.accessSizes.join('/')} naturally aligned`;
    lines.push(`${r.name.padEnd(10)} ${hex16(BigInt(r.base))} ${hex16(BigInt(r.base + r.size - 1))} ${attrs}`);
  }
  lines.push('Anything else is a hole: access fault.');
  return lines;
}

/** GDB's `info registers` line: name, hex, natural value. */
export function regLine(name: string, v: bigint, natural: string): string {
  return `${name.padEnd(15)}${hex(v).padEnd(19)}${natural}`;
}

export function formatRegisters(m: HartView, d: Describe, only?: string[]): string[] {
  const h = m.hart;
  const lines: string[] = [];
  const names = only ?? [...ABI_NAMES.slice(1), 'pc', 'priv'];
  for (const n of names) {
    if (n === 'pc') { const v = h.pcBig(); lines.push(regLine('pc', v, `${hex(v)}${sym(d, v)}`)); continue; }
    if (n === 'priv') { lines.push(regLine('priv', BigInt(h.priv), `prv:${h.priv} [${PRIV_WORDS[h.priv]![0]!.toUpperCase()}${PRIV_WORDS[h.priv]!.slice(1)}]`)); continue; }
    const f = FP_ABI_NAMES.indexOf(n);
    if (f >= 0) { lines.push(floatLine(n, fpBits(h, f))); continue; }
    const idx = ABI_NAMES.indexOf(n);
    const v = BigInt.asUintN(64, h.reg(idx));
    const ptr = n === 'ra' || n === 'sp' || n === 'gp' || n === 'tp' || n === 's0';
    lines.push(regLine(n === 's0' ? 'fp' : n, v, ptr ? `${hex(v)}${sym(d, v)}` : BigInt.asIntN(64, v).toString()));
  }
  return lines;
}

const bit = (v: bigint, b: number): number => Number((v >> BigInt(b)) & 1n);

/** C's %.{p}g, as GDB prints floating-point values (9 digits for float, 17 for double). */
function formatG(x: number, p: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const e = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(p)))));
  const trim = (t: string): string => t.includes('.') ? t.replace(/\.?0+$/, '') : t;
  if (e < -4 || e >= p) {
    const [m, ex] = x.toExponential(p - 1).split('e');
    const n = Number(ex);
    return `${trim(m!)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return trim(x.toFixed(Math.max(0, p - 1 - e)));
}

/** A NaN as GDB writes it: nan(0xMANTISSA), signed. */
function gdbFloat(x: number, raw: bigint, single: boolean): string {
  if (!Number.isNaN(x)) return formatG(x, single ? 9 : 17);
  const mant = raw & (single ? 0x7fffffn : (1n << 52n) - 1n), neg = (raw >> (single ? 31n : 63n)) & 1n;
  return `${neg ? '-' : ''}nan(0x${mant.toString(16)})`;
}

/** An FP register of RV64 D as GDB's riscv_double union prints it: `{float = …, double = …}`. */
export function floatUnion(raw: bigint): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setBigUint64(0, raw);
  const lo = raw & 0xffffffffn, single = b.getFloat32(4), double = b.getFloat64(0);
  return `{float = ${gdbFloat(single, lo, true)}, double = ${gdbFloat(double, raw, false)}}`;
}

/** GDB's line for an FP register: both views of its 64 bits, then the raw value. */
export function floatLine(name: string, raw: bigint): string {
  return `${name.padEnd(15)}${floatUnion(raw)}\t(raw 0x${raw.toString(16).padStart(16, '0')})`;
}

const FRM_NAMES = ['RNE (round to nearest; ties to even)', 'RTZ (Round towards zero)', 'RDN (Round down towards -INF)',
  'RUP (Round up towards +INF)', 'RMM (Round to nearest; ties to max magnitude)', 'INVALID[5]', 'INVALID[6]', 'INVALID[7]'];
const flagsText = (v: bigint): string => `NV:${bit(v, 4)} DZ:${bit(v, 3)} OF:${bit(v, 2)} UF:${bit(v, 1)} NX:${bit(v, 0)}`;

/** `info float`: f0–f31 as GDB prints them for RV64 D, then fflags, frm and fcsr decoded. */
export function formatFloat(m: HartView): string[] {
  const h = m.hart;
  const lines = FP_ABI_NAMES.map((n, i) => floatLine(n, fpBits(h, i)));
  const flags = BigInt(h.fpu.fflags), frm = BigInt(h.fpu.frm), fcsr = (frm << 5n) | flags;
  lines.push(`${'fflags'.padEnd(15)}${hex(flags).padEnd(19)}${flagsText(flags)}`);
  lines.push(`${'frm'.padEnd(15)}${hex(frm).padEnd(19)}FRM:${frm} [${FRM_NAMES[Number(frm)]}]`);
  lines.push(`${'fcsr'.padEnd(15)}${hex(fcsr).padEnd(19)}${flagsText(fcsr)} FRM:${frm} [${FRM_NAMES[Number(frm)]}]`);
  return lines;
}

/** Field decoding for the CSRs people look at most. */
export function decodeCsr(name: string, v: bigint): string {
  switch (name) {
    case 'mstatus': case 'sstatus': {
      const f = [`SIE=${bit(v, 1)}`, `SPIE=${bit(v, 5)}`, `SPP=${PRIV_NAMES[bit(v, 8)]}`, `SUM=${bit(v, 18)}`, `MXR=${bit(v, 19)}`];
      if (name === 'mstatus') f.unshift(`MIE=${bit(v, 3)}`), f.push(`MPIE=${bit(v, 7)}`, `MPP=${PRIV_NAMES[Number((v >> 11n) & 3n)]}`, `MPRV=${bit(v, 17)}`, `TVM=${bit(v, 20)}`, `TW=${bit(v, 21)}`, `TSR=${bit(v, 22)}`);
      f.push(`FS=${Number((v >> 13n) & 3n)}`, `UXL=${Number((v >> 32n) & 3n)}`);
      return f.join(' ');
    }
    case 'satp': {
      const mode = Number(v >> 60n);
      return `MODE=${({ 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' } as Record<number, string>)[mode] ?? mode} ASID=${(v >> 44n) & 0xffffn} PPN=${hex(v & ((1n << 44n) - 1n))} (root table ${hex((v & ((1n << 44n) - 1n)) << 12n)})`;
    }
    case 'mcause': case 'scause': {
      const irq = v >> 63n === 1n, code = Number(v & ((1n << 63n) - 1n));
      return `${irq ? 'interrupt' : 'exception'} ${code} (${(irq ? INTERRUPT_NAMES[code] : CAUSE_NAMES[code]) ?? 'reserved'})`;
    }
    case 'mtvec': case 'stvec': return `BASE=${hex(v & ~3n)} MODE=${(v & 3n) === 1n ? 'Vectored' : 'Direct'}`;
    case 'mie': case 'mip': case 'sie': case 'sip': case 'mideleg': {
      const names = Object.entries(INTERRUPT_NAMES).filter(([b]) => bit(v, Number(b))).map(([, n]) => n);
      return names.length ? names.join(' ') : 'none';
    }
    case 'medeleg': {
      const names = Object.entries(CAUSE_NAMES).filter(([b]) => bit(v, Number(b))).map(([, n]) => n);
      return names.length ? names.join(' ') : 'none';
    }
  }
  return '';
}

/** `info csr [NAME]`: the named CSR decoded, or every implemented CSR except the unused counters. */
export function formatCsrs(m: HartView, name?: string): string[] | string {
  const h = m.hart;
  const list = name ? [name] : implementedCsrs(h).map((c) => csrName(h, c)).filter((n) =>
    !/^(m?hpmcounter|mhpmevent)\d+$/.test(n) && !/^pmp(cfg|addr)\d+$/.test(n) && !/^tdata|^tselect/.test(n));
  const lines: string[] = [];
  for (const n of list) {
    const csr = implementedCsrs(h).find((c) => csrName(h, c) === n);
    if (csr === undefined) return `Invalid register \`${n}' (not an implemented CSR; try \`info csr' for the list)`;
    const v = readReg(h, { kind: 'csr', csr, name: n });
    const dec = decodeCsr(n, v);
    lines.push(`${n.padEnd(15)}${hex(v).padEnd(19)}${dec}`);
  }
  return lines;
}
