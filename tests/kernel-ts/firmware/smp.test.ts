// The builtin firmware on N harts (issue #16): the firmware compiled from kernel-ts/firmware, an S-mode
// payload assembled with our own assembler at 0x80200000, both booted on `new Virt({ smp: 4 })`. Every
// hart enters the firmware from the boot ROM; hart 0 enters the payload at _start, the others wait
// STOPPED until the payload starts them through HSM. The payload writes what it sees into memory
// (`results`, per-hart tables) and ends with an SRST shutdown; the test reads that memory back.

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../kernel-ts/compiler/compile.js';
import { buildImage } from '../../../bin/build.js';
import { repoRoot } from '../../../bin/bundled-images.js';
import { linkAsm } from '../../helpers/build-asm.js';
import { readElf } from '../../../linker/elf/read.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { Virt, type MachineStop } from '../../../emulator/board/virt.js';

const root = repoRoot();
const M64 = (1n << 64n) - 1n;
const neg = (n: bigint): bigint => (M64 + 1n - n) & M64;
const SBI_ERR_INVALID_PARAM = neg(3n), SBI_ERR_NOT_SUPPORTED = neg(2n), SBI_ERR_INVALID_ADDRESS = neg(5n), SBI_ERR_ALREADY_AVAILABLE = neg(6n);
const STARTED = 0n, STOPPED = 1n, SUSPENDED = 4n;

/** The bundled firmware alone (as bin/bundled.ts builds it), once for the file. */
const firmwareElf: Uint8Array = (() => {
  const fdir = join(root, 'kernel-ts', 'firmware');
  const r = compile([join(fdir, 'entry.ts'), join(fdir, 'main.ts')]);
  if (!r.ok) throw new Error(r.diagnostics.join('\n'));
  const sources = [...r.asm].map(([file, text]) => ({ file: relative(root, file).replace(/\.ts$/, '.s'), text }));
  const script = join(root, 'linker', 'scripts', 'firmware.ld');
  return buildImage({ sources, script: { file: relative(root, script), text: readFileSync(script, 'utf8') } }).elf;
})();

const EXT = { HSM: 0x48534d, IPI: 0x735049, RFENCE: 0x52464e43, SRST: 0x53525354 };

/** An SBI call: a7 = eid, a6 = fid, then a0.. from each argument — a number (li), '=label' (la) or a register (mv). */
function sbi(eid: number, fid: number, ...args: (number | bigint | string)[]): string {
  const set = args.map((a, i) => typeof a === 'string'
    ? (a.startsWith('=') ? `  la a${i}, ${a.slice(1)}` : `  mv a${i}, ${a}`)
    : `  li a${i}, ${a}`);
  return [`  li a7, ${eid}`, `  li a6, ${fid}`, ...set, '  ecall', ''].join('\n');
}

let labelNo = 100;
/** Spins until the dword at `label` is ≥ value (unsigned). */
function waitGe(label: string, value: number | bigint): string {
  const l = labelNo++;
  return `  la t0, ${label}\n  li t2, ${value}\n${l}: ld t1, 0(t0)\n  bltu t1, t2, ${l}b\n`;
}
/** Spins until HSM hart_get_status(hartid) answers `state`. */
function waitState(hartid: number, state: bigint): string {
  const l = labelNo++;
  return `${l}:\n${sbi(EXT.HSM, 2, hartid)}  li t0, ${state}\n  bne a1, t0, ${l}b\n`;
}
function store(label: string, value: number | bigint | string): string {
  return `  la t0, ${label}\n  ${typeof value === 'string' ? `mv t1, ${value}` : `li t1, ${value}`}\n  sd t1, 0(t0)\n`;
}
/** About 3n instructions of nothing: the other harts get their quanta meanwhile. */
function delay(n: number): string {
  const l = labelNo++;
  return `  li t0, ${n}\n${l}: addi t0, t0, -1\n  bnez t0, ${l}b\n`;
}
/** Result slot i (dwords at `results`), from s11. */
const R = (i: number): string => `${8 * i}(s11)`;

const SHUTDOWN = `${sbi(EXT.SRST, 0, 0, 0)}1: j 1b\n`;

/** The payload: sp from a0 (the hartid: every entry point has it) in `stacks`, 4 KiB each; tp = hartid. */
function payload(body: string, data = ''): string {
  return `
  .section .text.init
  .globl _start
_start:
  call set_sp
  la s11, results
  j main
  .text
set_sp:
  mv tp, a0
  la sp, stacks
  addi t0, a0, 1
  slli t0, t0, 12
  add sp, sp, t0
  ret
${body}
  .data
  .balign 8
results: .zero 512
hartinfo: .zero 512
counts: .zero 64
${data}
  .bss
  .balign 16
stacks: .zero ${4096 * 9}
`;
}

interface Run { machine: Virt; stop: MachineStop; uart: string; symbols: Map<string, bigint>; read(label: string, i?: number): bigint }

function boot(source: string, smp = 4, maxInsns = 20_000_000): Run {
  const linked = linkAsm(source, 'smp-payload.s', { base: 0x8020_0000 });
  let uart = '';
  const dec = new TextDecoder();
  const machine = new Virt({ smp, output: (b) => { uart += dec.decode(b, { stream: true }); } });
  machine.boot(bootImage(readElf(linked.elf, 'smp-payload.elf')), bootImage(readElf(firmwareElf, 'firmware.elf')));
  const stop = machine.run(maxInsns);
  const read = (label: string, i = 0): bigint => {
    const pa = Number(linked.symbols.get(label)!) + 8 * i;
    return new DataView(machine.ram.readBytes(pa - machine.ram.base, 8).buffer).getBigUint64(0, true);
  };
  return { machine, stop, uart, symbols: linked.symbols, read };
}

function expectPass(run: Run): void {
  expect(run.stop, run.uart).toMatchObject({ kind: 'exit', code: 0 });
}

describe('builtin firmware, --smp 4: HSM', () => {
  const secondary = `
secondary:
  call set_sp
  la t0, hartinfo
  slli t1, a0, 5
  add t0, t0, t1
  sd a0, 0(t0)
  sd a1, 8(t0)
  csrr t2, satp
  sd t2, 16(t0)
  csrr t2, sstatus
  sd t2, 24(t0)
  la t0, arrived
  li t1, 1
  amoadd.d zero, t1, (t0)
${waitGe('go_stop', 1)}
  csrsi sstatus, 2               # SIE on: a restart must come back with it off
${sbi(EXT.HSM, 1)}
${store('stop_failed', 'a0')}
1: j 1b
`;
  const main = `
main:
${[0, 1, 2, 3, 4].map((h) => `${sbi(EXT.HSM, 2, h)}  sd a0, ${R(2 * h)}\n  sd a1, ${R(2 * h + 1)}\n`).join('')}
${[1, 2, 3].map((h) => `${sbi(EXT.HSM, 0, h, '=secondary', 0x1000 + h)}  sd a0, ${R(9 + h)}\n`).join('')}
${waitGe('arrived', 3)}
${[1, 2, 3].map((h) => `${sbi(EXT.HSM, 2, h)}  sd a1, ${R(12 + h)}\n`).join('')}
${sbi(EXT.HSM, 0, 1, '=secondary', 0)}  sd a0, ${R(16)}
${sbi(EXT.HSM, 0, 4, '=secondary', 0)}  sd a0, ${R(17)}
${sbi(EXT.HSM, 0, -1, '=secondary', 0)}  sd a0, ${R(18)}
${sbi(EXT.HSM, 0, 1, 0x80000000, 0)}  sd a0, ${R(19)}
${sbi(EXT.HSM, 0, 1, 0x1000, 0)}  sd a0, ${R(20)}
${store('go_stop', 1)}
${[1, 2, 3].map((h) => waitState(h, STOPPED)).join('')}
${[1, 2, 3].map((h) => `${sbi(EXT.HSM, 2, h)}  sd a1, ${R(20 + h)}\n`).join('')}
${store('go_stop', 0)}
${sbi(EXT.HSM, 0, 2, '=secondary', 0x2222)}  sd a0, ${R(24)}
${waitGe('arrived', 4)}
${[1, 2, 3].map((h) => `${sbi(EXT.HSM, 2, h)}  sd a1, ${R(24 + h)}\n`).join('')}
${sbi(EXT.HSM, 3, 1, 0, 0)}  sd a0, ${R(28)}
${sbi(EXT.HSM, 3, 0x10000000, 0, 0)}  sd a0, ${R(29)}
${sbi(EXT.HSM, 3, 0x80000000, 0x1000, 0)}  sd a0, ${R(30)}
${sbi(EXT.HSM, 3, 0x1_0000_0000, 0, 0)}  sd a0, ${R(31)}
${SHUTDOWN}`;
  const run = boot(payload(main + secondary, 'arrived: .dword 0\ngo_stop: .dword 0\nstop_failed: .dword 0'));

  it('boots: hart 0 enters the payload, the firmware says how many harts wait', () => {
    expectPass(run);
    expect(run.uart).toMatch(/^rvhart firmware: SBI v2\.0 in M-mode; PMP denies S\/U 0x80000000\.\.0x800[0-9a-f]+; Sstc on; entering S-mode at 0x80200000$/m);
    expect(run.uart).toContain('rvhart firmware: 4 harts; boot hart 0; harts 1..3 STOPPED until HSM hart_start\n');
  });

  it('hart_get_status: hart 0 STARTED, 1..3 STOPPED at boot; a hart that does not exist is SBI_ERR_INVALID_PARAM', () => {
    expect([0, 1, 2, 3, 4].map((h) => [run.read('results', 2 * h), run.read('results', 2 * h + 1)])).toEqual([
      [0n, STARTED], [0n, STOPPED], [0n, STOPPED], [0n, STOPPED], [SBI_ERR_INVALID_PARAM, 0n]]);
  });

  it('hart_start: each hart enters S-mode at the address with a0 = hartid, a1 = opaque, satp = 0, SIE = 0, then is STARTED', () => {
    expect([10, 11, 12].map((i) => run.read('results', i))).toEqual([0n, 0n, 0n]);
    expect([13, 14, 15].map((i) => run.read('results', i))).toEqual([STARTED, STARTED, STARTED]);
    for (const h of [1, 3]) {
      expect([0, 1, 2].map((k) => run.read('hartinfo', 4 * h + k))).toEqual([BigInt(h), BigInt(0x1000 + h), 0n]);
      expect(run.read('hartinfo', 4 * h + 3) & 2n).toBe(0n);
    }
  });

  it('hart_start errors: ALREADY_AVAILABLE for a started hart, INVALID_PARAM for no such hart, INVALID_ADDRESS for firmware or ROM', () => {
    expect([16, 17, 18, 19, 20].map((i) => run.read('results', i))).toEqual([
      SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM, SBI_ERR_INVALID_PARAM, SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_ADDRESS]);
  });

  it('hart_stop: each hart becomes STOPPED and never returns; a restarted hart starts afresh (SIE cleared, new opaque)', () => {
    expect([21, 22, 23].map((i) => run.read('results', i))).toEqual([STOPPED, STOPPED, STOPPED]);
    expect(run.read('stop_failed')).toBe(0n);
    expect(run.read('results', 24)).toBe(0n);
    expect([25, 26, 27].map((i) => run.read('results', i))).toEqual([STOPPED, STARTED, STOPPED]);
    expect([0, 1, 2].map((k) => run.read('hartinfo', 8 + k))).toEqual([2n, 0x2222n, 0n]);
    expect(run.read('hartinfo', 11) & 2n).toBe(0n);
  });

  it('hart_suspend: reserved types are INVALID_PARAM, platform types NOT_SUPPORTED, a bad resume address INVALID_ADDRESS', () => {
    expect([28, 29, 30, 31].map((i) => run.read('results', i))).toEqual([
      SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_PARAM]);
  });
});
