import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVirtFdt, fdtLoadAddress, splitIsa, FDT_DEFAULT_SIZE, type VirtFdtConfig } from '../../../emulator/board/fdt.js';

function have(cmd: string, args: string[] = ['--version']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
const haveDtc = have('dtc') && have('fdtget', ['-h']);
const haveQemu = have('qemu-system-riscv64');
const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const haveOpenSbi = existsSync(OPENSBI);
const haveAs = have('riscv64-unknown-elf-as') && have('riscv64-unknown-elf-ld');
if (!haveDtc) console.warn('fdt tests: dtc/fdtget absent (apt-get install device-tree-compiler): skipping decompile checks');
if (!haveQemu) console.warn('fdt tests: qemu-system-riscv64 absent: skipping the comparison with QEMU virt');
if (!haveOpenSbi || !haveAs) console.warn('fdt tests: opensbi or riscv64-unknown-elf binutils absent: skipping the OpenSBI boot check');

const cfg: VirtFdtConfig = {
  memBase: 0x8000_0000, memSize: 128 * 2 ** 20, isa: 'rv64imac_zicsr_zifencei_sstc', mmuType: 'riscv,sv39',
  timebaseFrequency: 10_000_000, bootargs: 'console=ttyS0 earlycon',
};
const dir = mkdtempSync(join(tmpdir(), 'rvhart-fdt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ours = join(dir, 'ours.dtb');
writeFileSync(ours, buildVirtFdt(cfg));

const fdtget = (file: string, path: string, propName: string, type = 's') =>
  execFileSync('fdtget', ['-t', type, file, path, propName], { encoding: 'utf8' }).trim();
const subnodes = (file: string, path: string) =>
  execFileSync('fdtget', ['-l', file, path], { encoding: 'utf8' }).split('\n').filter((s) => s);

describe('device tree blob', () => {
  it('has a v17 header with consistent offsets and the requested slack', () => {
    const blob = buildVirtFdt(cfg);
    const v = new DataView(blob.buffer);
    const h = (k: number) => v.getUint32(k * 4);
    expect(h(0)).toBe(0xd00dfeed);
    expect(h(1)).toBe(blob.length);
    expect(blob.length).toBe(FDT_DEFAULT_SIZE);
    expect([h(5), h(6)]).toEqual([17, 16]);
    expect(h(4) % 8).toBe(0);                    // memory reservation map aligned
    expect(h(2) % 4).toBe(0);                    // structure block aligned
    expect(h(2) + h(9)).toBe(h(3));              // strings follow the structure block
    expect(v.getUint32(h(2))).toBe(1);           // FDT_BEGIN_NODE of the root
    expect(v.getUint32(h(2) + h(9) - 4)).toBe(9); // FDT_END
    expect(buildVirtFdt({ ...cfg, totalSize: 0 }).length).toBe(h(3) + h(8));
  });

  it('splits the ISA string into riscv,isa-base and riscv,isa-extensions', () => {
    expect(splitIsa('rv64imac_zicsr_zifencei')).toEqual({ base: 'rv64i', extensions: ['i', 'm', 'a', 'c', 'zicsr', 'zifencei'] });
    expect(() => splitIsa('x86_64')).toThrow(/not an ISA string/);
  });

  it('places the blob as QEMU does: 2 MiB aligned below the end of RAM', () => {
    expect(fdtLoadAddress(0x8000_0000, 128 * 2 ** 20, 0x10_0000)).toBe(0x87e0_0000);
    expect(fdtLoadAddress(0x8000_0000, 128 * 2 ** 20, FDT_DEFAULT_SIZE)).toBe(0x87e0_0000);
    expect(fdtLoadAddress(0x8000_0000, 4 * 2 ** 30, FDT_DEFAULT_SIZE)).toBe(0xbfe0_0000); // capped at 3 GiB
  });

  it.skipIf(!haveDtc)('decompiles with dtc and describes this board', () => {
    const dts = execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', ours], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(dts).toContain('serial@10000000');
    expect(fdtget(ours, '/chosen', 'stdout-path')).toBe('/soc/serial@10000000');
    expect(fdtget(ours, '/chosen', 'bootargs')).toBe('console=ttyS0 earlycon');
    // 32 bytes of rng-seed as QEMU gives, the same on every boot (a fixed seed).
    const seed = fdtget(ours, '/chosen', 'rng-seed', 'bx').split(' ');
    expect(seed).toHaveLength(32);
    expect(new Set(seed).size).toBeGreaterThan(16);
    expect(buildVirtFdt(cfg)).toEqual(buildVirtFdt(cfg));
    expect(buildVirtFdt({ ...cfg, rngSeed: 1 })).not.toEqual(buildVirtFdt(cfg));
    expect(fdtget(ours, '/memory@80000000', 'reg', 'x')).toBe('0 80000000 0 8000000');
    expect(fdtget(ours, '/cpus', 'timebase-frequency', 'u')).toBe('10000000');
    expect(fdtget(ours, '/cpus/cpu@0', 'riscv,isa')).toBe('rv64imac_zicsr_zifencei_sstc');
    expect(fdtget(ours, '/cpus/cpu@0', 'riscv,isa-base')).toBe('rv64i');
    expect(fdtget(ours, '/cpus/cpu@0', 'riscv,isa-extensions')).toBe('i m a c zicsr zifencei sstc');
    expect(fdtget(ours, '/cpus/cpu@0', 'mmu-type')).toBe('riscv,sv39');
    expect(fdtget(ours, '/soc/plic@c000000', 'riscv,ndev', 'u')).toBe('96');
    expect(fdtget(ours, '/soc/plic@c000000', 'interrupts-extended', 'u')).toBe('2 11 2 9');
    expect(fdtget(ours, '/soc/clint@2000000', 'interrupts-extended', 'u')).toBe('2 3 2 7');
    expect(fdtget(ours, '/soc/serial@10000000', 'interrupts', 'u')).toBe('10');
    expect(fdtget(ours, '/soc/serial@10000000', 'clock-frequency', 'u')).toBe('3686400');
    expect(fdtget(ours, '/poweroff', 'value', 'x')).toBe('5555');
    expect(fdtget(ours, '/reboot', 'value', 'x')).toBe('7777');
  });

  it.skipIf(!haveDtc || !haveQemu)('matches QEMU virt\'s own tree for every node we model', () => {
    const qemu = join(dir, 'qemu.dtb');
    spawnSync('qemu-system-riscv64', ['-machine', `virt,dumpdtb=${qemu}`, '-m', '128M', '-nographic'], { stdio: 'ignore', timeout: 60_000 });
    expect(existsSync(qemu)).toBe(true);
    const nodes: Record<string, string[]> = {
      '/': ['#address-cells', '#size-cells', 'compatible'],
      '/chosen': ['stdout-path'], // and rng-seed, whose bytes are QEMU's random ones
      '/poweroff': ['compatible', 'regmap', 'offset', 'value'],
      '/reboot': ['compatible', 'regmap', 'offset', 'value'],
      '/memory@80000000': ['device_type', 'reg'],
      '/cpus': ['#address-cells', '#size-cells', 'timebase-frequency'],
      '/cpus/cpu@0': ['device_type', 'reg', 'status', 'compatible', 'phandle'],
      '/cpus/cpu@0/interrupt-controller': ['#interrupt-cells', 'interrupt-controller', 'compatible', 'phandle'],
      '/cpus/cpu-map/cluster0/core0': ['cpu'],
      '/soc': ['#address-cells', '#size-cells', 'compatible', 'ranges'],
      '/soc/serial@10000000': ['compatible', 'reg', 'clock-frequency', 'interrupt-parent', 'interrupts'],
      '/soc/test@100000': ['compatible', 'reg', 'phandle'],
      '/soc/plic@c000000': ['#interrupt-cells', '#address-cells', 'compatible', 'interrupt-controller',
        'interrupts-extended', 'reg', 'riscv,ndev', 'phandle'],
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`/soc/virtio_mmio@1000${n}000`, ['interrupts', 'interrupt-parent', 'reg', 'compatible']])),
      '/soc/clint@2000000': ['compatible', 'reg', 'interrupts-extended'],
    };
    for (const [path, props] of Object.entries(nodes)) {
      for (const p of props) expect(`${path} ${p} = ${fdtget(ours, path, p, 'bx')}`).toBe(`${path} ${p} = ${fdtget(qemu, path, p, 'bx')}`);
    }
    for (const path of ['/', '/cpus', '/soc']) {
      const theirs = new Set(subnodes(qemu, path));
      for (const n of subnodes(ours, path)) expect(theirs.has(n), `${path}/${n} exists in QEMU's tree`).toBe(true);
    }
  });

  it.skipIf(!haveQemu || !haveOpenSbi || !haveAs)('OpenSBI finds console, timer, IPI and power devices in it (booted on QEMU with -dtb)', () => {
    const src = join(dir, 'payload.s'), obj = join(dir, 'payload.o'), elf = join(dir, 'payload.elf');
    writeFileSync(src, [
      '.globl _start', '_start:', '  la s0, msg',
      '1: lbu a0, 0(s0)', '  beqz a0, 2f', '  li a7, 1', '  ecall', '  addi s0, s0, 1', '  j 1b',
      '2: li a7, 0x53525354', '  li a6, 0', '  li a0, 0', '  li a1, 0', '  ecall', '3: j 3b',
      'msg: .asciz "payload: hello\\n"', ''].join('\n'));
    execFileSync('riscv64-unknown-elf-as', ['-march=rv64imac_zicsr', '-o', obj, src]);
    execFileSync('riscv64-unknown-elf-ld', ['-Ttext=0x80200000', '-o', elf, obj]);
    // The timeout only stops a hung QEMU; nothing is asserted about time.
    const run = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-m', '128M', '-nographic', '-bios', OPENSBI,
      '-kernel', elf, '-dtb', ours], { encoding: 'utf8', timeout: 120_000 });
    expect(run.stdout).toMatch(/Platform Name\s*: riscv-virtio,rvhart/);
    expect(run.stdout).toMatch(/Platform Console Device\s*: uart8250/);
    expect(run.stdout).toMatch(/Platform Timer Device\s*: aclint-mtimer @ 10000000Hz/);
    expect(run.stdout).toMatch(/Platform IPI Device\s*: aclint-mswi/);
    expect(run.stdout).toMatch(/Platform Shutdown Device\s*: sifive_test/);
    expect(run.stdout).toContain('payload: hello');
    expect(run.status).toBe(0); // SRST shutdown reached the test finisher through our tree
  });
});
