// Booting what a Linux user brings, as QEMU's command line does: a raw RISC-V `Image` (recognised by
// its header; placed after the firmware at 0x80200000, or at the RAM base with --bios none), an
// initrd where QEMU 7.2 puts it (kernel start + min(RAM/2, 128 MiB)) with linux,initrd-start/-end
// in /chosen, and --append as /chosen/bootargs.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLinuxImage, linuxImage } from '../../../emulator/board/linux-image.js';
import { Virt } from '../../../emulator/board/virt.js';
import { readElf } from '../../../linker/elf/read.js';
import { buildElf } from '../../helpers/build-asm.js';
import { rvhart } from '../../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-linux-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A stand-in Image: the real header, then code that prints a line and powers off. */
function fakeImage(imageSize = 0x10_0000): Uint8Array {
  const src = `  .option norvc
  .globl _start
_start:
  j 1f
  .word 0
  .dword 0x200000
  .dword ${imageSize}
  .dword 0
  .word 2
  .word 0
  .dword 0
  .ascii "RISCV\\0\\0\\0"
  .ascii "RSC\\x05"
  .word 0
1:la a0, msg
  li a1, 0x10000000
2:lbu a2, 0(a0)
  beqz a2, 3f
  sb a2, 0(a1)
  addi a0, a0, 1
  j 2b
3:li a1, 0x100000
  li a2, 0x5555
  sw a2, 0(a1)
4:j 4b
msg: .asciz "image entered\\n"
`;
  const elf = readElf(buildElf(src, 'image.s'), 'image.elf');
  return elf.segments.find((s) => s.type === 1)!.data.slice();
}

function dtbOf(m: Virt): Uint8Array {
  return m.ram.readBytes(m.dtbAddr - m.ram.base, 0x1_0000);
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const be64 = (x: number): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(x)); return b; };

describe('Linux Image, initrd and command line', () => {
  it('recognises the header; places the Image at a 2 MiB-aligned base with image_size as its extent', () => {
    const img = fakeImage(0x30_0000);
    expect(isLinuxImage(img)).toBe(true);
    expect(isLinuxImage(img.slice(0, 40))).toBe(false);
    const b = linuxImage('Image', img, 0x8020_0000);
    expect(b.entry).toBe(0x8020_0000);
    expect(b.segments).toEqual([{ paddr: 0x8020_0000, data: img, memsz: 0x30_0000 }]);
    expect(() => linuxImage('Image', img, 0x8010_0000)).toThrow(/2 MiB-aligned/);
    expect(() => linuxImage('x', new Uint8Array(100), 0x8020_0000)).toThrow(/not a RISC-V Linux Image/);
  });

  it('the initrd goes where QEMU 7.2 puts it and /chosen names it; --append is /chosen/bootargs', () => {
    const initrd = new TextEncoder().encode('070701 an initramfs, for the test\n');
    for (const [mem, expected] of [[128 << 20, 0x8020_0000 + (64 << 20)], [1 << 30, 0x8020_0000 + (128 << 20)]] as const) {
      const m = new Virt({ mem, bootargs: 'console=ttyS0 rvhart=yes' });
      m.boot(linuxImage('Image', fakeImage(), 0x8020_0000), undefined, initrd);
      expect(m.ram.readBytes(expected - m.ram.base, initrd.length)).toEqual(initrd);
      const dtb = dtbOf(m);
      expect(contains(dtb, new TextEncoder().encode('console=ttyS0 rvhart=yes\0'))).toBe(true);
      expect(contains(dtb, new TextEncoder().encode('linux,initrd-start'))).toBe(true);
      expect(contains(dtb, be64(expected))).toBe(true);
      expect(contains(dtb, be64(expected + initrd.length))).toBe(true);
      expect(m.loaded.map((l) => l.name)).toContain('initrd');
    }
    const small = new Virt({ mem: 4 << 20 });
    expect(() => small.boot(linuxImage('Image', fakeImage(), 0x8000_0000), undefined, new Uint8Array(3 << 20))).toThrow(/initrd .* does not fit in RAM/);
  });

  it('rvhart boot --kernel Image (--bios none: at the RAM base) enters it; mistakes are one line', () => {
    const image = join(tmp, 'Image');
    writeFileSync(image, fakeImage());
    const initrd = join(tmp, 'initrd.cpio');
    writeFileSync(initrd, 'cpio');
    let r = rvhart(['boot', '--bios', 'none', '--kernel', image, '--initrd', initrd, '--append', 'console=ttyS0']);
    expect(r.stdout).toBe('image entered\n');
    expect(r.status).toBe(0);
    const cases: [string[], RegExp, number][] = [
      [['boot', '--initrd', initrd], /--initrd and --append go with a kernel/, 2],
      [['boot', '--kernel', image, image], /name the kernel once/, 2],
      [['boot', '--bios', 'none', '--kernel', image, '--initrd', join(tmp, 'none.cpio')], /--initrd .*none\.cpio: no such file/, 3],
      [['boot', '--bios', 'none', '--kernel', initrd], /initrd\.cpio: .*not an ELF file.*nor a RISC-V Linux Image/, 3],
    ];
    for (const [args, err, status] of cases) {
      r = rvhart(args);
      expect(r.stderr, args.join(' ')).toMatch(err);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.status, args.join(' ')).toBe(status);
    }
  });
});
