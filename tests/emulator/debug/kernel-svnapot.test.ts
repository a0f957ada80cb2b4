// The bundled kernel's contiguous mappings seen from outside, as a user sees them with --svnapot:
// its identity map has 64 KiB runs of 16 Svnapot PTEs; `info mem` names them, `walk` reads one as a
// NAPOT run, and the hart caches a run as one TLB entry, not sixteen.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { formatMappings, pageTableMappings } from '../../../emulator/debug/info-mem.js';
import { Target } from '../../../emulator/debug/target.js';
import { formatWalk } from '../../../emulator/debug/views.js';
import { LOAD } from '../../../emulator/mmu/access.js';
import { symbolsOf } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'rvhart-svnapot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled kernel with --svnapot', () => {
  it('maps RAM with 64 KiB runs; info mem and walk name them; one TLB entry per run', async () => {
    const images = buildBundled({ satp: 'sv39', outDir: dir });
    const machine = new Virt({ svnapot: true });
    machine.boot(loadImage(images.kernel), loadImage(images.firmware));
    const symbols = symbolsOf(new Uint8Array(readFileSync(images.kernel)), 'kernel.elf');
    const target = new Target(machine);
    target.pause = () => new Promise((r) => setImmediate(r));
    target.points.addBreakpoint(symbols.lookup('lazy_demo')!.addr, 'lazy_demo');
    expect((await target.resume()).kind).toBe('breakpoint');

    const runs = pageTableMappings(machine).mappings.filter((m) => m.napot);
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.size % 0x1_0000n).toBe(0n);
      expect(r.va % 0x1_0000n).toBe(0n);
    }
    expect(formatMappings(machine, () => undefined).join('\n')).toContain('(Svnapot 64 KiB)');
    const ram = runs.find((r) => r.pa >= 0x8000_0000n)!;
    const va = ram.va + 0x3008n;
    expect(formatWalk(machine, { va }, () => undefined).join('\n')).toMatch(/leaf, 64 KiB NAPOT run \(Svnapot\)[^]*\(64 KiB \(Svnapot\) page, level 0\)/);

    // The hart's own loads over the 16 pages of that run (as the kernel, in S-mode): one walk, one
    // TLB entry standing for the whole run.
    machine.mmu.sfence(null, null);
    const walks = machine.mmu.stats.walks;
    for (let j = 0n; j < 16n; j++) {
      const v = ram.va + j * 0x1000n;
      expect(machine.mmu.translate(Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0, 8, LOAD)).toBe(Number(ram.pa + j * 0x1000n));
    }
    expect(machine.mmu.stats.walks - walks).toBe(1);
    expect(machine.mmu.tlb.entries()).toEqual([expect.objectContaining({ napot: true, vpn: Number(ram.va >> 12n) })]);
  });
});
