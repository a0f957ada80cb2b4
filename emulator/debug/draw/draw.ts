// The drawings by name, for the shell's `draw` and the CLI's `rvhart draw`: one dispatcher, so both
// draw the same thing from the same words.

import type { AccessType } from '../../mmu/access.js';
import { drawFrames, type FramesView } from './frames.js';
import { drawPageTable } from './page-table.js';
import { htmlDocument } from './svg.js';
import { drawTlb } from './tlb.js';

export const DRAWINGS = ['pt', 'walk', 'frames', 'tlb'] as const;
export type DrawingKind = (typeof DRAWINGS)[number];

export interface DrawRequest {
  kind: DrawingKind;
  /** For `walk`: the VA and, optionally, the access and privilege. */
  walk?: { va: bigint; access?: AccessType; priv?: number };
  describe?: (a: bigint) => string | undefined;
}

/** The SVG of a drawing of the machine as it is now, as one hart sees it (its satp and TLB). */
export function drawing(m: FramesView, r: DrawRequest): string {
  switch (r.kind) {
    case 'pt': return drawPageTable(m, { describe: r.describe });
    case 'walk': return drawPageTable(m, { describe: r.describe, walk: r.walk });
    case 'frames': return drawFrames(m);
    case 'tlb': return drawTlb(m.mmu);
  }
}

/** The file's contents for a drawing: the SVG, or a page holding it when FILE ends in .html. */
export function drawingFile(svg: string, file: string, caption: string): string {
  return /\.html?$/i.test(file) ? htmlDocument(svg, caption) : svg;
}

/** The default file of a drawing: rvhart-pt.svg, rvhart-walk.svg, ... */
export const defaultDrawingFile = (kind: DrawingKind): string => `rvhart-${kind}.svg`;
