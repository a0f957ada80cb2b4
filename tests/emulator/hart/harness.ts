// A hart on a bare bus (RAM at 0x80000000, the real MMU in Bare mode), programmed with instructions
// encoded through the ISA table. For unit tests that drive the hart directly, below the board.

import { Bus } from '../../../emulator/board/bus.js';
import { Ram } from '../../../emulator/board/ram.js';
import { Mmu } from '../../../emulator/mmu/mmu.js';
import { Hart } from '../../../emulator/hart/hart.js';
import { BY_MNEMONIC } from '../../../emulator/isa/table.js';
import { encode } from '../../../emulator/isa/encode.js';
import type { FieldName } from '../../../emulator/isa/fields.js';

export const RAM_BASE = 0x8000_0000;
/** mtvec and stvec of a fresh test hart: a `j .` loop. */
export const TRAP_VECTOR = RAM_BASE + 0xf000;

export function enc(mnemonic: string, fields: Partial<Record<FieldName, number>> = {}): number {
  const def = BY_MNEMONIC.get(mnemonic);
  if (!def) throw new Error(`no ${mnemonic}`);
  return encode(def, fields);
}

export interface TestHart {
  hart: Hart;
  bus: Bus;
  mmu: Mmu;
  /** mtime the clock reports. */
  time: { now: bigint };
  /** Writes instruction words (32-bit, or 16-bit when < 0x10000 and low bits ≠ 3) from `at`. */
  load(words: number[], at?: number): void;
  run(n: number): void;
}

export function makeHart(opts: { mem?: number; pmpEntries?: 0 | 16 | 64 } = {}): TestHart {
  const ram = new Ram(RAM_BASE, opts.mem ?? 0x10_0000);
  const bus = new Bus(ram, 0x1000, 0x1000);
  const mmu = new Mmu(bus, { pmpEntries: opts.pmpEntries ?? 16 });
  const time = { now: 0n };
  const hart = new Hart({ bus, mmu, clock: { mtime: () => time.now } });
  hart.pc = RAM_BASE;
  // A trap vector that spins in place, so a trap ends the test's instruction stream predictably.
  ram.view.setUint32(TRAP_VECTOR - RAM_BASE, enc('jal', { rd: 0, jimm21: 0 }), true);
  hart.mtvec = BigInt(TRAP_VECTOR);
  hart.stvec = BigInt(TRAP_VECTOR);
  return {
    hart, bus, mmu, time,
    load(words, at = RAM_BASE) {
      let a = at;
      for (const w of words) {
        if ((w & 3) !== 3) { ram.view.setUint16(a - RAM_BASE, w, true); a += 2; } else { ram.view.setUint32(a - RAM_BASE, w >>> 0, true); a += 4; }
      }
    },
    run(n) { hart.run(n); },
  };
}

/** Runs `words` from RAM_BASE with registers preset; returns the hart after `words.length` instructions. */
export function exec(words: number[], regs: Record<number, bigint> = {}, steps = words.length): Hart {
  const t = makeHart();
  t.load(words);
  for (const [r, v] of Object.entries(regs)) t.hart.setReg(Number(r), v);
  t.run(steps);
  return t.hart;
}
