// The PLIC gateway on a whole board, with the program QEMU agrees with (qemu-programs/uart-thre.s:
// xv6's way of leaving the UART's transmit-empty interrupt enabled): the default ('qemu') takes one
// interrupt per time the UART drives its line; the specification's level-triggered gateway takes it
// again at every completion while the line stays high.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { Virt, type VirtOptions } from '../../../emulator/board/virt.js';
import { readElf } from '../../../linker/elf/read.js';
import { buildElf } from '../../helpers/build-asm.js';

const DIR = join(import.meta.dirname, 'qemu-programs');
const elf = buildElf(readFileSync(join(DIR, 'uart-thre.s'), 'utf8') + '\n' + readFileSync(join(DIR, 'lib.s'), 'utf8'), 'uart-thre.s');

function run(plicGateway: VirtOptions['plicGateway']): { out: string; stop: string } {
  let out = '';
  const m = new Virt({ plicGateway, output: (b) => { out += new TextDecoder().decode(b); } });
  m.boot(bootImage(readElf(elf, 'uart-thre.elf')));
  const stop = m.run(2_000_000);
  return { out, stop: stop.kind };
}

describe('PLIC gateway on the board', () => {
  it('qemu (default): one interrupt per assertion, the counts QEMU 7.2 prints', () => {
    const r = run(undefined);
    expect(r.stop).toBe('exit');
    expect(r.out.split('\n').filter((l) => /^[0-9a-f]{16}$/.test(l)).map((l) => parseInt(l, 16))).toEqual([1, 3, 6]);
  });

  it('level: the line still high is taken again at every completion (the program never gets far)', () => {
    const r = run('level');
    expect(r.stop).toBe('limit');
    expect(r.out).not.toContain('A');
  });
});
