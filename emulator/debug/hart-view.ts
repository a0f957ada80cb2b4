// One hart of the machine as the debugger's views see it: the hart, its own MMU (satp, TLB, PMP:
// each hart has its own) and the shared bus, plus what boot placed (for `draw frames`). The shell
// and the GDB stub build it for the selected hart, so `walk`, `info tlb`, `x` and the registers
// all speak of that hart; the machine itself is such a view of hart 0.

import type { Virt } from '../board/virt.js';
import type { Hart } from '../hart/hart.js';
import { Mmu } from '../mmu/mmu.js';
import type { FramesView } from './draw/frames.js';

export interface HartView extends FramesView {
  readonly hart: Hart;
}

/** Hart h's MMU as the debugger reads it (the hart holds it by the narrower interface it calls). */
export function mmuOf(h: Hart): Mmu {
  if (!(h.mmu instanceof Mmu)) throw new TypeError(`hart ${h.hartid}: its MMU is not emulator/mmu's Mmu`);
  return h.mmu;
}

export function hartView(m: Virt, i: number): HartView {
  const hart = m.harts[i];
  if (!hart) throw new RangeError(`no hart ${i}: the machine has ${m.harts.length}`);
  return { hart, mmu: mmuOf(hart), bus: m.bus, loaded: m.loaded };
}
