// The interpreter, compiled at start-up from the ISA table: each entry's semantics (isa/semantics/)
// becomes one `case` of a switch on the table index — in the loop below for the hot instructions
// (isHot), in one out-of-line function for the rest. Nothing here knows an instruction by name;
// adding one is a table entry and its semantics.
//
// The loop: fetch from the physical decode cache, the pc kept as (VA of the fetch page as halves,
// offset in it) so straight-line code and branches within a page do integer arithmetic only, and
// the fetch translation redone only when the pc leaves the page or the MMU's generation moved.
// Exceptions are taken in place (the catch below): a trap costs its entry and the refetch at the
// handler, not a return to Hart.run. The loop leaves only at `end`, or when an event needs Hart.run
// (an interrupt now takeable, WFI, a stop, the debugger).
//
// Exactness: the pc (h.pcLo, h.pcHi) and h.retired are written back ($sync) before anything that
// can trap or look at them, so traps, interrupts and stops happen at the precise instruction boundary.

import type { InsnDef } from '../isa/table.js';
import { makeDecoder, type Decoder } from '../isa/decode.js';
import { CAUSE, Trap } from '../isa/trap.js';
import { LOAD, STORE } from '../mmu/access.js';
import { Mmu } from '../mmu/mmu.js';
import type { Hart } from './hart.js';
import { EV_IRQ } from './events.js';
import { hiOf, loOf, lt, ltu, mulhu32, sar, setPcRel, shl, shr, toBig, toBigU } from './int64.js';
import { load, loadPa, store, storeMarked, storePa } from './memory.js';
import { amo, AMO_ADD, AMO_AND, AMO_LR, AMO_MAX, AMO_MAXU, AMO_MIN, AMO_MINU, AMO_OR, AMO_SC, AMO_SWAP, AMO_XOR } from './atomic.js';
import { csrInsn } from './csr.js';
import { MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRV_M, PRV_S, PRV_U } from './mstatus.js';
import { MAX_OPS, OP_MASK, RD_SHIFT, RS1_SHIFT, RS2_SHIFT, WIDE_BIT } from './slot.js';
import { bswap32, ctz32, orcb32, pop32, rotr64, shadd } from './bitmanip.js';
import { cbo, CBO_CLEAN, CBO_FLUSH, CBO_INVAL, CBO_ZERO } from './cbo.js';
import * as FPU from '../fpu/index.js';

/** Runs instructions until `end` have retired in total or an event needs Hart.run. */
export type RunFast = (h: Hart, end: number) => void;

export interface Interpreter {
  readonly table: readonly InsnDef[];
  readonly decoder: Decoder;
  /** The opcode of an encoding the table does not have. */
  readonly illegal: number;
  readonly runFast: RunFast;
  /** The generated source (for reading and profiling). */
  readonly source: string;
}

/** Everything a semantics piece may call besides the loop's own names (semantics.ts lists them). */
const HELPERS = {
  CAUSE, Trap, EV_IRQ, LOAD, STORE,
  lt, ltu, shl, shr, sar, setPcRel, toBig, toBigU, loOf, hiOf, mulhu32,
  load, loadPa, store, storePa, storeMarked,
  amo, AMO_LR, AMO_SC, AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR, AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU,
  csrInsn, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRV_M, PRV_S, PRV_U,
  // Zba/Zbb/Zbs, Zicbom/Zicboz
  shadd, rotr64, ctz32, pop32, bswap32, orcb32, cbo, CBO_INVAL, CBO_CLEAN, CBO_FLUSH, CBO_ZERO,
  // F/D: the exact operations (emulator/fpu), called as FPU.fadd_s(h.fpu, ...)
  FPU,
};

const SYNC = 'h.pcLo = vpLo + off; h.pcHi = vpHi; h.retired = retired;';

/** h.pc = the fetch page + o (any int32 offset), as halves: the 64-bit add of a sign-extended o. */
const setPcAt = (o: string): string =>
  `{ const o_ = ${o}, lo_ = (vpLo + o_) | 0; h.pcLo = lo_; h.pcHi = (vpHi + (o_ >> 31) + ((lo_ >>> 0) < (vpLo >>> 0) ? 1 : 0)) | 0; }`;

/** The text of `$name(args)` calls' arguments, balanced parentheses. */
function expandCall(src: string, name: string, f: (args: string) => string): string {
  for (let i = src.indexOf(`$${name}(`); i >= 0; i = src.indexOf(`$${name}(`)) {
    let depth = 0, j = i + name.length + 1;
    for (; j < src.length; j++) {
      if (src[j] === '(') depth++;
      else if (src[j] === ')' && --depth === 0) break;
    }
    if (j >= src.length) throw new Error(`isa: unbalanced $${name}( in a semantics piece`);
    src = src.slice(0, i) + f(src.slice(i + name.length + 2, j)) + src.slice(j + 1);
  }
  return src;
}

/**
 * Expands the macros semantics.ts documents. `leave` is how a piece re-enters the loop at h.pc: in
 * the loop itself `continue outer`, in the out-of-line function a return of REENTER.
 */
function expand(run: string, leave: string): string {
  let s = run
    .replaceAll('$sync', SYNC)
    // The carry out of the low word is (lo <u a): every value stays an int32 for V8 (an unsigned sum
    // past 2^32 made it deoptimize the loop for "lost precision").
    .replaceAll('$ea', 'const lo = (xl[rs1] + im) | 0, hi = (xh[rs1] + (im >> 31) + ((lo >>> 0) < (xl[rs1] >>> 0) ? 1 : 0)) | 0;')
    .replaceAll('$reenter', `{ h.retired = retired + 1; ${leave}; }`);
  // The PA of the access at (lo, hi): the MMU's fast cache inline, else (pc written back first, as
  // the walk may fault) its translate.
  s = expandCall(s, 'pa', (a) => {
    const [size, access] = a.split(',').map((x) => x.trim());
    if (access !== 'LOAD' && access !== 'STORE') throw new Error(`isa: $pa(${a}): the access is LOAD or STORE`);
    const acc = access === 'LOAD' ? LOAD : STORE;
    return `let pa = -1; ${Mmu.fastHitSource(acc, 'pa')}
    if (pa < 0) { ${SYNC} pa = mmu.translate(lo, hi, ${size}, ${access}); }`;
  });
  s = expandCall(s, 'setw', (v) => `{ const v_ = (${v}) | 0; xl[rd] = v_; xh[rd] = v_ >> 31; }`);
  s = expandCall(s, 'set64', (v) => `{ const v_ = ${v}; xl[rd] = loOf(v_); xh[rd] = hiOf(v_); }`);
  s = expandCall(s, 'trap', (a) => `{ ${SYNC} h.raise(${a}); ${leave}; }`);
  s = expandCall(s, 'goto', (v) => `{ h.setPcHalves(${v}); h.retired = retired + 1; ${leave}; }`);
  if (s.includes('$')) throw new Error(`isa: unknown macro in semantics: ${s.slice(s.indexOf('$'), s.indexOf('$') + 20)}`);
  return s;
}

const uses = (src: string, name: string): boolean => new RegExp(`(?<![.\\w$])${name}\\b`).test(src);

/**
 * The instructions compiled into the loop itself: RV64I and M without the system ones. The rest run
 * in a second function the loop calls, so an instruction first met late in a run (V8 then has no
 * type feedback for it) deoptimizes only that small function, never the loop; the loop's own
 * re-optimization after such a deopt cost 200 ms in a Linux boot.
 */
export const isHot = (d: InsnDef): boolean => !d.exec!.system && (d.ext === 'I' || d.ext === 'M');

/** The value the out-of-line function returns for "re-enter the loop at h.pc". */
const REENTER = -1;

function caseSource(op: number, d: InsnDef, hot: boolean): string {
  const exec = d.exec!;
  const body = expand(exec.run, hot ? 'continue outer' : `return ${REENTER}`);
  const pre: string[] = [];
  if (uses(body, 'bits')) pre.push('const bits = page.bits[idx];');
  if (exec.system) pre.push(SYNC);
  return `case ${op}: { // ${d.mnemonic}\n${pre.join(' ')}\n${body}\nbreak; }`;
}

function loopSource(table: readonly InsnDef[]): string {
  const cases = (hot: boolean): string => table.map((d, op) => (d.exec && isHot(d) === hot ? caseSource(op, d, hot) : ''))
    .filter((c) => c !== '').join('\n');
  const refill = `{ ${setPcAt('off')} h.retired = retired; h.refillFetch(h.pcLo, h.pcHi);
    page = h.fetchPage; info = page.info; imms = page.imm; vpLo = h.fetchVaLo; vpHi = h.fetchVaHi; off = h.pcLo & 0xfff; }`;
  return `"use strict";
/** The instructions not in the loop: returns the pc delta, or ${REENTER} to re-enter at h.pc. */
function outOfLine(h, op, rd, rs1, rs2, im, len, page, idx, vpLo, vpHi, off, retired) {
  const xl = h.xl, xh = h.xh, mmu = h.mmu, marks = h.code.marks;
  const ram = h.lowView, ramBase = h.ramBase, lowSize = h.lowSize;
  let d = len;
  switch (op) {
${cases(false)}
    default: { ${SYNC} h.raise(CAUSE.ILLEGAL_INSN, page.bits[idx], 0); return ${REENTER}; }
  }
  return d;
}
return function runFast(h, end) {
  const xl = h.xl, xh = h.xh, mmu = h.mmu, code = h.code, marks = code.marks;
  // RAM's first chunk (all of RAM up to 1 GiB); memory.ts takes the rest of RAM and the devices.
  const ram = h.lowView, ramBase = h.ramBase, lowSize = h.lowSize;
  let retired = h.retired, page = h.fetchPage, info = page.info, imms = page.imm, vpLo = 0, vpHi = 0, off = 0;
  // Hart.run has handled the events before the first entry; a re-entry (after a trap, an xRET, a
  // far jump) checks them as the boundary check at the loop's end would.
  let reentry = false;
  outer: for (;;) {
    try {
      retired = h.retired;
      if (reentry && (retired >= end || (h.events !== 0 && h.mustLeave()))) return;
      reentry = true;
      if (h.pcHi !== h.fetchVaHi || ((h.pcLo ^ h.fetchVaLo) & ~0xfff) !== 0 || mmu.generation !== h.fetchGen) h.refillFetch(h.pcLo, h.pcHi);
      page = h.fetchPage; info = page.info; imms = page.imm; vpLo = h.fetchVaLo; vpHi = h.fetchVaHi;
      off = h.pcLo & 0xfff;
      for (;;) {
        // pc = (vpHi:vpLo) + off; off leaves 0..4095 only by a jump or by running off the page.
        if (off < 0 || off >= 4096) ${refill}
        let idx = off >> 1, w = info[idx];
        if (w === 0) { ${SYNC} idx = code.fill(h, page, idx, h.pcLo, h.pcHi); w = info[idx]; }
        const rd = (w >>> ${RD_SHIFT}) & 0x3f, rs1 = (w >>> ${RS1_SHIFT}) & 0x1f, rs2 = (w >>> ${RS2_SHIFT}) & 0x1f;
        const im = imms[idx], len = 2 + ((w >>> ${WIDE_BIT - 1}) & 2);
        let d = len;
        switch (w & ${OP_MASK}) {
${cases(true)}
          default: {
            d = outOfLine(h, w & ${OP_MASK}, rd, rs1, rs2, im, len, page, idx, vpLo, vpHi, off, retired);
            if (d === ${REENTER}) continue outer;
            // A system instruction may have changed the fetch translation: refetch at the next pc.
            if (mmu.generation !== h.fetchGen) { ${setPcAt('off + d')} h.retired = retired + 1; continue outer; }
          }
        }
        off += d;
        if (++retired >= end || (h.events !== 0 && h.mustLeave())) break;
      }
      ${SYNC}
      return;
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      h.takeTrap(e.cause, false, e.tval, e.epc !== undefined ? e.epc : h.pcBig());
    }
  }
};`;
}

/** Compiles the interpreter for an instruction table (the project's, or a test's with extra entries). */
export function makeInterpreter(table: readonly InsnDef[]): Interpreter {
  if (table.length >= MAX_OPS) throw new Error(`isa: ${table.length} table entries; the decode slot holds ${MAX_OPS - 1}`);
  const source = loopSource(table);
  const names = Object.keys(HELPERS);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: compile the table's semantics once
  const factory = new Function(...names, source) as (...helpers: unknown[]) => RunFast;
  return { table, decoder: makeDecoder(table), illegal: table.length, runFast: factory(...Object.values(HELPERS)), source };
}
