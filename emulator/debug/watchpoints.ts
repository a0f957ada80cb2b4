// Watchpoint hits. The hart reports every load and store by virtual address (its loadObserver and
// storeObserver, installed only while a watchpoint exists); a hit is a candidate until the
// instruction completes — if it traps, the access did not happen and the candidate is dropped. At the
// next instruction boundary `watch` compares the value with the last one seen (GDB reports a write
// watchpoint only when the value changed), `rwatch` reports reads and `awatch` both.

import type { Watchpoint } from './breakpoints.js';
import type { DebugMemory } from './memory.js';
import { MemoryError } from './memory.js';

export interface WatchCandidate {
  readonly wp: Watchpoint;
  readonly access: 'read' | 'write';
  /** The virtual address of the access. */
  readonly va: bigint;
}

export interface WatchHit {
  readonly wp: Watchpoint;
  readonly access: 'read' | 'write';
  readonly va: bigint;
  /** For writes: the value before and after. For reads: `value` only. */
  readonly old?: bigint;
  readonly value?: bigint;
}

export function watchValue(mem: DebugMemory, wp: Pick<Watchpoint, 'addr' | 'len' | 'physical'>): bigint | undefined {
  const v = mem.readValue(wp.addr, wp.len, wp.physical);
  return v instanceof MemoryError ? undefined : v;
}

/** Which enabled watchpoints an access of `size` bytes at VA touches. */
export function matchAccess(wps: readonly Watchpoint[], mem: DebugMemory, va: bigint, size: number, access: 'read' | 'write'): WatchCandidate[] {
  const out: WatchCandidate[] = [];
  let pa: bigint | MemoryError | undefined;
  for (const wp of wps) {
    if (access === 'read' ? wp.type === 'watch' : wp.type === 'rwatch') continue;
    let a = va;
    if (wp.physical) {
      pa ??= mem.physical(va, false);
      if (pa instanceof MemoryError) continue;
      a = pa;
    }
    if (a < wp.addr + BigInt(wp.len) && wp.addr < a + BigInt(size)) out.push({ wp, access, va });
  }
  return out;
}

/** Decides which candidate (if any) stops the run, updating each watchpoint's last value. */
export function evaluate(cands: readonly WatchCandidate[], mem: DebugMemory): WatchHit | undefined {
  let hit: WatchHit | undefined;
  const seen = new Set<Watchpoint>();
  for (const c of cands) {
    if (seen.has(c.wp)) continue;
    seen.add(c.wp);
    const value = watchValue(mem, c.wp);
    if (c.access === 'write') {
      const old = c.wp.old;
      c.wp.old = value;
      if (old === value && !c.wp.reportUnchanged) continue;
      hit ??= { wp: c.wp, access: 'write', va: c.va, old, value };
    } else {
      hit ??= { wp: c.wp, access: 'read', va: c.va, value };
    }
  }
  if (hit) hit.wp.hits++;
  return hit;
}
