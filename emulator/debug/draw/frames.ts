// `draw frames`: physical memory as a strip of 4 KiB frames, row after row from the RAM base. Each
// frame is coloured by what it is: a loaded image or the device tree (what boot() placed), a page of
// the current page table (readPageTable: the tables the walk can reach), a frame mapped by a 4 KiB
// leaf (kernel or user: what a kernel allocates page by page), a frame reached only through a block
// mapping, or none of these.

import type { Bus } from '../../board/bus.js';
import type { Mmu } from '../../mmu/mmu.js';
import { PTE_U } from '../../mmu/pte.js';
import { hex, sizeText } from '../format.js';
import { leaves, readPageTable, type PtTable } from '../page-table-tree.js';
import { group, rect, svgDocument, text, title } from './svg.js';

export interface FramesView {
  readonly bus: Bus;
  readonly mmu: Mmu;
  /** Regions boot() placed (images, device tree), named. */
  readonly loaded?: readonly { readonly name: string; readonly base: number; readonly size: number }[];
}

const NONE = 0, BLOCK = 1, KERNEL_PAGE = 2, USER_PAGE = 3, PAGE_TABLE = 4, FIRST_REGION = 5;
const CLASS_STYLE: readonly { label: string; fill: string }[] = [
  { label: 'not mapped by this page table', fill: '#ffffff' },
  { label: 'reached only through a block mapping', fill: '#e8e8e8' },
  { label: 'mapped by a 4 KiB kernel page (U=0)', fill: '#7fb3ff' },
  { label: 'mapped by a 4 KiB user page (U=1)', fill: '#5cc26b' },
  { label: 'page-table page', fill: '#e0453a' },
];
/** Fills of the loaded regions, in order (firmware, kernel, device tree, ...). */
const REGION_FILLS = ['#f2b84b', '#b38de0', '#40c4c4', '#c9a27e', '#ff9ecf'];

const ROW_W = 1024, ROW_H = 14, LABEL_W = 110, PAD = 16;

function baseName(p: string): string { return p.split(/[\\/]/).pop() ?? p; }

export function drawFrames(m: FramesView, satp = m.mmu.getSatp()): string {
  const ram = m.bus.ram, frames = Math.floor(ram.size / 4096);
  const cls = new Uint8Array(frames);
  const frameOf = (pa: number): number => Math.floor((pa - ram.base) / 4096);
  const mark = (pa: number, bytes: number, c: number): void => {
    const from = Math.max(0, frameOf(pa)), to = Math.min(frames, frameOf(pa + bytes - 1) + 1);
    for (let f = from; f < to; f++) if (c > cls[f]!) cls[f] = c;
  };
  const tree = readPageTable(m, satp);
  for (const e of leaves(tree.root)) {
    if (e.pa >= BigInt(ram.end) || e.pa + e.span <= BigInt(ram.base)) continue;
    mark(Number(e.pa), Number(e.span), e.level > 0 ? BLOCK : e.flags & PTE_U ? USER_PAGE : KERNEL_PAGE);
  }
  const tables = (t: PtTable | undefined): void => {
    if (!t) return;
    mark(t.addr, 4096, PAGE_TABLE);
    for (const e of t.entries) tables(e.child);
  };
  tables(tree.root);
  const regions = m.loaded ?? [];
  regions.forEach((r, i) => mark(r.base, r.size, FIRST_REGION + i));

  const styles = [...CLASS_STYLE, ...regions.map((r, i) => ({ label: baseName(r.name), fill: REGION_FILLS[i % REGION_FILLS.length]! }))];
  const counts = new Array<number>(styles.length).fill(0);
  for (let f = 0; f < frames; f++) counts[cls[f]!]!++;

  // As many frames per row as keep the strip at most 128 rows: 1 px per frame up to 512 MiB of RAM.
  const perRow = Math.max(ROW_W, 2 ** Math.ceil(Math.log2(frames / 128)));
  const perPx = perRow / ROW_W, rows = Math.ceil(frames / perRow);
  const body: string[] = [];
  const caption = `Physical memory: RAM ${hex(ram.base)}..${hex(ram.end - 1)}, ${frames} frames of 4 KiB, ${perRow} frames per row` +
    (tree.mode ? ` (page table of satp ${hex(satp)})` : ' (satp.MODE = Bare: no page table)');
  body.push(text(PAD, PAD + 12, caption, { 'font-weight': 'bold' }));
  let y = PAD + 28;
  // Legend: colour, what, how much.
  styles.forEach((s, i) => {
    if (counts[i] === 0 && i !== NONE) return;
    body.push(rect({ x: PAD, y, width: 14, height: 12, fill: s.fill, stroke: '#333' }));
    body.push(text(PAD + 22, y + 10, `${s.label}: ${counts[i]} frame${counts[i] === 1 ? '' : 's'} (${sizeText(counts[i]! * 4096)})`));
    y += 17;
  });
  y += 8;
  for (let r = 0; r < rows; r++) {
    const first = r * perRow, last = Math.min(frames, first + perRow);
    const parts = [text(PAD, y + 11, hex(ram.base + first * 4096), { fill: '#555' })];
    parts.push(rect({ x: PAD + LABEL_W, y, width: (last - first) / perPx, height: ROW_H, fill: CLASS_STYLE[NONE]!.fill, stroke: '#999', 'stroke-width': 0.5 }));
    for (let f = first; f < last;) {
      const c = cls[f]!;
      let g = f + 1;
      while (g < last && cls[g] === c) g++;
      if (c !== NONE) {
        parts.push(group({}, [
          title(`${hex(ram.base + f * 4096)}..${hex(ram.base + g * 4096 - 1)}: ${styles[c]!.label} (${g - f} frame${g - f === 1 ? '' : 's'})`),
          rect({ x: PAD + LABEL_W + (f - first) / perPx, y, width: (g - f) / perPx, height: ROW_H, fill: styles[c]!.fill }),
        ]));
      }
      f = g;
    }
    body.push(group({ class: 'row' }, parts));
    y += ROW_H + 3;
  }
  return svgDocument(PAD * 2 + LABEL_W + ROW_W, y + PAD, body, caption);
}
