// The pictures the page shows are the debugger's own drawings (emulator/debug/draw: `rvhart debug`'s
// `draw pt|walk|frames|tlb` draw the same SVG), gathered behind one small interface so the views
// do not care where they come from.

import type { Virt } from '../emulator/board/virt.js';
import { drawFrames } from '../emulator/debug/draw/frames.js';
import { drawPageTable } from '../emulator/debug/draw/page-table.js';
import { drawTlb } from '../emulator/debug/draw/tlb.js';
import type { Describe } from '../emulator/debug/views.js';

export interface LoadedRegion { readonly name: string; readonly base: number; readonly size: number }

export interface Drawings {
  /** The page table under the current satp; with `walk`, that walk's path drawn through it. */
  pageTable(m: Virt, walk: bigint | undefined, describe: Describe): string;
  frames(m: Virt, loaded: readonly LoadedRegion[]): string;
  tlb(m: Virt): string;
}

export const drawings: Drawings | undefined = {
  pageTable: (m, walk, describe) => drawPageTable(m, { walk: walk === undefined ? undefined : { va: walk }, describe }),
  frames: (m, loaded) => drawFrames({ bus: m.bus, mmu: m.mmu, loaded }),
  tlb: (m) => drawTlb(m.mmu),
};
