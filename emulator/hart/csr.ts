// The CSRs of this hart, each with its read and write rule (privileged spec chapters 2, 3, 4;
// Zicntr; Sstc). `csrCheck` is the access rule common to all: privilege in csr[9:8], read-only when
// csr[11:10] = 3, counters gated by mcounteren/scounteren, TVM for satp, STCE for stimecmp. Any
// failure — including an unimplemented CSR — is illegal-instruction with tval = the instruction bits
// (OpenSBI probes CSRs this way).

import { CSR_NUMBERS as C } from '../isa/csrs.js';
import { CAUSE, Trap } from './trap.js';
import type { Hart } from './hart.js';
import {
  MEDELEG_MASK, MENVCFG_MASK, MENVCFG_STCE, MIE_MASK, MIP_SEIP, MIP_SSIP, MIP_STIP, MSTATUS_HI, MSTATUS_MPP,
  MSTATUS_TVM, MSTATUS_WRITABLE, PRV_M, PRV_S, PRV_U, SSTATUS_HI, SSTATUS_MASK_LO, SSTATUS_WRITABLE, S_INTERRUPTS,
} from './mstatus.js';

/** misa: MXL = 2 (64-bit), extensions A, C, I, M, S, U. Read-only here (a legal WARL choice). */
export const MISA = (2n << 62n) | (1n << 0n) | (1n << 2n) | (1n << 8n) | (1n << 12n) | (1n << 18n) | (1n << 20n);

const M64 = (1n << 64n) - 1n;
const CY = 1, IR = 4;

function illegal(bits: number): Trap {
  return new Trap(CAUSE.ILLEGAL_INSN, BigInt(bits >>> 0));
}

function implemented(csr: number): boolean {
  if (csr >= C.cycle && csr <= C.hpmcounter31) return true;
  if (csr >= C.mcycle && csr <= C.mhpmcounter31) return csr !== 0xb01; // no mtime CSR
  if (csr >= C.mhpmevent3 && csr <= C.mhpmevent31) return true;
  if (csr >= C.pmpcfg0 && csr <= C.pmpaddr63) return (csr > C.pmpcfg15) || (csr & 1) === 0; // RV64: odd pmpcfg absent
  switch (csr) {
    case C.sstatus: case C.sie: case C.stvec: case C.scounteren: case C.senvcfg: case C.sscratch: case C.sepc:
    case C.scause: case C.stval: case C.sip: case C.stimecmp: case C.satp:
    case C.mvendorid: case C.marchid: case C.mimpid: case C.mhartid: case C.mconfigptr:
    case C.mstatus: case C.misa: case C.medeleg: case C.mideleg: case C.mie: case C.mtvec: case C.mcounteren:
    case C.menvcfg: case C.mcountinhibit: case C.mscratch: case C.mepc: case C.mcause: case C.mtval: case C.mip:
    case C.tselect: case C.tdata1: case C.tdata2: case C.tdata3:
      return true;
  }
  return false;
}

/** The access rule. Throws illegal-instruction. */
export function csrCheck(h: Hart, csr: number, write: boolean, bits: number): void {
  if (!implemented(csr)) throw illegal(bits);
  if (h.priv < ((csr >>> 8) & 3)) throw illegal(bits);
  if (write && (csr >>> 10) === 3) throw illegal(bits);
  if (csr >= C.cycle && csr <= C.hpmcounter31) {
    const bit = 1 << (csr & 31);
    if (h.priv < PRV_M && (h.mcounteren & bit) === 0) throw illegal(bits);
    if (h.priv === PRV_U && (h.scounteren & bit) === 0) throw illegal(bits);
  }
  if (csr === C.satp && h.priv === PRV_S && (h.mstatus & MSTATUS_TVM) !== 0) throw illegal(bits);
  if (csr === C.stimecmp && h.priv === PRV_S && ((h.menvcfg & MENVCFG_STCE) === 0n || (h.mcounteren & 2) === 0)) {
    throw illegal(bits);
  }
}

export function cycleValue(h: Hart): bigint {
  return h.mcountinhibit & CY ? h.cycleFrozen : BigInt.asUintN(64, BigInt(h.retired) + h.cycleOffset);
}

export function instretValue(h: Hart): bigint {
  return h.mcountinhibit & IR ? h.instretFrozen : BigInt.asUintN(64, BigInt(h.retired) + h.instretOffset);
}

/** Reads a CSR that passed csrCheck. */
export function csrRead(h: Hart, csr: number): bigint {
  switch (csr) {
    case C.cycle: case C.mcycle: return cycleValue(h);
    case C.instret: case C.minstret: return instretValue(h);
    case C.time: return h.clock.mtime();
    case C.sstatus: return (BigInt(SSTATUS_HI) << 32n) | BigInt(h.mstatus & SSTATUS_MASK_LO);
    case C.sie: return BigInt(h.mie & h.mideleg);
    case C.stvec: return h.stvec;
    case C.scounteren: return BigInt(h.scounteren >>> 0);
    case C.senvcfg: return h.senvcfg;
    case C.sscratch: return h.sscratch;
    case C.sepc: return h.sepc;
    case C.scause: return h.scause;
    case C.stval: return h.stval;
    case C.sip: return BigInt(h.mipValue() & h.mideleg);
    case C.stimecmp: return h.stimecmp;
    case C.satp: return h.mmu.getSatp();
    case C.mvendorid: case C.marchid: case C.mimpid: case C.mconfigptr: return 0n;
    case C.mhartid: return BigInt(h.hartid);
    case C.mstatus: return (BigInt(MSTATUS_HI) << 32n) | BigInt(h.mstatus >>> 0);
    case C.misa: return MISA;
    case C.medeleg: return BigInt(h.medeleg);
    case C.mideleg: return BigInt(h.mideleg);
    case C.mie: return BigInt(h.mie);
    case C.mtvec: return h.mtvec;
    case C.mcounteren: return BigInt(h.mcounteren >>> 0);
    case C.menvcfg: return h.menvcfg;
    case C.mcountinhibit: return BigInt(h.mcountinhibit >>> 0);
    case C.mscratch: return h.mscratch;
    case C.mepc: return h.mepc;
    case C.mcause: return h.mcause;
    case C.mtval: return h.mtval;
    case C.mip: return BigInt(h.mipValue());
  }
  if (csr >= C.pmpcfg0 && csr <= C.pmpcfg15) return h.mmu.readPmpcfg(csr - C.pmpcfg0);
  if (csr >= C.pmpaddr0 && csr <= C.pmpaddr63) return h.mmu.readPmpaddr(csr - C.pmpaddr0);
  // hpmcounter3–31, mhpmcounter3–31, mhpmevent3–31, tselect, tdata1–3: present, no events, no triggers.
  return 0n;
}

/** Writes a CSR that passed csrCheck (WARL rules applied here). */
export function csrWrite(h: Hart, csr: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  const lo = Number(v & 0xffffffffn) | 0;
  switch (csr) {
    case C.mcycle:
      if (h.mcountinhibit & CY) h.cycleFrozen = v; else h.cycleOffset = v - BigInt(h.retired + 1);
      return;
    case C.minstret:
      // The written value is what the next instruction sees: this one's retirement is not counted.
      if (h.mcountinhibit & IR) h.instretFrozen = v; else h.instretOffset = v - BigInt(h.retired + 1);
      return;
    case C.sstatus:
      h.mstatus = (h.mstatus & ~SSTATUS_WRITABLE) | (lo & SSTATUS_WRITABLE);
      h.privChanged();
      return;
    case C.sie: {
      const mask = h.mideleg & S_INTERRUPTS;
      h.mie = (h.mie & ~mask) | (lo & mask);
      h.events |= 1;
      return;
    }
    case C.stvec: h.stvec = tvec(h.stvec, v); return;
    case C.scounteren: h.scounteren = lo; return;
    case C.senvcfg: h.senvcfg = v & 1n; return; // FIOM
    case C.sscratch: h.sscratch = v; return;
    case C.sepc: h.sepc = v & ~1n; return;
    case C.scause: h.scause = v; return;
    case C.stval: h.stval = v; return;
    case C.sip: {
      const mask = h.mideleg & MIP_SSIP;
      h.mipSw = (h.mipSw & ~mask) | (lo & mask);
      h.events |= 1;
      return;
    }
    case C.stimecmp:
      h.stimecmp = v;
      h.updateStimecmp(h.clock.mtime());
      return;
    case C.satp:
      h.mmu.setSatp(v);
      h.translationChanged();
      return;
    case C.mstatus: {
      let w = lo;
      if (((w & MSTATUS_MPP) >>> 11) === 2) w = (w & ~MSTATUS_MPP) | (h.mstatus & MSTATUS_MPP); // MPP=2 reserved: keep
      h.mstatus = (h.mstatus & ~MSTATUS_WRITABLE) | (w & MSTATUS_WRITABLE);
      h.privChanged();
      return;
    }
    case C.misa: return;
    case C.medeleg: h.medeleg = lo & MEDELEG_MASK; return;
    case C.mideleg: h.mideleg = lo & S_INTERRUPTS; h.events |= 1; return;
    case C.mie: h.mie = lo & MIE_MASK; h.events |= 1; return;
    case C.mtvec: h.mtvec = tvec(h.mtvec, v); return;
    case C.mcounteren: h.mcounteren = lo; return;
    case C.menvcfg: {
      h.menvcfg = v & MENVCFG_MASK;
      if (h.menvcfg & MENVCFG_STCE) h.mipSw &= ~MIP_STIP;
      h.updateStimecmp(h.clock.mtime());
      h.privChanged();
      return;
    }
    case C.mcountinhibit: {
      const next = lo & ~2;
      if (!(h.mcountinhibit & CY) && next & CY) h.cycleFrozen = cycleValue(h);
      if (h.mcountinhibit & CY && !(next & CY)) h.cycleOffset = h.cycleFrozen - BigInt(h.retired + 1);
      if (!(h.mcountinhibit & IR) && next & IR) h.instretFrozen = instretValue(h);
      if (h.mcountinhibit & IR && !(next & IR)) h.instretOffset = h.instretFrozen - BigInt(h.retired + 1);
      h.mcountinhibit = next;
      return;
    }
    case C.mscratch: h.mscratch = v; return;
    case C.mepc: h.mepc = v & ~1n; return;
    case C.mcause: h.mcause = v; return;
    case C.mtval: h.mtval = v; return;
    case C.mip: {
      const mask = MIP_SSIP | MIP_SEIP | h.stipWritable();
      h.mipSw = (h.mipSw & ~mask) | (lo & mask);
      h.events |= 1;
      return;
    }
  }
  if (csr >= C.pmpcfg0 && csr <= C.pmpcfg15) { h.mmu.writePmpcfg(csr - C.pmpcfg0, v); h.translationChanged(); return; }
  if (csr >= C.pmpaddr0 && csr <= C.pmpaddr63) { h.mmu.writePmpaddr(csr - C.pmpaddr0, v); h.translationChanged(); return; }
  // mhpmcounter3–31, mhpmevent3–31, tselect, tdata1–3: writes ignored (no events, no triggers).
}

/** xtvec: MODE 0 (direct) or 1 (vectored); a write with a reserved mode (2, 3) is ignored, as QEMU does. */
function tvec(old: bigint, v: bigint): bigint {
  return (v & 3n) < 2n ? v & M64 : old;
}

