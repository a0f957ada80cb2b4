// Differential-test harness: runs kernel-ts functions on a RISC-V target and natively.
//
// On the target, a small assembly driver (_start) walks a table of cases {function, a0..a7}, calls
// each function with jalr, checks the callee-saved registers and sp survived (the LP64 ABI), and
// prints the result as 16 hex digits on the UART; it then powers off through the syscon (0x5555).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Virt } from '../../emulator/board/virt.js';
import { bootImage } from '../../linker/elf/boot-image.js';
import { assemble } from '../../linker/asm/assemble.js';
import { readElf } from '../../linker/elf/read.js';
import { link } from '../../linker/link/link.js';

export interface Case { fn: string; args: bigint[] }

export const UART = 0x1000_0000;
export const SYSCON = 0x10_0000;

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The driver and the case table, as assembly. */
export function driverAsm(cases: Case[]): string {
  const lines = [
    '\t.section .text.start, "ax"',
    '\t.globl _start',
    '_start:',
    '\tla sp, __stack_top',
    '\tla s1, cases',
    '\tla s2, cases_end',
    '1:\tbgeu s1, s2, 9f',
    // Callee-saved registers the callee must preserve: s3..s11 get known values.
    ...[3, 4, 5, 6, 7, 8, 9, 10, 11].map((r) => `\tli s${r}, ${0x1000 + r}`),
    '\tmv s0, sp',
    '\tld t0, 0(s1)',
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `\tld a${i}, ${8 + 8 * i}(s1)`),
    '\tjalr t0',
    '\tbne s0, sp, 8f',
    ...[3, 4, 5, 6, 7, 8, 9, 10, 11].flatMap((r) => [`\tli t1, ${0x1000 + r}`, `\tbne s${r}, t1, 8f`]),
    '\tcall print_hex',
    '\taddi s1, s1, 72',
    '\tj 1b',
    '8:\tla a0, abi_msg',
    '\tcall print_str',
    '\tli t0, 0x' + SYSCON.toString(16),
    '\tli t1, 0x13333',
    '\tsw t1, 0(t0)',
    '\tj 8b',
    '9:\tli t0, 0x' + SYSCON.toString(16),
    '\tli t1, 0x5555',
    '\tsw t1, 0(t0)',
    '\tj 9b',
    '',
    'putc:\tli t0, 0x' + UART.toString(16),
    '1:\tlbu t1, 5(t0)',
    '\tandi t1, t1, 0x20',
    '\tbeqz t1, 1b',
    '\tsb a0, 0(t0)',
    '\tret',
    'print_str:\taddi sp, sp, -16',
    '\tsd ra, 8(sp)',
    '\tsd s1, 0(sp)',
    '\tmv s1, a0',
    '1:\tlbu a0, 0(s1)',
    '\tbeqz a0, 2f',
    '\tcall putc',
    '\taddi s1, s1, 1',
    '\tj 1b',
    '2:\tld ra, 8(sp)',
    '\tld s1, 0(sp)',
    '\taddi sp, sp, 16',
    '\tret',
    'print_hex:\taddi sp, sp, -32',
    '\tsd ra, 24(sp)',
    '\tsd s1, 16(sp)',
    '\tsd s2, 8(sp)',
    '\tmv s1, a0',
    '\tli s2, 60',
    '1:\tsrl a0, s1, s2',
    '\tandi a0, a0, 15',
    '\tli t2, 10',
    '\tblt a0, t2, 2f',
    '\taddi a0, a0, 87',
    '\tj 3f',
    '2:\taddi a0, a0, 48',
    '3:\tcall putc',
    '\taddi s2, s2, -4',
    '\tbgez s2, 1b',
    '\tli a0, 10',
    '\tcall putc',
    '\tld ra, 24(sp)',
    '\tld s1, 16(sp)',
    '\tld s2, 8(sp)',
    '\taddi sp, sp, 32',
    '\tret',
    '\t.section .rodata',
    'abi_msg:\t.asciz "ABI VIOLATION\\n"',
    '\t.data',
    '\t.balign 8',
    'cases:',
  ];
  for (const c of cases) {
    const args = [...c.args, ...Array(8 - c.args.length).fill(0n)].map((v) => `0x${BigInt.asUintN(64, v).toString(16)}`);
    lines.push(`\t.dword ${c.fn}, ${args.join(', ')}`);
  }
  lines.push('cases_end:', '');
  return lines.join('\n');
}

export const LINKER_SCRIPT = `
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.text.start) *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  . = ALIGN(16);
  . += 0x40000;
  __stack_top = .;
}
`;

/** Assemble and link with GNU binutils in `dir` (the caller's, e.g. from withTempDir); returns the ELF path. */
export function gnuLink(sources: string[], dir: string): string {
  const objs = sources.map((src, i) => {
    const s = path.join(dir, `m${i}.s`), o = path.join(dir, `m${i}.o`);
    fs.writeFileSync(s, src);
    execFileSync('riscv64-unknown-elf-as', ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mno-relax', s, '-o', o]);
    return o;
  });
  const ld = path.join(dir, 'link.ld'), elf = path.join(dir, 'out.elf');
  fs.writeFileSync(ld, LINKER_SCRIPT);
  execFileSync('riscv64-unknown-elf-ld', ['-T', ld, '-o', elf, ...objs]);
  return elf;
}

/** Boot an ELF on QEMU's virt machine with no firmware; returns the UART text and exit status. */
export function runQemu(elf: string): { uart: string; status: number | null } {
  const r = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-display', 'none', '-monitor', 'none',
    '-serial', 'stdio', '-kernel', elf], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { uart: r.stdout, status: r.status };
}

/** A deterministic xorshift64* generator for random u64 inputs. */
export function rng(seed: bigint): () => bigint {
  let x = seed | 1n;
  return () => {
    x ^= x >> 12n; x ^= BigInt.asUintN(64, x << 25n); x ^= x >> 27n;
    return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
  };
}

export const EDGES: bigint[] = [0n, 1n, 2n, 3n, 0x7ffn, 0x800n, 0xfffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xfffffffffffffffen, 0xffffffffffffffffn];

/** Inputs for an n-argument function: edge values (all pairs for n ≤ 2) and `random` random tuples. */
export function inputs(n: number, random: number, next: () => bigint): bigint[][] {
  const out: bigint[][] = [];
  if (n === 0) return [[]];
  if (n === 1) for (const a of EDGES) out.push([a]);
  else if (n === 2) for (const a of EDGES) for (const b of EDGES) out.push([a, b]);
  else for (const a of EDGES) out.push(Array.from({ length: n }, (_, i) => (i === 0 ? a : EDGES[(i * 5) % EDGES.length])));
  for (let i = 0; i < random; i++) {
    // Mix pure random values with small ones so loops and tables see their interesting range.
    out.push(Array.from({ length: n }, () => { const v = next(); return (v & 3n) === 0n ? v & 0x3fn : v; }));
  }
  return out;
}

/** Assemble each module with OUR assembler, link them with OUR linker, boot on OUR virt board (--bios none). */
export function runEmulator(sources: { file: string; text: string }[], maxInsns = 500_000_000): {
  uart: string; exitCode: number | undefined; stop: string; retired: number; symbols: Map<string, bigint>;
} {
  const objects = sources.map((s) => assemble(s.text, s.file, { rvc: true }));
  const linked = link(objects, LINKER_SCRIPT, 'kernel-ts-harness.ld');
  let uart = '';
  const decoder = new TextDecoder();
  const machine = new Virt({ mem: 16 * 1024 * 1024, output: (b) => { uart += decoder.decode(b, { stream: true }); } });
  machine.boot(bootImage(readElf(linked.elf, 'harness.elf')));
  const stop = machine.run(maxInsns);
  return {
    uart, stop: JSON.stringify(stop, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)),
    exitCode: stop.kind === 'exit' ? stop.code : undefined, retired: machine.hart.retired, symbols: linked.symbols,
  };
}
