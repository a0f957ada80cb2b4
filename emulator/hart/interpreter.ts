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
// (an interrupt now takeable, WFI, a stop, the debugger). The loop is generated twice: as is
// (`--tier interp`), and with the translation tier's dispatch at block heads (`runTiered`).
//
// Exactness: the pc (h.pcLo, h.pcHi) and h.retired are written back ($sync) before anything that
// can trap or look at them, so traps, interrupts and stops happen at the precise instruction boundary.

import type { InsnDef } from '../isa/table.js';
import { makeDecoder, type Decoder } from '../isa/decode.js';
import type { Hart } from './hart.js';
import { MAX_OPS, OP_MASK, RD_SHIFT, RS1_SHIFT, RS2_SHIFT, WIDE_BIT } from './slot.js';
import { compileWithHelpers, expand, REENTER, setPcAt, STATE, SYNC, uses } from './pieces.js';
import { MISS, MISSED } from './block.js';

/** Runs instructions until `end` have retired in total or an event needs Hart.run. */
export type RunFast = (h: Hart, end: number) => void;

export interface Interpreter {
  readonly table: readonly InsnDef[];
  readonly decoder: Decoder;
  /** The opcode of an encoding the table does not have. */
  readonly illegal: number;
  readonly runFast: RunFast;
  /** The same loop entering translated regions (h.code.blocks must be a Translator). */
  readonly runTiered: RunFast;
  /** The generated source (for reading and profiling). */
  readonly source: string;
}

/**
 * The instructions compiled into the loop itself: RV64I and M without the system ones. The rest run
 * in a second function the loop calls, so an instruction first met late in a run (V8 then has no
 * type feedback for it) deoptimizes only that small function, never the loop; the loop's own
 * re-optimization after such a deopt cost 200 ms in a Linux boot.
 */
export const isHot = (d: InsnDef): boolean => !d.exec!.system && (d.ext === 'I' || d.ext === 'M');

function caseSource(op: number, d: InsnDef, hot: boolean): string {
  const exec = d.exec!;
  const body = expand(exec.run, hot ? 'continue outer' : `return ${REENTER}`);
  const pre: string[] = [];
  if (uses(body, 'bits')) pre.push('const bits = page.bits[idx];');
  if (exec.system) pre.push(SYNC);
  return `case ${op}: { // ${d.mnemonic}\n${pre.join(' ')}\n${body}\nbreak; }`;
}

/**
 * The loop. `tiered`: at each block head (the loop's entry, a taken branch or jump, the instruction
 * after a region or an out-of-line one) it enters the translated region there if its entry block
 * fits the budget, and counts entries into slots without one until they are hot (translator.ts).
 */
function runSource(table: readonly InsnDef[], tiered: boolean): string {
  const cases = table.map((d, op) => (d.exec && isHot(d) ? caseSource(op, d, true) : '')).filter((c) => c !== '').join('\n');
  // Leaving the loop: the regions it entered and the instructions they retired go to the tier's counts.
  const addCounts = tiered ? 'entered[0] += ent; entered[1] += ins; ' : '';
  const refill = `{ ${setPcAt('off')} h.retired = retired; h.refillFetch(h.pcLo, h.pcHi);
    page = h.fetchPage; info = page.info; imms = page.imm; vpLo = h.fetchVaLo; vpHi = h.fetchVaHi; off = h.pcLo & 0xfff; }`;
  const enterBlock = !tiered ? '' : `
        if (head) {
          head = false;
          let b = page.blocks[idx];
          // The run's first instruction is counted only when it follows a trap or an xRET: the budget
          // of a slice (a timer's deadline) ends anywhere, and its next start is no block head.
          if (b === undefined && counted && ++page.heat[idx] >= hot) b = tier.translate(page, idx, h, vpLo, vpHi);
          counted = true;
          if (b !== null && b !== undefined && retired + b.n <= end) {
            off = b.run(h, vpLo, vpHi, retired, end);
            const now = h.retired;
            ent++; ins += now - retired;
            retired = now;
            if (off === ${REENTER}) continue outer;
            // MISS + off: the region left before the instruction at off for the interpreter to run (a
            // load, store or AMO its fast path cannot do); any other offset is where it went next.
            if (off >= ${MISSED}) off -= ${MISS}; else head = true;
            // A CSR write in the region moved the fetch translation: refetch at the pc it left at.
            if (mmu.generation !== h.fetchGen) { ${setPcAt('off')} h.retired = retired; continue outer; }
            if (retired >= end || (h.events !== 0 && h.mustLeave())) break;
            continue;
          }
        }`;
  return `function ${tiered ? 'runTiered' : 'runFast'}(h, end) {
  const mmu = h.mmu, code = h.code;
  // RAM's first chunk (all of RAM up to 1 GiB) is the fast window; memory.ts takes the rest of RAM and the devices.
  ${STATE}
  ${tiered ? `const tier = code.blocks, entered = tier.entered, hot = tier.hot;
  // Regions entered and the instructions they retired, added to the tier's counts as the loop leaves.
  let ent = 0, ins = 0;` : ''}
  let retired = h.retired, page = h.fetchPage, info = page.info, imms = page.imm, vpLo = 0, vpHi = 0, off = 0;
  // Hart.run has handled the events before the first entry; a re-entry (after a trap, an xRET, a
  // far jump) checks them as the boundary check at the loop's end would.
  let reentry = false;
  outer: for (;;) {
    try {
      retired = h.retired;
      if (reentry && (retired >= end || (h.events !== 0 && h.mustLeave()))) { ${addCounts}return; }
      const reentered = reentry;
      reentry = true;
      if (h.pcHi !== h.fetchVaHi || ((h.pcLo ^ h.fetchVaLo) & ~0xfff) !== 0 || mmu.generation !== h.fetchGen) h.refillFetch(h.pcLo, h.pcHi);
      page = h.fetchPage; info = page.info; imms = page.imm; vpLo = h.fetchVaLo; vpHi = h.fetchVaHi;
      off = h.pcLo & 0xfff;
      ${tiered ? 'let head = true, counted = reentered;' : ''}
      for (;;) {
        // pc = (vpHi:vpLo) + off; off leaves 0..4095 only by a jump or by running off the page.
        if (off < 0 || off >= 4096) ${refill}
        let idx = off >> 1;${enterBlock}
        let w = info[idx];
        if (w === 0) { ${SYNC} idx = code.fill(h, page, idx, h.pcLo, h.pcHi); w = info[idx]; }
        const rd = (w >>> ${RD_SHIFT}) & 0x3f, rs1 = (w >>> ${RS1_SHIFT}) & 0x1f, rs2 = (w >>> ${RS2_SHIFT}) & 0x1f;
        const im = imms[idx], len = 2 + ((w >>> ${WIDE_BIT - 1}) & 2);
        let d = len;
        switch (w & ${OP_MASK}) {
${cases}
          default: {
            d = outOfLine(h, w & ${OP_MASK}, rd, rs1, rs2, im, len, page, idx, vpLo, vpHi, off, retired);
            if (d === ${REENTER}) continue outer;
            // A system instruction may have changed the fetch translation: refetch at the next pc.
            if (mmu.generation !== h.fetchGen) { ${setPcAt('off + d')} h.retired = retired + 1; continue outer; }
            ${tiered ? 'head = true; // an out-of-line instruction may end a block: the next one may start one' : ''}
          }
        }
        off += d;${tiered ? '\n        if (d !== len) head = true;' : ''}
        if (++retired >= end || (h.events !== 0 && h.mustLeave())) break;
      }
      // off may have left the page (a jump as the last instruction): the carry into the high half.
      ${setPcAt('off')} h.retired = retired;
      ${addCounts}return;
    } catch (e) {
      if (!(e instanceof Trap)) { ${addCounts}throw e; }
      h.takeTrap(e.cause, false, e.tval, e.epc !== undefined ? e.epc : h.pcBig());
    }
  }
}`;
}

function loopSource(table: readonly InsnDef[]): string {
  const cold = table.map((d, op) => (d.exec && !isHot(d) ? caseSource(op, d, false) : '')).filter((c) => c !== '').join('\n');
  return `"use strict";
/** The instructions not in the loop: returns the pc delta, or ${REENTER} to re-enter at h.pc. */
function outOfLine(h, op, rd, rs1, rs2, im, len, page, idx, vpLo, vpHi, off, retired) {
  const mmu = h.mmu;
  ${STATE}
  let d = len;
  switch (op) {
${cold}
    default: { ${SYNC} h.raise(CAUSE.ILLEGAL_INSN, page.bits[idx], 0); return ${REENTER}; }
  }
  return d;
}
${runSource(table, false)}
${runSource(table, true)}
return { runFast, runTiered };`;
}

/** Compiles the interpreter for an instruction table (the project's, or a test's with extra entries). */
export function makeInterpreter(table: readonly InsnDef[]): Interpreter {
  if (table.length >= MAX_OPS) throw new Error(`isa: ${table.length} table entries; the decode slot holds ${MAX_OPS - 1}`);
  const source = loopSource(table);
  const { runFast, runTiered } = compileWithHelpers<{ runFast: RunFast; runTiered: RunFast }>(source);
  return { table, decoder: makeDecoder(table), illegal: table.length, runFast, runTiered, source };
}
