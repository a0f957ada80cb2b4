// How a semantics piece (isa/semantics/) becomes JavaScript source: the macros it may use and the
// names it may call. The interpreter (interpreter.ts) pastes the pieces into the cases of its
// switch; the translation tier (translator.ts) pastes them, with their operands as constants, into
// straight-line blocks. Both define the names the pieces read (semantics.ts lists them) and differ
// only in `leave`: how a piece that moved the pc itself re-enters the run loop.

import { CAUSE, Trap } from '../isa/trap.js';
import { LOAD, STORE } from '../mmu/access.js';
import { Mmu } from '../mmu/mmu.js';
import { EV_IRQ } from './events.js';
import { hiOf, loOf, lt, ltu, mulhu32, toBig, toBigU } from './int64.js';
import { load, loadPa, store, storeMarked, storePa } from './memory.js';
import { amo, amoValue, AMO_ADD, AMO_AND, AMO_LR, AMO_MAX, AMO_MAXU, AMO_MIN, AMO_MINU, AMO_OR, AMO_SC, AMO_SWAP, AMO_XOR } from './atomic.js';
import { csrAccess, csrDo } from './csr.js';
import { SINK } from './slot.js';
import { MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRV_M, PRV_S, PRV_U } from './mstatus.js';
import { bswap32, ctz32, orcb32, pop32, rotr64, shadd } from './bitmanip.js';
import { cbo, CBO_CLEAN, CBO_FLUSH, CBO_INVAL, CBO_ZERO } from './cbo.js';
import * as FPU from '../fpu/index.js';

/** Everything a semantics piece may call besides the loop's own names (semantics.ts lists them). */
export const HELPERS = {
  CAUSE, Trap, EV_IRQ, LOAD, STORE,
  lt, ltu, toBig, toBigU, loOf, hiOf, mulhu32,
  load, loadPa, store, storePa, storeMarked,
  amo, amoValue, AMO_LR, AMO_SC, AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR, AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU,
  csrAccess, csrDo, SINK, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRV_M, PRV_S, PRV_U,
  // Zba/Zbb/Zbs, Zicbom/Zicboz
  shadd, rotr64, ctz32, pop32, bswap32, orcb32, cbo, CBO_INVAL, CBO_CLEAN, CBO_FLUSH, CBO_ZERO,
  // F/D: the exact operations (emulator/fpu), called as FPU.fadd_s(h.fpu, ...)
  FPU,
};

/**
 * Compiles `source` (a function body over the HELPERS' names) into the function it returns.
 * The one place the emulator turns generated source into code.
 */
export function compileWithHelpers<T>(source: string): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: the table's semantics compiled once
  const factory = new Function(...Object.keys(HELPERS), source) as (...helpers: unknown[]) => T;
  return factory(...Object.values(HELPERS));
}

/**
 * The names every piece may read (semantics.ts), for the prologue of each function pieces are
 * pasted into: `h` and `mmu` given, the hart's registers, RAM's fast window, the MMU's fast cache.
 */
export const STATE = 'const xl = h.xl, xh = h.xh, marks = h.code.marks, ram = h.lowView, ramBase = h.ramBase, lowSize = h.lowSize; ' + Mmu.FAST_NAMES;

/** Write the pc (this instruction's: the fetch page's VA + off) and the retired count back to the hart. */
export const SYNC = 'h.pcLo = vpLo + off; h.pcHi = vpHi; h.retired = retired;';

/** "Re-enter the loop at h.pc", as the out-of-line function and a translated block return it (pcs are even). */
export const REENTER = -1;

/**
 * `const lo_, hi_` = the fetch page's VA (vpLo, vpHi) + o (any int32 offset, an expression), as
 * halves: the 64-bit add of a sign-extended o, its carry (lo_ <u vpLo) kept in int32s.
 */
export const vaPlus = (o: string): string =>
  `const o_ = ${o}, lo_ = (vpLo + o_) | 0, hi_ = (vpHi + (o_ >> 31) + ((lo_ >>> 0) < (vpLo >>> 0) ? 1 : 0)) | 0;`;

/** h.pc = the fetch page + o (any int32 offset). */
export const setPcAt = (o: string): string => `{ ${vaPlus(o)} h.pcLo = lo_; h.pcHi = hi_; }`;

/** A shift's expansion: its arguments (al, ah, s) bound first (rd may be rs1), then by s. */
function shift(args: string, below32: string, from32: string): string {
  const [al, ah, sh] = splitArgs(args, 3);
  return `{ const al_ = ${al}, ah_ = ${ah}, s_ = ${sh}; if (s_ === 0) { xl[rd] = al_; xh[rd] = ah_; } else if (s_ < 32) { ${below32} } else { ${from32} } }`;
}

/** A macro's arguments, split at the commas outside brackets; exactly n of them. */
function splitArgs(args: string, n: number): string[] {
  const out: string[] = [];
  let depth = 0, from = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) { out.push(args.slice(from, i).trim()); from = i + 1; }
  }
  out.push(args.slice(from).trim());
  if (out.length !== n) throw new Error(`isa: a macro given ${out.length} arguments, not ${n}: ${args}`);
  return out;
}

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
 * How a translated region (translator.ts) expands what the interpreter does inline: `sync` is its
 * $sync (the registers it keeps in locals written back first), `miss` what a $slow path becomes
 * (leaving the region before the instruction, for the interpreter to run it), `hit` how it counts a
 * fast-cache hit; `here` its $here.
 */
export interface RegionExpansion { readonly sync: string; readonly here: string; readonly miss: string; readonly hit: string }

/**
 * Expands the macros semantics.ts documents. `leave` is how a piece re-enters the loop at h.pc
 * (the interpreter's `continue outer`, a return of REENTER elsewhere); `break` ends a piece early.
 * In a region (`region` given) loads and stores do not check for the debugger's observers
 * (regions never run while one is installed, see Hart.run).
 */
export function expand(run: string, leave: string, region?: RegionExpansion): string {
  let s = run
    .replaceAll('$sync', region?.sync ?? SYNC)
    .replaceAll('$here', region?.here ?? SYNC)
    // The carry out of the low word is (lo <u a): every value stays an int32 for V8 (an unsigned sum
    // past 2^32 made it deoptimize the loop for "lost precision").
    .replaceAll('$ea', 'const lo = (xl[rs1] + im) | 0, hi = (xh[rs1] + (im >> 31) + ((lo >>> 0) < (xl[rs1] >>> 0) ? 1 : 0)) | 0;')
    .replaceAll('$reenter', `{ h.retired = retired + 1; ${leave}; }`);
  // The fast window's offset of the access at (lo, hi) (let o), or -1 to go the whole way through
  // memory.ts: when the MMU's fast cache misses, the page is not in the window, the access crosses a
  // page, or (outside regions) a debugger observes accesses.
  s = expandCall(s, 'window', (a) => {
    const args = splitArgs(a, a.split(',').length >= 3 ? 3 : 2);
    const [size, access, also] = args;
    if (access !== 'LOAD' && access !== 'STORE') throw new Error(`isa: $window(${a}): the access is LOAD or STORE`);
    const guards = [region === undefined ? `h.${access === 'LOAD' ? 'load' : 'store'}Observer === undefined` : '', size === '1' ? '' : `(lo & 0xfff) <= ${4096 - Number(size)}`, also ?? ''];
    const guard = guards.filter((g) => g !== '').join(' && ');
    // A region's store also leaves to the interpreter when the page is marked (code, watched or
    // reserved): storeMarked then runs with everything written back, and the region holds no call.
    const unmarked = region !== undefined && access === 'STORE' ? (page: string): string => `marks[${page} >>> 12] === 0` : undefined;
    return `let o = -1; ${guard === '' ? '' : `if (${guard}) `}${Mmu.windowSource(access === 'LOAD' ? LOAD : STORE, 'o', unmarked, region?.hit)}`;
  });
  // After a store at window offset o: a marked page learns of it (never in a region: see $window).
  s = expandCall(s, 'stored', (size) => region !== undefined ? '' : `if (marks[o >>> 12] !== 0) { ${SYNC} storeMarked(h, o + ramBase, ${size}); }`);
  // x[rd] = (ah:al) << s, >>u s, >>s s (s in 0..63), and x[rd] = pc + delta: pasted, so where s or
  // the pc is a constant (a translated region) the cases fold away, and nothing is passed the
  // register file.
  s = expandCall(s, 'shl', (a) => shift(a, 'xh[rd] = (ah_ << s_) | (al_ >>> (32 - s_)); xl[rd] = al_ << s_;', 'xh[rd] = al_ << (s_ - 32); xl[rd] = 0;'));
  s = expandCall(s, 'shr', (a) => shift(a, 'xl[rd] = (al_ >>> s_) | (ah_ << (32 - s_)); xh[rd] = ah_ >>> s_;', 'xl[rd] = ah_ >>> (s_ - 32); xh[rd] = 0;'));
  s = expandCall(s, 'sar', (a) => shift(a, 'xl[rd] = (al_ >>> s_) | (ah_ << (32 - s_)); xh[rd] = ah_ >> s_;', 'xl[rd] = ah_ >> (s_ - 32); xh[rd] = ah_ >> 31;'));
  // The fetch page's VA plus off has no carry (off < 4096); the delta's may carry into the high half.
  s = expandCall(s, 'link', (delta) =>
    `{ const base_ = vpLo + off, lo_ = (base_ + (${delta})) | 0; xh[rd] = (vpHi + ((${delta}) >> 31) + ((lo_ >>> 0) < (base_ >>> 0) ? 1 : 0)) | 0; xl[rd] = lo_; }`);
  s = expandCall(s, 'slow', (stmts) => `if (o < 0) { ${region?.miss ?? `${SYNC} ${stmts} break;`} }`);
  s = expandCall(s, 'setw', (v) => `{ const v_ = (${v}) | 0; xl[rd] = v_; xh[rd] = v_ >> 31; }`);
  s = expandCall(s, 'set64', (v) => `{ const v_ = ${v}; xl[rd] = loOf(v_); xh[rd] = hiOf(v_); }`);
  s = expandCall(s, 'trap', (a) => `{ ${SYNC} h.raise(${a}); ${leave}; }`);
  s = expandCall(s, 'goto', (v) => `{ h.setPcHalves(${v}); h.retired = retired + 1; ${leave}; }`);
  if (s.includes('$')) throw new Error(`isa: unknown macro in semantics: ${s.slice(s.indexOf('$'), s.indexOf('$') + 20)}`);
  return s;
}

/** Whether source uses the name (not as a property). */
export const uses = (src: string, name: string): boolean => new RegExp(`(?<![.\\w$])${name}\\b`).test(src);
