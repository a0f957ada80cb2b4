// The page table of the current satp: the drawing with the selected walk's path through it, the
// walk itself level by level (`walk VA`), and every mapping (`info mem`). Clicking a leaf in the
// drawing or a mapping line walks its first VA; a VA or symbol can be typed.

import type { Virt } from '../emulator/board/virt.js';
import { formatMappings } from '../emulator/debug/info-mem.js';
import { formatWalk, type Describe } from '../emulator/debug/views.js';
import { drawings } from './drawings.js';
import { parseAddress } from './dom.js';
import { showSvg } from './svg-pane.js';

export class PageTableView {
  /** The VA whose walk is shown. */
  walkVa: bigint;

  /** `others`: more panes whose [data-va] elements select a walk (the TLB, the trap log). */
  constructor(private readonly panes: { picture: HTMLElement; walk: HTMLElement; mappings: HTMLElement; input: HTMLInputElement; error: HTMLElement; others: HTMLElement[] },
    defaultVa: bigint, private readonly lookup: (name: string) => bigint | undefined, private readonly redraw: () => void) {
    this.walkVa = defaultVa;
    panes.input.value = '0x' + defaultVa.toString(16);
    panes.input.addEventListener('change', () => {
      const va = parseAddress(panes.input.value, lookup);
      panes.error.textContent = va === undefined ? `"${panes.input.value}" is not an address or a symbol` : '';
      if (va !== undefined) this.select(va);
    });
    const onClick = (ev: Event): void => {
      const hit = (ev.target as Element).closest('[data-va]');
      const va = hit?.getAttribute('data-va');
      if (va) this.select(BigInt(va));
    };
    panes.picture.addEventListener('click', onClick);
    panes.mappings.addEventListener('click', onClick);
    for (const other of panes.others) other.addEventListener('click', onClick);
  }

  select(va: bigint): void {
    this.walkVa = va;
    this.panes.input.value = '0x' + va.toString(16);
    this.redraw();
  }

  render(m: Virt, describe: Describe): void {
    showSvg(this.panes.picture, drawings?.pageTable(m, this.walkVa, describe));
    this.panes.walk.textContent = formatWalk(m, { va: this.walkVa }, describe).join('\n');
    // Mapping lines start with their first VA: each becomes a clickable line.
    this.panes.mappings.replaceChildren(...formatMappings(m, describe).map((l) => {
      const d = document.createElement('div');
      d.textContent = l;
      const va = /^(0x[0-9a-f]{16})-/.exec(l)?.[1];
      if (va) { d.dataset.va = va; d.className = 'clickable'; }
      return d;
    }));
  }
}
