// `draw tlb`: the TLB's valid entries, one box each, grouped by the level of the leaf they were made
// from (4 KiB, 2 MiB, 1 GiB, ...), each labelled with its VA and PA ranges, ASID or G, and the
// leaf's attributes, coloured as the page-table drawing colours leaves.

import type { Mmu } from '../../mmu/mmu.js';
import { pageSizeName } from '../../mmu/modes.js';
import { PTE_G } from '../../mmu/pte.js';
import { entryPages, TLB_SETS } from '../../mmu/tlb.js';
import { hex } from '../format.js';
import { attrText } from '../info-mem.js';
import { group, legend, permFill, permStroke, rect, svgDocument, text } from './svg.js';

const W = 1000, ROW_H = 20, PAD = 16;

export function drawTlb(mmu: Mmu): string {
  const entries = mmu.tlb.entries().sort((a, b) => a.level - b.level || a.vpn - b.vpn || a.asid - b.asid);
  const s = mmu.stats;
  const caption = `TLB: ${entries.length} valid entries of ${TLB_SETS} per level; hits ${s.hits}, misses ${s.misses}, walks ${s.walks}`;
  const body = [text(PAD, PAD + 12, caption, { 'font-weight': 'bold' })];
  const leg = legend(PAD, PAD + 24);
  body.push(leg.svg);
  let y = PAD + 24 + leg.height + 12;
  const bits = mmu.mode?.vaBits ?? 64;
  let level = -1;
  for (const e of entries) {
    if (e.level !== level) {
      level = e.level;
      const n = entries.filter((x) => x.level === level).length;
      body.push(text(PAD, y + 14, `${pageSizeName(2 ** (12 + 9 * level))} entries (leaves at level ${level}): ${n}`, { 'font-weight': 'bold' }));
      y += ROW_H + 4;
    }
    const span = entryPages(e), size = BigInt(4096 * span);
    const va = BigInt.asUintN(64, BigInt.asIntN(bits, BigInt(e.vpn) << 12n));
    const pa = BigInt(e.ppn - (e.ppn % span)) << 12n;
    body.push(group({ class: 'tlb-entry', 'data-va': hex(va), 'data-pa': hex(pa), 'data-level': String(e.level) }, [
      rect({ x: PAD, y, width: W, height: ROW_H - 3, fill: permFill(e.flags), ...permStroke(e.flags) }),
      text(PAD + 8, y + 13, `VA ${hex(va)}..${hex(va + size - 1n)} → PA ${hex(pa)}..${hex(pa + size - 1n)}   ` +
        `${e.flags & PTE_G ? 'global' : `ASID ${e.asid}`}   ${attrText(e.flags)}${e.napot ? '   Svnapot 64 KiB run' : ''}`),
    ]));
    y += ROW_H;
  }
  if (entries.length === 0) { body.push(text(PAD, y + 14, '(empty)', { fill: '#777' })); y += ROW_H; }
  return svgDocument(W + PAD * 2, y + PAD, body, caption);
}
