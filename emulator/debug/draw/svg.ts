// A few SVG primitives for the drawings, and the one palette: a leaf's colour comes from its R/W/X
// bits, and every box also says its permissions in letters (and U pages are outlined dashed, global
// ones thick), so a drawing printed in black and white loses nothing.

import { PTE_G, PTE_R, PTE_U, PTE_W, PTE_X } from '../../mmu/pte.js';

/** Marks a file as a drawing of ours (the CLI overwrites only such files). */
export const DRAWING_MARK = '<!-- drawn by rvhart -->';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(String(v))}"`).join('');
}

export const rect = (a: Attrs): string => `<rect${attrs(a)}/>`;
export const line = (a: Attrs): string => `<line${attrs(a)}/>`;
export const path = (a: Attrs): string => `<path${attrs(a)}/>`;
export const text = (x: number, y: number, s: string, a: Attrs = {}): string => `<text${attrs({ x, y, ...a })}>${esc(s)}</text>`;
export const group = (a: Attrs, body: string[]): string => `<g${attrs(a)}>${body.join('')}</g>`;
export const title = (s: string): string => `<title>${esc(s)}</title>`;

export const FONT = 'ui-monospace, Menlo, Consolas, monospace';
/** Width of one character of the 12 px monospace font, for layout. */
export const CHAR = 7.2;

/** A whole SVG document. */
export function svgDocument(width: number, height: number, body: string[], caption: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" ` +
    `viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="${FONT}" font-size="12">\n${DRAWING_MARK}\n` +
    `${title(caption)}\n${rect({ width: '100%', height: '100%', fill: 'white' })}\n${body.join('\n')}\n</svg>\n`;
}

/** The SVG inside a page of its own (`draw pt FILE.html`). */
export function htmlDocument(svg: string, caption: string): string {
  return `<!DOCTYPE html>\n${DRAWING_MARK}\n<html><head><meta charset="utf-8"><title>${esc(caption)}</title>` +
    `<style>body{margin:16px;font-family:${FONT}}</style></head><body>\n${svg}</body></html>\n`;
}

/** Fill colour of a leaf by its R/W/X bits. */
export function permFill(flags: number): string {
  const rwx = flags & (PTE_R | PTE_W | PTE_X);
  switch (rwx) {
    case PTE_R | PTE_X: return '#cfe0ff';         // text: blue
    case PTE_R | PTE_W: return '#d3f0d0';         // data: green
    case PTE_R: return '#fff1b8';                 // read-only: yellow
    case PTE_R | PTE_W | PTE_X: return '#ffd6cc'; // everything: red
    case PTE_X: return '#e6d9f7';                 // execute-only: purple
    default: return '#eeeeee';
  }
}

/** Outline of a leaf: dashed for U pages, thick for global ones. */
export function permStroke(flags: number): Attrs {
  return { stroke: '#333', 'stroke-width': flags & PTE_G ? 2 : 1, 'stroke-dasharray': flags & PTE_U ? '4 2' : undefined };
}

/** The legend, drawn at (x, y); returns its SVG and height. */
export function legend(x: number, y: number): { svg: string; height: number } {
  const items: [number, string][] = [
    [PTE_R | PTE_X, 'r-x  text'], [PTE_R | PTE_W, 'rw-  data'], [PTE_R, 'r--  read-only'],
    [PTE_R | PTE_W | PTE_X, 'rwx  all'], [PTE_X, '--x  execute-only'],
  ];
  const parts = items.map(([f, label], i) => group({}, [
    rect({ x: x + i * 150, y, width: 14, height: 14, fill: permFill(f), ...permStroke(f) }),
    text(x + i * 150 + 20, y + 11, label),
  ]));
  parts.push(rect({ x: x + 750, y, width: 14, height: 14, fill: 'white', ...permStroke(PTE_U) }), text(x + 770, y + 11, 'dashed: U=1'));
  parts.push(rect({ x: x + 880, y, width: 14, height: 14, fill: 'white', ...permStroke(PTE_G) }), text(x + 900, y + 11, 'thick: G=1'));
  return { svg: group({ class: 'legend' }, parts), height: 22 };
}
