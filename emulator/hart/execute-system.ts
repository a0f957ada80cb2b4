// SYSTEM: ecall, ebreak, the Zicsr instructions, xRET, WFI, SFENCE.VMA, and Zifencei's fence.i
// (privileged spec 3.3, 4.2.1; Zicsr chapter). Returns the next pc.

import { CAUSE, Trap } from './trap.js';
import { EV_IRQ, type Hart } from './hart.js';
import { SINK } from './decode-cache.js';
import { csrCheck, csrRead, csrWrite } from './csr.js';
import { MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRV_M, PRV_S, PRV_U } from './mstatus.js';

export const enum S {
  ecall, ebreak, fence_i, csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci, sret, mret, wfi, sfence_vma,
}

export const SYSTEM_MNEMONICS: readonly string[] = [
  'ecall', 'ebreak', 'fence.i', 'csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci', 'sret', 'mret', 'wfi', 'sfence.vma',
];

function illegal(bits: number): Trap {
  return new Trap(CAUSE.ILLEGAL_INSN, BigInt(bits >>> 0));
}

/** Executes a SYSTEM instruction; returns how far the pc moves (from h.pc). */
export function executeSystem(h: Hart, k: number, rd: number, rs1: number, rs2: number, imm: number,
  len: number, bits: number): number {
  const pc = h.pc;
  switch (k) {
    case S.ecall: throw new Trap(CAUSE.ECALL_U + h.priv, 0n);
    case S.ebreak: throw new Trap(CAUSE.BREAKPOINT, 0n); // tval 0, as QEMU (the spec allows pc or 0)
    case S.fence_i: h.flushCode(); return len;
    case S.csrrw: case S.csrrs: case S.csrrc: case S.csrrwi: case S.csrrsi: case S.csrrci: {
      const csr = imm & 0xfff, zimm = imm >>> 12;
      const isImm = k >= S.csrrwi, kind = isImm ? k - S.csrrwi : k - S.csrrw; // 0 rw, 1 rs, 2 rc
      // csrrw with rd = x0 does not read; csrrs/csrrc with rs1 = x0 (or zimm = 0) do not write.
      const writes = kind === 0 || (isImm ? zimm !== 0 : rs1 !== 0);
      const reads = !(kind === 0 && rd === SINK);
      csrCheck(h, csr, writes, bits);
      const src = isImm ? BigInt(zimm) : h.reg(rs1);
      const old = reads ? csrRead(h, csr) : 0n;
      if (writes) csrWrite(h, csr, kind === 0 ? src : kind === 1 ? old | src : old & ~src);
      if (rd !== SINK) h.setReg(rd, old);
      h.events |= EV_IRQ;
      return len;
    }
    case S.sret:
      if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TSR) !== 0)) throw illegal(bits);
      h.sret();
      return h.pc - pc;
    case S.mret:
      if (h.priv !== PRV_M) throw illegal(bits);
      h.mret();
      return h.pc - pc;
    case S.wfi:
      // With S-mode present, WFI in U is illegal; TW=1 makes it illegal below M.
      if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TW) !== 0)) throw illegal(bits);
      h.waiting = true;
      h.events |= EV_IRQ;
      return len;
    case S.sfence_vma:
      if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TVM) !== 0)) throw illegal(bits);
      h.mmu.sfence(rs1 === 0 ? null : h.reg(rs1), rs2 === 0 ? null : h.reg(rs2));
      h.translationChanged();
      return len;
  }
  throw new Error(`executeSystem: unknown code ${k}`);
}
