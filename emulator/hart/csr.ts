// The CSRs of this hart, one record each (privileged spec chapters 2, 3, 4; Zicntr; Sstc): its
// name (the number is binutils', from isa/csrs.ts), an optional access gate, how it reads and how a
// write lands (WARL rules and side effects). "Implemented" means "has a record": the access check,
// the debugger's register list and the GDB target description all come from these records.
//
// The access rule common to all (`csrAccess`): privilege in csr[9:8], read-only when csr[11:10] = 3,
// then the record's gate (counter enables, TVM for satp, STCE for stimecmp). Any failure — an
// unimplemented CSR included — is illegal-instruction with tval = the instruction bits (OpenSBI
// probes CSRs this way).

import { CSR_NUMBERS } from '../isa/csrs.js';
import type { Hart } from './hart.js';
import {
  X_MCAUSE, X_MEPC, X_MSCRATCH, X_MTVAL, X_MTVEC, X_SCAUSE, X_SEPC, X_SSCRATCH, X_STVAL, X_STVEC,
} from './slot.js';
import { EV_IRQ } from './events.js';
import { hiOf, loOf, toBigU } from './int64.js';
import {
  ENVCFG_CBO, MEDELEG_MASK, MENVCFG_MASK, MENVCFG_STCE, MIE_MASK, MIP_SEIP, MIP_SSIP, MIP_STIP, MSTATUS_FS, MSTATUS_HI, MSTATUS_MPP,
  MSTATUS_TVM, MSTATUS_WRITABLE, PRV_M, PRV_S, PRV_U, SSTATUS_HI, SSTATUS_MASK_LO, SSTATUS_WRITABLE, S_INTERRUPTS, sdBit,
} from './mstatus.js';

export interface CsrRecord {
  readonly name: string;
  readonly number: number;
  /** An access rule beyond privilege and read-only; false → illegal instruction. */
  readonly gate?: (h: Hart) => boolean;
  readonly read: (h: Hart) => bigint;
  /** Applies a write (already 64-bit unsigned); absent: writes are ignored (a legal WARL choice). */
  readonly write?: (h: Hart, v: bigint) => void;
  /** A trap CSR kept as halves in Hart.x64 (slot.ts's X_*): csrInsn reads and writes it without bigint. */
  readonly pair?: number;
  /** The pair's write rule on halves; read and write above are derived from it. */
  readonly writePair?: (h: Hart, lo: number, hi: number) => void;
  /** A CSR whose writable bits all lie in its low 32 (halfCsr): its value as halves and its write
   *  rule on the low half, which csrInsn uses without bigint; read and write are derived from them. */
  readonly halves?: {
    readonly lo: (h: Hart) => number;
    readonly hi: (h: Hart) => number;
    readonly writeLo?: (h: Hart, lo: number) => void;
    /** What csrrs/csrrc modify, when not the value read (mip: the PLIC's SEIP is read but not set by software). */
    readonly rmwLo?: (h: Hart) => number;
  };
}

/** The records of one hart, by number. */
export class CsrMap {
  private readonly byNumber: (CsrRecord | undefined)[] = new Array<CsrRecord | undefined>(4096).fill(undefined);
  /** Every implemented CSR number, ascending. */
  readonly numbers: readonly number[];

  constructor(records: readonly CsrRecord[]) {
    for (const r of records) {
      if (!(r.number >= 0 && r.number < 4096)) throw new Error(`csr: ${r.name} has number ${r.number}`);
      if (this.byNumber[r.number]) throw new Error(`csr: ${r.name} and ${this.byNumber[r.number]!.name} share 0x${r.number.toString(16)}`);
      this.byNumber[r.number] = r;
    }
    this.numbers = records.map((r) => r.number).sort((a, b) => a - b);
  }

  get(csr: number): CsrRecord | undefined {
    return this.byNumber[csr];
  }

  byName(name: string): CsrRecord | undefined {
    const n = CSR_NUMBERS[name];
    const r = n === undefined ? undefined : this.byNumber[n];
    return r ?? this.numbers.map((k) => this.byNumber[k]!).find((x) => x.name === name);
  }
}

/** A record named as binutils names it. */
function csr(name: string, rules: Omit<CsrRecord, 'name' | 'number'>): CsrRecord {
  const number = CSR_NUMBERS[name];
  if (number === undefined) throw new Error(`csr: ${name} is not a CSR binutils knows`);
  return { name, number, ...rules };
}

const M64 = (1n << 64n) - 1n;
const CY = 1, IR = 4;
const lo32 = (v: bigint): number => Number(v & 0xffffffffn) | 0;

/** misa: MXL = 2 (64-bit), extensions A, C, D, F, I, M, S, U. Read-only here (a legal WARL choice). */
export const MISA = (2n << 62n) | (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 5n) | (1n << 8n) | (1n << 12n) | (1n << 18n) | (1n << 20n);

/** fcsr and its views: present only while mstatus.FS is not Off; a write makes FS Dirty. */
const fpOn = (h: Hart): boolean => (h.mstatus & MSTATUS_FS) !== 0;
const fpDirty = (h: Hart): void => { h.mstatus |= MSTATUS_FS; };

export function cycleValue(h: Hart): bigint {
  return h.mcountinhibit & CY ? h.cycleFrozen : BigInt.asUintN(64, BigInt(h.retired) + h.cycleOffset);
}

export function instretValue(h: Hart): bigint {
  return h.mcountinhibit & IR ? h.instretFrozen : BigInt.asUintN(64, BigInt(h.retired) + h.instretOffset);
}


/** The unprivileged counters: readable below M only where mcounteren (and in U, scounteren) allow. */
function counterGate(n: number): (h: Hart) => boolean {
  const bit = 1 << n;
  return (h) => !((h.priv < PRV_M && (h.mcounteren & bit) === 0) || (h.priv === PRV_U && (h.scounteren & bit) === 0));
}

const ZERO = (): bigint => 0n;

/** A CSR whose writable bits lie in its low 32 (see CsrRecord.halves). */
function halfCsr(name: string, halves: NonNullable<CsrRecord['halves']>, gate?: (h: Hart) => boolean): CsrRecord {
  const { lo, hi, writeLo } = halves;
  return csr(name, {
    gate, halves,
    read: (h) => (BigInt(hi(h) >>> 0) << 32n) | BigInt(lo(h) >>> 0),
    write: writeLo && ((h, v) => writeLo(h, lo32(v))),
  });
}
const HI0 = (): number => 0;

/** A trap CSR held as halves (pair k of Hart.x64), with its WARL rule on halves (default: all bits). */
function pairCsr(name: string, k: number, warl?: (h: Hart, lo: number, hi: number) => void): CsrRecord {
  const writePair = warl ?? ((h: Hart, lo: number, hi: number) => { h.x64[2 * k] = lo; h.x64[2 * k + 1] = hi; });
  return csr(name, { pair: k, writePair, read: (h) => h.pair(k), write: (h, v) => writePair(h, lo32(v), lo32(v >> 32n)) });
}
/** xepc: bit 0 always zero (IALIGN = 16). */
const epc = (k: number) => (h: Hart, lo: number, hi: number): void => { h.x64[2 * k] = lo & ~1; h.x64[2 * k + 1] = hi; };
/** xtvec: MODE 0 (direct) or 1 (vectored); a write with a reserved mode (2, 3) is ignored, as QEMU does. */
const tvec = (k: number) => (h: Hart, lo: number, hi: number): void => {
  if ((lo & 3) < 2) { h.x64[2 * k] = lo; h.x64[2 * k + 1] = hi; }
};

function records(): CsrRecord[] {
  const out: CsrRecord[] = [
    // ---- floating point (F): fflags = fcsr[4:0], frm = fcsr[7:5] ----
    csr('fflags', { gate: fpOn, read: (h) => BigInt(h.fpu.fflags), write: (h, v) => { h.fpu.fflags = Number(v & 0x1fn); fpDirty(h); } }),
    csr('frm', { gate: fpOn, read: (h) => BigInt(h.fpu.frm), write: (h, v) => { h.fpu.frm = Number(v & 7n); fpDirty(h); } }),
    csr('fcsr', {
      gate: fpOn,
      read: (h) => BigInt((h.fpu.frm << 5) | h.fpu.fflags),
      write: (h, v) => { h.fpu.fflags = Number(v & 0x1fn); h.fpu.frm = Number((v >> 5n) & 7n); fpDirty(h); },
    }),

    // ---- unprivileged counters (Zicntr; hpmcounter3–31 present, counting nothing) ----
    csr('cycle', { gate: counterGate(0), read: cycleValue }),
    csr('time', { gate: counterGate(1), read: (h) => h.clock.mtime() }),
    csr('instret', { gate: counterGate(2), read: instretValue }),

    // ---- supervisor ----
    halfCsr('sstatus', {
      lo: (h) => h.mstatus & SSTATUS_MASK_LO,
      hi: (h) => SSTATUS_HI | sdBit(h.mstatus),
      writeLo: (h, v) => { const before = h.mstatus; h.mstatus = (h.mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE); h.privChanged(before); },
    }),
    halfCsr('sie', {
      lo: (h) => h.mie & h.mideleg, hi: HI0,
      writeLo: (h, v) => { const m = h.mideleg & S_INTERRUPTS; h.mie = (h.mie & ~m) | (v & m); h.events |= EV_IRQ; },
    }),
    pairCsr('stvec', X_STVEC, tvec(X_STVEC)),
    halfCsr('scounteren', { lo: (h) => h.scounteren, hi: HI0, writeLo: (h, v) => { h.scounteren = v; } }),
    csr('senvcfg', { read: (h) => h.senvcfg, write: (h, v) => { h.senvcfg = v & (1n | ENVCFG_CBO); } }), // FIOM, CBIE/CBCFE/CBZE
    pairCsr('sscratch', X_SSCRATCH),
    pairCsr('sepc', X_SEPC, epc(X_SEPC)),
    pairCsr('scause', X_SCAUSE),
    pairCsr('stval', X_STVAL),
    halfCsr('sip', {
      lo: (h) => h.mipValue() & h.mideleg, hi: HI0,
      writeLo: (h, v) => { const m = h.mideleg & MIP_SSIP; h.mipSw = (h.mipSw & ~m) | (v & m); h.events |= EV_IRQ; },
    }),
    csr('stimecmp', {
      // Sstc: S-mode needs menvcfg.STCE and mcounteren.TM.
      gate: (h) => !(h.priv === PRV_S && ((h.menvcfg & MENVCFG_STCE) === 0n || (h.mcounteren & 2) === 0)),
      read: (h) => h.stimecmp,
      // The board sizes its run chunks by the next deadline: yield so it sees the new one now.
      write: (h, v) => { h.stimecmp = v; h.updateStimecmp(h.clock.mtime()); h.requestYield(); },
    }),
    csr('satp', {
      gate: (h) => !(h.priv === PRV_S && (h.mstatus & MSTATUS_TVM) !== 0),
      read: (h) => h.mmu.getSatp(),
      write: (h, v) => { h.mmu.setSatp(v); },
    }),

    // ---- machine information (read-only) ----
    csr('mvendorid', { read: ZERO }), csr('marchid', { read: ZERO }), csr('mimpid', { read: ZERO }),
    halfCsr('mhartid', { lo: (h) => h.hartid, hi: HI0 }),
    csr('mconfigptr', { read: ZERO }),

    // ---- machine trap setup and handling ----
    halfCsr('mstatus', {
      lo: (h) => h.mstatus,
      hi: (h) => MSTATUS_HI | sdBit(h.mstatus),
      writeLo: (h, v) => {
        let w = v;
        if (((w & MSTATUS_MPP) >>> 11) === 2) w = (w & ~MSTATUS_MPP) | (h.mstatus & MSTATUS_MPP); // MPP=2 reserved: keep
        const before = h.mstatus;
        h.mstatus = (h.mstatus & ~MSTATUS_WRITABLE) | (w & MSTATUS_WRITABLE);
        h.privChanged(before);
      },
    }),
    csr('misa', { read: () => MISA, write: () => { /* WARL: fixed */ } }),
    halfCsr('medeleg', { lo: (h) => h.medeleg, hi: HI0, writeLo: (h, v) => { h.medeleg = v & MEDELEG_MASK; } }),
    halfCsr('mideleg', { lo: (h) => h.mideleg, hi: HI0, writeLo: (h, v) => { h.mideleg = v & S_INTERRUPTS; h.events |= EV_IRQ; } }),
    halfCsr('mie', { lo: (h) => h.mie, hi: HI0, writeLo: (h, v) => { h.mie = v & MIE_MASK; h.events |= EV_IRQ; } }),
    pairCsr('mtvec', X_MTVEC, tvec(X_MTVEC)),
    halfCsr('mcounteren', { lo: (h) => h.mcounteren, hi: HI0, writeLo: (h, v) => { h.mcounteren = v; } }),
    csr('menvcfg', {
      read: (h) => h.menvcfg,
      write: (h, v) => {
        h.menvcfg = v & MENVCFG_MASK;
        if (h.menvcfg & MENVCFG_STCE) h.mipSw &= ~MIP_STIP;
        h.updateStimecmp(h.clock.mtime());
        h.privChanged();
      },
    }),
    csr('mcountinhibit', {
      read: (h) => BigInt(h.mcountinhibit >>> 0),
      write: (h, v) => {
        const next = lo32(v) & ~2;
        if (!(h.mcountinhibit & CY) && next & CY) h.cycleFrozen = cycleValue(h);
        if (h.mcountinhibit & CY && !(next & CY)) h.cycleOffset = h.cycleFrozen - BigInt(h.retired + 1);
        if (!(h.mcountinhibit & IR) && next & IR) h.instretFrozen = instretValue(h);
        if (h.mcountinhibit & IR && !(next & IR)) h.instretOffset = h.instretFrozen - BigInt(h.retired + 1);
        h.mcountinhibit = next;
      },
    }),
    pairCsr('mscratch', X_MSCRATCH),
    pairCsr('mepc', X_MEPC, epc(X_MEPC)),
    pairCsr('mcause', X_MCAUSE),
    pairCsr('mtval', X_MTVAL),
    halfCsr('mip', {
      lo: (h) => h.mipValue(), hi: HI0,
      // Privileged spec 3.1.9: only the software-writable SEIP takes part in csrrs/csrrc; the PLIC's
      // SEIP, read as 1, must not be latched into it.
      rmwLo: (h) => h.mipSw | (h.mipHw & ~MIP_SEIP),
      writeLo: (h, v) => {
        const m = MIP_SSIP | MIP_SEIP | h.stipWritable();
        h.mipSw = (h.mipSw & ~m) | (v & m);
        h.events |= EV_IRQ;
      },
    }),

    // ---- machine counters: the written value is what the next instruction sees ----
    csr('mcycle', {
      read: cycleValue,
      write: (h, v) => { if (h.mcountinhibit & CY) h.cycleFrozen = v; else h.cycleOffset = v - BigInt(h.retired + 1); },
    }),
    csr('minstret', {
      read: instretValue,
      write: (h, v) => { if (h.mcountinhibit & IR) h.instretFrozen = v; else h.instretOffset = v - BigInt(h.retired + 1); },
    }),

    // ---- debug triggers: present, none implemented ----
    csr('tselect', { read: ZERO, write: () => {} }), csr('tdata1', { read: ZERO, write: () => {} }),
    csr('tdata2', { read: ZERO, write: () => {} }), csr('tdata3', { read: ZERO, write: () => {} }),
  ];
  for (let n = 3; n <= 31; n++) {
    out.push(csr(`hpmcounter${n}`, { gate: counterGate(n), read: ZERO }));
    out.push(csr(`mhpmcounter${n}`, { read: ZERO, write: () => {} }));
    out.push(csr(`mhpmevent${n}`, { read: ZERO, write: () => {} }));
  }
  // PMP (RV64: only the even pmpcfg registers exist).
  for (let n = 0; n < 16; n += 2) {
    out.push(csr(`pmpcfg${n}`, {
      read: (h) => h.mmu.readPmpcfg(n),
      write: (h, v) => { h.mmu.writePmpcfg(n, v); },
    }));
  }
  for (let n = 0; n < 64; n++) {
    out.push(csr(`pmpaddr${n}`, {
      read: (h) => h.mmu.readPmpaddr(n),
      write: (h, v) => { h.mmu.writePmpaddr(n, v); },
    }));
  }
  return out;
}

/** This hart's CSRs. */
export const CSRS: readonly CsrRecord[] = records();

/**
 * The access rule: the record of CSR `csr` when this access is allowed (privilege in csr[9:8],
 * read-only when csr[11:10] = 3, then the record's gate), else undefined: illegal instruction.
 */
export function csrAccess(h: Hart, csr: number, write: boolean): CsrRecord | undefined {
  const r = h.csrs.get(csr);
  if (r === undefined || h.priv < ((csr >>> 8) & 3) || (write && (csr >>> 10) === 3)) return undefined;
  return r.gate !== undefined && !r.gate(h) ? undefined : r;
}

/** Reads an implemented CSR (the debugger's path: no access check). */
export function csrRead(h: Hart, csr: number): bigint {
  const r = h.csrs.get(csr);
  if (r === undefined) throw new Error(`csr 0x${csr.toString(16)} is not implemented`);
  return r.read(h);
}

/** Writes an implemented CSR through its WARL rule (the debugger's path: no access check). */
export function csrWrite(h: Hart, csr: number, value: bigint): void {
  h.csrs.get(csr)?.write?.(h, BigInt.asUintN(64, value));
}

/**
 * A Zicsr instruction on an allowed record (csrAccess; kind 0 csrrw, 1 csrrs, 2 csrrc) with the
 * source (sl, sh): x[rs1] or the zimm. `writes`: csrrw always, csrrs/csrrc unless rs1 = x0 or
 * zimm = 0; `reads`: all but csrrw with rd = x0. Returns the old value's low half, its high half
 * in h.csrHi: it takes and gives values, never the register file, so a translated region keeps
 * its registers in locals across it.
 */
export function csrDo(h: Hart, r: CsrRecord, kind: number, writes: boolean, reads: boolean, sl: number, sh: number): number {
  if (r.pair !== undefined) {
    const x = h.x64, k = 2 * r.pair, oldLo = x[k]!, oldHi = x[k + 1]!;
    if (writes) {
      if (kind === 0) r.writePair!(h, sl, sh);
      else if (kind === 1) r.writePair!(h, oldLo | sl, oldHi | sh);
      else r.writePair!(h, oldLo & ~sl, oldHi & ~sh);
    }
    h.csrHi = oldHi;
    return oldLo;
  }
  const hv = r.halves;
  if (hv !== undefined) {
    // Reads have no side effects, so csrrw x0 reading anyway changes nothing; the source's high
    // half cannot reach a writable bit.
    const oldLo = hv.lo(h), oldHi = hv.hi(h);
    if (writes && hv.writeLo !== undefined) {
      const base = kind === 0 || hv.rmwLo === undefined ? oldLo : hv.rmwLo(h);
      hv.writeLo(h, kind === 0 ? sl : kind === 1 ? base | sl : base & ~sl);
    }
    h.csrHi = oldHi;
    return oldLo;
  }
  const src = toBigU(sl, sh);
  const old = reads ? r.read(h) : 0n;
  if (writes && r.write !== undefined) r.write(h, BigInt.asUintN(64, kind === 0 ? src : kind === 1 ? old | src : old & ~src));
  h.csrHi = hiOf(old);
  return loOf(old);
}
