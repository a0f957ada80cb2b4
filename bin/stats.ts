// `boot --stats`: what the run did — instructions, wall time, traps by cause, TLB counters — and how it
// ended, and TLB flushes by kind (what each sfence.vma named; what each satp write did to the TLB).
// `--stats` (or `--stats=text`) prints `rvhart: ...` lines; `--stats=json` one JSON object on
// one line, for CI scripts. Both go to stderr, or to `--stats-file FILE`. With several harts the
// counts are the machine's (summed over the harts) and the instructions are also given per hart.

import type { Virt } from '../emulator/board/virt.js';
import { CAUSE_NAMES, INTERRUPT_NAMES } from '../emulator/isa/trap.js';

export type StatsFormat = 'text' | 'json';

/** How a boot ended, as --stats=json reports it. `status` is rvhart's exit status. */
export interface RunOutcome {
  readonly reason: 'guest-exit' | 'expect' | 'fail-on' | 'timeout' | 'max-insns' | 'guest-stopped' | 'user-quit';
  readonly status: number;
  /** The guest's own exit code, when it exited. */
  readonly guestCode?: number;
  readonly detail: string;
}

/** The JSON object of --stats=json (its field names are part of the CLI's interface). */
export interface StatsJson {
  instructions: number;
  /** Instructions retired by each hart, by hartid. */
  harts: number[];
  wallSeconds: number;
  mips: number;
  traps: Record<string, number>;
  interrupts: Record<string, number>;
  tlb: { hits: number; misses: number; walks: number; faults: Record<string, number>; flushes: FlushesJson };
  /** The translation tier's counts (machine-wide: the harts share the regions); null with --tier interp. */
  tier: TierJson | null;
  exit: RunOutcome;
}

/** The regions (translator.ts) compiled, entered, dropped at the cap or by a code write, alive, and their source's size. */
export interface TierJson {
  regionsCompiled: number; regionsEntered: number; regionInstructions: number;
  regionsEvicted: number; regionsInvalidated: number; regionsLive: number; sourceBytes: number; compileSeconds: number;
}

function tierJson(m: Virt): TierJson | null {
  const t = m.hart.tierStats;
  return t === undefined ? null : {
    regionsCompiled: t.compiled, regionsEntered: t.executed, regionInstructions: t.insns,
    regionsEvicted: t.evicted, regionsInvalidated: t.invalidated, regionsLive: t.live, sourceBytes: t.bytes,
    compileSeconds: Number((t.compileMs / 1000).toFixed(6)),
  };
}

/** TLB flushes by kind: sfence.vma by its operands; satp writes by their effect on the TLB. */
export interface FlushesJson {
  sfence: { all: number; asid: number; address: number; addressAsid: number };
  satp: { flushedAll: number; flushedAsid: number; kept: number };
}

/** A counter record summed over the harts' MMUs. */
function summed<T extends object>(m: Virt, of: (mmu: Virt['mmu']) => T): T {
  const out: Record<string, unknown> = {};
  for (const mmu of m.mmus) {
    for (const [k, v] of Object.entries(of(mmu))) {
      out[k] = typeof v === 'number' ? ((out[k] as number | undefined) ?? 0) + v : summed1(out[k] as Record<string, number> | undefined, v as Record<string, number>);
    }
  }
  return out as T;
}
function summed1(a: Record<string, number> | undefined, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Traps by cause, summed over the harts. */
function trapCounts(m: Virt): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of m.harts) for (const [k, n] of h.trapCounts) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}

function flushesJson(m: Virt): FlushesJson {
  const f = summed(m, (mmu) => mmu.flushes);
  return {
    sfence: { all: f.sfenceAll, asid: f.sfenceAsid, address: f.sfenceVa, addressAsid: f.sfenceVaAsid },
    satp: { flushedAll: f.satpAll, flushedAsid: f.satpAsid, kept: f.satpKept },
  };
}

function causeName(key: string): { irq: boolean; name: string } {
  if (key.startsWith('irq:')) return { irq: true, name: INTERRUPT_NAMES[Number(key.slice(4))] ?? key };
  return { irq: false, name: CAUSE_NAMES[Number(key)] ?? `cause-${key}` };
}

export function statsJson(m: Virt, seconds: number, outcome: RunOutcome): StatsJson {
  const s = summed(m, (mmu) => mmu.stats), retired = m.retired;
  const traps: Record<string, number> = {}, interrupts: Record<string, number> = {}, faults: Record<string, number> = {};
  for (const [k, n] of trapCounts(m)) {
    const c = causeName(k);
    (c.irq ? interrupts : traps)[c.name] = n;
  }
  for (const [c, n] of Object.entries(s.faults)) faults[CAUSE_NAMES[Number(c)] ?? `cause-${c}`] = n;
  return {
    instructions: retired,
    harts: m.harts.map((h) => h.retired),
    wallSeconds: Number(seconds.toFixed(6)),
    mips: seconds > 0 ? Number((retired / seconds / 1e6).toFixed(3)) : 0,
    traps, interrupts,
    tlb: { hits: s.hits, misses: s.misses, walks: s.walks, faults, flushes: flushesJson(m) },
    tier: tierJson(m),
    exit: outcome,
  };
}

/** The report in `format`, newline-terminated. */
export function statsReport(format: StatsFormat, m: Virt, seconds: number, outcome: RunOutcome): string {
  if (format === 'json') return `${JSON.stringify(statsJson(m, seconds, outcome))}\n`;
  const s = summed(m, (mmu) => mmu.stats), retired = m.retired;
  const lines = [
    `instructions: ${retired}${m.harts.length > 1 ? ` (${m.harts.map((h) => `hart ${h.hartid} ${h.retired}`).join(', ')})` : ''}`,
    `host time: ${seconds.toFixed(3)} s`,
    `MIPS: ${(retired / seconds / 1e6).toFixed(1)}`,
  ];
  const traps = [...trapCounts(m).entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => {
    const c = causeName(k);
    return `${c.irq ? `${c.name} interrupt` : c.name} ${n}`;
  });
  lines.push(`traps: ${traps.length ? traps.join(', ') : 'none'}`);
  const faults = Object.entries(s.faults).map(([c, n]) => `${CAUSE_NAMES[Number(c)] ?? c} ${n}`);
  lines.push(`tlb: hits ${s.hits}, misses ${s.misses}, walks ${s.walks}, faults ${faults.length ? faults.join(', ') : 'none'}`);
  const f = summed(m, (mmu) => mmu.flushes);
  lines.push(`tlb flushes: sfence.vma all ${f.sfenceAll}, by ASID ${f.sfenceAsid}, by address ${f.sfenceVa}, ` +
    `by address+ASID ${f.sfenceVaAsid}; satp writes flushing all ${f.satpAll}, flushing one ASID ${f.satpAsid}, ` +
    `keeping the TLB ${f.satpKept}`);
  const t = tierJson(m);
  lines.push(t === null ? 'tier: interp' : `tier: jit, regions compiled ${t.regionsCompiled} (${t.compileSeconds.toFixed(3)} s), ` +
    `entered ${t.regionsEntered} (${retired > 0 ? ((100 * t.regionInstructions) / retired).toFixed(1) : '0.0'}% of instructions), ` +
    `evicted ${t.regionsEvicted}, invalidated ${t.regionsInvalidated}, live ${t.regionsLive} (${(t.sourceBytes / 1024).toFixed(0)} KiB)`);
  return lines.map((l) => `rvhart: ${l}\n`).join('');
}
