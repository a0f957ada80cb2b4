// `info mem`: every valid leaf of the current table, merged where VA, PA, size and attributes
// continue, block mappings marked, in each paging mode; invalid PTEs and misaligned superpages skipped.

import { describe, expect, it } from 'vitest';
import { formatMappings, pageTableMappings } from '../../../emulator/debug/info-mem.js';
import { SV39, SV48, SV57 } from '../../../emulator/mmu/modes.js';
import { PTE_A, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W } from '../../../emulator/mmu/pte.js';
import { LEAF_RW, makeMmu, PageTables, RAM_BASE, RWX } from '../mmu/pt-builder.js';

const RAM = BigInt(RAM_BASE);

describe('info mem', () => {
  for (const mode of [SV39, SV48, SV57]) {
    it(`merges contiguous 4 KiB pages and marks blocks (${mode.name})`, () => {
      const { bus, mmu } = makeMmu();
      const pt = new PageTables(bus, mode);
      for (let i = 0n; i < 3n; i++) pt.map(0x4000_0000n + i * 4096n, RAM + 0x40_0000n + i * 4096n, LEAF_RW);
      pt.map(0x4000_4000n, RAM + 0x50_0000n, LEAF_RW); // not contiguous in PA: a new range
      pt.map(0x6000_0000n, RAM + 0x20_0000n, RWX, 1);
      pt.map(0x6020_0000n, RAM + 0x40_0000n, RWX, 1);
      pt.map(0x6040_0000n, RAM + 0x60_0000n, RWX | PTE_U, 1); // other attributes: a new range
      pt.map(0x6060_0000n, RAM + 0x70_0000n, RWX, 1); // misaligned superpage: never translates, not listed
      const high = BigInt.asUintN(64, -(1n << BigInt(mode.vaBits - 1)));
      pt.map(high, RAM, PTE_V | PTE_R | PTE_A | PTE_G, 0);
      mmu.setSatp(pt.satp());
      const { mappings } = pageTableMappings({ bus, mmu });
      const rows = mappings.map((m) => [m.va, m.pa, m.size, m.pageSize, m.pages]);
      expect(rows).toEqual([
        [0x4000_0000n, RAM + 0x40_0000n, 0x3000n, 4096, 3],
        [0x4000_4000n, RAM + 0x50_0000n, 0x1000n, 4096, 1],
        [0x6000_0000n, RAM + 0x20_0000n, 0x40_0000n, 0x20_0000, 2],
        [0x6040_0000n, RAM + 0x60_0000n, 0x20_0000n, 0x20_0000, 1],
        [high, RAM, 0x1000n, 4096, 1],
      ]);
      const text = formatMappings({ bus, mmu }, () => undefined).join('\n');
      expect(text).toContain(`${mode.name.replace('sv', 'Sv')} page table at 0x${pt.root.toString(16).padStart(16, '0')}`);
      expect(text).toMatch(/0x0000000060000000-0x00000000603fffff 0x0000000080200000     4 MiB  rwx--ad  2 MiB block x2/);
      expect(text).toMatch(/0x0000000040000000-0x0000000040002fff 0x0000000080400000    12 KiB  rw---ad  4 KiB pages x3/);
      expect(text).toMatch(/-0x[0-9a-f]{16} 0x0000000080000000     4 KiB  r---ga-  4 KiB page$/m);
    });
  }

  it('Bare has no table', () => {
    const { bus, mmu } = makeMmu();
    expect(formatMappings({ bus, mmu }, () => undefined)).toEqual(['satp.MODE is Bare: no page table (virtual = physical).']);
  });

  it('a reserved R=0 W=1 PTE and a pointer with U set are skipped', () => {
    const { bus, mmu } = makeMmu();
    const pt = new PageTables(bus, SV39);
    pt.writePte(pt.root + 8, (RAM >> 12n << 10n) | BigInt(PTE_V | PTE_W));
    pt.writePte(pt.root + 16, (RAM >> 12n << 10n) | BigInt(PTE_V | PTE_U));
    mmu.setSatp(pt.satp());
    expect(pageTableMappings({ bus, mmu }).mappings).toEqual([]);
  });
});
