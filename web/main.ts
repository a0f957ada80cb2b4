// Entry point: fetches the bundled firmware and kernel built next to the page (rvhart web), boots
// them and runs (URL parameters: ?satp=sv48 boots the Sv48 build; ?paused starts at the reset vector;
// ?bootargs=fault-storm=20000 sets the kernel's command line, here a storm of page faults to watch);
// an ELF dropped on the page or opened with the button boots instead (with the bundled firmware
// when it fits beside it, alone in M-mode from the boot ROM otherwise, as `rvhart boot --bios none`).

import type { BootImage } from '../emulator/board/virt.js';
import { App } from './app.js';
import type { Images } from './debugger.js';
import { byId } from './dom.js';
import { loadElf, type LoadedImage } from './images.js';

const app = new App();
let firmware: LoadedImage | undefined;

async function fetchElf(url: string): Promise<LoadedImage> {
  // A page opened from file:// may not fetch what lies beside it.
  const r = await fetch(url).catch(() => { throw new Error(`cannot fetch ${url}: open the page through rvhart web --serve (or drop an ELF here)`); });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} (build the page with npm run web)`);
  return loadElf(new Uint8Array(await r.arrayBuffer()), url);
}

function overlaps(a: BootImage, b: BootImage): boolean {
  return a.segments.some((s) => b.segments.some((t) => s.paddr < t.paddr + t.memsz && t.paddr < s.paddr + s.memsz));
}

function fail(e: unknown): void {
  const status = byId('status');
  status.dataset.state = 'error';
  status.textContent = e instanceof Error ? e.message : String(e);
}

async function openFile(file: File): Promise<void> {
  try {
    const k = loadElf(new Uint8Array(await file.arrayBuffer()), file.name);
    const withFw = firmware !== undefined && !overlaps(k.image, firmware.image);
    const images: Images = withFw && firmware
      ? { kernel: k.image, firmware: firmware.image, symbols: [...firmware.symbols, ...k.symbols] }
      : { kernel: k.image, firmware: undefined, symbols: k.symbols };
    // The URL's bootargs are for the bundled kernel; a program of one's own starts with none.
    app.boot(images, true, undefined);
  } catch (e) { fail(e); }
}

byId<HTMLInputElement>('file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) void openFile(f);
});
document.addEventListener('dragover', (ev) => { ev.preventDefault(); document.body.classList.add('dragging'); });
document.addEventListener('dragleave', (ev) => { if (ev.relatedTarget === null) document.body.classList.remove('dragging'); });
document.addEventListener('drop', (ev) => {
  ev.preventDefault();
  document.body.classList.remove('dragging');
  const f = ev.dataTransfer?.files[0];
  if (f) void openFile(f);
});

/** Boots the bundled kernel chosen by the URL. */
async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const satp = params.get('satp') === 'sv48' ? 'sv48' : 'sv39';
  const kernelSelect = byId<HTMLSelectElement>('kernel');
  kernelSelect.value = satp;
  // Another paging mode is another kernel build: reload with it.
  kernelSelect.addEventListener('change', () => { params.set('satp', kernelSelect.value); location.search = params.toString(); });
  const [fw, kernel] = await Promise.all([fetchElf('firmware.elf'), fetchElf(`kernel-${satp}.elf`)]);
  firmware = fw;
  app.boot({ kernel: kernel.image, firmware: fw.image, symbols: [...fw.symbols, ...kernel.symbols] }, !params.has('paused'), params.get('bootargs') ?? undefined);
}

start().catch(fail);
