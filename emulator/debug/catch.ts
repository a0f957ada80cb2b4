// `catch trap [CAUSE]`: which traps stop the run. Causes by the names the trace and `--stats` print
// (load-page-fault, illegal-instruction, supervisor-timer …), by number (13), or `interrupt N`.

import { CAUSE_NAMES, INTERRUPT_NAMES } from '../isa/trap.js';

export interface TrapSpec { readonly cause: number; readonly interrupt: boolean }

export interface TrapInfo {
  readonly cause: number;
  readonly interrupt: boolean;
  readonly tval: bigint;
  readonly epc: bigint;
  /** Privilege the trap was taken from and into. */
  readonly fromPriv: number;
  readonly toPriv: number;
}

export function trapName(cause: number, interrupt: boolean): string {
  return (interrupt ? INTERRUPT_NAMES[cause] && `${INTERRUPT_NAMES[cause]}-interrupt` : CAUSE_NAMES[cause]) ?? `${interrupt ? 'interrupt' : 'exception'} ${cause}`;
}

/** Every name `catch trap` accepts (for help and completion). */
export function trapNames(): string[] {
  return [...Object.values(CAUSE_NAMES), ...Object.values(INTERRUPT_NAMES).map((n) => `${n}-interrupt`)];
}

/** Parses a cause; undefined when it names none. */
export function parseTrap(text: string): TrapSpec | undefined {
  const t = text.trim().toLowerCase();
  const irq = /^(?:interrupt|irq)[ :]?(\d+)$/.exec(t);
  if (irq) return INTERRUPT_NAMES[Number(irq[1])] ? { cause: Number(irq[1]), interrupt: true } : undefined;
  if (/^(0x[0-9a-f]+|\d+)$/.test(t)) {
    const n = Number(t);
    return CAUSE_NAMES[n] ? { cause: n, interrupt: false } : undefined;
  }
  for (const [n, name] of Object.entries(CAUSE_NAMES)) if (name === t) return { cause: Number(n), interrupt: false };
  for (const [n, name] of Object.entries(INTERRUPT_NAMES)) {
    if (t === name || t === `${name}-interrupt`) return { cause: Number(n), interrupt: true };
  }
  return undefined;
}

export function trapMatches(spec: TrapSpec | undefined, cause: number, interrupt: boolean): boolean {
  return spec === undefined || (spec.cause === cause && spec.interrupt === interrupt);
}
