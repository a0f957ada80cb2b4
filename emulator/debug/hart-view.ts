// One hart of the machine as the debugger's views see it: the hart, its own MMU (satp, TLB, PMP:
// each hart has its own) and the shared bus, plus what boot placed (for `draw frames`). The shell
// and the GDB stub build it for the selected hart, so `walk`, `info tlb`, `x` and the registers
// all speak of that hart; the machine itself is such a view of hart 0.

import type { Virt } from '../board/virt.js';
import type { Hart } from '../hart/hart.js';
import type { Mmu } from '../mmu/mmu.js';
import type { FramesView } from './draw/frames.js';
import { PRIV_NAMES } from './format.js';

export interface HartView extends FramesView {
  readonly hart: Hart;
}

/** Hart h's MMU as the debugger reads it (the board's typed list; the hart holds it by the narrower port it calls). */
export function mmuOf(m: Virt, h: Hart): Mmu {
  const mmu = m.mmus[h.hartid];
  if (mmu === undefined) throw new RangeError(`hart ${h.hartid} is not one of this machine's`);
  return mmu;
}

export function hartView(m: Virt, i: number): HartView {
  const hart = m.harts[i];
  if (!hart) throw new RangeError(`no hart ${i}: the machine has ${m.harts.length}`);
  return { hart, mmu: mmuOf(m, hart), bus: m.bus, loaded: m.loaded };
}

/** What a hart is doing: whether it waits in WFI, or runs. */
export const hartActivity = (h: Hart): 'WFI' | 'running' => (h.waiting ? 'WFI' : 'running');

/** A hart's mode and activity as the shell and GDB's thread list say it: `S-mode, WFI`; with `quietRunning`, a running one is just `S-mode`. */
export function hartState(h: Hart, quietRunning = false): string {
  const a = hartActivity(h);
  return `${PRIV_NAMES[h.priv]}-mode${quietRunning && a === 'running' ? '' : `, ${a}`}`;
}
