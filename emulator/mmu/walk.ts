// The page walk, numbered as docs/ARCHITECTURE.md numbers it (the privileged spec's 12.3.2 "Virtual
// Address Translation Process" with the canonical-address rule of 12.4–12.6 put first, so walk step n is
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
  /** Svnapot: PTE.N marks a 64 KiB NAPOT run (else N is reserved). */
  readonly svnapot: boolean;
  /** Page-table pages already known to pass PMP and PMA (cleared when PMP changes). */
  readonly ptePages: PtePages;
  /** Told of each A/D write (the board: a store there drops cached decodes and harts' reservations). */
  readonly onRamWrite?: (pa: number, size: number) => void;
}

/**
 * The walker's PMP/PMA verdicts by page: a page whose every byte is allowed for the walker's reads
 * (or its A/D writes) and lies in one memory, remembered so the next walks through the same tables
 * skip the checks. A memo of a pure function of the PMP state: the MMU clears it when PMP changes.
 */
export class PtePages {
  private static readonly SIZE = 64;
  private readonly tag = new Float64Array(PtePages.SIZE * 2).fill(-1);
  private readonly mem: (Ram | undefined)[] = new Array<Ram | undefined>(PtePages.SIZE * 2).fill(undefined);

  private slot(page: number, type: number): number {
    return ((page / 4096) & (PtePages.SIZE - 1)) + (type === LOAD ? 0 : PtePages.SIZE);
  }

  get(page: number, type: number): Ram | undefined {
    const i = this.slot(page, type);
    return this.tag[i] === page ? this.mem[i] : undefined;
  }

  set(page: number, type: number, mem: Ram): void {
    const i = this.slot(page, type);
    this.tag[i] = page;
    this.mem[i] = mem;
  }

  clear(): void {
    this.tag.fill(-1);
  }
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
  /** walk step that raised the fault (1..9); spec 12.3.2 step is step - 1 (0 = canonical rule). */
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
  /** The leaf is a Svnapot NAPOT PTE (its translation covers the 64 KiB run). */
  napot = false;
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
 * Steps 3 and 8: the walker's own PTE accesses are implicit S-level accesses (privileged spec 3.7.1,
 * 12.3.2), checked by PMP and then PMA. Returns the memory holding the PTE, or a refusal: null, with
 * the reason in `why[0]` when `explain` (built only then, so the real path allocates nothing).
 */
export function ptePlace(ctx: WalkContext, pteAddr: number, type: typeof LOAD | typeof STORE, explain: string[] | null): Ram | null {
  const page = pteAddr - (pteAddr & 0xfff); // & on an integer double keeps its low bits
  const known = ctx.ptePages.get(page, type);
  if (known !== undefined) return known;
  const pmpV = ctx.pmp.check(pteAddr, 8, type, PRV_S);
  if (pmpV !== PMP_ALLOW) {
    if (explain) explain[0] = ctx.pmp.explain(pmpV, type, PRV_S);
    return null;
  }
  const pmaV = ctx.pma.check(pteAddr, 8, type, false, true);
  const mem = memAt(ctx.bus, pteAddr);
  if (pmaV !== PMA_OK || !mem) {
    if (explain) explain[0] = ctx.pma.explain(pmaV);
    return null;
  }
  if (mem.contains(page, 4096) && ctx.pmp.pageAllows(page, type, PRV_S)) ctx.ptePages.set(page, type, mem);
  return mem;
}

/** What step 4, 5 and 7 make of one PTE at level i (one place, for the walk and for `info mem`). */
export const PTE_POINTER = 0, PTE_LEAF = 1, PTE_INVALID = 2, PTE_RESERVED_RW = 3, PTE_RESERVED_BITS = 4,
  PTE_N_SET = 5, PTE_PBMT_SET = 6, PTE_NONLEAF_DAU = 7, PTE_POINTER_AT_0 = 8, PTE_NAPOT_RESERVED = 9;
export type PteClass = number;

export function classifyPte(lo: number, hi: number, level: number, svnapot: boolean): PteClass {
  // 4. V=0, R=0∧W=1, or a reserved bit/encoding (60..54; N without Svnapot; PBMT without Svpbmt;
  //    D, A or U in a non-leaf PTE) → page fault.
  if (!(lo & PTE_V)) return PTE_INVALID;
  if ((lo & (PTE_R | PTE_W)) === PTE_W) return PTE_RESERVED_RW;
  if (pteReserved(hi)) return PTE_RESERVED_BITS;
  // Svnapot (its table "ptenapot"): N=1 is defined only at level 0 with PPN[0][3:0] = 1000 (a 64 KiB
  // run, napot_bits 4); every other N=1 encoding is reserved. Without Svnapot, N itself is reserved.
  if (pteN(hi)) {
    if (!svnapot) return PTE_N_SET;
    if (level !== 0 || (lo >>> 10) % 16 !== 8) return PTE_NAPOT_RESERVED;
  }
  if (ptePbmt(hi)) return PTE_PBMT_SET;
  if (!(lo & (PTE_R | PTE_X))) {
    if (lo & (PTE_D | PTE_A | PTE_U)) return PTE_NONLEAF_DAU;
    // 5. A pointer: i = i-1; i < 0 → page fault.
    return level === 0 ? PTE_POINTER_AT_0 : PTE_POINTER;
  }
  return PTE_LEAF;
}

/**
 * 2^(9·i), the pages a level-i PTE spans, and x mod such a power of two. The walk avoids `**` and `%`
 * on doubles: V8 calls C's pow and fmod for them, and a TLB miss paid some 1.5 µs in them.
 */
const SPAN = [1, 2 ** 9, 2 ** 18, 2 ** 27, 2 ** 36];
const modSpan = (x: number, span: number): number => x - Math.floor(x / span) * span;

/** Step 7: a leaf above level 0 whose PTE.PPN[i-1:0] ≠ 0 is a misaligned superpage. */
export function misalignedSuperpage(ppn: number, level: number): boolean {
  return level > 0 && modSpan(ppn, SPAN[level]!) !== 0;
}

/** Step 7's rule text. */
export const misalignedRule = (i: number): string => `misaligned superpage: PTE.PPN[${i - 1}:0] ≠ 0 in a level-${i} leaf`;

/** The walk step and the rule text of a faulting class (also for the drawings' faulting PTEs). */
export function classRule(c: PteClass, i: number): [number, string] {
  switch (c) {
    case PTE_INVALID: return [4, `PTE.V=0 at level ${i}`];
    case PTE_RESERVED_RW: return [4, `PTE has R=0 and W=1 (reserved) at level ${i}`];
    case PTE_RESERVED_BITS: return [4, `PTE reserved bits 60..54 are set at level ${i}`];
    case PTE_N_SET: return [4, `PTE.N is set but Svnapot is not implemented (level ${i})`];
    case PTE_NAPOT_RESERVED: return [4, i === 0 ? 'PTE.N=1 with PPN[0][3:0] ≠ 1000: a reserved Svnapot encoding (level 0)' : `PTE.N=1 at level ${i}: reserved (Svnapot defines only 64 KiB runs of level-0 leaves)`];
    case PTE_PBMT_SET: return [4, `PTE.PBMT is set but Svpbmt is not implemented (level ${i})`];
    case PTE_NONLEAF_DAU: return [4, `non-leaf PTE at level ${i} has D, A or U set (reserved)`];
    default: return [5, 'pointer PTE at level 0: no levels left'];
  }
}

/** A walk's fault: cause, step and (when recording) the rule, the last step marked. */
function failWalk(out: WalkOut, steps: WalkStep[] | null, cause: number, step: number, rule: string): false {
  out.cause = cause; out.step = step; out.rule = steps !== null ? rule : '';
  if (steps && steps.length && step >= 4) steps[steps.length - 1]!.kind = 'fault';
  return false;
}

/**
 * Walks the page table for `va` (two signed 32-bit halves). Returns true with `out` describing the
 * translation, or false with out.cause/out.step. As Sail separates deciding a PTE update from writing
 * it, every check is made in both modes; `steps` only decides whether the update is written: with
 * `steps` non-null the walk records every PTE visited, fills out.rule, and writes nothing (the A/D
 * update it would make is reported in the leaf's step).
 */
export function walk(ctx: WalkContext, mode: PagingMode, rootPpn: number, vaLo: number, vaHi: number,
  access: AccessType, priv: number, sum: boolean, mxr: boolean, out: WalkOut, steps: WalkStep[] | null): boolean {
  const record = steps !== null;
  const why = record ? [''] : null;
  out.cause = 0; out.step = 0; out.rule = '';

  // 1. Canonical check.
  if (!isCanonical(mode, vaHi)) {
    return failWalk(out, steps, PAGE_FAULT[access]!, 1, `VA is not canonical: bits 63..${mode.vaBits - 1} must all equal bit ${mode.vaBits - 1} (${mode.name})`);
  }
  const vpn = vpnOf(mode, vaLo, vaHi);

  // 2. a = satp.PPN × PAGESIZE, i = LEVELS-1.
  let a = rootPpn * 4096, i = mode.levels - 1, global = 0;
  for (;;) {
    const span = SPAN[i]!, vpnI = Math.floor(vpn / span) & 511;
    // 3. pte = the PTE at a + VPN[i] × PTESIZE: an implicit S-level read checked by PMP and PMA.
    const pteAddr = a + vpnI * 8;
    const mem = ptePlace(ctx, pteAddr, LOAD, why);
    if (!mem) return failWalk(out, steps, ACCESS_FAULT[access]!, 3, record ? `PTE read at ${hex(pteAddr)} (level ${i}) refused: ${why![0]}` : '');
    const off = pteAddr - mem.base;
    for (;;) {
      const lo = mem.view.getUint32(off, true), hi = mem.view.getUint32(off + 4, true);
      if (steps) {
        const pte = (BigInt(hi) << 32n) | BigInt(lo);
        steps.push({ level: i, vpn: vpnI, table: BigInt(a), pteAddr: BigInt(pteAddr), pte, flags: decodePte(pte), kind: 'pointer' });
      }
      // 4, 5. Invalid or reserved PTEs fault; a pointer goes down a level.
      const c = classifyPte(lo, hi, i, ctx.svnapot);
      const ppn = ptePpn(lo, hi);
      global |= lo & PTE_G;
      if (c === PTE_POINTER) {
        // 5. i = i-1; a = PTE.PPN × PAGESIZE, go to 3.
        i -= 1;
        a = ppn * 4096;
        break;
      }
      if (c !== PTE_LEAF) {
        const [step, rule] = record ? classRule(c, i) : [c === PTE_POINTER_AT_0 ? 5 : 4, ''];
        return failWalk(out, steps, PAGE_FAULT[access]!, step, rule);
      }
      if (steps) steps[steps.length - 1]!.kind = 'leaf';
      // 6. Leaf: permission check (R/W/X, U with SUM, MXR).
      if (!leafPermits(lo, access, priv, sum, mxr)) return failWalk(out, steps, PAGE_FAULT[access]!, 6, record ? leafRule(lo, access, priv, sum, mxr) : '');
      // 7. Misaligned superpage.
      if (misalignedSuperpage(ppn, i)) return failWalk(out, steps, PAGE_FAULT[access]!, 7, misalignedRule(i));
      // 8. A/D: A=0, or a store with D=0.
      let flags = lo & 0xff;
      const setBits = (lo & PTE_A ? 0 : PTE_A) | (access === STORE && !(lo & PTE_D) ? PTE_D : 0);
      if (setBits) {
        const what = setBits === PTE_A ? 'A' : setBits === PTE_D ? 'D' : 'A and D';
        if (ctx.ad === 'svade') return failWalk(out, steps, PAGE_FAULT[access]!, 8, `PTE.${what} must be set and the A/D policy is svade (software manages A/D)`);
        if (ctx.ad === 'svadu' && !ctx.adue) return failWalk(out, steps, PAGE_FAULT[access]!, 8, `PTE.${what} must be set and menvcfg.ADUE=0 (svadu)`);
        // The update is an implicit S-level store to the PTE: PMP- and PMA-checked, else an access
        // fault of the original access type. Decided in both modes; only the write below is skipped.
        if (!ptePlace(ctx, pteAddr, STORE, why)) {
          return failWalk(out, steps, ACCESS_FAULT[access]!, 8, record ? `A/D update of the PTE at ${hex(pteAddr)} (level ${i}) refused: ${why![0]}` : '');
        }
        if (steps) {
          steps[steps.length - 1]!.setsAD = what;
        } else {
          // Atomic compare-and-set: if the PTE changed since step 3, go back to step 3 for it.
          if (mem.view.getUint32(off, true) !== lo || mem.view.getUint32(off + 4, true) !== hi) continue;
          mem.view.setUint32(off, (lo | setBits) >>> 0, true);
          ctx.onRamWrite?.(pteAddr, 4);
        }
        flags |= setBits;
      }
      // 9. PA = PTE.PPN[LEVELS-1:i] ‖ VA.VPN[i-1:0] ‖ offset; a NAPOT PTE reads as a copy whose
      //    PPN[0][3:0] is VPN[0][3:0] (Svnapot).
      const napot = pteN(hi) !== 0;
      out.ppn = ppn; out.level = i; out.flags = flags | global; out.pteAddr = pteAddr; out.napot = napot;
      out.paPpn = napot ? ppn - (ppn & 15) + (vpn & 15) : i === 0 ? ppn : ppn - modSpan(ppn, span) + modSpan(vpn, span);
      return true;
    }
  }
}
