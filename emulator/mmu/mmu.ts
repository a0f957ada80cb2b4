// The one access path that fetch, load, store and AMO use: translation (Sv39/48/57 when satp.MODE is
// not Bare and the effective privilege is S or U) → PMP → PMA (docs/ARCHITECTURE.md, "The access path").
//
// Fast path: a direct-mapped per-page cache, one segment per (privilege, access type), holding the
// physical page of VA pages whose translation, PMP verdict and PMA verdict are all known good for every
// byte of the page. A hit is three typed-array reads and two compares (an atomic also needs the page
// to be RAM). Anything else (a page PMP covers only partly, a device page, an atomic outside RAM, a
// miss) takes the slow path, which checks byte-exactly.

import type { Bus } from '../board/bus.js';
import { Trap } from '../isa/trap.js';
import { ACCESS_FAULT, FETCH, PAGE_FAULT, PRV_M, PRV_S, STORE, type AccessType } from './access.js';
import { pagingModeOf, SATP_MODE_OF, type PagingMode, type SatpModeName } from './modes.js';
import { Pma, PMA_OK } from './pma.js';
import { Pmp, PMP_ALLOW } from './pmp.js';
import { PTE_D } from './pte.js';
import { newFlushStats, newStats, type FlushStats, type MmuStats } from './stats.js';
import { Tlb } from './tlb.js';
import { isCanonical, leafPermits, PtePages, vpnOf, walk, WalkOut, type AdPolicy, type WalkContext, type WalkStep } from './walk.js';

export type { SatpModeName } from './modes.js';
export type { AccessType } from './access.js';
export { FETCH, LOAD, STORE } from './access.js';

export interface MmuOptions {
  modes: SatpModeName[];
  pmpEntries: 0 | 16 | 64;
  ad: AdPolicy;
  /** Svnapot (64 KiB NAPOT leaves); off, as QEMU 7.2's default CPU, unless asked for. */
  svnapot: boolean;
}

/** Entries per fast-cache segment (a power of two). */
const FAST = 2048, FAST_MASK = FAST - 1;
/** Segments: privilege index (U 0, S 1, M 2) × 3 + access type. */
const SEGMENTS = 9;
const INVALID_TAG = 1;             // real tags have bits 11..0 clear
const PA_LIMIT = 2 ** 53;          // physical addresses at or above are holes
const SATP_PPN_MASK = (1n << 44n) - 1n;

const privIndex = (p: number): number => (p === PRV_M ? 2 : p === PRV_S ? 1 : 0);

export class Mmu implements WalkContext {
  readonly options: MmuOptions;
  readonly pmp: Pmp;
  readonly tlb = new Tlb();
  readonly stats: MmuStats = newStats();
  /** TLB flushes by kind (SFENCE.VMA and satp writes), for `--stats`. */
  readonly flushes: FlushStats = newFlushStats();
  generation = 0;
  /** Whether the slow path fills the fast cache for loads and stores: false only while the
   *  interpreter's warm-up wants every load and store to take the slow path once (board/warm-up.ts). */
  fastFill = true;
  get ad(): AdPolicy { return this.options.ad; }
  get svnapot(): boolean { return this.options.svnapot; }
  adue = false;

  // Translation regime (kept decoded for the slow path).
  private satp = 0n;
  mode: PagingMode | undefined;
  private rootPpn = 0;
  private asid = 0;
  priv = PRV_M;
  dataPriv = PRV_M;
  sum = false;
  mxr = false;

  // The fast cache. Public only for fastHitSource's copy of translate()'s hit path: nothing else touches them.
  readonly fastTagLo = new Int32Array(FAST * SEGMENTS).fill(INVALID_TAG);
  readonly fastTagHi = new Int32Array(FAST * SEGMENTS);
  readonly fastPage = new Float64Array(FAST * SEGMENTS);
  /**
   * The entry's page as an offset into RAM's first chunk (the hart's fast window) when all of the
   * page lies there, else -1 (a device, ROM, RAM beyond the chunk): a load or store that hits reads
   * the window at fastRam + page offset, int32 arithmetic only.
   */
  readonly fastRam = new Int32Array(FAST * SEGMENTS);
  /** Segment base for fetch, load, store under the current privilege / effective data privilege. */
  readonly seg = new Int32Array(3);
  private readonly out = new WalkOut();
  readonly ptePages = new PtePages();
  /** See WalkContext.onRamWrite. */
  onRamWrite: ((pa: number, size: number) => void) | undefined;
  private pmaTable: Pma | undefined;

  private readonly ramBase: number;
  private readonly ramEnd: number;
  /** The end of RAM's first chunk (fastRam). */
  private readonly lowEnd: number;

  constructor(readonly bus: Bus, options: Partial<MmuOptions> = {}) {
    this.ramBase = bus.ram.base;
    this.ramEnd = bus.ram.base + bus.ram.size;
    this.lowEnd = bus.ram.base + bus.ram.low.length;
    this.options = {
      modes: options.modes ?? ['bare', 'sv39', 'sv48', 'sv57'],
      pmpEntries: options.pmpEntries ?? 16,
      ad: options.ad ?? 'hardware',
      svnapot: options.svnapot ?? false,
    };
    this.pmp = new Pmp(this.options.pmpEntries);
    this.setSegments();
  }

  /** The PMA table, built from the bus on first use (after the board has attached its devices). */
  get pma(): Pma { return (this.pmaTable ??= new Pma(this.bus.regions())); }
  /** Rebuilds the PMA table (call after attaching a device late). */
  refreshPma(): void { this.pmaTable = undefined; this.flushFast(0, SEGMENTS); this.ptePages.clear(); this.generation++; }

  // ---- privilege and mstatus -------------------------------------------------------------------

  /** After a change of privilege, mstatus (its low 32 bits: MPRV, MPP, SUM, MXR) or menvcfg.ADUE. */
  setPrivilege(priv: number, mstatus: number, adue: boolean): void {
    const mprv = (mstatus >>> 17) & 1, mpp = (mstatus >>> 11) & 3;
    const sum = ((mstatus >>> 18) & 1) === 1, mxr = ((mstatus >>> 19) & 1) === 1;
    const dataPriv = priv === PRV_M && mprv ? mpp : priv;
    this.adue = adue;
    let changed = false;
    if (sum !== this.sum || mxr !== this.mxr) {
      // SUM and MXR change what S (and, for MXR, U) loads/stores may do: drop those verdicts.
      this.sum = sum; this.mxr = mxr;
      this.flushFast(0, 6);
      changed = true;
    }
    if (priv !== this.priv || dataPriv !== this.dataPriv) {
      this.priv = priv; this.dataPriv = dataPriv;
      this.setSegments();
      changed = true;
    }
    if (changed) this.generation++;
  }

  private setSegments(): void {
    this.seg[0] = (privIndex(this.priv) * 3 + 0) * FAST;
    this.seg[1] = (privIndex(this.dataPriv) * 3 + 1) * FAST;
    this.seg[2] = (privIndex(this.dataPriv) * 3 + 2) * FAST;
  }

  /** Invalidates fast-cache segments [from, to). */
  /**
   * Indices of fast-cache entries filled since their segment was last flushed: a flush (every satp
   * write, every sfence.vma of an address space) visits only these instead of clearing 12,288 tags,
   * which cost 2 µs a context switch. An entry invalidated alone may be listed twice; a full list
   * falls back to clearing everything.
   */
  private readonly filled = new Int32Array(FAST * SEGMENTS);
  private nFilled = 0;

  private flushFast(from: number, to: number): void {
    const lo = from * FAST, hi = to * FAST, f = this.filled, tags = this.fastTagLo;
    let keep = 0;
    for (let k = 0; k < this.nFilled; k++) {
      const i = f[k]!;
      if (i >= lo && i < hi) tags[i] = INVALID_TAG; else f[keep++] = i;
    }
    this.nFilled = keep;
  }

  // ---- satp ------------------------------------------------------------------------------------

  getSatp(): bigint { return this.satp; }

  setSatp(value: bigint): void {
    value = BigInt.asUintN(64, value);
    const modeNum = Number(value >> 60n);
    const name = (Object.keys(SATP_MODE_OF) as SatpModeName[]).find((n) => SATP_MODE_OF[n] === modeNum);
    if (name === undefined || !this.options.modes.includes(name)) return; // WARL: no effect at all
    const asid = Number((value >> 44n) & 0xffffn), ppn = Number(value & SATP_PPN_MASK);
    const oldMode = this.mode?.satpMode ?? 0;
    if (modeNum !== oldMode) { this.tlb.flushAll(); this.flushes.satpAll++; }
    else if (asid === this.asid && ppn !== this.rootPpn) { this.tlb.flushAsid(asid); this.flushes.satpAsid++; } // new root, same ASID
    else this.flushes.satpKept++;
    this.satp = value;
    this.mode = pagingModeOf(modeNum);
    this.asid = asid;
    this.rootPpn = ppn;
    this.flushFast(0, 6);
    this.generation++;
  }

  get satpAsid(): number { return this.asid; }
  get satpPpn(): number { return this.rootPpn; }

  // ---- PMP CSRs --------------------------------------------------------------------------------

  readPmpcfg(cfgIndex: number): bigint { return this.pmp.readPmpcfg(cfgIndex); }
  writePmpcfg(cfgIndex: number, value: bigint): void { this.pmp.writePmpcfg(cfgIndex, value); this.pmpChanged(); }
  readPmpaddr(addrIndex: number): bigint { return this.pmp.readPmpaddr(addrIndex); }
  writePmpaddr(addrIndex: number, value: bigint): void { this.pmp.writePmpaddr(addrIndex, value); this.pmpChanged(); }
  private pmpChanged(): void { this.flushFast(0, SEGMENTS); this.ptePages.clear(); this.generation++; }

  // ---- SFENCE.VMA ------------------------------------------------------------------------------

  sfence(vaddr: bigint | null, asid: bigint | null): void {
    const asidNum = asid === null ? null : Number(BigInt.asUintN(16, asid));
    this.generation++;
    const f = this.flushes;
    if (vaddr === null) { if (asidNum === null) f.sfenceAll++; else f.sfenceAsid++; }
    else if (asidNum === null) f.sfenceVa++; else f.sfenceVaAsid++;
    if (vaddr === null) {
      if (asidNum === null) this.tlb.flushAll(); else this.tlb.flushAsid(asidNum);
      this.flushFast(0, 6);
      return;
    }
    const v = BigInt.asUintN(64, vaddr);
    const vaLo = Number(v & 0xffffffffn) | 0, vaHi = Number(v >> 32n) | 0;
    const mode = this.mode;
    if (!mode) { this.flushFast(0, 6); return; }
    if (!isCanonical(mode, vaHi)) return; // not a valid VA: SFENCE.VMA has no effect
    const highest = this.tlb.flushVa(vpnOf(mode, vaLo, vaHi), asidNum);
    if (highest > 0 || this.tlb.evictedSuperpage) {
      this.tlb.evictedSuperpage = false;
      this.flushFast(0, 6);
    } else {
      const slot = (vaLo >>> 12) & FAST_MASK;
      for (let s = 0; s < 6; s++) this.fastTagLo[s * FAST + slot] = INVALID_TAG;
    }
  }

  // ---- the access path -------------------------------------------------------------------------

  translate(vaLo: number, vaHi: number, size: number, access: AccessType, atomic?: boolean): number {
    const i = this.seg[access]! + ((vaLo >>> 12) & FAST_MASK);
    if (this.fastTagLo[i] === (vaLo & ~0xfff) && this.fastTagHi[i] === vaHi && (atomic !== true || this.ramPage(this.fastPage[i]!))) {
      this.stats.hits++;
      return this.fastPage[i]! + (vaLo & 0xfff);
    }
    // Unary +: V8 then knows both returns are numbers, so where translate is inlined (the hart's
    // loads and stores) the hit path's physical address stays an unboxed double, never a heap number.
    return +this.slowTranslate(vaLo, vaHi, size, access, atomic === true);
  }

  /** The fast cache's arrays under the names windowSource reads, for a function's prologue. */
  static readonly FAST_NAMES = 'const seg = mmu.seg, tagLo = mmu.fastTagLo, tagHi = mmu.fastTagHi, fastRam = mmu.fastRam;';

  /**
   * translate()'s hit path as JavaScript source, for the hart to paste where a load or store of RAM
   * needs its offset in the fast window (so a hit costs no call, no pc write-back and no
   * floating-point address): with the VA in `lo`/`hi` and FAST_NAMES in scope, sets `out` (an int32
   * variable holding -1) to the window offset on a hit whose page lies in the window, and leaves it
   * at -1 otherwise (a miss, or a page elsewhere: translate() then decides and counts). `also`, a
   * further condition on the page's window offset (the caller's own reason to take the slow path),
   * is tested before the hit is counted; `hit` counts it (a caller may count in a local and add the
   * sum to stats.hits later). Kept beside translate() so the fast cache's layout is known in one file.
   */
  static windowSource(access: AccessType, out: string, also?: (page: string) => string, hit = 'mmu.stats.hits++;'): string {
    return `{ const i_ = seg[${access}] + ((lo >>> 12) & ${FAST_MASK});
      if (tagLo[i_] === (lo & ~0xfff) && tagHi[i_] === hi) { const p_ = fastRam[i_]; if (p_ >= 0${also === undefined ? '' : ` && ${also('p_')}`}) { ${out} = p_ + (lo & 0xfff); ${hit} } } }`;
  }

  /**
   * Whether the fast cache holds the page of (vaLo, vaHi) for `access`: its translation, PMP and PMA
   * verdicts then hold for every byte of the page (the hart fetches from such a page without asking
   * again; from any other, instruction by instruction).
   */
  wholePage(vaLo: number, vaHi: number, access: AccessType): boolean {
    const i = this.seg[access]! + ((vaLo >>> 12) & FAST_MASK);
    return this.fastTagLo[i] === (vaLo & ~0xfff) && this.fastTagHi[i] === vaHi;
  }

  /** Whether a cached physical page is RAM, where atomics are allowed (PMA: ROM and devices refuse them). */
  private ramPage(paPage: number): boolean {
    return paPage >= this.ramBase && paPage < this.ramEnd;
  }

  private slowTranslate(vaLo: number, vaHi: number, size: number, access: AccessType, atomic: boolean): number {
    const priv = access === FETCH ? this.priv : this.dataPriv;
    const pa = this.decide(vaLo, vaHi, size, access, priv, this.sum, this.mxr, atomic, this.mode, this.rootPpn, this.out, null);
    if (pa < 0) this.fault(this.out.cause, vaLo, vaHi);
    const paPage = pa - (vaLo & 0xfff);
    if ((this.fastFill || access === FETCH) && this.pmp.pageAllows(paPage, access, priv) && this.pma.pageAllows(paPage, access)) {
      const i = this.seg[access]! + ((vaLo >>> 12) & FAST_MASK);
      if (this.fastTagLo[i] === INVALID_TAG) {
        if (this.nFilled === this.filled.length) { this.fastTagLo.fill(INVALID_TAG); this.nFilled = 0; }
        this.filled[this.nFilled++] = i;
      }
      this.fastTagLo[i] = vaLo & ~0xfff;
      this.fastTagHi[i] = vaHi;
      this.fastPage[i] = paPage;
      this.fastRam[i] = paPage >= this.ramBase && paPage + 4096 <= this.lowEnd ? paPage - this.ramBase : -1;
    }
    return pa;
  }

  /**
   * Decides one access: translation (when `mode` is set and priv is S or U: the TLB, else the walk),
   * then PMP (at priv) and PMA on the physical bytes. Returns the PA, or -1 with out.cause, out.step
   * and (when recording) out.rule. The machine's slow path and the debugger's translate() both call
   * this, so they cannot disagree; `steps` non-null is the inspector's mode: no TLB lookup or fill, no
   * statistics, no A/D write (reported instead), every PTE visited recorded. out.level is -1 when no
   * translation applied (PA = VA).
   */
  decide(vaLo: number, vaHi: number, size: number, access: AccessType, priv: number, sum: boolean, mxr: boolean,
    atomic: boolean, mode: PagingMode | undefined, rootPpn: number, out: WalkOut, steps: WalkStep[] | null): number {
    let paPage: number;
    out.cause = 0; out.step = 0; out.rule = '';
    if (priv === PRV_M || mode === undefined) {
      // Bare: PA = VA. Physical addresses are numbers; at or above 2^53 they are holes (PMA refuses).
      paPage = vaHi < 0 || vaHi >= 0x200000 ? PA_LIMIT : vaHi * 0x100000000 + ((vaLo & ~0xfff) >>> 0);
      out.level = -1;
    } else {
      const ppn = steps === null ? this.translatePage(mode, vaLo, vaHi, access, priv, out)
        : walk(this, mode, rootPpn, vaLo, vaHi, access, priv, sum, mxr, out, steps) ? out.paPpn : -1;
      if (ppn < 0) return -1;
      paPage = ppn * 4096;
    }
    const pa = paPage + (vaLo & 0xfff);
    // 10. The physical access itself: PMP at the effective privilege, then PMA.
    const pmpV = this.pmp.check(pa, size, access, priv);
    if (pmpV !== PMP_ALLOW) return refuse(out, ACCESS_FAULT[access]!, steps && `physical access at ${hexPa(vaLo, vaHi, pa, out)}: ${this.pmp.explain(pmpV, access, priv)}`);
    const pmaV = this.pma.check(pa, size, access, atomic);
    if (pmaV !== PMA_OK) return refuse(out, ACCESS_FAULT[access]!, steps && `physical access at ${hexPa(vaLo, vaHi, pa, out)}: ${this.pma.explain(pmaV)}`);
    return pa;
  }

  /** Translated access: TLB, else the walk. Returns the 4 KiB physical page number, or -1 (out.cause). */
  private translatePage(mode: PagingMode, vaLo: number, vaHi: number, access: AccessType, priv: number, out: WalkOut): number {
    // Step 1 first: a non-canonical VA must never hit a TLB entry made for its low bits.
    if (!isCanonical(mode, vaHi)) { out.cause = PAGE_FAULT[access]!; out.step = 1; return -1; }
    const vpn = vpnOf(mode, vaLo, vaHi), tlb = this.tlb;
    const slot = tlb.lookup(vpn, this.asid, mode.levels);
    if (slot >= 0) {
      const flags = tlb.flags[slot]!;
      // A refused permission or a store needing D re-walks (the PTE may have changed; the walk sets D).
      if (leafPermits(flags, access, priv, this.sum, this.mxr) && (access !== STORE || flags & PTE_D)) {
        this.stats.hits++;
        out.level = tlb.levelOf(slot);
        return tlb.paPpn(slot, vpn);
      }
      tlb.valid[slot] = 0;
    } else {
      this.stats.misses++;
    }
    this.stats.walks++;
    if (!walk(this, mode, this.rootPpn, vaLo, vaHi, access, priv, this.sum, this.mxr, out, null)) return -1;
    tlb.insert(vpn, out.level, this.asid, out.ppn, out.flags, out.napot);
    return out.paPpn;
  }

  private fault(cause: number, vaLo: number, vaHi: number): never {
    this.stats.faults[cause] = (this.stats.faults[cause] ?? 0) + 1;
    throw new Trap(cause, BigInt.asUintN(64, (BigInt(vaHi) << 32n) | BigInt(vaLo >>> 0)));
  }
}

/** Step 10's refusal: the access fault, with its rule when recording. */
function refuse(out: WalkOut, cause: number, rule: string | null): -1 {
  out.cause = cause; out.step = 10; out.rule = rule ?? '';
  return -1;
}

/** The PA for a rule text: exact (bigint) even for a Bare VA at or above 2^53, which `pa` clamps. */
function hexPa(vaLo: number, vaHi: number, pa: number, out: WalkOut): string {
  const exact = out.level < 0 ? BigInt.asUintN(64, (BigInt(vaHi) << 32n) | BigInt(vaLo >>> 0)) : BigInt(pa);
  return '0x' + exact.toString(16);
}
