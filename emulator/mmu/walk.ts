// The page walk, written as DESIGN §4 numbers it (the privileged spec's 12.3.2 "Virtual Address
// Translation Process" with the canonical-address rule of 12.4–12.6 put first, so DESIGN step n is
// spec step n-1). ONE function serves the TLB-miss path (side effects: A/D updates) and the debugger
// (`steps` given: records every step, never writes memory). PTEs are handled as two 32-bit halves.

import type { Bus } from '../board/bus.js';
import type { Ram } from '../board/ram.js';
import { ACCESS_FAULT, FETCH, LOAD, PAGE_FAULT, PRV_S, PRV_U, STORE, type AccessType } from './access.js';
import type { PagingMode } from './modes.js';
import { PMA_OK, type Pma } from './pma.js';
import { PMP_ALLOW, type Pmp } from './pmp.js';
import { decodePte, ptePbmt, pteN, ptePpn, pteReserved, PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, type PteFields } from './pte.js';

export type AdPolicy = 'hardware' | 'svade' | 'svadu';

/** What the walker needs from its owner (the Mmu). */
export interface WalkContext {
  readonly bus: Bus;
  readonly pmp: Pmp;
  readonly pma: Pma;
  readonly ad: AdPolicy;
  /** menvcfg.ADUE (used by the svadu policy). */
  readonly adue: boolean;
}

/** One PTE visited (debugger only). */
export interface WalkStep {
  level: number;
  /** VPN[level] of the VA. */
  vpn: number;
  /** a: the table's base address. */
  table: bigint;
  pteAddr: bigint;
  pte: bigint;
  flags: PteFields;
  /** 'pointer' or 'leaf' once decided; 'fault' when this PTE raised the fault. */
  kind: 'pointer' | 'leaf' | 'fault';
  /** A/D bits the walk sets (or would set, in the side-effect-free mode). */
  setsAD?: string;
}

/** The walk's answer; reused between calls so the real path allocates nothing. */
export class WalkOut {
  /** 0 when translated, else the exception cause. */
  cause = 0;
  /** DESIGN §4 step that raised the fault (1..9); spec 12.3.2 step is step - 1 (0 = canonical rule). */
  step = 0;
  /** Human text of the rule that failed (filled only when recording). */
  rule = '';
  /** Leaf PTE.PPN, its level, its bits 7..0 after any A/D update (G includes a global pointer above). */
  ppn = 0;
  level = 0;
  flags = 0;
  pteAddr = 0;
  /** The 4 KiB physical page number the VA maps to (step 9). */
  paPpn = 0;
}

/** Step 1 (spec 12.4/12.5/12.6): bits 63..VALEN-1 of the VA equal bit VALEN-1. vaHi = bits 63..32. */
export function isCanonical(mode: PagingMode, vaHi: number): boolean {
  const sh = 64 - mode.vaBits;
  return ((vaHi << sh) >> sh) === vaHi;
}

/** VA.VPN as a number (VALEN-12 bits, at most 45: exact). */
export function vpnOf(mode: PagingMode, vaLo: number, vaHi: number): number {
  return (vaHi & ((1 << (mode.vaBits - 32)) - 1)) * 0x100000 + (vaLo >>> 12);
}

/** Step 6: may a leaf with these flags be used for this access at this privilege? */
export function leafPermits(flags: number, access: AccessType, priv: number, sum: boolean, mxr: boolean): boolean {
  if (flags & PTE_U) {
    // S-mode may load/store U pages only with SUM=1, and never executes them.
    if (priv === PRV_S && (access === FETCH || !sum)) return false;
  } else if (priv === PRV_U) return false;
  if (access === FETCH) return (flags & PTE_X) !== 0;
  if (access === LOAD) return (flags & PTE_R) !== 0 || (mxr && (flags & PTE_X) !== 0);
  return (flags & PTE_W) !== 0;
}

function leafRule(flags: number, access: AccessType, priv: number, sum: boolean, mxr: boolean): string {
  if (flags & PTE_U) {
    if (priv === PRV_S && access === FETCH) return 'S-mode never executes from a U=1 page';
    if (priv === PRV_S && !sum) return 'S-mode access to a U=1 page needs mstatus.SUM=1';
  } else if (priv === PRV_U) return 'U-mode access needs PTE.U=1';
  if (access === FETCH) return 'fetch needs PTE.X=1';
  if (access === LOAD) return mxr ? 'load needs PTE.R=1 or PTE.X=1 (MXR=1)' : 'load needs PTE.R=1 (or X=1 with mstatus.MXR=1)';
  return 'store/AMO needs PTE.W=1';
}

function memAt(bus: Bus, pa: number): Ram | undefined {
  return bus.ram.contains(pa, 8) ? bus.ram : bus.rom.contains(pa, 8) ? bus.rom : undefined;
}

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Walks the page table for `va` (two signed 32-bit halves). Returns true with `out` describing the
 * translation, or false with out.cause/out.step. With `steps` non-null: records every PTE visited,
 * fills out.rule, and writes nothing (A/D updates are reported, not made).
 */
export function walk(ctx: WalkContext, mode: PagingMode, rootPpn: number, vaLo: number, vaHi: number,
  access: AccessType, priv: number, sum: boolean, mxr: boolean, out: WalkOut, steps: WalkStep[] | null): boolean {
  const record = steps !== null;
  const fail = (cause: number, step: number, rule: string): false => {
    out.cause = cause; out.step = step; out.rule = record ? rule : '';
    if (steps && steps.length && step >= 4) steps[steps.length - 1]!.kind = 'fault';
    return false;
  };
  out.cause = 0; out.step = 0; out.rule = '';

  // 1. Canonical check.
  if (!isCanonical(mode, vaHi)) {
    return fail(PAGE_FAULT[access]!, 1, `VA is not canonical: bits 63..${mode.vaBits - 1} must all equal bit ${mode.vaBits - 1} (${mode.name})`);
  }
  const vpn = vpnOf(mode, vaLo, vaHi);

  // 2. a = satp.PPN × PAGESIZE, i = LEVELS-1.
  let a = rootPpn * 4096, i = mode.levels - 1, global = 0;
  for (;;) {
    const span = 2 ** (9 * i), vpnI = Math.floor(vpn / span) % 512;
    // 3. pte = the PTE at a + VPN[i] × PTESIZE: an implicit S-level read checked by PMP and PMA.
    const pteAddr = a + vpnI * 8;
    const pmpV = ctx.pmp.check(pteAddr, 8, LOAD, PRV_S);
    if (pmpV !== PMP_ALLOW) return fail(ACCESS_FAULT[access]!, 3, `PTE read at ${hex(pteAddr)} (level ${i}) refused: ${record ? ctx.pmp.explain(pmpV, LOAD, PRV_S) : ''}`);
    const pmaV = ctx.pma.check(pteAddr, 8, LOAD, false, true);
    const mem = memAt(ctx.bus, pteAddr);
    if (pmaV !== PMA_OK || !mem) return fail(ACCESS_FAULT[access]!, 3, `PTE read at ${hex(pteAddr)} (level ${i}) refused: ${record ? ctx.pma.explain(pmaV) : ''}`);
    let reread = true;
    while (reread) {
      reread = false;
      const off = pteAddr - mem.base;
      const lo = mem.view.getUint32(off, true), hi = mem.view.getUint32(off + 4, true);
      if (steps) {
        const pte = (BigInt(hi) << 32n) | BigInt(lo);
        steps.push({ level: i, vpn: vpnI, table: BigInt(a), pteAddr: BigInt(pteAddr), pte, flags: decodePte(pte), kind: 'pointer' });
      }
      // 4. V=0, R=0∧W=1, or a reserved bit/encoding (60..54; N without Svnapot; PBMT without Svpbmt;
      //    D, A or U in a non-leaf PTE) → page fault.
      if (!(lo & PTE_V)) return fail(PAGE_FAULT[access]!, 4, `PTE.V=0 at level ${i}`);
      if ((lo & (PTE_R | PTE_W)) === PTE_W) return fail(PAGE_FAULT[access]!, 4, `PTE has R=0 and W=1 (reserved) at level ${i}`);
      if (pteReserved(hi)) return fail(PAGE_FAULT[access]!, 4, `PTE reserved bits 60..54 are set at level ${i}`);
      if (pteN(hi)) return fail(PAGE_FAULT[access]!, 4, `PTE.N is set but Svnapot is not implemented (level ${i})`);
      if (ptePbmt(hi)) return fail(PAGE_FAULT[access]!, 4, `PTE.PBMT is set but Svpbmt is not implemented (level ${i})`);
      const ppn = ptePpn(lo, hi);
      global |= lo & PTE_G;
      if (!(lo & (PTE_R | PTE_X))) {
        if (lo & (PTE_D | PTE_A | PTE_U)) return fail(PAGE_FAULT[access]!, 4, `non-leaf PTE at level ${i} has D, A or U set (reserved)`);
        // 5. A pointer: i = i-1; i < 0 → page fault; else a = PTE.PPN × PAGESIZE, go to 3.
        if (i === 0) return fail(PAGE_FAULT[access]!, 5, 'pointer PTE at level 0: no levels left');
        i -= 1;
        a = ppn * 4096;
        break;
      }
      if (steps) steps[steps.length - 1]!.kind = 'leaf';
      // 6. Leaf: permission check (R/W/X, U with SUM, MXR).
      if (!leafPermits(lo, access, priv, sum, mxr)) return fail(PAGE_FAULT[access]!, 6, record ? leafRule(lo, access, priv, sum, mxr) : '');
      // 7. Misaligned superpage: i > 0 and PTE.PPN[i-1:0] ≠ 0.
      if (i > 0 && ppn % span !== 0) return fail(PAGE_FAULT[access]!, 7, `misaligned superpage: PTE.PPN[${i - 1}:0] ≠ 0 in a level-${i} leaf`);
      // 8. A/D: A=0, or a store with D=0.
      let flags = lo & 0xff;
      const setBits = (lo & PTE_A ? 0 : PTE_A) | (access === STORE && !(lo & PTE_D) ? PTE_D : 0);
      if (setBits) {
        const what = setBits === PTE_A ? 'A' : setBits === PTE_D ? 'D' : 'A and D';
        if (ctx.ad === 'svade') return fail(PAGE_FAULT[access]!, 8, `PTE.${what} must be set and the A/D policy is svade (software manages A/D)`);
        if (ctx.ad === 'svadu' && !ctx.adue) return fail(PAGE_FAULT[access]!, 8, `PTE.${what} must be set and menvcfg.ADUE=0 (svadu)`);
        if (steps) {
          steps[steps.length - 1]!.setsAD = what;
        } else {
          // The update is an implicit S-level store to the PTE: PMP- and PMA-checked, else an access fault.
          if (ctx.pmp.check(pteAddr, 8, STORE, PRV_S) !== PMP_ALLOW || ctx.pma.check(pteAddr, 8, STORE, false, true) !== PMA_OK) {
            return fail(ACCESS_FAULT[access]!, 8, '');
          }
          // Atomic compare-and-set: if the PTE changed since step 3, go back to step 3 for it.
          if (mem.view.getUint32(off, true) !== lo || mem.view.getUint32(off + 4, true) !== hi) { reread = true; continue; }
          mem.view.setUint32(off, (lo | setBits) >>> 0, true);
        }
        flags |= setBits;
      }
      // 9. PA = PTE.PPN[LEVELS-1:i] ‖ VA.VPN[i-1:0] ‖ offset.
      out.ppn = ppn; out.level = i; out.flags = flags | global; out.pteAddr = pteAddr;
      out.paPpn = i === 0 ? ppn : ppn - (ppn % span) + (vpn % span);
      return true;
    }
  }
}
