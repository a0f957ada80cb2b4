// Side-effect-free translation for the debugger, the GDB stub and the tests. It is the machine's own
// decision (Mmu.decide: the walk, then PMP and PMA on the physical access) in its recording mode: no
// TLB lookup or fill, no A/D write, every PTE visited recorded. Only the report is made here.

import type { AccessType } from '../mmu/access.js';
import { FETCH, PRV_M, PRV_S } from '../mmu/access.js';
import { pagingModeOf, pageSizeName } from '../mmu/modes.js';
import type { Mmu } from '../mmu/mmu.js';
import { WalkOut, type WalkStep } from '../mmu/walk.js';

export type { WalkStep } from '../mmu/walk.js';

export interface TranslateOptions {
  /** Defaults: the MMU's current satp, mstatus.SUM and mstatus.MXR. */
  satp?: bigint;
  sum?: boolean;
  mxr?: boolean;
  /** Access size for the final PMP/PMA check (default 1). */
  size?: number;
  /** An AMO or LR/SC (PMA checks atomicity). */
  atomic?: boolean;
}

export interface TranslationFault {
  cause: number;
  /** walk step (1..9; 10 = the final PMP/PMA check of the physical access). */
  step: number;
  /** Privileged spec 12.3.2 step (walk step - 1; 0 = the canonical-address rule of 12.4–12.6). */
  specStep: number;
  rule: string;
}

export interface TranslationReport {
  va: bigint;
  access: AccessType;
  priv: number;
  mode: 'bare' | 'sv39' | 'sv48' | 'sv57';
  steps: WalkStep[];
  /** The translation; present with a step-10 fault too (the PA was reached, the access refused). */
  result?: { pa: bigint; pageSize: number; pageSizeName: string; level: number; setsAD?: string };
  fault?: TranslationFault;
}

/**
 * How the hart would perform this access now. `priv` defaults to the hart's effective privilege for
 * the access (fetch: the current privilege; load/store: mstatus.MPRV's, as the machine uses).
 */
export function translate(mmu: Mmu, va: bigint, access: AccessType, priv?: number, opts: TranslateOptions = {}): TranslationReport {
  va = BigInt.asUintN(64, va);
  const p = priv ?? (access === FETCH ? mmu.priv : mmu.dataPriv);
  const satp = opts.satp ?? mmu.getSatp();
  const mode = pagingModeOf(Number(satp >> 60n));
  const steps: WalkStep[] = [];
  const report: TranslationReport = { va, access, priv: p, mode: mode?.name ?? 'bare', steps };
  const vaLo = Number(va & 0xffffffffn) | 0, vaHi = Number(va >> 32n) | 0;
  const out = new WalkOut();
  const pa = mmu.decide(vaLo, vaHi, opts.size ?? 1, access, p, opts.sum ?? mmu.sum, opts.mxr ?? mmu.mxr, opts.atomic ?? false,
    mode, Number(satp & ((1n << 44n) - 1n)), out, steps);
  if (pa < 0 && out.step < 10) {
    report.fault = { cause: out.cause, step: out.step, specStep: out.step - 1, rule: out.rule };
    return report;
  }
  if (out.level < 0) {
    report.result = { pa: va, pageSize: 4096, pageSizeName: '4 KiB', level: 0 };
  } else {
    const pageSize = out.napot ? 64 << 10 : mode!.pageSizes[out.level]!;
    const setsAD = steps[steps.length - 1]?.setsAD;
    report.result = { pa: (BigInt(out.paPpn) << 12n) | (va & 0xfffn), pageSize, pageSizeName: pageSizeName(pageSize) + (out.napot ? ' (Svnapot)' : ''), level: out.level, ...(setsAD ? { setsAD } : {}) };
  }
  if (pa < 0) report.fault = { cause: out.cause, step: out.step, specStep: out.step - 1, rule: out.rule };
  return report;
}

/**
 * The privilege a walk is shown for when none is named (`walk`, `draw walk`): the hart's effective
 * one for the access, or S when that is M (M-mode does not translate; S shows what the table says).
 */
export function inspectedPrivilege(mmu: Mmu, access: AccessType): number {
  const p = access === FETCH ? mmu.priv : mmu.dataPriv;
  return p === PRV_M ? PRV_S : p;
}
