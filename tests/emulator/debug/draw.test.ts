// The drawings: structure checked against the inspector's own answers (info mem, translate, the TLB),
// on the bundled kernel's page tables (Sv39 and Sv48) once paging is on, and SVG snapshots of a
// page table built here (stable whatever the kernel does).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { Session } from '../../../emulator/debug/commands.js';
import { drawFrames } from '../../../emulator/debug/draw/frames.js';
import { drawPageTable } from '../../../emulator/debug/draw/page-table.js';
import { DRAWING_MARK } from '../../../emulator/debug/draw/svg.js';
import { drawTlb } from '../../../emulator/debug/draw/tlb.js';
import { attrText, pageTableMappings } from '../../../emulator/debug/info-mem.js';
import { readPageTable } from '../../../emulator/debug/page-table-tree.js';
import { Target } from '../../../emulator/debug/target.js';
import { translate } from '../../../emulator/debug/translate.js';
import { LOAD, PRV_S, STORE } from '../../../emulator/mmu/access.js';
import { SV39 } from '../../../emulator/mmu/modes.js';
import { PTE_U, PTE_V, PTE_X } from '../../../emulator/mmu/pte.js';
import { LEAF_RW, makeMmu, PageTables, RAM_BASE, RWX } from '../mmu/pt-builder.js';
import { symbolsOf } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'rvhart-draw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every `<g class="NAME" data-...>` of a drawing, as its data attributes. */
function groups(svg: string, cls: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<g class="${cls}"([^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/data-([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}

const built = new Map<string, ReturnType<typeof buildBundled>>();

/** The bundled kernel booted until it reaches lazy_demo (paging on, lazy pages not yet touched). */
async function kernelAt(satp: 'sv39' | 'sv48', symbol: string): Promise<{ machine: Virt; target: Target; describe: (a: bigint) => string | undefined; session: Session; out: () => string }> {
  const images = built.get(satp) ?? buildBundled({ satp, outDir: join(dir, satp) });
  built.set(satp, images);
  const machine = new Virt({ output: () => {} });
  machine.boot(loadImage(images.kernel), loadImage(images.firmware));
  const symbols = symbolsOf(new Uint8Array(readFileSync(images.kernel)), 'kernel.elf');
  const target = new Target(machine);
  target.pause = () => new Promise((r) => setImmediate(r));
  target.points.addBreakpoint(symbols.lookup(symbol)!.addr, symbol);
  expect((await target.resume()).kind).toBe('breakpoint');
  target.points.clear();
  let text = '';
  const written = new Map<string, string>();
  const session = new Session(target, symbols, { out: (t) => { text += t; }, writeDrawing: (f, c) => { written.set(f, c); return f.startsWith('/nope') ? `${f}: cannot write: no such file or directory` : undefined; } });
  return { machine, target, describe: (a) => symbols.describe(a), session, out: () => { const t = text; text = ''; return t + [...written.entries()].map(([f, c]) => `\n[${f}] ${c.length}`).join(''); } };
}

describe('draw on the bundled kernel', () => {
  for (const satp of ['sv39', 'sv48'] as const) {
    it(`page table (${satp}): every drawn leaf is what info mem lists, the high-alias 1 GiB block and the 2 MiB RAM blocks included`, async () => {
      const { machine } = await kernelAt(satp, 'lazy_demo');
      const svg = drawPageTable(machine);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(DRAWING_MARK);
      const drawn = groups(svg, 'leaf');
      const { mappings } = pageTableMappings(machine);
      expect(drawn.length).toBeGreaterThan(5);
      // The drawing merges runs inside a table, info mem across tables: compare what they cover.
      const total = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
      expect(total(drawn.map((g) => BigInt(g.size!)))).toBe(total(mappings.map((m) => m.size)));
      for (const g of drawn) {
        const va = BigInt(g.va!), pa = BigInt(g.pa!), size = BigInt(g.size!);
        const m = mappings.find((x) => va >= x.va && va + size <= x.va + x.size);
        expect(m, `drawn leaf at ${g.va}`).toBeDefined();
        expect(pa).toBe(m!.pa + (va - m!.va));
        expect(g.attr).toBe(attrText(m!.flags));
      }
      expect(svg).toMatch(/1 GiB block/);
      expect(svg).toMatch(/× 2 MiB blocks/);
      expect(svg).toContain('VA 0xffffffc000000000..');
      const tree = readPageTable(machine);
      expect(groups(svg, 'table').length).toBe(tree.tables);
      // The picture itself, kept: a change to the kernel's tables or to the drawing shows up here
      // (update with vitest -u after looking at it).
      await expect(svg).toMatchFileSnapshot(`__snapshots__/draw-pt-bundled-${satp}.svg`);
    });
  }

  it('a walk is drawn through the entries translate() reads, with its outcome in the caption', async () => {
    const { machine } = await kernelAt('sv39', 'lazy_demo');
    const svg = drawPageTable(machine, { walk: { va: 0x8020_0000n } });
    const r = translate(machine.mmu, 0x8020_0000n, LOAD, PRV_S);
    expect(r.steps.length).toBe(3);
    expect(svg.match(/class="walk-step"/g)?.length).toBe(3);
    expect(svg).toContain('walk 0x80200000');
    expect(svg).toContain('L2[2] → L1[1] → L0[0] ⇒ PA 0x80200000');
    // A walk that stops at an empty entry marks that folded run and names the fault.
    const miss = drawPageTable(machine, { walk: { va: 0x4000_0000_0n, access: STORE } });
    expect(miss).toMatch(/store-page-fault: PTE\.V=0 at level 2/);
    expect(miss.match(/class="walk-step"/g)?.length).toBe(1);
  });

  it('frames: the legend counts every frame once; page-table pages are the tree\'s; the images and the device tree are named', async () => {
    const { machine } = await kernelAt('sv39', 'lazy_demo');
    const svg = drawFrames(machine);
    const counts = [...svg.matchAll(/: (\d+) frames? \(/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(machine.ram.size / 4096);
    expect(svg).toMatch(/page-table page: \d+ frames?/);
    expect(svg).toMatch(/firmware\.elf: \d+ frames/);
    expect(svg).toMatch(/kernel-sv39\.elf: \d+ frames/);
    expect(svg).toMatch(/device tree: 16 frames/);
  });

  it('tlb: one box per valid entry', async () => {
    const { machine } = await kernelAt('sv39', 'lazy_demo');
    const svg = drawTlb(machine.mmu);
    const entries = machine.mmu.tlb.entries();
    expect(entries.length).toBeGreaterThan(3);
    expect(groups(svg, 'tlb-entry').length).toBe(entries.length);
    expect(svg).toContain(`TLB: ${entries.length} valid entries`);
  });

  it('the shell: draw pt|walk|frames|tlb [FILE], errors in one line', async () => {
    const { session, out } = await kernelAt('sv39', 'lazy_demo');
    await session.execute('draw pt');
    expect(out()).toMatch(/^Drew pt to rvhart-pt\.svg \(\d+ bytes of SVG\)\.\n\n\[rvhart-pt\.svg\] \d+$/);
    await session.execute('draw walk _start_kernel --access x walk.html');
    expect(out()).toMatch(/Drew walk to walk\.html/);
    await session.execute('draw frames f.svg');
    await session.execute('draw tlb');
    expect(out()).toContain('[rvhart-tlb.svg]');
    await session.execute('draw');
    expect(out()).toMatch(/^Usage: draw pt\|walk VA/);
    await session.execute('draw walk');
    expect(out()).toMatch(/^Usage: draw pt\|walk VA/);
    await session.execute('draw pt extra');
    expect(out()).toMatch(/^draw pt: unexpected "extra"/);
    await session.execute('draw pt /nope/x.svg');
    expect(out()).toMatch(/^\/nope\/x\.svg: cannot write: no such file or directory/);
  });
});

describe('draw snapshots (a page table built here)', () => {
  function machine(): ReturnType<typeof makeMmu> {
    const m = makeMmu({}, 8 << 20);
    const pt = new PageTables(m.bus, SV39);
    for (let i = 0; i < 6; i++) pt.map(0x4000_0000n + BigInt(i) * 0x1000n, BigInt(RAM_BASE) + 0x40_0000n + BigInt(i) * 0x1000n, i < 3 ? RWX : LEAF_RW);
    pt.map(0x4000_8000n, BigInt(RAM_BASE) + 0x50_0000n, PTE_V | PTE_X | PTE_U | 0xc0);
    pt.map(0x8000_0000n, BigInt(RAM_BASE), LEAF_RW, 1);
    pt.map(0xc000_0000n, BigInt(RAM_BASE) + 0x1000n, LEAF_RW, 1); // a misaligned superpage
    pt.map(0xffff_ffc0_0000_0000n, BigInt(RAM_BASE), RWX, 2);
    m.mmu.setSatp(pt.satp(3));
    return m;
  }

  it('draw pt', async () => {
    await expect(drawPageTable(machine())).toMatchFileSnapshot('__snapshots__/draw-pt-sv39.svg');
  });

  it('draw walk, a fetch as S of a U page', async () => {
    const m = machine();
    const svg = drawPageTable(m, { walk: { va: 0x4000_8010n, access: 0, priv: PRV_S } });
    expect(svg).toContain('instruction-page-fault: S-mode never executes from a U=1 page');
    await expect(svg).toMatchFileSnapshot('__snapshots__/draw-walk-sv39.svg');
  });
});
