// `bt` and `finish` by frame pointers. The kernel-ts compiler (and GCC with -fno-omit-frame-pointer)
// keeps the standard RISC-V frame record: s0 = the caller's sp, ra at s0-8, the caller's s0 at
// s0-16. Where the frame is not (or no longer) set up — at a function's entry, inside its prologue
// before `addi s0, sp, N`, at its final `addi sp`/`ret`, or in a function that keeps no frame — the
// return address is still in ra and s0 still belongs to the caller.

import { decode, type Decoded } from '../isa/decode.js';
import { MemoryError, type DebugMemory } from './memory.js';
import type { SymbolTable } from './symbols.js';
import type { Hart } from '../hart/hart.js';

export interface Frame {
  readonly level: number;
  readonly pc: bigint;
  /** The frame's s0 (frame pointer), when known. */
  readonly fp: bigint | undefined;
  /** The stack pointer on entry to this frame's callee side (frame 0: the current sp). */
  readonly sp: bigint | undefined;
  /** This frame was interrupted by the trap whose handler frame 0 is entering (pc = xepc). */
  readonly trap?: boolean;
}

const SP = 2, S0 = 8, RA = 1;

function insnAt(mem: DebugMemory, pc: bigint): Decoded | undefined {
  const b = mem.readCode(pc, 2);
  if (b instanceof MemoryError) return undefined;
  let bits = b[0]! | (b[1]! << 8);
  if ((bits & 3) === 3) {
    const c = mem.readCode(pc + 2n, 2);
    if (c instanceof MemoryError) return undefined;
    bits = (bits | (c[0]! << 16) | (c[1]! << 24)) >>> 0;
  }
  return decode(bits);
}

const isRet = (d: Decoded | undefined): boolean => d?.base.mnemonic === 'jalr' && d.rd === 0 && d.rs1 === RA && d.imm === 0;
const isSpAdjust = (d: Decoded | undefined): boolean => d?.base.mnemonic === 'addi' && d.rd === SP && d.rs1 === SP;

/** Whether the frame record of the function containing pc is live (s0 points at it). */
function frameLive(mem: DebugMemory, syms: SymbolTable, pc: bigint): boolean {
  const fn = syms.functionAt(pc);
  if (!fn) return false;
  // Epilogue: at the final sp adjustment or the ret, s0 already holds the caller's.
  const here = insnAt(mem, pc);
  if (isRet(here)) return false;
  if (isSpAdjust(here) && here!.imm > 0 && isRet(insnAt(mem, pc + BigInt(here!.size)))) return false;
  // Prologue: live once `addi s0, sp, N` (the instruction that sets s0 from sp) has run.
  let a = fn.addr;
  for (let n = 0; n < 64 && a < pc; n++) {
    const d = insnAt(mem, a);
    if (!d) return false;
    if (d.base.mnemonic === 'addi' && d.rd === S0 && d.rs1 === SP) return true;
    a += BigInt(d.size);
  }
  return false;
}

/**
 * At the first instruction of the trap handler of the current privilege (xtvec's entry for xcause),
 * the trap just left xepc: every register still holds the interrupted code's values. Returns xepc.
 */
function trapEntryEpc(h: Hart, pc: bigint): bigint | undefined {
  const [tvec, cause, epc] = h.priv === 3 ? [h.mtvec, h.mcause, h.mepc] : h.priv === 1 ? [h.stvec, h.scause, h.sepc] : [];
  if (tvec === undefined || cause === undefined || epc === undefined) return undefined;
  const base = BigInt.asUintN(64, tvec) & ~3n, c = BigInt.asUintN(64, cause);
  const interrupt = c >> 63n === 1n, vectored = (tvec & 3n) === 1n;
  const entry = vectored && interrupt ? base + 4n * (c & 0xfffn) : base;
  return pc === entry ? BigInt.asUintN(64, epc) : undefined;
}

export function backtrace(h: Hart, mem: DebugMemory, syms: SymbolTable, max = 64): Frame[] {
  const frames: Frame[] = [];
  const u = (v: bigint): bigint => BigInt.asUintN(64, v);
  let pc = h.pcBig(), fp: bigint | undefined = u(h.reg(S0)), sp: bigint | undefined = u(h.reg(SP));
  frames.push({ level: 0, pc, fp: undefined, sp });
  // At a trap handler's entry, the next frame out is the trapped instruction's, with the same
  // registers: unwind from there as if it were frame 0 (ra is not this frame's return address).
  const epc = trapEntryEpc(h, pc);
  if (epc !== undefined && syms.functionAt(epc) && frames.length < max) {
    pc = epc;
    frames.push({ level: 1, pc, fp, sp, trap: true });
  }
  let callerPc: bigint;
  if (frameLive(mem, syms, pc)) {
    const ra = mem.readValue(fp - 8n, 8), prev = mem.readValue(fp - 16n, 8);
    if (ra instanceof MemoryError || prev instanceof MemoryError) return frames;
    callerPc = ra; sp = fp; fp = prev;
  } else {
    callerPc = u(h.reg(RA));
  }
  while (frames.length < max) {
    if (callerPc === 0n || !syms.functionAt(callerPc) || callerPc === pc && frames.length > 1) break;
    pc = callerPc;
    frames.push({ level: frames.length, pc, fp, sp });
    if (fp === undefined || fp === 0n || (sp !== undefined && fp < sp)) break;
    const ra = mem.readValue(fp - 8n, 8), prev = mem.readValue(fp - 16n, 8);
    if (ra instanceof MemoryError || prev instanceof MemoryError) break;
    sp = fp;
    callerPc = ra;
    if (prev <= fp) { fp = undefined; } else fp = prev;
  }
  return frames;
}

/** Whether the instruction at pc is a call (jal/jalr writing ra) and its length. */
export function callAt(mem: DebugMemory, pc: bigint): number | undefined {
  const d = insnAt(mem, pc);
  if (!d) return undefined;
  const m = d.base.mnemonic;
  return (m === 'jal' || m === 'jalr') && d.rd === RA ? d.size : undefined;
}

export { insnAt };
