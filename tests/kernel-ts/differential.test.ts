// The corpus in ./corpus is compiled by kernel-ts and run on a RISC-V machine, and run natively
// through the host runtime, on edge and random u64 inputs; every result must be identical.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { type Case, driverAsm, gnuLink, hasTool, inputs, rng, runEmulator, runQemu } from './harness.js';
import { withTempDir } from '../helpers/tmp.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = ['arith', 'control', 'data', 'structs', 'printing', 'language', 'lists'];
/** Exported helpers called only from inside the corpus (an address argument; unbounded recursion). */
const NOT_ENTRY = new Set(['strlen', 'fib']);
const RANDOM_PER_FUNCTION = 60;

type Fn = (...args: bigint[]) => bigint | boolean;
/** Struct declarations are classes: exported, but not functions to call. */
const isClass = (v: unknown): boolean => Function.prototype.toString.call(v).startsWith('class');

async function loadNative(): Promise<{ name: string; fn: Fn }[]> {
  installHost({ csrs: {} });
  const out: { name: string; fn: Fn }[] = [];
  // Static import paths (the bundler must see them); the host is installed first.
  const mods = [await import('./corpus/arith.js'), await import('./corpus/control.js'), await import('./corpus/data.js'), await import('./corpus/structs.js'), await import('./corpus/printing.js'), await import('./corpus/language.js'), await import('./corpus/lists.js')];
  for (const mod of mods as Record<string, unknown>[]) {
    for (const [name, v] of Object.entries(mod)) if (typeof v === 'function' && !isClass(v) && !NOT_ENTRY.has(name)) out.push({ name, fn: v as Fn });
  }
  return out;
}

function cases(fns: { name: string; fn: Fn }[]): Case[] {
  const next = rng(0x5eed_1234_abcdn);
  return fns.flatMap(({ name, fn }) => inputs(fn.length, RANDOM_PER_FUNCTION, next).map((args) => ({ fn: name, args })));
}

const haveGnu = hasTool('riscv64-unknown-elf-as') && hasTool('riscv64-unknown-elf-ld');
const haveQemu = haveGnu && hasTool('qemu-system-riscv64');
if (!haveQemu) console.warn('kernel-ts differential test on QEMU skipped: needs riscv64-unknown-elf-as/ld and qemu-system-riscv64 (apt install binutils-riscv64-unknown-elf qemu-system-misc)');

describe('kernel-ts differential: compiled vs native', () => {
  let fns: { name: string; fn: Fn }[] = [];
  let table: Case[] = [];
  let native: bigint[] = [];

  beforeAll(async () => {
    fns = await loadNative();
    table = cases(fns);
    const byName = new Map(fns.map((f) => [f.name, f.fn]));
    native = table.map((c) => { const r = byName.get(c.fn)!(...c.args); return typeof r === 'boolean' ? BigInt(r) : BigInt.asUintN(64, r); });
  });

  it('the corpus covers many functions and inputs', () => {
    expect(fns.length).toBeGreaterThan(50);
    expect(table.length).toBeGreaterThan(5000);
  });

  /** Compare the target's UART lines with the native results; returns the mismatches (first 10). */
  function compare(uart: string): { mismatches: string[]; lines: string[] } {
    const lines = uart.split('\n').filter((l) => l !== '');
    const mismatches: string[] = [];
    table.forEach((c, i) => {
      const got = lines[i] === undefined || !/^[0-9a-f]{16}$/.test(lines[i]) ? undefined : BigInt(`0x${lines[i]}`);
      if (got !== native[i]) {
        mismatches.push(`${c.fn}(${c.args.map((a) => `0x${a.toString(16)}`).join(', ')}): native 0x${native[i].toString(16)}, ` +
          `compiled ${got === undefined ? JSON.stringify(lines[i] ?? 'nothing') : `0x${got.toString(16)}`}`);
      }
    });
    return { mismatches: mismatches.slice(0, 10), lines };
  }

  it('rvhart (our assembler, linker and hart) runs the compiled corpus with the native results', () => {
    const r = compile(CORPUS.map((m) => path.join(here, 'corpus', `${m}.ts`)));
    expect(r.diagnostics).toEqual([]);
    const sources = [...r.asm].map(([file, text]) => ({ file: path.basename(file, '.ts') + '.s', text }));
    const run = runEmulator([...sources, { file: 'driver.s', text: driverAsm(table) }]);
    const { mismatches, lines } = compare(run.uart);
    expect(lines).not.toContain('ABI VIOLATION');
    expect(mismatches).toEqual([]);
    expect(lines.length).toBe(table.length);
    expect(run.exitCode, run.stop).toBe(0);
  });

  it.skipIf(!haveQemu)('QEMU virt (-bios none) runs the compiled corpus (GNU as/ld) with the native results', () => {
    const r = compile(CORPUS.map((m) => path.join(here, 'corpus', `${m}.ts`)));
    expect(r.diagnostics).toEqual([]);
    const run = withTempDir('kts-', (dir) => runQemu(gnuLink([...r.asm.values(), driverAsm(table)], dir)));
    const { mismatches, lines } = compare(run.uart);
    expect(lines).not.toContain('ABI VIOLATION');
    expect(mismatches).toEqual([]);
    expect(lines.length).toBe(table.length);
    expect(run.status).toBe(0);
  });
});
