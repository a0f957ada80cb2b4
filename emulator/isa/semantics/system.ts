// SYSTEM: ecall, ebreak, Zicsr, xRET, WFI, SFENCE.VMA and Zifencei's fence.i (privileged spec 3.3,
// 4.2.1; the Zicsr chapter). All are `system` pieces: they run inside the interpreter's loop, which
// refetches only when one of them moved the MMU's generation (privilege, satp, PMP, sfence.vma).

import { staying, system, type Semantics } from './semantics.js';

/**
 * Zicsr: kind 0 rw, 1 rs, 2 rc; the source is x[rs1] or the 5-bit zimm (im = csr | zimm << 12).
 * csrrw always writes, csrrs/csrrc only with a source register other than x0 or a zimm other than
 * 0; all but csrrw x0 read. The helpers take and give values ($here: no register leaves the piece).
 */
const csr = (kind: number, imm: boolean): Semantics => {
  const writes = kind === 0 ? 'true' : imm ? '(im >>> 12) !== 0' : 'rs1 !== 0';
  return staying(`$here const r_ = csrAccess(h, im & 0xfff, ${writes});
    if (r_ === undefined) $trap(CAUSE.ILLEGAL_INSN, bits, 0)
    xl[rd] = csrDo(h, r_, ${kind}, ${writes}, ${kind === 0 ? 'rd !== SINK' : 'true'}, ${imm ? 'im >>> 12, 0' : 'xl[rs1], xh[rs1]'}); xh[rd] = h.csrHi;`);
};

export const SYSTEM: Readonly<Record<string, Semantics>> = {
  ecall: system('$trap(CAUSE.ECALL_U + h.priv, 0, 0)'),
  ebreak: system('$trap(CAUSE.BREAKPOINT, 0, 0)'), // tval 0, as QEMU (the spec allows pc or 0)
  'fence.i': system('h.flushCode();'),
  csrrw: csr(0, false), csrrs: csr(1, false), csrrc: csr(2, false),
  csrrwi: csr(0, true), csrrsi: csr(1, true), csrrci: csr(2, true),
  sret: system(`if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TSR) !== 0)) $trap(CAUSE.ILLEGAL_INSN, bits, 0)
    h.sret(); $reenter`),
  mret: system(`if (h.priv !== PRV_M) $trap(CAUSE.ILLEGAL_INSN, bits, 0)
    h.mret(); $reenter`),
  // With S-mode present, WFI in U is illegal; TW=1 makes it illegal below M.
  wfi: system(`if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TW) !== 0)) $trap(CAUSE.ILLEGAL_INSN, bits, 0)
    h.waiting = true; h.events |= EV_IRQ;`),
  'sfence.vma': system(`if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TVM) !== 0)) $trap(CAUSE.ILLEGAL_INSN, bits, 0)
    h.mmu.sfence(rs1 === 0 ? null : h.reg(rs1), rs2 === 0 ? null : h.reg(rs2));`),
};
