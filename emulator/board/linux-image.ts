// A raw RISC-V Linux `Image` (arch/riscv/boot/Image; Documentation/riscv/boot-image-header.rst): a
// 64-byte header — code0/code1, text_offset, image_size, flags, version, the magic "RISCV\0\0\0" at
// 48 (deprecated) and "RSC\x05" at 56 — then the kernel, to be copied to a 2 MiB-aligned address and
// entered at its first byte. QEMU loads it raw (after the firmware, or at the RAM base with -bios
// none); image_size, when larger than the file, is the memory the kernel occupies (its bss).

import type { BootImage } from './virt.js';

const HEADER = 64;
const MAGIC = [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0]; // "RISCV\0\0\0"
const MAGIC2 = [0x52, 0x53, 0x43, 0x05];               // "RSC\x05"

const at = (b: Uint8Array, off: number, bytes: readonly number[]): boolean => bytes.every((x, i) => b[off + i] === x);

/** Whether the bytes start with a RISC-V Linux Image header. */
export function isLinuxImage(b: Uint8Array): boolean {
  return b.length >= HEADER && (at(b, 56, MAGIC2) || at(b, 48, MAGIC));
}

/** The Image as a boot image placed at `base` (entered at its first byte, as QEMU enters it). */
export function linuxImage(name: string, b: Uint8Array, base: number): BootImage {
  if (!isLinuxImage(b)) throw new RangeError(`${name}: not a RISC-V Linux Image (no "RSC\\x05" magic at offset 56)`);
  if (base % (2 << 20)) throw new RangeError(`${name}: a Linux Image goes at a 2 MiB-aligned address, not 0x${base.toString(16)}`);
  const v = new DataView(b.buffer, b.byteOffset, HEADER);
  const imageSize = Number(v.getBigUint64(16, true));
  return { name, entry: base, segments: [{ paddr: base, data: b, memsz: Math.max(b.length, imageSize) }], symbols: new Map() };
}
