// Physical memory protection (privileged spec 3.7). Entries are kept as raw pmpcfg bytes and pmpaddr
// values (for CSR reads) and decoded into byte ranges [lo, hi) on every write, so a check is a loop
// over the active entries with plain number compares. Grain is 4 bytes (G = 0).

import { FETCH, LOAD, PRV_M, type AccessType } from './access.js';

export const PMP_R = 0x01, PMP_W = 0x02, PMP_X = 0x04, PMP_L = 0x80;
export const PMP_A_SHIFT = 3;
export const PMP_OFF = 0, PMP_TOR = 1, PMP_NA4 = 2, PMP_NAPOT = 3;
export const PMP_A_NAMES: readonly string[] = ['OFF', 'TOR', 'NA4', 'NAPOT'];

/** check() verdicts other than an entry number. */
export const PMP_ALLOW = -1, PMP_NO_MATCH = -2;

/** Physical addresses are JS numbers, exact below 2^53; regions are clamped there (above is a hole). */
const PA_LIMIT = 2 ** 53;
const PMPADDR_MASK = (1n << 54n) - 1n;       // RV64: pmpaddr holds bits 55..2 of the address
const PERM_OF_ACCESS = [PMP_X, PMP_R, PMP_W]; // indexed by AccessType

export interface PmpEntryInfo {
  index: number; cfg: number; addr: bigint; mode: string; r: boolean; w: boolean; x: boolean; l: boolean;
  /** Decoded byte range [lo, hi) (bigint, unclamped); lo === hi when the entry matches nothing. */
  lo: bigint; hi: bigint;
}

export class Pmp {
  readonly cfg: Uint8Array;
  readonly addr: bigint[];
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  /** Indices of entries whose A field is not OFF, lowest first. */
  private active: number[] = [];
  /** Set by check(): whether the deciding entry matched only part of the access. */
  partial = false;

  constructor(readonly count: 0 | 16 | 64) {
    this.cfg = new Uint8Array(count);
    this.addr = new Array<bigint>(count).fill(0n);
    this.lo = new Float64Array(count);
    this.hi = new Float64Array(count);
  }

  /** pmpcfgN, N = cfgIndex (RV64: even N only, each holding 8 entries). */
  readPmpcfg(cfgIndex: number): bigint {
    if (cfgIndex & 1) return 0n;
    let v = 0n;
    for (let j = 7; j >= 0; j--) {
      const e = cfgIndex * 4 + j;
      v = (v << 8n) | BigInt(e < this.count ? this.cfg[e]! : 0);
    }
    return v;
  }

  writePmpcfg(cfgIndex: number, value: bigint): void {
    if (cfgIndex & 1) return;
    for (let j = 0; j < 8; j++) {
      const e = cfgIndex * 4 + j;
      if (e >= this.count || this.cfg[e]! & PMP_L) continue; // locked entries ignore writes
      let b = Number((value >> BigInt(8 * j)) & 0xffn) & 0x9f;   // bits 6:5 are reserved, read 0
      if ((b & (PMP_R | PMP_W)) === PMP_W) b &= ~PMP_W;          // R=0,W=1 is reserved: store R=0,W=0
      this.cfg[e] = b;
    }
    this.decode();
  }

  readPmpaddr(i: number): bigint {
    return i < this.count ? this.addr[i]! : 0n;
  }

  writePmpaddr(i: number, value: bigint): void {
    if (i >= this.count) return;
    if (this.cfg[i]! & PMP_L) return;
    // A locked TOR entry also locks the pmpaddr below it (its lower bound).
    if (i + 1 < this.count && this.cfg[i + 1]! & PMP_L && ((this.cfg[i + 1]! >> PMP_A_SHIFT) & 3) === PMP_TOR) return;
    this.addr[i] = value & PMPADDR_MASK;
    this.decode();
  }

  /** [lo, hi) of entry i as bigints (for reports). */
  range(i: number): [bigint, bigint] {
    const a = this.addr[i]!, mode = (this.cfg[i]! >> PMP_A_SHIFT) & 3;
    switch (mode) {
      case PMP_TOR: {
        const lo = i === 0 ? 0n : this.addr[i - 1]! << 2n, hi = a << 2n;
        return lo < hi ? [lo, hi] : [lo, lo];
      }
      case PMP_NA4: return [a << 2n, (a << 2n) + 4n];
      case PMP_NAPOT: {
        let t = 0n;
        while (t < 54n && ((a >> t) & 1n)) t++;
        const base = (a & ~((1n << t) - 1n)) << 2n;
        return [base, base + (1n << (t + 3n))];
      }
      default: return [0n, 0n];
    }
  }

  private decode(): void {
    this.active = [];
    for (let i = 0; i < this.count; i++) {
      const [lo, hi] = this.range(i);
      this.lo[i] = Number(lo > BigInt(PA_LIMIT) ? BigInt(PA_LIMIT) : lo);
      this.hi[i] = Number(hi > BigInt(PA_LIMIT) ? BigInt(PA_LIMIT) : hi);
      if ((this.cfg[i]! >> PMP_A_SHIFT) & 3) this.active.push(i);
    }
  }

  /** Checks the `size` bytes at pa. Returns PMP_ALLOW, PMP_NO_MATCH (denied: S/U and nothing matched),
   *  or the number of the entry that denied it (`partial` tells whether it matched only some bytes). */
  check(pa: number, size: number, access: AccessType, priv: number): number {
    const end = pa + size, act = this.active;
    this.partial = false;
    for (let k = 0; k < act.length; k++) {
      const i = act[k]!, lo = this.lo[i]!, hi = this.hi[i]!;
      if (end <= lo || pa >= hi) continue;
      // The lowest-numbered entry that matches any byte decides; a partial match fails.
      if (pa < lo || end > hi) { this.partial = true; return i; }
      const c = this.cfg[i]!;
      if (priv === PRV_M && !(c & PMP_L)) return PMP_ALLOW;
      return c & PERM_OF_ACCESS[access]! ? PMP_ALLOW : i;
    }
    if (priv === PRV_M || this.count === 0) return PMP_ALLOW;
    return PMP_NO_MATCH;
  }

  /** Whether every byte of the 4 KiB page at pageBase gets the same "allowed" verdict for this access,
   *  so that the verdict may be cached for the page. */
  pageAllows(pageBase: number, access: AccessType, priv: number): boolean {
    if (this.check(pageBase, 4096, access, priv) !== PMP_ALLOW) return false;
    return true; // a full-page match by one entry, or no entry touching the page at all
  }

  /** Human text for a verdict returned by check(). */
  explain(verdict: number, access: AccessType, priv: number): string {
    if (verdict === PMP_ALLOW) return 'PMP allows';
    if (verdict === PMP_NO_MATCH) return `no PMP entry matches and ${this.count} entries are implemented: ${priv === 1 ? 'S' : 'U'}-mode access fails`;
    const i = verdict, c = this.cfg[i]!;
    if (this.partial) return `pmp${i} (${PMP_A_NAMES[(c >> PMP_A_SHIFT) & 3]}) matches only part of the access`;
    const need = access === FETCH ? 'X' : access === LOAD ? 'R' : 'W';
    return `pmp${i} (${PMP_A_NAMES[(c >> PMP_A_SHIFT) & 3]}${c & PMP_L ? ', locked' : ''}) has ${need}=0`;
  }

  entries(): PmpEntryInfo[] {
    const out: PmpEntryInfo[] = [];
    for (let i = 0; i < this.count; i++) {
      const c = this.cfg[i]!, [lo, hi] = this.range(i);
      out.push({ index: i, cfg: c, addr: this.addr[i]!, mode: PMP_A_NAMES[(c >> PMP_A_SHIFT) & 3]!,
        r: !!(c & PMP_R), w: !!(c & PMP_W), x: !!(c & PMP_X), l: !!(c & PMP_L), lo, hi });
    }
    return out;
  }
}
