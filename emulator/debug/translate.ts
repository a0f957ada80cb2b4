// Side-effect-free translation for the debugger, the GDB stub and the tests: the same walk() the MMU
// uses, in its recording mode (no TLB fill, no A/D writes), plus the final PMP and PMA checks.

import { ACCESS_FAULT, PRV_M, type AccessType } from '../mmu/access.js';
import { pagingModeOf, pageSizeName } from '../mmu/modes.js';
import type { Mmu } from '../mmu/mmu.js';
import { PMA_OK } from '../mmu/pma.js';
import { PMP_ALLOW } from '../mmu/pmp.js';
import { walk, WalkOut, type WalkStep } from '../mmu/walk.js';

export type { WalkStep } from '../mmu/walk.js';

export interface TranslateOptions {
  /** Defaults: the MMU's current satp, mstatus.SUM and mstatus.MXR. */
  satp?: bigint;
  sum?: boolean;
  mxr?: boolean;
  /** Access size for the final PMP/PMA check (default 1). */
  size?: number;
  atomic?: boolean;
}

export interface TranslationFault {
  cause: number;
  /** DESIGN §4 step (1..9; 10 = the final PMP/PMA check of the physical access). */
  step: number;
  /** Privileged spec 12.3.2 step (DESIGN step - 1; 0 = the canonical-address rule of 12.4–12.6). */
  specStep: number;
  rule: string;
}

export interface TranslationReport {
  va: bigint;
  access: AccessType;
  priv: number;
  mode: 'bare' | 'sv39' | 'sv48' | 'sv57';
  steps: WalkStep[];
  result?: { pa: bigint; pageSize: number; pageSizeName: string; level: number; setsAD?: string };
  fault?: TranslationFault;
}

export function translate(mmu: Mmu, va: bigint, access: AccessType, priv: number, opts: TranslateOptions = {}): TranslationReport {
  va = BigInt.asUintN(64, va);
  const satp = opts.satp ?? mmu.getSatp();
  const mode = pagingModeOf(Number(satp >> 60n));
  const steps: WalkStep[] = [];
  const report: TranslationReport = { va, access, priv, mode: mode?.name ?? 'bare', steps };
  const vaLo = Number(va & 0xffffffffn) | 0, vaHi = Number(va >> 32n) | 0;
  let pa: bigint;
  if (priv === PRV_M || !mode) {
    pa = va;
    report.result = { pa, pageSize: 4096, pageSizeName: '4 KiB', level: 0 };
  } else {
    const out = new WalkOut();
    const ok = walk(mmu, mode, Number(satp & ((1n << 44n) - 1n)), vaLo, vaHi, access, priv, opts.sum ?? mmu.sum, opts.mxr ?? mmu.mxr, out, steps);
    if (!ok) {
      report.fault = { cause: out.cause, step: out.step, specStep: out.step - 1, rule: out.rule };
      return report;
    }
    pa = (BigInt(out.paPpn) << 12n) | (va & 0xfffn);
    const pageSize = mode.pageSizes[out.level]!;
    const setsAD = steps[steps.length - 1]?.setsAD;
    report.result = { pa, pageSize, pageSizeName: pageSizeName(pageSize), level: out.level, ...(setsAD ? { setsAD } : {}) };
  }
  // Then the physical access itself goes through PMP (effective privilege) and PMA.
  const size = opts.size ?? 1;
  const paNum = pa >= 1n << 53n ? 2 ** 53 : Number(pa);
  const v = mmu.pmp.check(paNum, size, access, priv);
  if (v !== PMP_ALLOW) {
    report.fault = { cause: ACCESS_FAULT[access]!, step: 10, specStep: 9, rule: `physical access at 0x${pa.toString(16)}: ${mmu.pmp.explain(v, access, priv)}` };
    return report;
  }
  const p = mmu.pma.check(paNum, size, access, opts.atomic ?? false);
  if (p !== PMA_OK) {
    report.fault = { cause: ACCESS_FAULT[access]!, step: 10, specStep: 9, rule: `physical access at 0x${pa.toString(16)}: ${mmu.pma.explain(p)}` };
  }
  return report;
}
