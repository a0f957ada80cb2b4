// The builtin firmware on N harts (issue #16): the firmware compiled from kernel-ts/firmware, an S-mode
// payload assembled with our own assembler at 0x80200000, both booted on `new Virt({ smp: 4 })`. Every
// hart enters the firmware from the boot ROM; hart 0 enters the payload at _start, the others wait
// STOPPED until the payload starts them through HSM. The payload writes what it sees into memory
// (`results`, `hartinfo`, `counts`, `obs`), prints those as hex dwords through DBCN and ends with an
// SRST shutdown; the test reads the memory back. At the end the same firmware and payloads run on
// QEMU's virt board (-smp 4, the firmware as -bios) and must print the same: the SBI behaviour is the
// firmware's, whichever board runs it. Also: one hart as before, and the bundled kernel on 1 and 4.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../kernel-ts/compiler/compile.js';
import { buildImage } from '../../../bin/build.js';
import { repoRoot } from '../../../bin/bundled-images.js';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { linkAsm } from '../../helpers/build-asm.js';
import { readElf } from '../../../linker/elf/read.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { Virt, type MachineStop } from '../../../emulator/board/virt.js';
import { linuxImage } from '../../../emulator/board/linux-image.js';

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

/** The end of every payload: the memory the tests read, printed through DBCN as hex dwords (so a run
 *  on QEMU can be compared), then SRST shutdown. */
const SHUTDOWN = '  j dump_shutdown\n';
/** What dump_shutdown prints, in order: label and dwords. */
const DUMP: [string, number][] = [['results', 32], ['hartinfo', 16], ['counts', 4], ['obs', 8]];
const DUMP_LINES = DUMP.reduce((n, [, k]) => n + k, 0);
const EXT_DBCN = 0x4442434e;

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
hex64:                           # a0 as 16 hex digits and a newline at a1; a1 += 17
  li t0, 60
1: srl t1, a0, t0
  andi t1, t1, 15
  li t2, 10
  blt t1, t2, 2f
  addi t1, t1, 87
  j 3f
2: addi t1, t1, 48
3: sb t1, 0(a1)
  addi a1, a1, 1
  addi t0, t0, -4
  bgez t0, 1b
  li t1, 10
  sb t1, 0(a1)
  addi a1, a1, 1
  ret
dump_shutdown:
  la s2, dumpbuf
${DUMP.map(([label, n], i) => `  la s3, ${label}
  li s4, ${n}
9${i}: ld a0, 0(s3)
  mv a1, s2
  call hex64
  mv s2, a1
  addi s3, s3, 8
  addi s4, s4, -1
  bnez s4, 9${i}b
`).join('')}
  la a1, dumpbuf
  sub a0, s2, a1
${sbi(EXT_DBCN, 0, 'a0', 'a1', 0)}
${sbi(EXT.SRST, 0, 0, 0)}1: j 1b
  .data
  .balign 8
results: .zero 512
hartinfo: .zero 512
counts: .zero 64
obs: .zero 64
${data}
  .bss
  .balign 16
stacks: .zero ${4096 * 9}
dumpbuf: .zero ${17 * DUMP_LINES}
`;
}

interface Run { machine: Virt; stop: MachineStop; uart: string; symbols: Map<string, bigint>; read(label: string, i?: number): bigint }

/** Boots the payload under the firmware; `smp: undefined` leaves the option out (the board's default). */
function boot(source: string, opts: { smp?: number; quantum?: number; maxInsns?: number } = { smp: 4 }): Run {
  const linked = linkAsm(source, 'smp-payload.s', { base: 0x8020_0000 });
  let uart = '';
  const dec = new TextDecoder();
  const machine = new Virt({ smp: opts.smp, quantum: opts.quantum, output: (b) => { uart += dec.decode(b, { stream: true }); } });
  machine.boot(bootImage(readElf(linked.elf, 'smp-payload.elf')), bootImage(readElf(firmwareElf, 'firmware.elf')));
  const stop = machine.run(opts.maxInsns ?? 20_000_000);
  const read = (label: string, i = 0): bigint => {
    const pa = Number(linked.symbols.get(label)!) + 8 * i;
    return new DataView(machine.ram.readBytes(pa - machine.ram.base, 8).buffer).getBigUint64(0, true);
  };
  return { machine, stop, uart, symbols: linked.symbols, read };
}

/** The runs whose payloads QEMU runs too (at the end), by name. */
const named = new Map<string, { source: string; run: Run }>();
function bootNamed(name: string, source: string): Run {
  const run = boot(source);
  named.set(name, { source, run });
  return run;
}

/** The hex dwords dump_shutdown printed. */
function dumpOf(uart: string): string[] {
  return uart.split('\n').filter((l) => /^[0-9a-f]{16}$/.test(l)).slice(-DUMP_LINES);
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
  const run = bootNamed('HSM', payload(main + secondary, 'arrived: .dword 0\ngo_stop: .dword 0\nstop_failed: .dword 0'));

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

describe('builtin firmware, --smp 4: IPI', () => {
  // Each started hart counts its supervisor software interrupts in counts[hartid].
  const secondary = `
ipi_secondary:
  call set_sp
  la t0, ssi_handler
  csrw stvec, t0
  li t0, 2
  csrs sie, t0                   # SSIE
  csrsi sstatus, 2               # SIE
  la t0, ready
  li t1, 1
  amoadd.d zero, t1, (t0)
1: wfi
  j 1b
  .balign 4
ssi_handler:
  csrci sip, 2
  la t0, counts
  slli t1, tp, 3
  add t0, t0, t1
  li t1, 1
  amoadd.d zero, t1, (t0)
  sret
`;
  const main = `
main:
${[1, 2, 3].map((h) => sbi(EXT.HSM, 0, h, '=ipi_secondary', 0)).join('')}
${waitGe('ready', 3)}
${sbi(EXT.IPI, 0, 0b1010, 0)}  sd a0, ${R(0)}
${waitGe('counts+8', 1)}
${waitGe('counts+24', 1)}
${delay(20000)}
  la t0, counts
  ld t1, 8(t0)
  sd t1, ${R(6)}
  ld t1, 16(t0)
  sd t1, ${R(7)}
  ld t1, 24(t0)
  sd t1, ${R(8)}
${sbi(EXT.IPI, 0, 1, 2)}  sd a0, ${R(1)}
${waitGe('counts+16', 1)}
${sbi(EXT.IPI, 0, 0x10, 0)}  sd a0, ${R(2)}
${sbi(EXT.IPI, 0, 1, 64)}  sd a0, ${R(3)}
${sbi(EXT.IPI, 0, 0, -1)}  sd a0, ${R(4)}
  csrr t1, sip
  sd t1, ${R(5)}
${waitGe('counts+8', 2)}
${waitGe('counts+16', 2)}
${waitGe('counts+24', 2)}
${delay(20000)}
${SHUTDOWN}`;
  const run = bootNamed('IPI', payload(main + secondary, 'ready: .dword 0'));

  it('send_ipi to harts 1 and 3: only they take the supervisor software interrupt', () => {
    expectPass(run);
    expect(run.read('results', 0)).toBe(0n);
    expect([6, 7, 8].map((i) => run.read('results', i))).toEqual([1n, 0n, 1n]);
  });

  it('hart_mask_base shifts the mask (1 at base 2 is hart 2); base -1 is every hart, the caller included', () => {
    expect(run.read('results', 1)).toBe(0n);
    expect(run.read('results', 4)).toBe(0n);
    expect(run.read('results', 5) & 2n).toBe(2n);                  // hart 0's own SSIP (its sie leaves it pending)
    expect([0, 1, 2, 3].map((h) => run.read('counts', h))).toEqual([0n, 2n, 2n, 2n]);
  });

  it('a mask naming a hart that does not exist, or a base past the last hart, is SBI_ERR_INVALID_PARAM', () => {
    expect(run.read('results', 2)).toBe(SBI_ERR_INVALID_PARAM);
    expect(run.read('results', 3)).toBe(SBI_ERR_INVALID_PARAM);
  });

  it('the IPIs went through M-mode: a software interrupt (irq 3) on each target, none on the sender for its own', () => {
    expect(run.machine.harts[0]!.trapCounts.get('irq:3') ?? 0).toBe(0);
    for (const h of [1, 2, 3]) expect(run.machine.harts[h]!.trapCounts.get('irq:3')).toBe(2);
  });
});

describe('builtin firmware, --smp 4: RFENCE and the stale TLB', () => {
  // Sv39 tables built by hart 0 (paging off): VA 0x40000000 -> page_a, and a 1 GiB identity map at
  // 0x80000000 so that hart 1 reaches the payload's code and data. Hart 1 runs with them, reading
  // 0x40000000 at each phase hart 0 opens; hart 0 moves the PTE between page_a and page_b.
  const tables = `
  .balign 4096
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
page_a: .dword 0xaaaa
  .balign 4096
page_b: .dword 0xbbbb
  .balign 4096
phase: .dword 0
ack: .dword 0
`;
  const pte = (reg: string, label: string, flags: number): string => `  la t1, ${label}\n  srli t1, t1, 12\n  slli t1, t1, 10\n  ori t1, t1, ${flags}\n  sd t1, 0(${reg})\n`;
  const secondary = `
tlb_secondary:
  call set_sp
  csrw satp, a1
  sfence.vma
  li s1, 0x40000000
  la s2, obs
  li s3, 1                       # the phase to wait for
1:
  la t0, phase
2: ld t1, 0(t0)
  bltu t1, s3, 2b
  ld t1, 0(s1)                   # through the TLB
  addi t2, s3, -1
  slli t2, t2, 3
  add t2, t2, s2
  sd t1, 0(t2)
  la t0, ack
  sd s3, 0(t0)
  addi s3, s3, 1
  li t1, 7
  bltu s3, t1, 1b
3: j 3b
`;
  const phase = (n: number): string => `${store('phase', n)}${waitGe('ack', n)}`;
  const main = `
main:
  la t0, root
  addi t0, t0, 16                # root[2]: 0x80000000, 1 GiB, VRWXAD
  li t1, 0x80000000
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0xcf
  sd t1, 0(t0)
  la t0, root
  addi t0, t0, 8                 # root[1] -> l1
${pte('t0', 'l1', 1)}
  la t0, l1
${pte('t0', 'l0', 1)}
  la s1, l0                      # l0[0]: VA 0x40000000 -> page_a, VRW-AD
${pte('s1', 'page_a', 0xc7)}
  la t0, root
  srli t0, t0, 12
  li t1, 8
  slli t1, t1, 60
  or a2, t0, t1                  # satp: Sv39, ASID 0
${sbi(EXT.HSM, 0, 1, '=tlb_secondary', 'a2')}
${phase(1)}
${pte('s1', 'page_b', 0xc7)}
${phase(2)}
  sfence.vma                     # hart 0's own fence: not hart 1's TLB
${phase(3)}
${sbi(EXT.RFENCE, 1, 0b10, 0, 0x40000000, 0x1000)}  sd a0, ${R(0)}
${phase(4)}
${pte('s1', 'page_a', 0xc7)}
${phase(5)}
${sbi(EXT.RFENCE, 2, 1, 1, 0, 0, 0)}  sd a0, ${R(1)}
${phase(6)}
${sbi(EXT.RFENCE, 1, 0b10000, 0, 0, 0)}  sd a0, ${R(2)}
${sbi(EXT.RFENCE, 3, 0b10, 0, 0, 0)}  sd a0, ${R(3)}
${sbi(EXT.RFENCE, 1, 0, -1, 0, -1)}  sd a0, ${R(4)}
${SHUTDOWN}`;
  const run = bootNamed('RFENCE', payload(main + secondary, tables));

  it('a PTE changed without a remote fence: the other hart still translates through its stale TLB entry, even after the changing hart\'s own sfence.vma', () => {
    expectPass(run);
    expect([0, 1, 2].map((i) => run.read('obs', i))).toEqual([0xaaaan, 0xaaaan, 0xaaaan]);
  });

  it('remote_sfence_vma over the page: when the call returns the other hart sees the new PTE', () => {
    expect(run.read('results', 0)).toBe(0n);
    expect(run.read('obs', 3)).toBe(0xbbbbn);
  });

  it('remote_sfence_vma_asid for the whole space (start = size = 0), hart_mask_base 1: stale again until then, then the new PTE', () => {
    expect(run.read('obs', 4)).toBe(0xbbbbn);
    expect(run.read('results', 1)).toBe(0n);
    expect(run.read('obs', 5)).toBe(0xaaaan);
  });

  it('errors: no such hart is INVALID_PARAM, HFENCE NOT_SUPPORTED; every hart (-1) with two STOPPED ones returns', () => {
    expect(run.read('results', 2)).toBe(SBI_ERR_INVALID_PARAM);
    expect(run.read('results', 3)).toBe(SBI_ERR_NOT_SUPPORTED);
    expect(run.read('results', 4)).toBe(0n);
  });

  it('each fence as asked: one page is sfence.vma va; the whole space with an ASID sfence.vma zero, asid; size -1 everything', () => {
    // Hart 1's full flushes: its start (the firmware's), its own after writing satp, and size -1.
    expect(run.machine.mmus[1]!.flushes).toMatchObject({ sfenceVa: 1, sfenceAsid: 1, sfenceVaAsid: 0, sfenceAll: 3 });
    // Hart 0: its entry into S-mode (the firmware's, as every hart's start), its own sfence.vma, and
    // the last call's local fence (base -1 names it too).
    expect(run.machine.mmus[0]!.flushes).toMatchObject({ sfenceVa: 0, sfenceAsid: 0, sfenceVaAsid: 0, sfenceAll: 3 });
  });

  it('the fences ran on hart 1 in M-mode, one M-mode IPI per remote fence that named it', () => {
    expect(run.machine.harts[1]!.trapCounts.get('irq:3')).toBe(3);
    expect(run.machine.harts[2]!.trapCounts.get('irq:3') ?? 0).toBe(0);
  });
});

describe('builtin firmware, --smp 4: remote_fence_i', () => {
  // Hart 1 keeps calling patchme; hart 0 rewrites patchme's first instruction (li a0, 1 -> li a0, 2,
  // copied from patch_src), fences its own fetch and asks for hart 1's through RFENCE.
  const code = `
fi_secondary:
  call set_sp
1: call patchme
  la t0, seen
  sd a0, 0(t0)
  li t1, 2
  bne a0, t1, 1b
2: j 2b
patchme:
  li a0, 1
patchme_end:
  ret
patch_src:
  li a0, 2
patch_src_end:
main:
${sbi(EXT.HSM, 0, 1, '=fi_secondary', 0)}
${waitGe('seen', 1)}
  la t0, patch_src
  la t1, patch_src_end
  la t2, patchme
1: lhu t3, 0(t0)
  sh t3, 0(t2)
  addi t0, t0, 2
  addi t2, t2, 2
  bltu t0, t1, 1b
  fence.i
${sbi(EXT.RFENCE, 0, 0b10, 0)}  sd a0, ${R(0)}
${waitGe('seen', 2)}
${sbi(EXT.RFENCE, 0, 0, -1)}  sd a0, ${R(1)}
${SHUTDOWN}`;
  const run = bootNamed('remote_fence_i', payload(code, 'seen: .dword 0'));

  it('returns SBI_SUCCESS once hart 1 has run fence.i (through an M-mode IPI); hart 1 then runs the new code', () => {
    expectPass(run);
    expect(run.symbols.get('patch_src_end')! - run.symbols.get('patch_src')!).toBe(run.symbols.get('patchme_end')! - run.symbols.get('patchme')!);
    expect([run.read('results', 0), run.read('results', 1)]).toEqual([0n, 0n]);
    expect(run.read('seen')).toBe(2n);
    expect(run.machine.harts[1]!.trapCounts.get('irq:3')).toBe(2);     // mask 0b10, then base -1
    expect(run.machine.harts[3]!.trapCounts.get('irq:3') ?? 0).toBe(0); // STOPPED: not asked, it fences when started
  });
});

describe('builtin firmware, --smp 4: hart_suspend', () => {
  const code = `
susp_secondary:
  call set_sp
  la t0, susp_handler
  csrw stvec, t0
  li t0, 2
  csrs sie, t0                   # SSIE; sstatus.SIE stays 0: the IPI wakes the hart, no trap is taken
${sbi(EXT.HSM, 3, 0, 0, 0)}
  la t0, obs
  sd a0, 0(t0)
  csrr t1, sip
  sd t1, 8(t0)
  csrci sip, 2
${store('resumed', 1)}
${waitGe('go2', 1)}
  csrsi sstatus, 2               # SIE on: the non-retentive resume must clear it
${sbi(EXT.HSM, 3, 0x80000000, '=resume_here', 0x5555)}
${store('suspend_failed', 'a0')}
1: j 1b
resume_here:
  call set_sp
  la t0, obs
  sd a0, 16(t0)
  sd a1, 24(t0)
  csrr t1, sstatus
  sd t1, 32(t0)
  csrr t1, sip
  sd t1, 40(t0)
  csrr t1, satp
  sd t1, 48(t0)
${store('resumed', 2)}
2: j 2b
  .balign 4
susp_handler:                    # never taken (SIE is 0 whenever SSIP is pending)
${store('trapped', 1)}
3: j 3b
main:
${sbi(EXT.HSM, 0, 1, '=susp_secondary', 0)}
${waitState(1, SUSPENDED)}
${sbi(EXT.RFENCE, 1, 0b10, 0, 0, 0)}  sd a0, ${R(3)}
${delay(20000)}
${sbi(EXT.HSM, 2, 1)}  sd a1, ${R(0)}
${sbi(EXT.IPI, 0, 0b10, 0)}
${waitGe('resumed', 1)}
${sbi(EXT.HSM, 2, 1)}  sd a1, ${R(1)}
${store('go2', 1)}
${waitState(1, SUSPENDED)}
${sbi(EXT.IPI, 0, 0b10, 0)}
${waitGe('resumed', 2)}
${sbi(EXT.HSM, 2, 1)}  sd a1, ${R(2)}
${SHUTDOWN}`;
  const run = bootNamed('hart_suspend', payload(code, 'resumed: .dword 0\ngo2: .dword 0\nsuspend_failed: .dword 0\ntrapped: .dword 0'));

  it('retentive: SUSPENDED until an interrupt S-mode enabled (an IPI); a remote fence is done without resuming; then SBI_SUCCESS to the caller', () => {
    expectPass(run);
    expect(run.read('results', 3)).toBe(0n);
    expect(run.read('results', 0)).toBe(SUSPENDED);
    expect(run.read('obs', 0)).toBe(0n);
    expect(run.read('obs', 1) & 2n).toBe(2n);          // the SSIP that woke it, still pending
    expect(run.read('results', 1)).toBe(STARTED);
  });

  it('non-retentive: resumes at resume_addr with a0 = hartid, a1 = opaque, SIE = 0, satp = 0; STARTED', () => {
    expect(run.read('suspend_failed')).toBe(0n);
    expect(run.read('obs', 2)).toBe(1n);
    expect(run.read('obs', 3)).toBe(0x5555n);
    expect(run.read('obs', 4) & 2n).toBe(0n);
    expect(run.read('obs', 5) & 2n).toBe(2n);
    expect(run.read('obs', 6)).toBe(0n);
    expect(run.read('results', 2)).toBe(STARTED);
    expect(run.read('trapped')).toBe(0n);
  });
});

describe('builtin firmware, --smp 4: harts racing each other', () => {
  // Harts 1 and 2 call hart_start(3) at once: exactly one wins. Then all four harts fence each other
  // and send each other IPIs at once, in a loop: every call must succeed and none may wait forever
  // (two harts each waiting for the other's fence is the deadlock the firmware's wait loops avoid).
  // The quantum decides how finely the harts interleave: one instruction each, a few, or 1000.
  const ITERATIONS = 12;
  let site = 0;
  const call = (line: string): string => `${line}  beqz a0, 1f\n  la t0, errors\n  li t1, 1\n  amoadd.d zero, t1, (t0)\n  la t0, lasterr\n  sd a0, 0(t0)\n  sd tp, 8(t0)\n  li t1, ${++site}\n  sd t1, 16(t0)\n1:\n`;
  const code = `
racer:
  call set_sp
  la t0, ready
  li t1, 1
  amoadd.d zero, t1, (t0)
${waitGe('go', 1)}
${sbi(EXT.HSM, 0, 3, '=storm3', 0x33)}
  la t0, results
  slli t1, tp, 3
  add t0, t0, t1
  sd a0, 0(t0)
  j storm
storm3:
  call set_sp
  la t0, arrived3
  li t1, 1
  amoadd.d zero, t1, (t0)
storm:                           # tp = hartid, sp set
  li s1, ${ITERATIONS}
2:
${call(sbi(EXT.RFENCE, 1, 0, -1, 0, 0))}
  addi a0, tp, 1
  andi a0, a0, 3
  li t0, 1
  sll a0, t0, a0
  li a1, 0
  li a6, 0
  li a7, ${EXT.IPI}
  ecall
${call('')}
${call(sbi(EXT.RFENCE, 0, 0xf, 0))}
  li t0, 1
  sll t0, t0, tp
  xori a0, t0, 0xf               # every hart but this one
  li a1, 0
  li a2, 0x40000000
  li a3, 0x3000
  li a4, 0
  li a6, 2
  li a7, ${EXT.RFENCE}
  ecall
${call('')}
  addi s1, s1, -1
  bnez s1, 2b
  la t0, done
  li t1, 1
  amoadd.d zero, t1, (t0)
  bnez tp, 3f
${waitGe('done', 4)}
  la t0, errors                  # for the dump: results[5] = errors, [6] = hart 3's arrivals, [7] = done
  ld t1, 0(t0)
  sd t1, ${R(5)}
  la t0, arrived3
  ld t1, 0(t0)
  sd t1, ${R(6)}
  la t0, done
  ld t1, 0(t0)
  sd t1, ${R(7)}
${SHUTDOWN}
3: wfi
  j 3b
main:
${sbi(EXT.HSM, 0, 1, '=racer', 0)}
${sbi(EXT.HSM, 0, 2, '=racer', 0)}
${waitGe('ready', 2)}
${store('go', 1)}
${waitState(3, STARTED)}
  j storm
`;
  const raceData = 'lasterr: .zero 24\nready: .dword 0\ngo: .dword 0\narrived3: .dword 0\ndone: .dword 0\nerrors: .dword 0';
  named.set('race', { source: payload(code, raceData), run: undefined as unknown as Run });
  for (const quantum of [1, 3, 7, 1000]) {
    it(`quantum ${quantum}: one hart_start wins, every fence and IPI succeeds, nobody deadlocks`, () => {
      const run = boot(payload(code, raceData), { smp: 4, quantum, maxInsns: 4_000_000 });
      const { read } = run;
      expectPass(run);
      expect(read('done')).toBe(4n);
      expect([read('errors'), read('lasterr'), read('lasterr', 1), read('lasterr', 2)]).toEqual([0n, 0n, 0n, 0n]);
      expect(read('arrived3')).toBe(1n);
      const starts = [read('results', 1), read('results', 2)].sort();
      // The loser finds hart 3 START_PENDING (INVALID_PARAM, as OpenSBI) or already STARTED.
      expect(starts[0]).toBe(0n);
      expect([SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_AVAILABLE]).toContain(starts[1]);
    });
  }
});

describe('builtin firmware, --smp 4: a hart stopping and starting while the others fence it', () => {
  // Hart 3 stops itself as soon as it starts; hart 0 starts it again each time it is STOPPED. Harts 1
  // and 2 meanwhile fence every hart and send hart 3 IPIs: hart 3 is named while STARTED, STOP_PENDING,
  // STOPPED or START_PENDING, and a request that reaches it on its way to STOPPED is still done (its
  // wait acknowledges it) — no fencer may wait forever, and no call fails.
  const RESTARTS = 6, ROUNDS = 10;
  const code = `
stopper:
  call set_sp
  la t0, starts3
  li t1, 1
  amoadd.d zero, t1, (t0)
${sbi(EXT.HSM, 1)}
${store('stop_failed', 'a0')}
1: j 1b
fencer:
  call set_sp
  li s2, 0
  li s1, ${ROUNDS}
2:
${sbi(EXT.RFENCE, 1, 0, -1, 0, 0)}  or s2, s2, a0
${sbi(EXT.RFENCE, 0, 0, -1)}  or s2, s2, a0
${sbi(EXT.IPI, 0, 0b1000, 0)}  or s2, s2, a0
${sbi(EXT.RFENCE, 2, 0b1000, 0, 0x40000000, 0x2000, 0)}  or s2, s2, a0
  addi s1, s1, -1
  bnez s1, 2b
  la t0, results
  slli t1, tp, 3
  add t0, t0, t1
  sd s2, 0(t0)                   # results[1], [2]: the fencers' errors or'ed together
  la t0, done
  li t1, 1
  amoadd.d zero, t1, (t0)
3: wfi
  j 3b
main:
  li s2, 0
${sbi(EXT.HSM, 0, 3, '=stopper', 0)}
${sbi(EXT.HSM, 0, 1, '=fencer', 0)}
${sbi(EXT.HSM, 0, 2, '=fencer', 0)}
  li s1, ${RESTARTS}
4:
${waitState(3, STOPPED)}
${sbi(EXT.HSM, 0, 3, '=stopper', 's1')}  or s2, s2, a0
  addi s1, s1, -1
  bnez s1, 4b
${waitGe('done', 2)}
${waitState(3, STOPPED)}
  sd s2, ${R(0)}                 # hart 0's hart_start errors
  la t0, starts3
  ld t1, 0(t0)
  sd t1, ${R(3)}
  la t0, stop_failed
  ld t1, 0(t0)
  sd t1, ${R(4)}
${SHUTDOWN}`;
  for (const quantum of [1, 5, 13, 100, 1000]) {
    it(`quantum ${quantum}: every hart_start, fence and IPI succeeds; hart 3 started ${RESTARTS + 1} times`, () => {
      const run = boot(payload(code, 'starts3: .dword 0\ndone: .dword 0\nstop_failed: .dword 0'), { smp: 4, quantum, maxInsns: 6_000_000 });
      expectPass(run);
      expect([0, 1, 2, 3, 4].map((i) => run.read('results', i))).toEqual([0n, 0n, 0n, BigInt(RESTARTS + 1), 0n]);
    });
  }
});

describe('builtin firmware, one hart (--smp 1, the default)', () => {
  const main = `
main:
${sbi(EXT.HSM, 2, 0)}  sd a0, ${R(0)}
  sd a1, ${R(1)}
${sbi(EXT.HSM, 2, 1)}  sd a0, ${R(2)}
${sbi(EXT.HSM, 0, 0, '=main', 0)}  sd a0, ${R(3)}
${sbi(EXT.HSM, 0, 1, '=main', 0)}  sd a0, ${R(4)}
${sbi(EXT.IPI, 0, 1, 0)}  sd a0, ${R(5)}
  csrr t1, sip
  sd t1, ${R(6)}
  csrci sip, 2
${sbi(EXT.IPI, 0, 2, 0)}  sd a0, ${R(7)}
${sbi(EXT.IPI, 0, 0, -1)}  sd a0, ${R(8)}
  csrr t1, sip
  sd t1, ${R(9)}
${sbi(EXT.RFENCE, 1, 1, 0, 0, 0)}  sd a0, ${R(10)}
${sbi(EXT.RFENCE, 0, 2, 0)}  sd a0, ${R(11)}
${sbi(EXT.RFENCE, 2, 0, -1, 0x40000000, 0x2000, 5)}  sd a0, ${R(12)}
${SHUTDOWN}`;
  for (const smp of [undefined, 1]) {
    it(`${smp === undefined ? 'no smp option' : 'smp: 1'}: the one-line banner, hart 0 alone, IPI and RFENCE to itself`, () => {
      const run = boot(payload(main), smp === undefined ? {} : { smp });
      expectPass(run);
      const lines = run.uart.split('\n');
      expect(lines[0]).toMatch(/^rvhart firmware: SBI v2\.0 in M-mode; PMP denies S\/U 0x80000000\.\.0x800[0-9a-f]+; Sstc on; entering S-mode at 0x80200000$/);
      expect(lines.slice(1, -1)).toEqual(dumpOf(run.uart));           // nothing else but the payload's dump
      expect(Array.from({ length: 13 }, (_, i) => run.read('results', i))).toEqual([
        0n, STARTED, SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM,
        0n, 2n, SBI_ERR_INVALID_PARAM, 0n, 2n,
        0n, SBI_ERR_INVALID_PARAM, 0n]);
      expect(run.machine.harts).toHaveLength(1);
      expect(run.machine.hart.trapCounts.get('irq:3') ?? 0).toBe(0);   // its own IPIs need no M-mode interrupt
    });
  }
});

describe('the bundled kernel (one hart) under the firmware', () => {
  const out = mkdtempSync(join(tmpdir(), 'rvhart-smp-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const imgs = buildBundled({ satp: 'sv39', outDir: out });
  const bootKernel = (smp: number): { text: string; stop: MachineStop; machine: Virt } => {
    let text = '';
    const dec = new TextDecoder();
    const machine = new Virt({ smp, output: (b) => { text += dec.decode(b, { stream: true }); } });
    machine.boot(loadImage(imgs.kernel), loadImage(imgs.firmware));
    const stop = machine.run(100_000_000);
    return { text, stop, machine };
  };
  const one = bootKernel(1);
  const four = bootKernel(4);

  it('--smp 1: boots to its shutdown with the one-hart transcript', () => {
    expect(one.stop, one.text).toMatchObject({ kind: 'exit', code: 0 });
    expect(one.text).toContain('SBI: hart 0 status STARTED; an unknown extension answers SBI_ERR_NOT_SUPPORTED');
    expect(one.text).not.toContain('harts;');
  });

  it('--smp 4: the same transcript but for the firmware line about the other harts, which stay parked in WFI', () => {
    expect(four.stop, four.text).toMatchObject({ kind: 'exit', code: 0 });
    const extra = 'rvhart firmware: 4 harts; boot hart 0; harts 1..3 STOPPED until HSM hart_start\n';
    expect(four.text).toContain(extra);
    expect(four.text.replace(extra, '')).toBe(one.text);
    for (const h of [1, 2, 3]) {
      expect(four.machine.harts[h]!.retired).toBeLessThan(1000);    // their set-up, then WFI until the end
      expect(four.machine.harts[h]!.trapCounts.size).toBe(0);
    }
  });
});

const haveQemu = spawnSync('sh', ['-c', 'command -v qemu-system-riscv64'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!haveQemu)('the same firmware and payloads on QEMU virt -smp 4', () => {
  // The firmware ELF as -bios and the payload as -kernel on QEMU's own board: what the payload saw
  // (its dump) must be what it saw on rvhart — the firmware, not this emulator, makes it so.
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-smp-qemu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fw = join(dir, 'firmware.elf');
  writeFileSync(fw, firmwareElf);
  const qemu = (name: string): string[] => {
    const elf = join(dir, `${name}.elf`);
    writeFileSync(elf, linkAsm(named.get(name)!.source, `${name}.s`, { base: 0x8020_0000 }).elf);
    const q = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-smp', '4', '-m', '128M', '-bios', fw, '-kernel', elf,
      '-display', 'none', '-monitor', 'none', '-serial', 'stdio'], { encoding: 'utf8', timeout: 60_000 });
    expect(q.status, q.stdout + q.stderr).toBe(0);
    const dump = dumpOf(q.stdout);
    expect(dump).toHaveLength(DUMP_LINES);
    return dump;
  };
  for (const name of ['HSM', 'IPI', 'RFENCE', 'remote_fence_i', 'hart_suspend']) {
    it(`${name}: the same dump as on rvhart`, () => {
      expect(qemu(name)).toEqual(dumpOf(named.get(name)!.run.uart));
    });
  }

  it('harts racing, on host threads (QEMU runs each hart on its own): one hart_start wins, no errors, no deadlock', () => {
    const d = qemu('race').map((l) => BigInt(`0x${l}`));
    expect([d[5], d[6], d[7]]).toEqual([0n, 1n, 4n]);
    const starts = [d[1]!, d[2]!].sort();
    expect(starts[0]).toBe(0n);
    expect([SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_AVAILABLE]).toContain(starts[1]);
  });
});

// A Linux `Image` built with CONFIG_SMP (none is in the repository): RVHART_LINUX_IMAGE=/path/Image,
// and optionally RVHART_LINUX_INITRD. Linux starts its secondary harts with HSM hart_start and then
// uses the firmware's IPIs and remote fences.
const linuxPath = process.env.RVHART_LINUX_IMAGE;

describe.skipIf(linuxPath === undefined)('Linux (RVHART_LINUX_IMAGE) on four harts under the firmware', () => {
  it('brings up all four CPUs through SBI HSM', () => {
    const img = linuxImage('Image', new Uint8Array(readFileSync(linuxPath!)), 0x8020_0000);
    const initrd = process.env.RVHART_LINUX_INITRD ? new Uint8Array(readFileSync(process.env.RVHART_LINUX_INITRD)) : undefined;
    let text = '';
    const machine = new Virt({ smp: 4, mem: 256 << 20, bootargs: 'console=ttyS0 earlycon=sbi', output: (b) => { text += new TextDecoder().decode(b); } });
    machine.boot(img, bootImage(readElf(firmwareElf, 'firmware.elf')), initrd);
    while (!/smp: Brought up \d+ nodes?, \d+ CPUs/.test(text) && machine.retired < 1_000_000_000 && machine.stopped === undefined) machine.run(machine.retired + 5_000_000);
    expect(text).toMatch(/smp: Brought up 1 node, 4 CPUs/);
    expect(text).not.toMatch(/CPU\d+: failed to come online|failed to boot secondary/);
  });
});
