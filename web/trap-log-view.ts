// The trap log as a table, newest first: cause, tval, epc (with symbols), and from which privilege
// to which (M: the firmware handled it; S: the kernel). A page fault's tval can be clicked to walk it.

import { trapName } from '../emulator/debug/catch.js';
import { hex, PRIV_NAMES } from '../emulator/debug/format.js';
import type { Describe } from '../emulator/debug/views.js';
import { el } from './dom.js';
import type { TrapLog } from './trap-log.js';

const SHOWN = 100;
/** Instruction, load and store/AMO page faults. */
const PAGE_FAULTS = new Set([12, 13, 15]);

export function renderTrapLog(table: HTMLTableElement, summary: HTMLElement, log: TrapLog, describe: Describe): void {
  const entries = log.recent();
  summary.textContent = `${log.total} trap${log.total === 1 ? '' : 's'} taken${log.total > SHOWN ? `; the last ${SHOWN} shown, newest first` : ''}`;
  const withSym = (a: bigint): string => { const s = describe(a); return s ? `${hex(a)} <${s}>` : hex(a); };
  const rows = entries.slice(-SHOWN).reverse().map((e) => el('tr', {},
    el('td', {}, String(e.n)),
    el('td', {}, String(e.retired)),
    el('td', {}, `${trapName(e.cause, e.interrupt)} (${e.interrupt ? 'irq' : 'cause'} ${e.cause})`),
    el('td', {}, `${PRIV_NAMES[e.fromPriv]} → ${e.toPriv === undefined ? '?' : PRIV_NAMES[e.toPriv]}`),
    el('td', {}, withSym(e.epc)),
    // A page fault's tval is the VA that faulted: click it to see its walk.
    PAGE_FAULTS.has(e.cause) && !e.interrupt ? el('td', { 'data-va': hex(e.tval), class: 'clickable', title: 'walk this VA' }, withSym(e.tval)) : el('td', {}, withSym(e.tval)),
  ));
  const head = el('tr', {}, ...['#', 'at insn', 'cause', 'from → handled in', 'epc', 'tval'].map((h) => el('th', {}, h)));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}
