// Which interrupt, if any, the hart takes now (privileged spec 3.1.9): pending (mip) and enabled
// (mie); M-level ones (not in mideleg) when priv < M or mstatus.MIE; S-level ones (delegated) when
// priv < S or (priv = S and mstatus.SIE), never in M. M-level ones first, then by the fixed
// priority MEI > MSI > MTI > SEI > SSI > STI.

import type { Hart } from './hart.js';
import { MSTATUS_MIE, MSTATUS_SIE, PRV_M, PRV_S } from './mstatus.js';

const PRIORITY: readonly number[] = [11, 3, 7, 9, 1, 5];

/** The interrupt cause to take, or -1. */
export function pendingInterrupt(h: Hart): number {
  const pending = h.mipValue() & h.mie;
  if (pending === 0) return -1;
  const mOn = h.priv < PRV_M || (h.mstatus & MSTATUS_MIE) !== 0;
  const sOn = h.priv < PRV_S || (h.priv === PRV_S && (h.mstatus & MSTATUS_SIE) !== 0);
  const m = mOn ? pending & ~h.mideleg : 0;
  const s = sOn ? pending & h.mideleg : 0;
  const take = m !== 0 ? m : s;
  if (take === 0) return -1;
  for (const irq of PRIORITY) if ((take >>> irq) & 1) return irq;
  return -1;
}
