// `boot --stats`: what the run did — instructions, wall time, traps by cause, TLB counters — and how it
// ended, and TLB flushes by kind (what each sfence.vma named; what each satp write did to the TLB).
// `--stats` (or `--stats=text`) prints `rvhart: ...` lines; `--stats=json` one JSON object on
// one line, for CI scripts. Both go to stderr, or to `--stats-file FILE`.

import type { Virt } from '../emulator/board/virt.js';
import { CAUSE_NAMES, INTERRUPT_NAMES } from '../emulator/isa/trap.js';

export type StatsFormat = 'text' | 'json';

/** How a boot ended, as --stats=json reports it. `status` is rvhart's exit status. */
export interface RunOutcome {
  readonly reason: 'guest-exit' | 'expect' | 'fail-on' | 'timeout' | 'max-insns' | 'guest-stopped';
  readonly status: number;
  /** The guest's own exit code, when it exited. */
  readonly guestCode?: number;
  readonly detail: string;
}

/** The JSON object of --stats=json (its field names are part of the CLI's interface). */
export interface StatsJson {
  instructions: number;
  wallSeconds: number;
  mips: number;
  traps: Record<string, number>;
  interrupts: Record<string, number>;
  tlb: { hits: number; misses: number; walks: number; faults: Record<string, number>; flushes: FlushesJson };
  exit: RunOutcome;
}

/** TLB flushes by kind: sfence.vma by its operands; satp writes by their effect on the TLB. */
export interface FlushesJson {
  sfence: { all: number; asid: number; address: number; addressAsid: number };
  satp: { flushedAll: number; flushedAsid: number; kept: number };
}

function flushesJson(m: Virt): FlushesJson {
  const f = m.mmu.flushes;
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
  const h = m.hart, s = m.mmu.stats;
  const traps: Record<string, number> = {}, interrupts: Record<string, number> = {}, faults: Record<string, number> = {};
  for (const [k, n] of h.trapCounts) {
    const c = causeName(k);
    (c.irq ? interrupts : traps)[c.name] = n;
  }
  for (const [c, n] of Object.entries(s.faults)) faults[CAUSE_NAMES[Number(c)] ?? `cause-${c}`] = n;
  return {
    instructions: h.retired,
    wallSeconds: Number(seconds.toFixed(6)),
    mips: seconds > 0 ? Number((h.retired / seconds / 1e6).toFixed(3)) : 0,
    traps, interrupts,
    tlb: { hits: s.hits, misses: s.misses, walks: s.walks, faults, flushes: flushesJson(m) },
    exit: outcome,
  };
}

/** The report in `format`, newline-terminated. */
export function statsReport(format: StatsFormat, m: Virt, seconds: number, outcome: RunOutcome): string {
  if (format === 'json') return `${JSON.stringify(statsJson(m, seconds, outcome))}\n`;
  const h = m.hart, s = m.mmu.stats;
  const lines = [
    `instructions: ${h.retired}`,
    `host time: ${seconds.toFixed(3)} s`,
    `MIPS: ${(h.retired / seconds / 1e6).toFixed(1)}`,
  ];
  const traps = [...h.trapCounts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => {
    const c = causeName(k);
    return `${c.irq ? `${c.name} interrupt` : c.name} ${n}`;
  });
  lines.push(`traps: ${traps.length ? traps.join(', ') : 'none'}`);
  const faults = Object.entries(s.faults).map(([c, n]) => `${CAUSE_NAMES[Number(c)] ?? c} ${n}`);
  lines.push(`tlb: hits ${s.hits}, misses ${s.misses}, walks ${s.walks}, faults ${faults.length ? faults.join(', ') : 'none'}`);
  const f = m.mmu.flushes;
  lines.push(`tlb flushes: sfence.vma all ${f.sfenceAll}, by ASID ${f.sfenceAsid}, by address ${f.sfenceVa}, ` +
    `by address+ASID ${f.sfenceVaAsid}; satp writes flushing all ${f.satpAll}, flushing one ASID ${f.satpAsid}, ` +
    `keeping the TLB ${f.satpKept}`);
  return lines.map((l) => `rvhart: ${l}\n`).join('');
}
