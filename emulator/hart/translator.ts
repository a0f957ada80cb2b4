// The translation tier: a hot entry slot of a code page becomes a region, one JavaScript function
// holding the blocks reachable from it by branches, jumps and calls whose targets are known (a block:
// straight-line instructions up to the first control transfer), run as a loop over a switch on the
// pc's offset from the entry page. Each instruction is its semantics piece with its operands, pc offset and retired count
// as constants: no decode, no dispatch and no per-instruction budget check is left; what stays is
// exactly the interpreter's semantics, pasted from the same pieces (pieces.ts).
//
// Exactness, the rules a region follows:
//  - each block's case first checks that all of it fits the budget (`end`), so budgets, quanta and
//    timer deadlines fall between blocks, never inside one;
//  - a piece that can trap writes pc and retired back first ($sync) as in the interpreter;
//  - a load, store or AMO its fast path cannot do (past the fast window, a device, a page holding
//    code) leaves the region before it, for the interpreter to run;
//  - after any instruction that calls out (LR/SC, a cache-block operation, a CSR) it leaves at the
//    next instruction when an event is pending (a device raised an interrupt, a stop) or any decode
//    was dropped (the store hit code, perhaps its own block);
//  - a region holds no system instruction but Zicsr's (`stays`), after which it leaves if the MMU's
//    generation moved (privilege, satp, PMP: the loop refetches), an event is pending or code changed;
//  - a region is keyed by its entry's physical page, which the loop's fetch translation vouched for;
//    it may follow a static call or jump onto another page (a kernel's calls into lock and list
//    helpers cross pages all the time), and a block there starts with a guard: the hart's jump cache
//    must hold that VA page, translated in this MMU generation, as the very code page the block was
//    compiled from (as the loop's own refetch would find it); otherwise the region leaves there.
// Regions live on their CodePage: a store into the page or fence.i drops them with the decodes, and
// with them the regions of other pages that reach into it.
// Memory is bounded: past `cap` characters of source, all are dropped (QEMU's policy when its code
// buffer fills) and hot code is translated again.

import type { InsnDef } from '../isa/table.js';
import { MISS, REACH, type Block, type BlockFn, type RegionSlot } from './block.js';
import { NO_BLOCKS, SCRATCH, type BlockKeeper, type CodePage } from './decode-cache.js';
import { compileWithHelpers, expand, REENTER, STATE, SYNC, uses, vaPlus, type RegionExpansion } from './pieces.js';
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
/**
 * A region stops growing past this many instructions: the optimizing compiler's time grows with it,
 * and so, past a point, does the time per instruction (on xv6's usertests 32 and 96 ran 5–12 % slower).
 */
export const MAX_REGION = 48;
/**
 * A region also stops growing past this much source: V8 never optimizes a function of more than
 * 60 KiB of bytecode (--max-optimized-bytecode-size), and a region's bytecode is about 0.65 of its
 * source (a trial with regions of 160 instructions ran xv6 6× slower).
 */
export const MAX_SOURCE = 48_000;
/** How many pages besides its entry's a region may reach (each within block.ts's REACH of it). */
export const MAX_FOREIGN = 4;
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

/** What the translator asks of the hart: the code page fetch reaches at a VA page now (Hart.jumpPageAt). */
export interface JumpPages { jumpPageAt(lo: number, hi: number): CodePage | undefined }

/** Where a block lies: its page, the page's offset from the entry page's VA, and its index among the region's other pages (-1: the entry's). */
interface Place { page: CodePage; base: number; foreign: number }

/** Placeholders for writing the locals back to the register file and reading them again: known once all blocks are. */
const FLUSH = '/*flush*/', RELOAD = '/*reload*/';

/**
 * How the pieces leave a region: every exit goes through the region's end, which writes the locals
 * back. A $slow path leaves before its instruction, returning MISS + its offset from the entry page:
 * the loop runs it interpreted.
 */
const LEAVE = `{ at = ${REENTER}; break dispatch; }`;
const region = (base: number): RegionExpansion => ({
  sync: `${FLUSH} ${SYNC} out = true;`,
  here: `${SYNC} out = true;`,
  miss: `h.retired = retired; at = ${MISS + base} + off; break dispatch;`,
  // Fast-cache hits are counted in a local, added to the MMU's count with the registers' write-back.
  hit: 'hits++;',
});

/** The locals written back: the registers the region writes, and its fast-cache hits. */
const writeBack = (written: readonly number[]): string => `${storeLocals(written)} mmu.stats.hits += hits; hits = 0;`;

/** A region's function name: its entry's physical address, so a CPU profile tells regions apart. */
const regionName = (page: CodePage, idx: number): string => `region_${(page.mem.base + page.offset + idx * 2).toString(16)}`;

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
   * slot is not tried again); undefined to try again later. The hart `h` runs it with its fetch page
   * at VA (vpLo, vpHi): its jump cache tells which code pages the region may reach from there.
   */
  translate(page: CodePage, idx: number, h: JumpPages, vpLo: number, vpHi: number): RegionSlot {
    if (page.checked) return undefined; // each fetch of such a page is checked: interpreted
    if (page.info[idx] === 0) return undefined; // not decoded again yet since a store dropped it: later
    const t0 = performance.now();
    // The code page at the entry page's VA + base: what a guard (vaPlus) will look up, looked up now.
    const src = this.source(page, idx, (base) => {
      const lo = (vpLo + base) | 0, hi = (vpHi + (base >> 31) + ((lo >>> 0) < (vpLo >>> 0) ? 1 : 0)) | 0;
      return h.jumpPageAt(lo, hi);
    });
    let region: Block | null = null;
    if (src !== undefined) {
      if (this.counts.bytes + src.source.length > this.cap) this.evictAll();
      const make = compileWithHelpers<(pages: readonly CodePage[], stale: () => void) => BlockFn>(src.source);
      const made: Block = { run: make(src.foreign, () => { this.stale(page, idx, made); }), n: src.n, size: src.source.length };
      region = made;
      this.counts.compiled++;
      this.counts.live++;
      this.counts.bytes += region.size;
      // A page the region reaches into: when its code changes, this page's regions go too.
      for (const f of src.foreign) {
        this.own(f);
        let d = this.reaching.get(f);
        if (d === undefined) this.reaching.set(f, (d = new Set()));
        d.add(page);
      }
    }
    this.own(page);
    page.blocks[idx] = region;
    this.counts.compileMs += performance.now() - t0;
    return region;
  }

  /**
   * A region found another page than it was compiled from at a VA it reaches (the jump cache holds
   * that VA in this generation, as another code page: the mapping changed): dropped, to be
   * translated again, as it is now, once hot. (A guard that fails because the jump cache does not
   * hold the VA yet, after any change of translation, only leaves the region: the loop refetches.)
   */
  private stale(page: CodePage, idx: number, region: Block): void {
    if (page.blocks[idx] !== region) return;
    page.blocks[idx] = undefined;
    page.heat[idx] = 0;
    this.counts.live--;
    this.counts.bytes -= region.size;
    this.counts.invalidated++;
  }

  /** Gives a page its own regions array (so a drop of its code reaches dropped()). */
  private own(page: CodePage): void {
    if (page.blocks === NO_BLOCKS) { page.blocks = new Array<RegionSlot>(SCRATCH).fill(undefined); this.withBlocks.add(page); }
  }

  /** The pages whose regions reach into a page, by that page. */
  private readonly reaching = new Map<CodePage, Set<CodePage>>();

  /**
   * The source of the region entered at slot idx, its entry block's length, and the other pages it
   * reaches (the guards' P0, P1...); undefined when no block can start there. A region is the blocks
   * reachable from the entry through branches, jumps and calls with targets known at translation
   * (jalr's is not, but for auipc; jalr), on the entry's page or on up to MAX_FOREIGN others that
   * `pageAt` (the code page at an offset from the entry page's VA) finds now; run in one function: a
   * loop over a switch on the pc's offset from the entry page, so a loop or a call and its return
   * never leave it. The registers its instructions name live in locals (locals.ts) from entry to
   * exit: every way out of the region goes through its end, which writes them back.
   */
  source(page: CodePage, idx: number, pageAt: (base: number) => CodePage | undefined):
    { source: string; n: number; foreign: CodePage[] } | undefined {
    const blocks = new Map<number, { text: string; n: number }>();
    const regs: Regs = { used: new Set(), written: new Set() };
    const places = new Map<number, Place | undefined>([[0, { page, base: 0, foreign: -1 }]]);
    const foreign: CodePage[] = [];
    const placeOf = (base: number): Place | undefined => {
      if (!places.has(base)) {
        const p = foreign.length < MAX_FOREIGN && Math.abs(base) <= REACH ? pageAt(base) : undefined;
        places.set(base, p === undefined || p.checked ? undefined : { page: p, base, foreign: foreign.push(p) - 1 });
      }
      return places.get(base);
    };
    const todo = [idx * 2];
    let insns = 0, chars = 0;
    while (todo.length > 0 && insns < MAX_REGION && chars < MAX_SOURCE) {
      const at = todo.pop()!;
      if (blocks.has(at)) continue;
      const place = placeOf(at - (at & 0xfff));
      if (place === undefined) continue;
      const b = this.block(place, at & 0xfff, regs);
      if (b === undefined) continue;
      blocks.set(at, b);
      insns += b.n;
      chars += b.text.length;
      for (const t of b.next) if (!blocks.has(t)) todo.push(t);
    }
    const entry = blocks.get(idx * 2);
    if (entry === undefined) return undefined;
    const used = [...regs.used].sort((x, y) => x - y), written = [...regs.written].sort((x, y) => x - y);
    const text = [...blocks.values()].map((b) => b.text).join('\n')
      .replaceAll(FLUSH, writeBack(written)).replaceAll(RELOAD, reloadLocals(used));
    const pages = foreign.map((_, j) => `P${j} = P[${j}]`).join(', ');
    // A page's VA, set by its guard (1: not checked yet in this run of the region).
    const vas = foreign.map((_, j) => `v${j}Lo = 1, v${j}Hi = 0`).join(', ');
    return {
      n: entry.n,
      foreign,
      source: `"use strict";
return function (P, stale) {
${pages === '' ? '' : `const ${pages};`}
return function ${regionName(page, idx)}(h, vpLo, vpHi, r0, end) {
  const mmu = h.mmu, code = h.code, epoch = code.epoch, gen = mmu.generation;
  ${STATE}
  ${loadLocals(used)}
  let rn = r0, at = ${idx * 2}, hits = 0${vas === '' ? '' : `, ${vas}`};
  dispatch: for (;;) {
    switch (at) {
${text}
      default: h.retired = rn; break dispatch;
    }
  }
  ${writeBack(written)}
  return at;
};
};`,
    };
  }

  /**
   * One block of a region: the straight-line instructions from offset `start` of its page to the
   * first control transfer (included), a system instruction other than Zicsr, an undecoded slot, the
   * page's end or MAX_BLOCK. Its case (labelled with its offset from the entry page) checks that all
   * of it fits the budget, runs it, and sets `at` to where it went; `next` are the targets known now
   * (a taken and a not-taken branch, a jal's or a call's, the next one), as offsets from the entry
   * page. On another page, each instruction sees that page's VA as vpLo/vpHi (its pieces compute the
   * pc as vpLo + off), and the case starts with the page's guard.
   */
  private block(place: Place, start: number, regs: Regs): { text: string; n: number; next: number[] } | undefined {
    const { page, base, foreign } = place;
    const parts: string[] = [];
    const rel = (o: string): string => (base === 0 ? o : `${base} + ${o}`); // an offset from the entry page
    const expansion = region(base);
    let off = start, n = 0, next: number[] = [];
    /** The register an auipc just before set, and its value as an offset from the entry page (a call's target base). */
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
      // A piece that syncs may call out (LR/SC, a cache-block operation, a CSR): it marks that it
      // did, and only then are events or changed code looked for. A $sync hands the helper the
      // register file (written back before, read again after); a $here only values.
      const here = run.includes('$here'), file = run.includes('$sync') || (system && !here);
      const out = system || file || here;
      const expanded = bindOperands(`${system && !here ? `${FLUSH} ${SYNC} out = true; ` : ''}${expand(run, LEAVE, expansion)}`, rd, rs1, rs2);
      const local = localize(expanded);
      if (local) { for (const r of local.used) regs.used.add(r); for (const r of local.written) regs.written.add(r); }
      // A piece that reaches the register file otherwise runs on it: written back before, read after.
      const body = local ? local.text : `${FLUSH} ${expanded}`;
      const after = [
        local ? '' : RELOAD,
        out ? `if (out) { ${local && file ? RELOAD : ''} if (h.events !== 0 || code.epoch !== epoch${system ? ' || mmu.generation !== gen' : ''}) { h.retired = retired + 1; at = ${rel('off + d')}; break dispatch; } }` : '',
      ].join(' ');
      const transfer = transfers(run);
      const loops = transfer && /\bd\s*=\s*im\s*;/.test(run) && off + im === start;
      const exit = transfer ? `rn += ${n + 1}; at = ${rel('off + d')};${loops ? ` if (at === ${base + start}) continue;` : ''} continue dispatch;` : '';
      parts.push(`{ // ${def!.mnemonic}
  const off = ${off}, rd = ${rd}, rs1 = ${rs1}, rs2 = ${rs2}, im = ${im}, len = ${len}, retired = rn + ${n};${foreign < 0 ? '' : ` const vpLo = v${foreign}Lo, vpHi = v${foreign}Hi;`}${uses(body, 'bits') ? ` const bits = ${page.bits[i]};` : ''}
  let d = len;${out ? ' let out = false;' : ''}
  do { ${body} } while (false);
  ${after} ${exit}
}`);
      off += len;
      if (transfer) {
        n++;
        // d = im: a branch or jal, whose target is known; a jalr's is when an auipc just before set
        // its base (a call: auipc ra, hi; jalr ra, lo(ra)). The return lands after it. The region
        // grows from the last target first: a call's callee before its return (it runs first, and
        // a callee left out costs a region exit and entry each call), a branch's fall-through first.
        const called = def!.mnemonic === 'jalr' && linked?.reg === rs1 ? linked.at + im : undefined;
        const target = /\bd\s*=\s*im\s*;/.test(run) ? base + off - len + im : called !== undefined ? called & ~1 : undefined;
        next = target === undefined ? [] : rd !== SINK ? [base + off, target] : [target, base + off];
        return { text: this.caseText(place, start, n, parts, '', loops), n, next };
      }
      linked = def!.mnemonic === 'auipc' && rd !== SINK ? { reg: rd, at: base + off - len + im } : undefined;
    }
    if (n === 0) return undefined;
    // Stopped before a system instruction (not Zicsr), an undecoded slot, the page end or at MAX_BLOCK: go on there.
    return { text: this.caseText(place, start, n, parts, `rn += ${n}; at = ${base + off}; continue dispatch;`, false), n, next: [base + off] };
  }

  /**
   * A block's case; `loops`: its branch may come back to its start, which then runs again without
   * the dispatch. On another page, it first checks that page's guard once per run of the region: the
   * jump cache must map the page's VA (the entry's plus its base) to the code page compiled from;
   * where it maps it to another, the region is stale.
   */
  private caseText({ base, foreign }: Place, start: number, n: number, parts: string[], tail: string, loops: boolean): string {
    const label = base + start;
    const guard = foreign < 0 ? '' : `if (v${foreign}Lo === 1) {
  ${vaPlus(String(base))}
  const p_ = h.jumpPageAt(lo_, hi_);
  if (p_ !== P${foreign}) { if (p_ !== undefined) stale(); h.retired = rn; at = ${label}; break dispatch; }
  v${foreign}Lo = lo_; v${foreign}Hi = hi_;
}
`;
    const body = `if (rn + ${n} > end) { h.retired = rn; break dispatch; }
${parts.join('\n')}
${tail}`;
    return `      case ${label}: {
${guard}${loops ? `for (;;) {\n${body}\n}` : body}
}`;
  }

  /** BlockKeeper: the page's code changed. */
  dropped(page: CodePage): void {
    this.counts.invalidated += this.release(page);
    // And every region holding code from it, which lives on a page reaching into it (those pages'
    // own code did not change: the pages reaching them keep their regions).
    const reaching = this.reaching.get(page);
    if (reaching !== undefined) {
      this.reaching.delete(page);
      for (const p of reaching) this.counts.invalidated += this.release(p);
    }
  }

  /** Drops every block (the cap was reached). */
  evictAll(): void {
    for (const p of this.withBlocks) this.counts.evicted += this.release(p);
    this.reaching.clear();
  }

  /** Drops a page's regions; returns how many. */
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
