// One line per instruction for `--trace`: privilege, pc, raw bits, disassembly, and what it wrote
// (an x or f register, fflags, memory, or the trap it took). Tracing single-steps the hart, so it is slow by design
// and costs nothing when off.

import { FETCH } from '../mmu/access.js';
import { ABI_NAMES, FP_ABI_NAMES } from '../isa/csrs.js';
import { disassemble } from '../isa/disasm.js';
import { CAUSE_NAMES, INTERRUPT_NAMES } from '../isa/trap.js';
import type { Hart } from './hart.js';

const PRIV = ['U', 'S', '?', 'M'];
const hex = (v: bigint, w = 0): string => `0x${v.toString(16).padStart(w, '0')}`;

/** Fetches the instruction at pc without disturbing architectural state (undefined if it would fault). */
function peekBits(h: Hart): number | undefined {
  try {
    const lo = h.pcLo, hi = h.pcHi;
    const pa = h.mmu.translate(lo, hi, 2, FETCH);
    const low = Number(h.bus.read(pa, 2));
    if ((low & 3) !== 3) return low;
    if ((lo & 0xfff) === 0xffe) {
      const pa2 = h.mmu.translate((lo + 2) | 0, hi, 2, FETCH);
      return (low | (Number(h.bus.read(pa2, 2)) << 16)) >>> 0;
    }
    return Number(h.bus.read(pa, 4));
  } catch {
    return undefined;
  }
}

/**
 * Runs one instruction and describes it. `step` runs the machine for one instruction (so devices
 * are serviced as usual); returns the line, or undefined if nothing ran. With several harts each
 * line starts with the hart's name (`named`).
 */
export function traceStep(h: Hart, step: () => void, named = false): string {
  const priv = PRIV[h.priv], pc = h.pcBig(), bits = peekBits(h);
  const before = Array.from({ length: 32 }, (_, n) => h.reg(n));
  const fBefore = h.fpu.f.slice(), flagsBefore = h.fpu.fflags;
  const writes: string[] = [];
  let trap = '';
  h.storeObserver = (lo, hi, size, value) => {
    const va = BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
    writes.push(`mem[${hex(va)}]=${hex(value, size * 2)}`);
  };
  const prevTrap = h.onTrap;
  let more = 0;
  h.onTrap = (cause, interrupt, tval, epc) => {
    if (trap !== '') { more++; return; }
    trap = ` trap ${interrupt ? INTERRUPT_NAMES[cause] ?? cause : CAUSE_NAMES[cause] ?? cause}` +
      ` epc=${hex(epc)} tval=${hex(BigInt.asUintN(64, tval))}`;
    prevTrap?.(cause, interrupt, tval, epc);
  };
  try {
    step();
  } finally {
    h.storeObserver = undefined;
    h.onTrap = prevTrap;
  }
  const f = h.fpu.f;
  if (h.fpu.fflags !== flagsBefore) writes.unshift(`fflags=${hex(BigInt(h.fpu.fflags))}`);
  for (let n = 31; n >= 0; n--) {
    if (f[2 * n] === fBefore[2 * n] && f[2 * n + 1] === fBefore[2 * n + 1]) continue;
    const v = (BigInt(f[2 * n + 1]! >>> 0) << 32n) | BigInt(f[2 * n]! >>> 0);
    writes.unshift(`${FP_ABI_NAMES[n]}=${hex(v, 16)}`);
  }
  for (let n = 1; n < 32; n++) {
    const v = h.reg(n);
    if (v !== before[n]) writes.unshift(`${ABI_NAMES[n]}=${hex(BigInt.asUintN(64, v))}`);
  }
  const raw = bits === undefined ? '????????' : ((bits & 3) === 3 ? bits.toString(16).padStart(8, '0') : bits.toString(16).padStart(4, '0').padStart(8, ' '));
  const text = bits === undefined ? '(fetch fault)' : disassemble(bits, pc).text.replace('\t', ' ');
  if (more > 0) trap += ` (+${more} more traps)`;
  return `${named ? `hart${h.hartid} ` : ''}${priv} ${hex(pc, 16)} ${raw} ${text.padEnd(32)} ${writes.join(' ')}${trap}`.trimEnd();
}
