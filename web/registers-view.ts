// Registers and the CSRs that describe traps and translation, as `info registers` and `info csr`
// print them (views.ts: regLine's fields); a line that changed since the last redraw is marked.

import { formatCsrs, formatRegisters, type Describe } from '../emulator/debug/views.js';
import type { Virt } from '../emulator/board/virt.js';

/** The CSRs a person watching traps and page tables reads first; `info csr` in the shell lists all. */
const CSRS = ['satp', 'mstatus', 'stvec', 'sepc', 'scause', 'stval', 'mtvec', 'mepc', 'mcause', 'mtval', 'medeleg', 'mideleg', 'mie', 'mip', 'sie', 'sip'];

export class RegistersView {
  private previous = new Set<string>();

  constructor(private readonly regs: HTMLElement, private readonly csrs: HTMLElement) {}

  render(m: Virt, describe: Describe): void {
    const seen = new Set<string>();
    this.fill(this.regs, formatRegisters(m, describe), seen);
    const csr = CSRS.flatMap((n) => { const r = formatCsrs(m, n); return typeof r === 'string' ? [] : r; });
    this.fill(this.csrs, csr, seen);
    this.previous = seen;
  }

  /** One row per line, its three fields (regLine's: name, hex, natural value) in cells, so the
   *  columns can be narrower than regLine's padding; the whole line is the row's tooltip. */
  private fill(pane: HTMLElement, lines: string[], seen: Set<string>): void {
    const first = this.previous.size === 0;
    pane.replaceChildren(...lines.map((l) => {
      seen.add(l);
      const row = document.createElement('div');
      row.className = first || this.previous.has(l) ? 'reg' : 'reg changed';
      row.title = l;
      const name = l.slice(0, 15).trim(), value = l.slice(15, 34).trim(), natural = l.slice(34).trim();
      // A pointer's natural value repeats the hex before its symbol: the symbol alone says it.
      for (const field of [name, value, natural.startsWith(value + ' ') ? natural.slice(value.length + 1) : natural]) {
        const cell = document.createElement('span');
        cell.textContent = field;
        row.append(cell);
      }
      return row;
    }));
  }
}
