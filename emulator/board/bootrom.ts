// The reset vector at 0x1000, laid out as QEMU's virt machine lays it out (hw/riscv/boot.c,
// riscv_setup_rom_reset_vec), so firmware that relies on its register contract runs unmodified:
//   a0 = mhartid, a1 = DTB address, a2 = &fw_dynamic_info, then jump to the entry.
// The instructions are encoded through the ISA table; the data words follow the code.

import { BY_MNEMONIC } from '../isa/table.js';
import { encode } from '../isa/encode.js';
import { CSR_NUMBERS, registerNumber } from '../isa/csrs.js';
import type { FieldName } from '../isa/fields.js';

/** The boot ROM's physical base and the size of its region on the bus. */
export const BOOTROM_BASE = 0x1000;
export const BOOTROM_SIZE = 0x1000;
/** Bytes of the reset vector at BOOTROM_BASE: 6 instructions, 2 doublewords, fw_dynamic_info (6 doublewords). */
export const BOOTROM_VECTOR_SIZE = 6 * 4 + 2 * 8 + 6 * 8;

/** OpenSBI's fw_dynamic_info (include/sbi/fw_dynamic.h): magic "OSBI", version 2, next mode S. */
const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn;
const FW_DYNAMIC_INFO_VERSION = 2n;
const FW_DYNAMIC_INFO_NEXT_MODE_S = 1n;

export interface BootRomOptions {
  /** Where the reset vector jumps: the firmware (0x80000000) or, with `--bios none`, the image's entry. */
  readonly entry: number;
  /** Physical address of the device tree blob, passed in a1. */
  readonly dtbAddr: number;
  /** fw_dynamic_info.next_addr: the kernel's entry when firmware and kernel are both loaded (QEMU: 0 without -kernel). */
  readonly nextAddr?: number;
}

function reg(name: string): number {
  const n = registerNumber(name);
  if (n === undefined) throw new Error(`bootrom: unknown register ${name}`);
  return n;
}

function insn(mnemonic: string, fields: Partial<Record<FieldName, number>>): number {
  const def = BY_MNEMONIC.get(mnemonic);
  if (!def) throw new Error(`bootrom: ${mnemonic} is not in the ISA table`);
  return encode(def, fields);
}

/** The reset vector image: 6 instructions, two doublewords (entry, DTB), then fw_dynamic_info. */
export function bootRomImage(opts: BootRomOptions): Uint8Array {
  const t0 = reg('t0'), a0 = reg('a0'), a1 = reg('a1'), a2 = reg('a2');
  const CODE_BYTES = 6 * 4;
  const ENTRY_OFF = CODE_BYTES;       // start: .dword entry
  const DTB_OFF = ENTRY_OFF + 8;      // fdt_laddr: .dword dtbAddr
  const FW_DYN_OFF = DTB_OFF + 8;     // fw_dyn: struct fw_dynamic_info
  const code = [
    insn('auipc', { rd: t0, uimm20: 0 }),                             // t0 = 0x1000
    insn('addi', { rd: a2, rs1: t0, imm12: FW_DYN_OFF }),             // a2 = &fw_dynamic_info
    insn('csrrs', { rd: a0, csr: CSR_NUMBERS.mhartid, rs1: 0 }),      // a0 = mhartid
    insn('ld', { rd: a1, rs1: t0, imm12: DTB_OFF }),                  // a1 = DTB address
    insn('ld', { rd: t0, rs1: t0, imm12: ENTRY_OFF }),                // t0 = entry
    insn('jalr', { rd: 0, rs1: t0, imm12: 0 }),                       // jr t0
  ];
  const fwDyn = [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, BigInt(opts.nextAddr ?? 0),
    FW_DYNAMIC_INFO_NEXT_MODE_S, 0n /* options */, 0n /* boot_hart */];
  const image = new Uint8Array(FW_DYN_OFF + fwDyn.length * 8);
  const view = new DataView(image.buffer);
  code.forEach((w, k) => view.setUint32(k * 4, w, true));
  view.setBigUint64(ENTRY_OFF, BigInt(opts.entry), true);
  view.setBigUint64(DTB_OFF, BigInt(opts.dtbAddr), true);
  fwDyn.forEach((v, k) => view.setBigUint64(FW_DYN_OFF + k * 8, v, true));
  return image;
}
