// The TLB: ASID- and VPN-tagged, one direct-mapped table per leaf level, so an entry made from a leaf
// at level i covers the whole 4 KiB · 512^i page with a single tag (VPN >> 9i), and one more table for
// Svnapot's 64 KiB NAPOT runs (tag VPN >> 4: one entry for the run's 16 pages, as the spec allows).
// Entries keep the leaf's PTE.PPN and flags; permissions are checked on every use, so privilege, SUM
// and MXR changes never make an entry stale. Typed arrays: a lookup allocates nothing.

import { PTE_G } from './pte.js';

export const TLB_SETS = 256;          // per level
export const TLB_MAX_LEVELS = 5;
/** The table of NAPOT entries, after the levels' tables. */
const NAPOT = TLB_MAX_LEVELS;
/** 4 KiB pages in a NAPOT run (napot_bits = 4: 64 KiB). */
export const NAPOT_PAGES = 16;
const TABLES = TLB_MAX_LEVELS + 1;

export interface TlbEntryInfo {
  /** The leaf's level (0 for a NAPOT run); `napot` marks a 64 KiB run. */
  level: number; asid: number; global: boolean; vpn: number; ppn: number; flags: number; napot: boolean;
}

/** 4 KiB pages an entry covers: 512^level, or 16 for a NAPOT run. */
export function entryPages(e: TlbEntryInfo): number { return e.napot ? NAPOT_PAGES : 512 ** e.level; }

const POW512 = [1, 512, 512 ** 2, 512 ** 3, 512 ** 4];
const pow512 = (i: number): number => POW512[i]!;
/** Set index: the tag's low bits mixed with the ASID, so address spaces do not evict each other's
 *  entries for the same VA. Global entries live in the ASID-0 set, which every lookup also probes. */
const setOf = (level: number, tag: number, asid: number): number => level * TLB_SETS + (((tag % TLB_SETS) + asid * 97) % TLB_SETS);

export class Tlb {
  readonly valid = new Uint8Array(TLB_SETS * TABLES);
  readonly asid = new Int32Array(TLB_SETS * TABLES);
  /** VPN >> 9·level (the VPN bits the entry translates). */
  readonly tag = new Float64Array(TLB_SETS * TABLES);
  /** The leaf PTE's PPN. */
  readonly ppn = new Float64Array(TLB_SETS * TABLES);
  /** The leaf PTE's bits 7..0 (V R W X U G A D); G also set when a pointer above it was global. */
  readonly flags = new Uint8Array(TLB_SETS * TABLES);
  /** A superpage (or NAPOT) entry was evicted by insert() since the owner last cleared this. */
  evictedSuperpage = false;
  /** Whether the NAPOT table may hold entries (lookups skip it until one is made). */
  private napotUsed = false;

  /** The slot translating vpn for this ASID (global entries match any ASID), or -1. */
  lookup(vpn: number, asid: number, levels: number): number {
    for (let level = 0; level < levels; level++) {
      const tag = level === 0 ? vpn : Math.floor(vpn / pow512(level));
      const s = setOf(level, tag, asid);
      if (this.valid[s] && this.tag[s] === tag && (this.asid[s] === asid || this.flags[s]! & PTE_G)) return s;
      const g = setOf(level, tag, 0);
      if (this.valid[g] && this.tag[g] === tag && this.flags[g]! & PTE_G) return g;
    }
    return this.napotUsed ? this.lookupIn(NAPOT, Math.floor(vpn / NAPOT_PAGES), asid) : -1;
  }

  private lookupIn(table: number, tag: number, asid: number): number {
    const s = setOf(table, tag, asid);
    if (this.valid[s] && this.tag[s] === tag && (this.asid[s] === asid || this.flags[s]! & PTE_G)) return s;
    const g = setOf(table, tag, 0);
    if (this.valid[g] && this.tag[g] === tag && this.flags[g]! & PTE_G) return g;
    return -1;
  }

  /** Level of a slot (0 = 4 KiB; a NAPOT run is a level-0 leaf). */
  levelOf(slot: number): number { const t = Math.floor(slot / TLB_SETS); return t === NAPOT ? 0 : t; }

  /** Physical page number (of the 4 KiB page) that vpn maps to through `slot`. */
  paPpn(slot: number, vpn: number): number {
    const t = Math.floor(slot / TLB_SETS);
    if (t === 0) return this.ppn[slot]!;
    const span = t === NAPOT ? NAPOT_PAGES : pow512(t);
    return this.ppn[slot]! - (this.ppn[slot]! % span) + (vpn % span);
  }

  /** Caches a leaf: at `level`, or (napot) the 64 KiB NAPOT run around vpn. */
  insert(vpn: number, level: number, asid: number, ppn: number, flags: number, napot = false): void {
    const table = napot ? NAPOT : level;
    const tag = Math.floor(vpn / (napot ? NAPOT_PAGES : pow512(level))), s = setOf(table, tag, flags & PTE_G ? 0 : asid);
    if (this.valid[s] && table > 0) this.evictedSuperpage = true;
    if (napot) this.napotUsed = true;
    this.valid[s] = 1; this.tag[s] = tag; this.asid[s] = asid; this.ppn[s] = ppn; this.flags[s] = flags;
  }

  flushAll(): void { this.valid.fill(0); this.evictedSuperpage = false; this.napotUsed = false; }

  /** Non-global entries of one ASID (SFENCE.VMA x0, rs2; and a satp root change under the same ASID). */
  flushAsid(asid: number): void {
    for (let s = 0; s < this.valid.length; s++) if (this.asid[s] === asid && !(this.flags[s]! & PTE_G)) this.valid[s] = 0;
  }

  /** Entries translating vpn: for one ASID (globals kept) or, with asid null, all (globals too).
   *  Returns the highest level flushed (a NAPOT run counts as 1: more than one page), or -1. */
  flushVa(vpn: number, asid: number | null): number {
    let highest = -1;
    for (let table = 0; table < TABLES; table++) {
      if (table === NAPOT && !this.napotUsed) break;
      const tag = Math.floor(vpn / (table === NAPOT ? NAPOT_PAGES : pow512(table)));
      // One ASID: its slot only. All ASIDs: any slot of the table may hold a copy.
      const from = asid === null ? table * TLB_SETS : setOf(table, tag, asid);
      const to = asid === null ? from + TLB_SETS : from + 1;
      for (let s = from; s < to; s++) {
        if (!this.valid[s] || this.tag[s] !== tag) continue;
        if (asid !== null && (this.asid[s] !== asid || this.flags[s]! & PTE_G)) continue;
        this.valid[s] = 0;
        highest = Math.max(highest, table === NAPOT ? 1 : table);
      }
    }
    return highest;
  }

  entries(): TlbEntryInfo[] {
    const out: TlbEntryInfo[] = [];
    for (let s = 0; s < this.valid.length; s++) {
      if (!this.valid[s]) continue;
      const t = Math.floor(s / TLB_SETS), napot = t === NAPOT;
      out.push({ level: napot ? 0 : t, asid: this.asid[s]!, global: !!(this.flags[s]! & PTE_G),
        vpn: this.tag[s]! * (napot ? NAPOT_PAGES : pow512(t)), ppn: this.ppn[s]!, flags: this.flags[s]!, napot });
    }
    return out;
  }
}
