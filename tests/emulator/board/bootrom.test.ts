import { describe, expect, it } from 'vitest';
import { bootRomImage } from '../../../emulator/board/bootrom.js';
import { decode } from '../../../emulator/isa/decode.js';
import { CSR_NUMBERS, registerNumber } from '../../../emulator/isa/csrs.js';

const r = (n: string) => registerNumber(n)!;

describe('boot ROM (QEMU virt reset vector layout)', () => {
  const img = bootRomImage({ entry: 0x8000_0000, dtbAddr: 0x87e0_0000, nextAddr: 0x8020_0000 });
  const view = new DataView(img.buffer);
  const insn = (k: number) => decode(view.getUint32(k * 4, true))!;

  it('has the same words as QEMU 7.2 riscv_setup_rom_reset_vec for RV64', () => {
    const words = [0, 1, 2, 3, 4, 5].map((k) => view.getUint32(k * 4, true));
    expect(words).toEqual([0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067]);
  });

  it('sets a2 = &fw_dyn, a0 = mhartid, a1 = DTB, then jumps to the entry', () => {
    expect(insn(0).def.mnemonic).toBe('auipc');
    expect(insn(0).rd).toBe(r('t0'));
    expect(insn(1).def.mnemonic).toBe('addi');
    expect([insn(1).rd, insn(1).rs1, insn(1).imm]).toEqual([r('a2'), r('t0'), 40]);
    expect(insn(2).def.mnemonic).toBe('csrrs');
    expect([insn(2).rd, insn(2).csr]).toEqual([r('a0'), CSR_NUMBERS.mhartid]);
    expect(insn(3).def.mnemonic).toBe('ld');
    expect([insn(3).rd, insn(3).rs1]).toEqual([r('a1'), r('t0')]);
    expect(view.getBigUint64(Number(insn(3).imm), true)).toBe(0x87e0_0000n);
    expect(insn(4).def.mnemonic).toBe('ld');
    expect(view.getBigUint64(Number(insn(4).imm), true)).toBe(0x8000_0000n);
    expect(insn(5).def.mnemonic).toBe('jalr');
    expect([insn(5).rd, insn(5).rs1, insn(5).imm]).toEqual([0, r('t0'), 0]);
  });

  it('carries OpenSBI fw_dynamic_info v2 at a2', () => {
    const fw = 40;
    const u64 = (k: number) => view.getBigUint64(fw + 8 * k, true);
    expect(u64(0)).toBe(0x4942534fn); // "OSBI"
    expect(u64(1)).toBe(2n);
    expect(u64(2)).toBe(0x8020_0000n); // next_addr
    expect(u64(3)).toBe(1n); // next_mode S
    expect(u64(4)).toBe(0n);
    expect(u64(5)).toBe(0n);
    expect(img.length).toBe(fw + 48);
  });
});
