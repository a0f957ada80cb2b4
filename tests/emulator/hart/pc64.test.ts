// The pc is exact at all 64 bits: code in Sv57's upper half (above 2^53 in magnitude, where a JS
// number cannot hold every address) runs, links, jumps, traps and returns with the exact pc.

import { describe, expect, it } from 'vitest';
import { RAM_BASE, Virt } from '../../../emulator/board/virt.js';
import { SV57 } from '../../../emulator/mmu/modes.js';
import { PTE_A, PTE_D, PTE_R, PTE_V, PTE_X } from '../../../emulator/mmu/pte.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { readElf } from '../../../linker/elf/read.js';
import { buildElf } from '../../helpers/build-asm.js';
import { PageTables } from '../mmu/pt-builder.js';

/** A canonical Sv57 upper-half address far above 2^53: 0xff00_0000_1234_5000. */
const HIGH = 0xff00_0000_1234_5000n;
const CODE_PA = 0x8010_0000;

describe('a 64-bit pc', () => {
  it('runs S-mode code at 0xff00000012345000 (Sv57): auipc, jal, jalr, a page crossing, ecall and sret are exact', () => {
    const elf = readElf(buildElf(`
  .option norvc
  .globl _start
_start:
  la t0, mhandler
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, satp_value
  ld t0, 0(t0)
  csrw satp, t0
  li t0, 0x800            # MPP = S
  csrs mstatus, t0
  la t0, entry_va
  ld t0, 0(t0)
  csrw mepc, t0
  mret
  .align 2
mhandler:
  csrr s1, mepc           # the ecall's exact pc
  csrr s2, mcause
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b

  # Copied to the high page by the test (never run here).
  .globl high_code
high_code:
  auipc a0, 0             # a0 = HIGH
  jal ra, 2f              # ra = HIGH + 8
2:
  addi t1, a0, 0x7f8
  addi t1, t1, 0x7fc
  addi t1, t1, 8          # t1 = HIGH + 0xffc, the page's last word
  jalr a1, 0(t1)          # a1 = HIGH + 0x18

  .align 3
satp_value: .dword 0
entry_va: .dword 0
`, 'pc64.s'), 'pc64.elf');
    const m = new Virt({ mem: 16 << 20, satpModes: ['bare', 'sv39', 'sv48', 'sv57'] });
    m.boot(bootImage(elf));
    const sym = (n: string): number => Number(elf.symbols.find((s) => s.name === n)!.value);
    const view = m.ram.view, at = (pa: number): number => pa - RAM_BASE;
    // The high page's code: high_code's six words at CODE_PA, `addi a2, zero, 7` at the page's last
    // word, and `ecall` at the start of the next page.
    const src = sym('high_code');
    for (let i = 0; i < 24; i += 4) view.setUint32(at(CODE_PA) + i, view.getUint32(at(src) + i, true), true);
    view.setUint32(at(CODE_PA) + 0xffc, 0x00700613, true); // addi a2, zero, 7
    view.setUint32(at(CODE_PA) + 0x1000, 0x00000073, true); // ecall (on the next page)
    const pt = new PageTables(m.bus, SV57, RAM_BASE + 0x40_0000);
    const leaf = PTE_V | PTE_R | PTE_X | PTE_A | PTE_D;
    pt.map(HIGH, BigInt(CODE_PA), leaf);
    pt.map(HIGH + 0x1000n, BigInt(CODE_PA + 0x1000), leaf);
    view.setBigUint64(at(sym('satp_value')), pt.satp(0), true);
    view.setBigUint64(at(sym('entry_va')), HIGH, true);

    const r = m.run(10_000);
    expect(r.kind).toBe('exit');
    const x = (n: number): bigint => BigInt.asUintN(64, m.hart.reg(n));
    expect(x(10)).toBe(HIGH);          // a0: auipc
    expect(x(1)).toBe(HIGH + 8n);      // ra: jal's link
    expect(x(11)).toBe(HIGH + 0x18n);  // a1: jalr's link
    expect(x(12)).toBe(7n);            // a2: the instruction at the page's end ran
    expect(x(9)).toBe(HIGH + 0x1000n); // s1: mepc of the ecall on the next page, exact
    expect(x(18)).toBe(9n);            // s2: ecall from S
  });
});
