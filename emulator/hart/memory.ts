// Loads and stores: the MMU's access path (translation → PMP → PMA) gives the physical address,
// then RAM's first chunk is read through its DataView (the fast window), RAM beyond it through the
// chunk that holds it (a chunk never written reads as zeros), and anything else through the bus.
// Misaligned accesses to RAM are performed (as QEMU does); one that crosses a page is split into
// bytes, all translated before any is written. Values travel as 32-bit halves, never as bigint on
// the RAM path.

import { LOAD, STORE } from '../mmu/access.js';
import type { AccessSize } from '../board/device.js';
import { MARK_CODE, MARK_RESERVED, MARK_WATCH } from './decode-cache.js';
import type { Hart } from './hart.js';
import { hiOf, loOf, toBigU } from './int64.js';

/** Loads `size` bytes at VA (lo, hi), sign- or zero-extended, into x[rd]. */
export function load(h: Hart, lo: number, hi: number, size: number, signed: boolean, rd: number): void {
  if (h.loadObserver !== undefined) h.loadObserver(lo, hi, size);
  if ((lo & 0xfff) + size > 0x1000) { loadSplit(h, lo, hi, size, signed, rd); return; }
  const pa = h.mmu.translate(lo, hi, size, LOAD);
  const o = pa - h.ramBase;
  if (o >= 0 && o + size <= h.lowSize) loadView(h, h.lowView, o, size, signed, rd);
  else loadPa(h, pa, size, signed, rd);
}

/** x[rd] = a load from a DataView at offset o, as the fast path does it. */
function loadView(h: Hart, v: DataView, o: number, size: number, signed: boolean, rd: number): void {
  let x: number;
  switch (size) {
    case 1: x = signed ? v.getInt8(o) : v.getUint8(o); break;
    case 2: x = signed ? v.getInt16(o, true) : v.getUint16(o, true); break;
    case 4: x = v.getInt32(o, true); break;
    default: h.xl[rd] = v.getInt32(o, true); h.xh[rd] = v.getInt32(o + 4, true); return;
  }
  h.xl[rd] = x; h.xh[rd] = signed ? x >> 31 : 0;
}

/** x[rd] = a load from a translated physical address outside the fast window: RAM beyond the first chunk, a device, or a hole the bus refuses. */
export function loadPa(h: Hart, pa: number, size: number, signed: boolean, rd: number): void {
  const ram = h.bus.ram, o = pa - ram.base;
  if (o >= 0 && o + size <= ram.size) {
    const v = ram.readView(o);
    if (v === undefined) { h.xl[rd] = 0; h.xh[rd] = 0; return; }
    loadView(h, v, ram.inChunk(o), size, signed, rd);
    return;
  }
  extend(h, h.bus.read(pa, size as AccessSize), size, signed, rd);
}

function extend(h: Hart, raw: bigint, size: number, signed: boolean, rd: number): void {
  const v = signed ? BigInt.asIntN(size * 8, raw) : raw;
  h.xl[rd] = loOf(v); h.xh[rd] = hiOf(v);
}

/** Byte address (lo, hi) + i, as halves. */
function addLo(lo: number, i: number): number { return (lo + i) | 0; }
function addHi(lo: number, hi: number, i: number): number { return (lo >>> 0) + i > 0xffffffff ? (hi + 1) | 0 : hi; }

function loadSplit(h: Hart, lo: number, hi: number, size: number, signed: boolean, rd: number): void {
  const pas: number[] = [];
  for (let i = 0; i < size; i++) pas.push(h.mmu.translate(addLo(lo, i), addHi(lo, hi, i), 1, LOAD));
  let raw = 0n;
  for (let i = size - 1; i >= 0; i--) raw = (raw << 8n) | h.bus.read(pas[i], 1);
  extend(h, raw, size, signed, rd);
}

/** Stores the low `size` bytes of (vlo, vhi) at VA (lo, hi). */
export function store(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): void {
  if (h.storeObserver !== undefined) h.storeObserver(lo, hi, size, BigInt.asUintN(size * 8, toBigU(vlo, vhi)));
  if ((lo & 0xfff) + size > 0x1000) { storeSplit(h, lo, hi, size, vlo, vhi); return; }
  const pa = h.mmu.translate(lo, hi, size, STORE);
  storePa(h, pa, size, vlo, vhi);
}

/** Stores to a physical address that has passed translation, PMP and PMA. */
export function storePa(h: Hart, pa: number, size: number, vlo: number, vhi: number): void {
  const o = pa - h.ramBase;
  if (h.resValid && pa < h.resAddr + 8 && pa + size > h.resAddr) h.resValid = false;
  if (o >= 0 && o + size <= h.lowSize) {
    storeView(h.lowView, o, size, vlo, vhi);
    if (h.code.marks[o >>> 12] !== 0) storeMarked(h, pa, size);
    return;
  }
  storeOther(h, pa, size, vlo, vhi);
}

function storeView(v: DataView, o: number, size: number, vlo: number, vhi: number): void {
  switch (size) {
    case 1: v.setInt8(o, vlo); break;
    case 2: v.setInt16(o, vlo, true); break;
    case 4: v.setInt32(o, vlo, true); break;
    default: v.setInt32(o, vlo, true); v.setInt32(o + 4, vhi, true); break;
  }
}

/** After a store to a marked RAM page: forget its cached decodes, report a watched store. */
export function storeMarked(h: Hart, pa: number, size: number): void {
  const n = Math.floor((pa - h.ramBase) / 4096), m = h.code.marks[n]!;
  if (m & MARK_CODE) h.code.invalidateRamPage(n);
  if (m & MARK_WATCH && h.onWatchedStore !== undefined) h.onWatchedStore(pa, size);
  if (m & MARK_RESERVED) breakReservations(h, n, pa, size);
}

/**
 * A write to RAM made outside the harts' store path — the walker's A/D update, a device's DMA — does
 * what a store there does: drops cached decodes, breaks the reservations on the bytes (unprivileged
 * spec 14.2: also "a write from some other device").
 */
export function ramWritten(h: Hart, pa: number, size: number): void {
  for (const p of h.peers) if (p.resValid && pa < p.resAddr + 8 && pa + size > p.resAddr) p.resValid = false;
  const n = Math.floor((pa - h.ramBase) / 4096);
  if (n >= 0 && n < h.code.marks.length && h.code.marks[n] !== 0) storeMarked(h, pa, size);
}

/**
 * A store to RAM page n, where some hart may hold a reservation: another hart's reservation on the
 * stored bytes is lost (its SC then fails, unprivileged spec 14.2: the store "can be observed to have
 * occurred between the LR and SC"). The mark goes once no hart holds a reservation in the page.
 */
function breakReservations(h: Hart, n: number, pa: number, size: number): void {
  let held = false;
  for (const p of h.peers) {
    if (!p.resValid) continue;
    if (pa < p.resAddr + 8 && pa + size > p.resAddr) p.resValid = false;
    else if (Math.floor((p.resAddr - h.ramBase) / 4096) === n) held = true;
  }
  if (!held) h.code.marks[n] &= ~MARK_RESERVED;
}

/** A store outside the fast window (the caller has dropped an overlapped reservation): RAM beyond the first chunk, or the bus. */
export function storeOther(h: Hart, pa: number, size: number, vlo: number, vhi: number): void {
  const ram = h.bus.ram, o = pa - ram.base;
  if (o >= 0 && o + size <= ram.size) {
    storeView(ram.writeView(o), ram.inChunk(o), size, vlo, vhi);
    if (h.code.marks[Math.floor(o / 4096)] !== 0) storeMarked(h, pa, size);
    return;
  }
  h.bus.write(pa, size as AccessSize, BigInt.asUintN(size * 8, toBigU(vlo, vhi)));
}

function storeSplit(h: Hart, lo: number, hi: number, size: number, vlo: number, vhi: number): void {
  const pas: number[] = [];
  for (let i = 0; i < size; i++) pas.push(h.mmu.translate(addLo(lo, i), addHi(lo, hi, i), 1, STORE));
  for (let i = 0; i < size; i++) {
    const byte = i < 4 ? (vlo >>> (8 * i)) & 0xff : (vhi >>> (8 * (i - 4))) & 0xff;
    storePa(h, pas[i], 1, byte, 0);
  }
}
