// Decoded instructions cached by PHYSICAL address (a page remapped to other code runs the new code),
// one CodePage per 4 KiB physical page, one slot per halfword, in typed arrays so the fast path
// allocates nothing. A store to a RAM page that has cached decodes clears it (xv6 writes code
// without fence.i); fence.i clears everything.
//
// The slot layout is slot.ts's. `imm` holds the architectural immediate (for CSR instructions:
// csr | zimm << 12), `bits` the raw bits.

import type { Bus } from '../board/bus.js';
import type { Ram } from '../board/ram.js';
import { FETCH } from '../mmu/access.js';
import type { Decoder } from '../isa/decode.js';
import { CAUSE, Trap } from '../isa/trap.js';
import type { HartMmu } from './ports.js';
import { packSlot, SINK } from './slot.js';
import { toBigU } from './int64.js';
import type { RegionSlot } from './block.js';

/** The slot an instruction crossing a page boundary is decoded into (never cached). */
export const SCRATCH = 2048;
/** The regions of a page that has none: shared, never written (translator.ts gives a page its own). */
export const NO_BLOCKS: readonly RegionSlot[] = new Array<RegionSlot>(SCRATCH).fill(undefined);

/** RAM page marks: cached decodes; stores reported (HTIF); a reservation some hart holds (with several harts). */
export const MARK_CODE = 1, MARK_WATCH = 2, MARK_RESERVED = 4;

export interface CodePage {
  readonly info: Int32Array;
  readonly imm: Int32Array;
  readonly bits: Int32Array;
  /** The memory the page lies in and the page's offset in it. */
  readonly mem: Ram;
  readonly offset: number;
  /** A page PMP or PMA allows only in part: nothing is cached, each fetch is checked (fill). */
  readonly checked: boolean;
  /** Translated regions by entry slot (NO_BLOCKS, shared and never written, until the first). */
  blocks: RegionSlot[];
  /** Entries into each slot at a block head, counted by the tiered loop until one is hot (NO_HEAT,
   *  8 KiB saved a page, when the machine has no translation tier). */
  readonly heat: Uint32Array;
}

/** What keeps the translated blocks (translator.ts): told when a page's are dropped. */
export interface BlockKeeper {
  dropped(page: CodePage): void;
}

/** The heat of every page of an interpreter-only machine: empty, never read. */
const NO_HEAT = new Uint32Array(0);

function newPage(mem: Ram, offset: number, checked: boolean, tiered: boolean): CodePage {
  return {
    info: new Int32Array(SCRATCH + 1), imm: new Int32Array(SCRATCH + 1), bits: new Int32Array(SCRATCH + 1),
    mem, offset, checked, blocks: NO_BLOCKS as RegionSlot[], heat: tiered ? new Uint32Array(SCRATCH) : NO_HEAT,
  };
}

/** What `fill` needs of the hart. */
interface Fetcher { readonly mmu: HartMmu }

export class CodeCache {
  private readonly pages = new Map<number, CodePage>();
  private readonly checkedPages = new Map<number, CodePage>();
  /** One byte per RAM page, checked on every RAM store: MARK_CODE when it has cached decodes,
   *  MARK_WATCH when stores to it are reported (HTIF tohost), MARK_RESERVED when a hart may hold an
   *  LR reservation in it (only with several harts; cleared lazily by the next store there). */
  readonly marks: Uint8Array;
  /** A page used before the first fetch (all slots empty). */
  readonly scratchPage: CodePage;
  /** Moves whenever decodes are dropped: a translated block that stored checks it to stop at once. */
  epoch = 0;
  /** The translation tier's regions, when it is on (shared by the harts like the decodes); set
   *  before the first page is made, which then gets its heat counters. */
  blocks: BlockKeeper | undefined;

  /** `illegal`: the opcode of an encoding the decoder does not know (the table's length). */
  constructor(private readonly bus: Bus, private readonly decoder: Decoder, private readonly illegal: number) {
    this.marks = new Uint8Array(Math.ceil(bus.ram.size / 4096));
    this.scratchPage = newPage(bus.ram, 0, false, false);
  }

  /**
   * The code page at a page-aligned physical address. Fetch outside RAM/ROM is an access fault.
   * `checked`: the page's fetch permission does not hold for all of it (PMP covers it in part), so
   * its view never caches a decode and checks every fetch.
   */
  pageAt(pa: number, checked = false): CodePage {
    const map = checked ? this.checkedPages : this.pages;
    let p = map.get(pa);
    if (p) return p;
    const { ram, rom } = this.bus;
    if (ram.contains(pa, 1)) p = newPage(ram, pa - ram.base, checked, this.blocks !== undefined);
    else if (rom.contains(pa, 1)) p = newPage(rom, pa - rom.base, checked, this.blocks !== undefined);
    else throw new Trap(CAUSE.INSN_ACCESS_FAULT, BigInt(pa));
    map.set(pa, p);
    return p;
  }

  /**
   * Decodes the instruction in slot idx of `page` (at virtual pc) and returns the slot holding it:
   * idx, or SCRATCH for a 4-byte instruction whose second half is on the next page (its second
   * half is fetched through the MMU every time and never cached).
   */
  fill(h: Fetcher, page: CodePage, idx: number, pcLo: number, pcHi: number): number {
    const mem = page.mem, o = page.offset + idx * 2;
    if (o + 2 > mem.size) throw new Trap(CAUSE.INSN_ACCESS_FAULT, toBigU(pcLo, pcHi));
    // A checked page: this fetch's own permission (throws the fetch fault), decoded into the scratch slot.
    if (page.checked) h.mmu.translate(pcLo, pcHi, 2, FETCH);
    let bits = mem.view.getUint16(o, true);
    let slot = page.checked ? SCRATCH : idx;
    if ((bits & 3) === 3) {
      if (idx < SCRATCH - 1 && o + 4 <= mem.size) {
        if (page.checked) h.mmu.translate((pcLo + 2) | 0, pcHi, 2, FETCH); // its second half, on the same page
        bits = mem.view.getUint32(o, true);
      } else {
        // The second half is on the next page (pc is 2 bytes before a page end: no carry into hi).
        const nextLo = (pcLo + 2) | 0, nextHi = nextLo === 0 ? (pcHi + 1) | 0 : pcHi;
        const pa2 = h.mmu.translate(nextLo, nextHi, 2, FETCH);
        const { ram, rom } = this.bus;
        const m2 = ram.contains(pa2, 2) ? ram : rom.contains(pa2, 2) ? rom : undefined;
        if (!m2) throw new Trap(CAUSE.INSN_ACCESS_FAULT, toBigU(nextLo, nextHi));
        bits = (bits | (m2.view.getUint16(pa2 - m2.base, true) << 16)) >>> 0;
        slot = SCRATCH;
      }
    }
    const d = this.decoder.decode(bits);
    let info: number, imm = 0;
    if (d === undefined) {
      info = packSlot(this.illegal, 0, 0, 0, (bits & 3) === 3);
    } else {
      // x0 writes go to the sink; f0 is a real register.
      info = packSlot(d.op, d.rd === 0 && !d.fpRd ? SINK : d.rd, d.rs1, d.rs2, d.size === 4);
      imm = d.base.format === 'I' && d.base.ext === 'Zicsr' ? d.csr | (d.imm << 12)
        : d.base.format === 'FR' || d.base.format === 'R4' ? d.rm | (d.rs3 << 3) // F/D: im = rm | rs3 << 3
        : d.imm;
    }
    page.info[slot] = info;
    page.imm[slot] = imm;
    page.bits[slot] = bits | 0;
    if (slot !== SCRATCH && mem === this.bus.ram) this.marks[Math.floor(o / 4096)] |= MARK_CODE; // o may pass 2^32
    return slot;
  }

  /** A store hit RAM page n, which has cached decodes: forget them. */
  invalidateRamPage(n: number): void {
    this.marks[n] &= ~MARK_CODE;
    this.epoch++;
    const p = this.pages.get(this.bus.ram.base + n * 4096);
    if (p) this.drop(p);
  }

  private drop(p: CodePage): void {
    p.info.fill(0);
    if (p.blocks !== NO_BLOCKS) this.blocks?.dropped(p);
  }

  /** fence.i: forget every decode. */
  flushAll(): void {
    this.epoch++;
    for (const p of this.pages.values()) this.drop(p);
    for (let n = 0; n < this.marks.length; n++) this.marks[n] &= ~MARK_CODE;
  }

  /** Reports stores to the RAM page holding pa (through Hart.onWatchedStore). */
  watch(pa: number): void {
    if (this.bus.ram.contains(pa, 1)) this.marks[Math.floor((pa - this.bus.ram.base) / 4096)] |= MARK_WATCH;
  }
}
