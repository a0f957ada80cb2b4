// A translated region (translator.ts): the blocks reachable from an entry slot of a physical code
// page (and a few others it calls into), compiled to one JavaScript function. Kept on its CodePage,
// so whatever drops the page's decodes (a store into it, fence.i) drops its regions with them, and
// a drop of another page it reaches drops them too.

/**
 * Runs the region for the hart `h` whose fetch page is at VA (vpLo, vpHi), `retired` being its count
 * at entry, for as long as its blocks each fit before `end` and it stays in the region. Writes
 * h.retired and returns the next pc as an offset from the fetch page (within ±(2^30 + REACH + 4096);
 * the loop refetches outside 0..4095), or REENTER when the pc is already in h.pc (a trap, a far jump), or
 * MISS + the offset of an instruction the region left before, for the interpreter to run (a load,
 * store or AMO its fast path could not do). A trap thrown inside leaves h.pc and h.retired at the trapping
 * instruction.
 */
export type BlockFn = (h: object, vpLo: number, vpHi: number, retired: number, end: number) => number;

/** How far (bytes) from its entry page a region may reach into other pages. */
export const REACH = 1 << 26;
/** Added to the offset of an instruction a region leaves before (above any other offset it returns, an int32). */
export const MISS = 0x60000000;
/** Any return at or above this is MISS + an offset (at least -REACH); every other is below it. */
export const MISSED = MISS - 2 * REACH;

export interface Block {
  readonly run: BlockFn;
  /** Instructions its entry block retires; it is entered only when that many fit the budget. */
  readonly n: number;
  /** Its source's length: what the cap on translated code counts (V8 keeps the source). */
  readonly size: number;
}

/** A page's regions by entry slot: undefined, none yet; null, none can start there (a system instruction). */
export type RegionSlot = Block | null | undefined;
