// The translation tier: a hot entry slot of a code page becomes a region, one JavaScript function
// holding the page's blocks reachable from it by branches and jumps whose targets are known (a block:
// straight-line instructions up to the first control transfer), run as a loop over a switch on the
// pc offset. Each instruction is its semantics piece with its operands, pc offset and retired count
// as constants: no decode, no dispatch and no per-instruction budget check is left; what stays is
// exactly the interpreter's semantics, pasted from the same pieces (pieces.ts).
//
// Exactness, the rules a region follows:
//  - each block's case first checks that all of it fits the budget (`end`), so budgets, quanta and
//    timer deadlines fall between blocks, never inside one;
//  - a piece that can trap writes pc and retired back first ($sync) as in the interpreter;
//  - after any instruction that calls out (a load or store past the fast window, an AMO, a device
//    access) it leaves at the next instruction when an event is pending (a device raised an
//    interrupt, a stop) or any decode was dropped (the store hit code, perhaps its own block);
//  - a region never spans a page (the loop checks the fetch translation per page) and holds no
//    system instruction but Zicsr's (`stays`), after which it leaves if the MMU's generation moved
//    (privilege, satp, PMP: the loop refetches), an event is pending or code changed.
// Regions live on their CodePage: a store into the page or fence.i drops them with the decodes.
// Memory is bounded: past `cap` characters of source, all are dropped (QEMU's policy when its code
// buffer fills) and hot code is translated again.

import type { InsnDef } from '../isa/table.js';
import { MISS, type Block, type BlockFn, type RegionSlot } from './block.js';
import { NO_BLOCKS, SCRATCH, type BlockKeeper, type CodePage } from './decode-cache.js';
import { compileWithHelpers, expand, REENTER, STATE, SYNC, uses, type RegionExpansion } from './pieces.js';
import { bindOperands, loadLocals, localize, reloadLocals, storeLocals } from './locals.js';
import { OP_MASK, RD_SHIFT, RS1_SHIFT, RS2_SHIFT, SINK, WIDE_BIT } from './slot.js';

/**
 * Entries at a block head before it is translated; the interpreter runs it until then. High on
 * purpose: V8 runs a new function unoptimized until it has run a while, and optimizing it costs
 * milliseconds of compiler time (40–70 ms for a region on this project's 2-core machine), so only
 * code run this often repays it: at 16 a Linux boot ran 7× slower than on the interpreter alone, and
 * at 16,384 a program calling 250 small functions on their own pages 3× slower.
 */
export const HOT = 65536;
/** The longest block, in instructions. */
export const MAX_BLOCK = 64;
/** A region stops growing past this many instructions: the optimizing compiler's time grows with it. */
export const MAX_REGION = 48;
/**
 * Translated source, in characters, kept before every region is dropped: V8 keeps a function's
 * source while it lives, and a region of stores and FP stores runs to 80 KB.
 */
export const DEFAULT_CAP = 64 << 20;

/** The tier's counts, for --stats. */
export interface TierStats {
  compiled: number;
  /** Regions entered, and the instructions they retired. */
  executed: number;
  insns: number;
  /** Dropped when the cap was reached. */
  evicted: number;
  /** Dropped because their page was written or fence.i ran. */
  invalidated: number;
  compileMs: number;
  /** Regions alive now, and their source's size (what the cap counts). */
  live: number;
  bytes: number;
}

/** The registers a region's pieces use, and those they write (locals.ts). */
interface Regs { used: Set<number>; written: Set<number> }

/** Placeholders for writing the locals back to the register file and reading them again: known once all blocks are. */
const FLUSH = '/*flush*/', RELOAD = '/*reload*/';

/**
 * How the pieces leave a region: every exit goes through the region's end, which writes the locals
 * back. A $slow path leaves before its instruction, returning MISS + off: the loop runs it interpreted.
 */
const LEAVE = `{ at = ${REENTER}; break dispatch; }`;
const REGION: RegionExpansion = {
  sync: `${FLUSH} ${SYNC} out = true;`,
  miss: `h.retired = retired; at = ${MISS} + off; break dispatch;`,
  // Fast-cache hits are counted in a local, added to the MMU's count with the registers' write-back.
  hit: 'hits++;',
};

/** The locals written back: the registers the region writes, and its fast-cache hits. */
const writeBack = (written: readonly number[]): string => `${storeLocals(written)} mmu.stats.hits += hits; hits = 0;`;

/** Whether a piece may move the pc itself (a branch or jump sets d; $goto, $reenter re-enter). */
const transfers = (run: string): boolean => /\bd\s*=(?!=)/.test(run) || run.includes('$goto') || run.includes('$reenter');

export class Translator implements BlockKeeper {
  private readonly counts = { compiled: 0, evicted: 0, invalidated: 0, compileMs: 0, live: 0, bytes: 0 };
  /**
   * Regions entered and the instructions they retired, which the tiered loop adds to: in a typed
   * array, as a count passing 2^31 would change an object field's representation, and V8 would
   * deoptimize the loop that wrote it.
   */
  readonly entered = new Float64Array(2);

  get stats(): TierStats {
    return { ...this.counts, executed: this.entered[0]!, insns: this.entered[1]! };
  }

  private readonly withBlocks = new Set<CodePage>();

  /**
   * `hot`: entries before a slot is translated (the warm-up uses 1, to run every path of the tiered
   * loop at once, and Infinity, to run none); `cap`: characters of translated source kept before all
   * regions are dropped.
   */
  constructor(private readonly table: readonly InsnDef[], readonly hot = HOT, readonly cap = DEFAULT_CAP) {}

  /**
   * The region entered at slot idx of `page`, compiled now; null where none can start (kept, so the
   * slot is not tried again); undefined to try again later.
   */
  translate(page: CodePage, idx: number): RegionSlot {
    if (page.checked) return undefined; // each fetch of such a page is checked: interpreted
    if (page.info[idx] === 0) return undefined; // not decoded again yet since a store dropped it: later
    const t0 = performance.now();
    const src = this.source(page, idx);
    let region: Block | null = null;
    if (src !== undefined) {
      if (this.counts.bytes + src.source.length > this.cap) this.evictAll();
      region = { run: compileWithHelpers<BlockFn>(src.source), n: src.n, size: src.source.length };
      this.counts.compiled++;
      this.counts.live++;
      this.counts.bytes += region.size;
    }
    if (page.blocks === NO_BLOCKS) { page.blocks = new Array<RegionSlot>(SCRATCH).fill(undefined); this.withBlocks.add(page); }
    page.blocks[idx] = region;
    this.counts.compileMs += performance.now() - t0;
    return region;
  }

  /**
   * The source of the region entered at slot idx, and its entry block's length; undefined when no
   * block can start there. A region is the blocks of one page reachable from the entry through
   * branches and jumps with targets known at translation (jalr's is not), run in one function: a
   * loop over a switch on the pc offset, so a loop within the page never leaves it. The registers
   * its instructions name live in locals (locals.ts) from entry to exit: every way out of the
   * region goes through its end, which writes them back.
   */
  source(page: CodePage, idx: number): { source: string; n: number } | undefined {
    const blocks = new Map<number, { text: string; n: number }>();
    const regs: Regs = { used: new Set(), written: new Set() };
    const todo = [idx * 2];
    let insns = 0;
    while (todo.length > 0 && insns < MAX_REGION) {
      const start = todo.pop()!;
      if (blocks.has(start)) continue;
      const b = this.block(page, start, regs);
      if (b === undefined) continue;
      blocks.set(start, b);
      insns += b.n;
      for (const t of b.next) if (t >= 0 && t < 4096 && !blocks.has(t)) todo.push(t);
    }
    const entry = blocks.get(idx * 2);
    if (entry === undefined) return undefined;
    const used = [...regs.used].sort((x, y) => x - y), written = [...regs.written].sort((x, y) => x - y);
    const text = [...blocks.values()].map((b) => b.text).join('\n')
      .replaceAll(FLUSH, writeBack(written)).replaceAll(RELOAD, reloadLocals(used));
    return {
      n: entry.n,
      source: `"use strict";
return function region(h, vpLo, vpHi, r0, end) {
  const mmu = h.mmu, code = h.code, epoch = code.epoch, gen = mmu.generation;
  ${STATE}
  ${loadLocals(used)}
  let rn = r0, at = ${idx * 2}, hits = 0;
  dispatch: for (;;) {
    switch (at) {
${text}
      default: h.retired = rn; break dispatch;
    }
  }
  ${writeBack(written)}
  return at;
};`,
    };
  }

  /**
   * One block of a region: the straight-line instructions from offset `start` to the first control
   * transfer (included), a system instruction other than Zicsr, an undecoded slot, the page's end
   * or MAX_BLOCK. Its case checks that all of it fits the budget, runs it, and sets `at` to where it
   * went; `next` are the targets known now (a taken and a not-taken branch, a jal's, the next one).
   */
  private block(page: CodePage, start: number, regs: Regs): { text: string; n: number; next: number[] } | undefined {
    const parts: string[] = [];
    let off = start, n = 0, next: number[] = [];
    /** The register an auipc just before set, and its value as an offset from the page (a call's target base). */
    let linked: { reg: number; at: number } | undefined;
    for (; n < MAX_BLOCK && off < 4096; n++) {
      const i = off >> 1, w = page.info[i]!;
      if (w === 0) break; // not decoded yet (never run), or a 4-byte instruction crossing the page end
      const def = this.table[w & OP_MASK];
      const exec = def?.exec;
      if (exec === undefined || (exec.system === true && exec.stays !== true)) break;
      const run = exec.run, len = 2 + ((w >>> (WIDE_BIT - 1)) & 2), im = page.imm[i]!;
      const rd = (w >>> RD_SHIFT) & 0x3f, rs1 = (w >>> RS1_SHIFT) & 0x1f, rs2 = (w >>> RS2_SHIFT) & 0x1f;
      const system = exec.system === true;
      // A piece that syncs may call out (memory.ts past the window, a device, an AMO, a CSR): it
      // marks that it did, and only then are the locals reloaded and events or changed code looked for.
      const out = system || run.includes('$sync');
      const expanded = bindOperands(`${system ? `${FLUSH} ${SYNC} out = true; ` : ''}${expand(run, LEAVE, REGION)}`, rd, rs1, rs2);
      const local = localize(expanded);
      if (local) { for (const r of local.used) regs.used.add(r); for (const r of local.written) regs.written.add(r); }
      // A piece that reaches the register file otherwise runs on it: written back before, read after.
      const body = local ? local.text : `${FLUSH} ${expanded}`;
      const after = [
        local ? '' : RELOAD,
        out ? `if (out) { ${local ? RELOAD : ''} if (h.events !== 0 || code.epoch !== epoch${system ? ' || mmu.generation !== gen' : ''}) { h.retired = retired + 1; at = off + d; break dispatch; } }` : '',
      ].join(' ');
      const transfer = transfers(run);
      const loops = transfer && /\bd\s*=\s*im\s*;/.test(run) && off + im === start;
      const exit = transfer ? `rn += ${n + 1}; at = off + d;${loops ? ` if (at === ${start}) continue;` : ''} continue dispatch;` : '';
      parts.push(`{ // ${def!.mnemonic}
  const off = ${off}, rd = ${rd}, rs1 = ${rs1}, rs2 = ${rs2}, im = ${im}, len = ${len}, retired = rn + ${n};${uses(body, 'bits') ? ` const bits = ${page.bits[i]};` : ''}
  let d = len;${out ? ' let out = false;' : ''}
  do { ${body} } while (false);
  ${after} ${exit}
}`);
      off += len;
      if (transfer) {
        n++;
        // d = im: a branch or jal, whose target is known; a jalr's is when an auipc just before set
        // its base (a call: auipc ra, hi; jalr ra, lo(ra)). The return lands after it.
        const called = def!.mnemonic === 'jalr' && linked?.reg === rs1 ? linked.at + im : undefined;
        next = /\bd\s*=\s*im\s*;/.test(run) ? [off - len + im, off] : called !== undefined ? [called & ~1, off] : [];
        return { text: this.caseText(start, n, parts, '', loops), n, next };
      }
      linked = def!.mnemonic === 'auipc' && rd !== SINK ? { reg: rd, at: off - len + im } : undefined;
    }
    if (n === 0) return undefined;
    // Stopped before a system instruction (not Zicsr), an undecoded slot, the page end or at MAX_BLOCK: go on there.
    return { text: this.caseText(start, n, parts, `rn += ${n}; at = ${off}; continue dispatch;`, false), n, next: [off] };
  }

  /** A block's case; `loops`: its branch may come back to its start, which then runs again without the dispatch. */
  private caseText(start: number, n: number, parts: string[], tail: string, loops: boolean): string {
    const body = `if (rn + ${n} > end) { h.retired = rn; break dispatch; }
${parts.join('\n')}
${tail}`;
    return `      case ${start}: ${loops ? `for (;;) {\n${body}\n}` : `{\n${body}\n}`}`;
  }

  /** BlockKeeper: the page's code changed. */
  dropped(page: CodePage): void {
    this.counts.invalidated += this.release(page);
  }

  /** Drops every block (the cap was reached). */
  evictAll(): void {
    for (const p of this.withBlocks) this.counts.evicted += this.release(p);
  }

  private release(page: CodePage): number {
    let n = 0;
    for (const b of page.blocks) if (b) { n++; this.counts.bytes -= b.size; }
    page.blocks = NO_BLOCKS as RegionSlot[];
    page.heat.fill(0);
    this.withBlocks.delete(page);
    this.counts.live -= n;
    return n;
  }
}
