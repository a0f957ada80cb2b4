// A bare-metal virtio-blk driver (qemu-virtio/virtio-blk.s: handshake, queue, read, write, flush,
// GET_ID, errors, interrupts through the PLIC) on the same disk image, on QEMU 7.2
// (`-drive ... -device virtio-blk-device,bus=virtio-mmio-bus.0`) and on rvhart (`--drive`): the same
// transcript, exit status and disk afterwards; read-only drives refuse writes alike; `--snapshot`
// leaves the file byte-identical. And `--drive` mistakes are one line each.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElf } from '../../helpers/build-asm.js';
import { have, rvhart } from '../../helpers/cli.js';

const QEMU = 'qemu-system-riscv64';
const haveQemu = have(QEMU);
if (!haveQemu) console.warn(`virtio-qemu: ${QEMU} is not installed (Debian: qemu-system-misc); the comparison with QEMU is skipped`);

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-virtio-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const dir = import.meta.dirname;
const elf = join(tmp, 'virtio-blk.elf');
writeFileSync(elf, buildElf(readFileSync(join(dir, 'qemu-virtio', 'virtio-blk.s'), 'utf8') + '\n' + readFileSync(join(dir, 'qemu-programs', 'lib.s'), 'utf8'), 'virtio-blk.s'));

/** A 32 KiB disk with a pattern the program prints parts of. */
function disk(name: string): string {
  const b = new Uint8Array(64 * 512);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 9)) & 0xff;
  const p = join(tmp, name);
  writeFileSync(p, b);
  return p;
}

function qemu(img: string, readOnly: boolean): { stdout: string; status: number | null } {
  const r = spawnSync(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none',
    '-global', 'virtio-mmio.force-legacy=false',
    '-drive', `file=${img},if=none,format=raw,id=x0${readOnly ? ',readonly=on' : ''}`,
    '-device', 'virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0', '-kernel', elf], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout, status: r.status };
}

describe('virtio-blk: the same driver on QEMU and rvhart', () => {
  it.skipIf(!haveQemu)('read, write, flush, GET_ID, errors and interrupts give the same transcript; the disks end equal', () => {
    const q = disk('q.img'), r = disk('r.img');
    const theirs = qemu(q, false);
    const ours = rvhart(['boot', '--bios', 'none', '--drive', `file=${r},format=raw`, elf]);
    expect(theirs.status).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.status).toBe(0);
    expect(readFileSync(r)).toEqual(readFileSync(q));
    expect(readFileSync(r)).not.toEqual(readFileSync(disk('fresh.img'))); // the program wrote sector 4
  });

  it.skipIf(!haveQemu)('a read-only drive refuses the write (IOERR) on both; neither file changes', () => {
    const q = disk('qro.img'), r = disk('rro.img');
    const theirs = qemu(q, true);
    const ours = rvhart(['boot', '--bios', 'none', '--drive', `file=${r},format=raw,readonly=on`, elf]);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout.split('\n')[18]).toBe('0000000000000001'); // the write's status
    expect(readFileSync(r)).toEqual(readFileSync(disk('fresh2.img')));
  });

  it('--snapshot: the guest reads back what it wrote; the file stays byte-identical', () => {
    const r = disk('snap.img');
    const before = readFileSync(r);
    const ours = rvhart(['boot', '--bios', 'none', '--snapshot', '--drive', `file=${r}`, elf]);
    expect(ours.status).toBe(0);
    const lines = ours.stdout.split('\n');
    expect(lines[24]).toBe('0000000009060300'); // sector 4 read back: the pattern written
    expect(readFileSync(r)).toEqual(before);
  });

  it('--device virtio-rng-device takes the next slot after the drives; mistakes are one line', () => {
    const probe = join(tmp, 'probe.elf');
    // Prints the device IDs of slots 0 and 1, then powers off.
    writeFileSync(probe, buildElf(`  .globl _start
_start:
  li sp, 0x80200000
  li t0, 0x10001000
  lw a0, 8(t0); call puthex
  li t0, 0x10002000
  lw a0, 8(t0); call puthex
  li a0, 0; call exit
` + readFileSync(join(dir, 'qemu-programs', 'lib.s'), 'utf8'), 'probe.s'));
    expect(rvhart(['boot', '--bios', 'none', '--device', 'virtio-rng-device', probe]).stdout).toBe('0000000000000004\n0000000000000000\n');
    expect(rvhart(['boot', '--bios', 'none', '--drive', `file=${disk('d.img')}`, '--snapshot', '--device', 'virtio-rng-device,seed=7', probe]).stdout)
      .toBe('0000000000000002\n0000000000000004\n');
    for (const [arg, err] of [['virtio-net-device', /only virtio-rng-device is offered here/], ['virtio-rng-device,seed=x', /unknown option 'seed=x'/]] as const) {
      const r = rvhart(['boot', '--bios', 'none', '--device', arg, probe]);
      expect(r.stderr).toMatch(err);
      expect(r.status).toBe(2);
    }
  });

  it('--drive mistakes: one line each, before boot', () => {
    const odd = join(tmp, 'odd.img');
    writeFileSync(odd, new Uint8Array(1000));
    const cases: [string[], number, RegExp][] = [
      [['--drive', 'fs.img'], 2, /^rvhart: --drive fs\.img: expected key=value pairs, like file=fs\.img,format=raw\n$/],
      [['--drive', 'file=x.img,format=qcow2'], 2, /format=qcow2: only raw images are supported\n$/],
      [['--drive', 'file=x.img,cache=none'], 2, /unknown key 'cache'/],
      [['--drive', `file=${join(tmp, 'missing.img')}`], 3, /cannot open .*missing\.img: no such file or directory\n$/],
      [['--drive', `file=${odd}`], 3, /odd\.img is 1000 bytes, not a whole number of 512-byte sectors\n$/],
      [['--drive', `file=${elf}`], 2, /is also an image of this run\n$/],
      [['--snapshot'], 2, /^rvhart: --snapshot goes with --drive/],
    ];
    for (const [args, status, err] of cases) {
      const r = rvhart(['boot', '--bios', 'none', ...args, elf]);
      expect(r.stderr, args.join(' ')).toMatch(err);
      expect(r.status, args.join(' ')).toBe(status);
    }
  });
});
