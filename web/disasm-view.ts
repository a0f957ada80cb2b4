// The instructions around pc, with symbols: the shell's own `disas ADDR N` (read through the
// current translation, as the hart fetches) run by a session whose output is captured. It starts at
// the enclosing function when that is near, so compressed instructions decode from a real boundary.

import { Session } from '../emulator/debug/commands.js';
import type { SymbolTable } from '../emulator/debug/symbols.js';
import type { Target } from '../emulator/debug/target.js';

const BEFORE = 8, AFTER = 14;
/** Farther into a function than this, decoding starts at pc (no lines before it). */
const NEAR = 0x200n;

export class DisasmView {
  private text = '';
  private readonly session: Session;

  constructor(private readonly pane: HTMLElement, private readonly target: Target, private readonly symbols: SymbolTable) {
    this.session = new Session(target, symbols, { out: (t) => { this.text += t; } });
  }

  async render(): Promise<void> {
    const pc = this.target.hart.pcBig();
    const f = this.symbols.find(pc);
    const start = f && f.offset <= NEAR ? f.sym.addr : pc;
    const count = Number((pc - start) / 2n) + AFTER + 1;
    this.text = '';
    await this.session.execute(`disas 0x${start.toString(16)} ${count}`);
    const lines = this.text.split('\n').filter((l) => l !== '' && !l.startsWith('Dump of') && !l.startsWith('End of'));
    const at = lines.findIndex((l) => l.startsWith('=>'));
    const shown = at < 0 ? lines.slice(0, AFTER) : lines.slice(Math.max(0, at - BEFORE), at + AFTER);
    this.pane.replaceChildren(...shown.map((l) => {
      const d = document.createElement('div');
      d.textContent = l.replace('\t', '  ');
      if (l.startsWith('=>')) d.className = 'current';
      return d;
    }));
  }
}
