// The TLB: ASID- and VPN-tagged, one direct-mapped table per leaf level, so an entry made from a leaf
// at level i covers the whole 4 KiB · 512^i page with a single tag (VPN >> 9i). Entries keep the
// leaf's PTE.PPN and flags; permissions are checked on every use, so privilege, SUM and MXR changes
// never make an entry stale. Typed arrays: a lookup allocates nothing.

import { PTE_G } from './pte.js';

export const TLB_SETS = 256;          // per level
export const TLB_MAX_LEVELS = 5;

export interface TlbEntryInfo {
  level: number; asid: number; global: boolean; vpn: number; ppn: number; flags: number;
}

const POW512 = [1, 512, 512 ** 2, 512 ** 3, 512 ** 4];
const pow512 = (i: number): number => POW512[i]!;
/** Set index: the tag's low bits mixed with the ASID, so address spaces do not evict each other's
 *  entries for the same VA. Global entries live in the ASID-0 set, which every lookup also probes. */
const setOf = (level: number, tag: number, asid: number): number => level * TLB_SETS + (((tag % TLB_SETS) + asid * 97) % TLB_SETS);

export class Tlb {
  readonly valid = new Uint8Array(TLB_SETS * TLB_MAX_LEVELS);
  readonly asid = new Int32Array(TLB_SETS * TLB_MAX_LEVELS);
  /** VPN >> 9·level (the VPN bits the entry translates). */
  readonly tag = new Float64Array(TLB_SETS * TLB_MAX_LEVELS);
  /** The leaf PTE's PPN. */
  readonly ppn = new Float64Array(TLB_SETS * TLB_MAX_LEVELS);
  /** The leaf PTE's bits 7..0 (V R W X U G A D); G also set when a pointer above it was global. */
  readonly flags = new Uint8Array(TLB_SETS * TLB_MAX_LEVELS);
  /** A superpage entry was evicted by insert() since the owner last cleared this. */
  evictedSuperpage = false;

  /** The slot translating vpn for this ASID (global entries match any ASID), or -1. */
  lookup(vpn: number, asid: number, levels: number): number {
    for (let level = 0; level < levels; level++) {
      const tag = level === 0 ? vpn : Math.floor(vpn / pow512(level));
      const s = setOf(level, tag, asid);
      if (this.valid[s] && this.tag[s] === tag && (this.asid[s] === asid || this.flags[s]! & PTE_G)) return s;
      const g = setOf(level, tag, 0);
      if (this.valid[g] && this.tag[g] === tag && this.flags[g]! & PTE_G) return g;
    }
    return -1;
  }

  /** Level of a slot (0 = 4 KiB). */
  levelOf(slot: number): number { return Math.floor(slot / TLB_SETS); }

  /** Physical page number (of the 4 KiB page) that vpn maps to through `slot`. */
  paPpn(slot: number, vpn: number): number {
    const level = this.levelOf(slot);
    if (level === 0) return this.ppn[slot]!;
    const span = pow512(level);
    return this.ppn[slot]! - (this.ppn[slot]! % span) + (vpn % span);
  }

  insert(vpn: number, level: number, asid: number, ppn: number, flags: number): void {
    const tag = Math.floor(vpn / pow512(level)), s = setOf(level, tag, flags & PTE_G ? 0 : asid);
    if (this.valid[s] && level > 0) this.evictedSuperpage = true;
    this.valid[s] = 1; this.tag[s] = tag; this.asid[s] = asid; this.ppn[s] = ppn; this.flags[s] = flags;
  }

  flushAll(): void { this.valid.fill(0); this.evictedSuperpage = false; }

  /** Non-global entries of one ASID (SFENCE.VMA x0, rs2; and a satp root change under the same ASID). */
  flushAsid(asid: number): void {
    for (let s = 0; s < this.valid.length; s++) if (this.asid[s] === asid && !(this.flags[s]! & PTE_G)) this.valid[s] = 0;
  }

  /** Entries translating vpn: for one ASID (globals kept) or, with asid null, all (globals too).
   *  Returns the highest level flushed, or -1. */
  flushVa(vpn: number, asid: number | null): number {
    let highest = -1;
    for (let level = 0; level < TLB_MAX_LEVELS; level++) {
      const tag = Math.floor(vpn / pow512(level));
      // One ASID: its slot only. All ASIDs: any slot of the level may hold a copy.
      const from = asid === null ? level * TLB_SETS : setOf(level, tag, asid);
      const to = asid === null ? from + TLB_SETS : from + 1;
      for (let s = from; s < to; s++) {
        if (!this.valid[s] || this.tag[s] !== tag) continue;
        if (asid !== null && (this.asid[s] !== asid || this.flags[s]! & PTE_G)) continue;
        this.valid[s] = 0;
        highest = level;
      }
    }
    return highest;
  }

  entries(): TlbEntryInfo[] {
    const out: TlbEntryInfo[] = [];
    for (let s = 0; s < this.valid.length; s++) {
      if (!this.valid[s]) continue;
      const level = this.levelOf(s);
      out.push({ level, asid: this.asid[s]!, global: !!(this.flags[s]! & PTE_G), vpn: this.tag[s]! * pow512(level), ppn: this.ppn[s]!, flags: this.flags[s]! });
    }
    return out;
  }
}
