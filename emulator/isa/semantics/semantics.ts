// What an instruction does, written once per table entry as a small piece of JavaScript over named
// operands. The hart compiles every entry's piece into one interpreter at start-up
// (emulator/hart/interpreter.ts); a translation tier can paste the same pieces into blocks. The
// pieces are strings so the ISA layer depends on nothing; the names they may use are this contract:
//
//   operands   rd rs1 rs2     register numbers (rd = 32, a write sink, when the instruction names x0)
//              im             the architectural immediate, a signed 32-bit number (decode.ts: lui/auipc
//                             shifted, csr | zimm << 12 for Zicsr)
//              len            2 or 4, the instruction's size
//   state      xl xh          the integer registers' low and high halves (Int32Array; x0 reads 0)
//              h              the Hart (CSRs, privilege, trap entry, xRET)
//              vpLo vpHi off  this instruction's pc: the fetch page's VA as halves, and the offset in
//                             it ($link(delta) writes pc + delta to x[rd])
//              bits           the raw instruction bits (only when used)
//   control    d              how far the pc moves: len unless a piece sets it (taken branch, jump)
//   memory     mmu ram ramBase lowSize marks  the MMU and RAM's fast window (see hart/memory.ts);
//              seg tagLo tagHi fastRam the MMU's fast cache, which $window reads
//   helpers    everything hart/pieces.ts passes in (lt, ltu, load, store, csrDo, SINK, ...)
//
// Macros the compiler expands before anything else:
//   $sync        write pc and the retired count back to the hart: before anything that can trap or
//                look at them (the MMU, devices, CSRs); a translated region writes its registers
//                back too, and reads them again after, as the helper may take or give any of them
//   $here        $sync for helpers given and giving only values (no register file): a region keeps
//                its registers in locals across it
//   $ea          const lo, hi: the effective address x[rs1] + im as halves
//   $window(size, LOAD|STORE[, cond])  let o: the offset in RAM's fast window (`ram`) of that
//                access at (lo, hi) when the MMU's fast cache holds its page there, it crosses no page
//                and cond (tested before the lookup) holds, else -1, when the piece's following
//                $slow(stmts) does the access through memory.ts
//   $stored(size)  after a store of size bytes at window offset o: a page holding decoded code (or
//                watched, or reserved by another hart) learns of it
//   $slow(stmts) when $window gave -1: $sync, stmts, and the piece ends (a translated region
//                leaves before the instruction instead, for the interpreter to run it)
//   $shl(al, ah, s) $shr(...) $sar(...)  x[rd] = (ah:al) shifted by s (0..63)
//   $link(delta) x[rd] = this instruction's pc + delta, at 64 bits
//   $setw(v)     x[rd] = sign-extended 32-bit v
//   $set64(v)    x[rd] = the bigint v modulo 2^64
//   $trap(c, lo, hi)  take exception c with tval (lo, hi) now; the instruction does not retire
//   $goto(lo, hi)  retire and continue at the pc (lo, hi): a jump too far for d
//   $reenter     the piece set h.pc itself (xRET): retire and continue at h.pc
//
// A `system` piece may change privilege, translation, interrupts or the pc: the interpreter syncs
// before it and, after it, refetches when the MMU's generation moved. A `stays` system piece (Zicsr)
// never moves the pc but by trapping: a translated region may hold it, and leaves after it when the
// MMU's generation moved, an event is pending or code changed.

export interface Semantics {
  readonly run: string;
  readonly system?: boolean;
  /** A system piece that leaves the pc alone (see above). */
  readonly stays?: boolean;
}

/** A piece that may change privilege, translation or interrupts. */
export const system = (run: string): Semantics => ({ run, system: true });
/** A system piece that never moves the pc itself. */
export const staying = (run: string): Semantics => ({ run, system: true, stays: true });

/** A store of `size` bytes at window offset o ends any reservation it overlaps (A: the LR/SC set is 8 bytes). */
export const RESERVATION = (size: number): string =>
  `if (h.resValid && o + ramBase < h.resAddr + 8 && o + ramBase + ${size} > h.resAddr) h.resValid = false;`;

