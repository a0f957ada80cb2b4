// `draw pt` and `draw walk VA`: the page table under satp as a tree, root on the left. Each table page
// the walk can reach is a box of its entries (readPageTable: the walk's own reads and rules); runs of
// empty entries are folded; consecutive leaves with the same attributes and contiguous PAs are one
// box, taller for bigger pages and labelled with the page size, count, VA and PA ranges; a pointer is
// joined to the table it points at. A walk (debug translate(): the machine's own decision) is drawn
// as a thick red path through the entries it reads, with its outcome in the caption.

import { ACCESS_NAMES, LOAD, type AccessType } from '../../mmu/access.js';
import { pageSizeName } from '../../mmu/modes.js';
import { CAUSE_NAMES } from '../../isa/trap.js';
import { classRule, misalignedRule, PTE_LEAF, PTE_POINTER } from '../../mmu/walk.js';
import { hex, hex16, PRIV_WORDS } from '../format.js';
import { attrText } from '../info-mem.js';
import { readPageTable, type MemView, type PtEntry, type PtTable } from '../page-table-tree.js';
import { inspectedPrivilege, translate, type TranslationReport } from '../translate.js';
import { CHAR, group, legend, path, permFill, permStroke, rect, svgDocument, text, title } from './svg.js';

export interface DrawPageTableOptions {
  /** Default: the MMU's current satp. */
  satp?: bigint;
  /** Draw this walk's path (access default load, privilege default the hart's effective one). */
  walk?: { va: bigint; access?: AccessType; priv?: number };
  /** A symbol for an address, if any (`_start+16`). */
  describe?: (a: bigint) => string | undefined;
}

/** Tables drawn at most; the rest are named on their pointer. */
const MAX_TABLES = 400;
const TABLE_W = 560, GAP_X = 70, HEADER_H = 22, PAD = 16;
const RED = '#c00000';

type Row =
  | { kind: 'empty'; first: number; count: number }
  | { kind: 'leaf'; entries: PtEntry[] }
  | { kind: 'pointer'; entry: PtEntry }
  | { kind: 'fault'; entry: PtEntry };

/** Entries in index order with empty runs folded and mergeable leaves merged. */
function rowsOf(t: PtTable): Row[] {
  const rows: Row[] = [];
  let next = 0;
  for (const e of t.entries) {
    if (e.index > next) rows.push({ kind: 'empty', first: next, count: e.index - next });
    next = e.index + 1;
    const last = rows[rows.length - 1];
    if (e.cls === PTE_LEAF && !e.misaligned) {
      const prev = last?.kind === 'leaf' ? last.entries[last.entries.length - 1]! : undefined;
      if (prev && prev.index + 1 === e.index && prev.flags === e.flags && prev.napot === e.napot && prev.pa + prev.span === e.pa) (last as { entries: PtEntry[] }).entries.push(e);
      else rows.push({ kind: 'leaf', entries: [e] });
    } else if (e.cls === PTE_POINTER) rows.push({ kind: 'pointer', entry: e });
    else rows.push({ kind: 'fault', entry: e });
  }
  if (next < 512) rows.push({ kind: 'empty', first: next, count: 512 - next });
  return rows;
}

const rowHeight = (r: Row, level: number): number => (r.kind === 'empty' ? 18 : r.kind === 'leaf' ? 34 + 5 * level : 22);

export function drawPageTable(m: MemView, opts: DrawPageTableOptions = {}): string {
  const tree = readPageTable(m, opts.satp);
  const d = opts.describe ?? (() => undefined);
  const sym = (a: bigint): string => { const s = d(a); return s ? ` <${s}>` : ''; };
  // A table page is named only by a symbol of its own (idmap_pg_dir), not as an offset into another.
  const exact = (a: bigint): string => { const s = d(a); return s && !s.includes('+') ? ` <${s}>` : ''; };
  const access = opts.walk?.access ?? LOAD;
  const report: TranslationReport | undefined = opts.walk && translate(m.mmu, opts.walk.va, access, opts.walk.priv ?? inspectedPrivilege(m.mmu, access), { satp: tree.satp });
  const onPath = new Set(report?.steps.map((s) => Number(s.pteAddr)) ?? []);

  const captionLines: string[] = [];
  const satpText = `satp ${hex(tree.satp)}`;
  if (!tree.mode || !tree.root) captionLines.push(`${satpText}: satp.MODE = Bare, no page table (virtual = physical)`);
  else {
    captionLines.push(`${tree.mode.name.replace('sv', 'Sv')} page table, ${satpText} (root ${hex(tree.root.addr)}, ASID ${(tree.satp >> 44n) & 0xffffn}): ` +
      `${tree.tables} table page${tree.tables === 1 ? '' : 's'}${tree.truncated ? ' (stopped at the table budget)' : ''}`);
  }
  if (report) captionLines.push(walkCaption(report, sym));

  const body: string[] = [];
  const top = PAD + captionLines.length * 18 + 8;
  const leg = legend(PAD, top);
  body.push(leg.svg);
  const y0 = top + leg.height + 14;
  let drawn = 0, maxX = PAD + TABLE_W, maxY = y0;
  const cursor: number[] = [];

  const place = (t: PtTable, depth: number, wantY: number): { x: number; y: number } => {
    drawn++;
    const x = PAD + depth * (TABLE_W + GAP_X);
    const y = Math.max(cursor[depth] ?? y0, wantY);
    const rows = rowsOf(t);
    const parts: string[] = [];
    const height = HEADER_H + rows.reduce((h, r) => h + rowHeight(r, t.level), 0);
    cursor[depth] = y + height + 18;
    maxX = Math.max(maxX, x + TABLE_W); maxY = Math.max(maxY, y + height);
    const tableOnPath = report?.steps.some((s) => Number(s.table) === t.addr && s.level === t.level) ?? false;
    parts.push(rect({ x, y, width: TABLE_W, height, fill: 'white', stroke: tableOnPath ? RED : '#333', 'stroke-width': tableOnPath ? 3 : 1.5 }));
    parts.push(rect({ x, y, width: TABLE_W, height: HEADER_H, fill: '#444' }));
    parts.push(text(x + 8, y + 15, `level ${t.level} table @ ${hex(t.addr)}${exact(BigInt(t.addr))}`, { fill: 'white', 'font-weight': 'bold' }));
    let ry = y + HEADER_H;
    const children: [PtTable, number, { x: number; y: number }][] = [];
    for (const r of rows) {
      const h = rowHeight(r, t.level);
      const entries = r.kind === 'leaf' ? r.entries : r.kind === 'empty' ? [] : [r.entry];
      const pteAddrs = entries.map((e) => e.pteAddr);
      const hit = r.kind === 'empty'
        ? [...onPath].some((a) => a >= t.addr + r.first * 8 && a < t.addr + (r.first + r.count) * 8)
        : pteAddrs.some((a) => onPath.has(a));
      const mark = hit ? { stroke: RED, 'stroke-width': 3, class: 'walk-step' } : {};
      if (r.kind === 'empty') {
        parts.push(text(x + 10, ry + 13, `[${r.first}${r.count > 1 ? `..${r.first + r.count - 1}` : ''}] ⋯ ${r.count} empty (V=0)`, { fill: hit ? RED : '#777', 'font-style': 'italic' }));
        if (hit) parts.push(rect({ x: x + 2, y: ry + 1, width: TABLE_W - 4, height: h - 2, fill: 'none', ...mark }));
      } else if (r.kind === 'leaf') {
        const first = r.entries[0]!, last = r.entries[r.entries.length - 1]!, n = r.entries.length;
        const size = pageSizeName(Number(first.span));
        const vaEnd = last.va + last.span - 1n, paEnd = last.pa + last.span - 1n;
        parts.push(group({ class: 'leaf', 'data-va': hex(first.va), 'data-pa': hex(first.pa), 'data-size': String(first.span * BigInt(n)), 'data-attr': attrText(first.flags) }, [
          title(`${n} × ${size}: VA ${hex16(first.va)}..${hex16(vaEnd)} → PA ${hex16(first.pa)}..${hex16(paEnd)}, ${attrText(first.flags)}, PTE @ ${hex(first.pteAddr)}`),
          rect({ x: x + 4, y: ry + 2, width: TABLE_W - 8, height: h - 4, fill: permFill(first.flags), ...permStroke(first.flags), ...mark }),
          text(x + 10, ry + 16, `[${first.index}${n > 1 ? `..${last.index}` : ''}] ${n > 1 ? `${n} × ` : ''}${size} ${t.level > 0 ? 'block' : 'page'}${n > 1 ? 's' : ''}${first.napot ? ' (Svnapot 64 KiB runs)' : ''}   ${attrText(first.flags)}${sym(first.va)}`, { 'font-weight': 'bold' }),
          text(x + 10, ry + 30, `VA ${hex(first.va)}..${hex(vaEnd)} → PA ${hex(first.pa)}${n > 1 || first.span > 4096n ? `..${hex(paEnd)}` : ''}`),
        ]));
      } else if (r.kind === 'pointer') {
        const e = r.entry;
        parts.push(rect({ x: x + 4, y: ry + 2, width: TABLE_W - 8, height: h - 4, fill: '#f4f4f4', stroke: '#999', ...mark }));
        parts.push(text(x + 10, ry + 15, `[${e.index}] VA ${hex(e.va)}..${hex(e.va + e.span - 1n)} → table @ ${hex(e.pa)}${e.child ? '' : ' (not read: budget)'}`));
        if (e.child) children.push([e.child, ry + h / 2, { x: x + TABLE_W, y: ry + h / 2 }]);
      } else {
        const e = r.entry;
        parts.push(rect({ x: x + 4, y: ry + 2, width: TABLE_W - 8, height: h - 4, fill: 'white', stroke: RED, 'stroke-dasharray': '3 3', ...mark }));
        parts.push(text(x + 10, ry + 15, `[${e.index}] PTE ${hex16(e.pte)}: page fault (${e.misaligned ? misalignedRule(t.level) : classRule(e.cls, t.level)[1]})`, { fill: RED }));
      }
      ry += h;
    }
    body.push(group({ class: 'table', 'data-addr': hex(t.addr), 'data-level': String(t.level) }, parts));
    for (const [child, wantChildY, from] of children) {
      if (drawn >= MAX_TABLES) {
        body.push(text(from.x + 8, from.y + 4, `(table not drawn: ${MAX_TABLES} drawn)`, { fill: '#777' }));
        continue;
      }
      const to = place(child, depth + 1, wantChildY - HEADER_H / 2);
      const childOnPath = report?.steps.some((s) => Number(s.table) === child.addr && s.level === child.level) ?? false;
      const ex = to.x, ey = to.y + HEADER_H / 2, mx = (from.x + ex) / 2;
      body.push(path({ d: `M${from.x},${from.y} C${mx},${from.y} ${mx},${ey} ${ex},${ey}`, fill: 'none', stroke: childOnPath ? RED : '#555', 'stroke-width': childOnPath ? 3 : 1.2 }));
    }
    return { x, y };
  };
  if (tree.root) place(tree.root, 0, y0);

  const caption = captionLines.map((l, i) => text(PAD, PAD + 12 + i * 18, l, { 'font-weight': i === 0 ? 'bold' : undefined, fill: i > 0 ? RED : undefined }));
  const width = Math.max(maxX + PAD, PAD * 2 + Math.max(...captionLines.map((l) => l.length)) * CHAR, 1040);
  return svgDocument(width, maxY + PAD, [...caption, ...body], captionLines[0]!);
}

function walkCaption(r: TranslationReport, sym: (a: bigint) => string): string {
  const who = `${ACCESS_NAMES[r.access]} as ${PRIV_WORDS[r.priv]}`;
  const path = r.steps.map((s) => `L${s.level}[${s.vpn}]`).join(' → ');
  const head = `walk ${hex(r.va)}${sym(r.va)} (${who})${path ? `: ${path}` : ''}`;
  if (r.fault) return `${head} ⇒ ${CAUSE_NAMES[r.fault.cause] ?? r.fault.cause}: ${r.fault.rule}`;
  const x = r.result!;
  return `${head} ⇒ PA ${hex(x.pa)}${sym(x.pa)}${r.steps.length ? ` (${x.pageSizeName} page)` : ' (no translation)'}${x.setsAD ? `, sets ${x.setsAD}` : ''}`;
}
