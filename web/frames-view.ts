// The physical frame map: RAM as a strip of 4 KiB frames, coloured by what they hold (the loaded
// images and the device tree, page-table pages, pages mapped by the current table).

import type { Virt } from '../emulator/board/virt.js';
import type { BootImage } from '../emulator/board/virt.js';
import type { DebugMemory } from '../emulator/debug/memory.js';
import { drawings, type LoadedRegion } from './drawings.js';
import { showSvg } from './svg-pane.js';

/** What boot() placed in RAM: each image's segments, and the device tree (its header's totalsize). */
export function loadedRegions(m: Virt, mem: DebugMemory, images: readonly (BootImage | undefined)[]): LoadedRegion[] {
  const out: LoadedRegion[] = [];
  for (const img of images) {
    if (!img) continue;
    const name = img.name.split('/').pop() ?? img.name;
    for (const s of img.segments) out.push({ name, base: s.paddr, size: s.memsz });
  }
  const size = mem.read(BigInt(m.dtbAddr) + 4n, 4, true);
  if (size instanceof Uint8Array) out.push({ name: 'device tree', base: m.dtbAddr, size: new DataView(size.buffer).getUint32(0) });
  return out;
}

export function renderFrames(picture: HTMLElement, m: Virt, loaded: readonly LoadedRegion[]): void {
  showSvg(picture, drawings?.frames(m, loaded));
}
