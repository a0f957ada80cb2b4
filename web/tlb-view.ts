// The TLB: the drawing and `info tlb`'s lines.

import type { Virt } from '../emulator/board/virt.js';
import { formatTlb } from '../emulator/debug/views.js';
import { drawings } from './drawings.js';
import { showSvg } from './svg-pane.js';

export function renderTlb(picture: HTMLElement, textPane: HTMLElement, m: Virt): void {
  showSvg(picture, drawings?.tlb(m));
  textPane.textContent = formatTlb(m).join('\n');
}
