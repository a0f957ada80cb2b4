// Loading images as QEMU 7.2 loads them (hw/core/loader.c: every PT_LOAD segment is a ROM blob that
// rom_reset writes with address_space_write_rom, which writes RAM and ROM and skips anything else):
// bytes of a segment outside RAM and the boot ROM are dropped; a segment with none inside is
// refused (QEMU would start the guest on zeros); fw_dynamic_info.next_addr is QEMU's.

import { describe, expect, it } from 'vitest';
import { Virt, type BootImage } from '../../../emulator/board/virt.js';

const RAM = 0x8000_0000, MiB = 1 << 20;

function image(name: string, segments: { paddr: number; bytes: number[]; memsz?: number }[], entry = RAM): BootImage {
  return {
    name, entry, symbols: new Map(),
    segments: segments.map((s) => ({ paddr: s.paddr, data: Uint8Array.from(s.bytes), memsz: s.memsz ?? s.bytes.length })),
  };
}
const NEXT_ADDR = 0x1038;

describe('virt boot: segments', () => {
  it('drops the bytes before RAM (the ELF headers GNU ld puts below -Ttext=0x80000000) and loads the rest', () => {
    const m = new Virt({ mem: MiB });
    const bytes = Array.from({ length: 0x1010 }, (_, i) => (i * 3 + 1) & 0xff);
    m.boot(image('gcc.elf', [{ paddr: RAM - 0x1000, bytes }]));
    expect([...m.ram.readBytes(0, 0x10)]).toEqual(bytes.slice(0x1000));
    expect(m.ram.view.getUint8(0x10)).toBe(0);
  });

  it('drops the bytes past the end of RAM; the memsz tail is zeroed inside RAM', () => {
    const m = new Virt({ mem: MiB });
    m.ram.view.setUint32(MiB - 8, 0xffffffff, true); // stale bytes the tail must clear
    m.boot(image('end.elf', [{ paddr: RAM + MiB - 16, bytes: [1, 2, 3, 4], memsz: 64 }]));
    expect([...m.ram.readBytes(MiB - 16, 16)]).toEqual([1, 2, 3, 4, ...Array(12).fill(0)]);
  });

  it('loads bytes that land in the boot ROM past its reset vector; refuses a segment over the reset vector', () => {
    const m = new Virt({ mem: MiB });
    m.boot(image('rom.elf', [{ paddr: 0x1800, bytes: [0xaa, 0xbb] }, { paddr: RAM, bytes: [0x6f, 0, 0, 0] }]));
    expect(m.bus.read(0x1800, 2)).toBe(0xbbaan);
    expect(() => new Virt({ mem: MiB }).boot(image('vec.elf', [{ paddr: 0x1040, bytes: [1] }])))
      .toThrow(/vec\.elf: segment at 0x1040 \(0x1 bytes\) overlaps the boot ROM's reset vector at 0x1000\.\.0x1058/);
  });

  it('refuses a segment with no byte in RAM or ROM, naming it (QEMU would load nothing of it)', () => {
    expect(() => new Virt({ mem: MiB }).boot(image('low.elf', [{ paddr: 0x10000, bytes: [1, 2, 3] }])))
      .toThrow(/^low\.elf: segment at 0x10000 \(0x3 bytes\) is outside RAM 0x80000000\.\.0x80100000 and the boot ROM: nothing of it would load \(link it for RAM at 0x80000000, as rvhart build does without -T\)$/);
    expect(() => new Virt({ mem: MiB }).boot(image('high.elf', [{ paddr: RAM + MiB, bytes: [], memsz: 8 }])))
      .toThrow(/high\.elf: segment at 0x80100000 .*outside RAM/);
  });
});

describe('virt boot: fw_dynamic_info.next_addr (boot ROM 0x1038), as QEMU 7.2 writes it', () => {
  const nextAddr = (m: Virt) => m.bus.read(NEXT_ADDR, 8);
  it('--bios none: the kernel\'s lowest load address (QEMU: riscv_load_kernel returns it)', () => {
    const m = new Virt({ mem: MiB });
    m.boot(image('k.elf', [{ paddr: RAM, bytes: [0x6f, 0, 0, 0] }]));
    expect(nextAddr(m)).toBe(0x8000_0000n);
    const g = new Virt({ mem: MiB });
    g.boot(image('gcc.elf', [{ paddr: RAM - 0x1000, bytes: Array(0x1004).fill(0) }, { paddr: RAM + 0x2000, bytes: [1] }], RAM + 0x10));
    expect(nextAddr(g)).toBe(0x7fff_f000n);
  });
  it('no kernel: 0; firmware and kernel: the kernel\'s entry (the firmware jumps there)', () => {
    const none = new Virt({ mem: MiB });
    none.boot(undefined);
    expect(nextAddr(none)).toBe(0n);
    const fw = new Virt({ mem: 4 * MiB });
    fw.boot(image('k.elf', [{ paddr: RAM + 0x20_0000, bytes: [0x6f, 0, 0, 0, 0x6f, 0, 0, 0] }], RAM + 0x20_0004), image('fw.elf', [{ paddr: RAM, bytes: [0x6f, 0, 0, 0] }]));
    expect(nextAddr(fw)).toBe(0x8020_0004n);
  });
});
