// Compiled-only semantics and the machine-level features: division by zero and shift amounts as
// RISC-V defines them, naked functions, sym(), the frame record a debugger's `bt` walks, ecall with
// a0/a1 results (also against the host's SBI handler), fences, and the shape of the emitted code.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { driverAsm, runEmulator } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const M64 = (1n << 64n) - 1n;

function runCases(cases: { fn: string; args: bigint[] }[]): bigint[] {
  const r = compile([path.join(here, 'corpus/system.ts')]);
  expect(r.diagnostics).toEqual([]);
  const sources = [...r.asm].map(([f, text]) => ({ file: path.basename(f, '.ts') + '.s', text }));
  const run = runEmulator([...sources, { file: 'driver.s', text: driverAsm(cases) }]);
  expect(run.exitCode, run.uart + run.stop).toBe(0);
  return run.uart.trim().split('\n').map((l) => BigInt(`0x${l}`));
}

describe('kernel-ts compiled semantics', () => {
  it('division by zero and shift amounts behave as RISC-V defines them', () => {
    const [d0, d1, s0] = runCases([
      { fn: 'div_by_zero', args: [0x1234n] },
      { fn: 'div_by_zero', args: [0n] },
      { fn: 'big_shift', args: [0x8000000000000001n, 3n] },
    ]);
    // a/0 = 2^64-1, a%0 = a, sdiv(a,0) = -1, srem(a,0) = a
    expect(d0).toBe(M64 ^ 0x1234n ^ M64 ^ 0x1234n);
    expect(d1).toBe(0n);
    // the shift amount is taken mod 64
    expect(s0).toBe(BigInt.asUintN(64, 0x8000000000000001n << 3n) ^ (0x8000000000000001n >> 3n));
  });

  it('a frame record (ra at fp-8, caller fp at fp-16) links every compiled function', () => {
    expect(runCases([{ fn: 'frame_walk', args: [] }])).toEqual([3n]);
  });

  it('ecall passes a7=eid, a6=fid, a0..a5 and returns a0; ecall_value() is a1 — compiled and natively', () => {
    const [compiled] = runCases([{ fn: 'do_ecall', args: [100n, 20n] }]);
    // first: a0 = 100 + 5 + 7 = 112, a1 = 20 + 3 = 23; second: a0 = 0 + 1 + 2 = 3, a1 = 0
    expect(compiled).toBe(112n * 1000n + 23n * 10n + 3n + 0n);
    const host = installHost({
      symbols: { test_trap: 0x80000000n },
      ecall: (a) => ({ a0: a[0] + a[7] + a[6], a1: a[1] + a[2] }),
    });
    return import('./corpus/system.js').then((m) => {
      expect(m.do_ecall(100n, 20n)).toBe(compiled);
      expect(host.csrs.mtvec).toBe(0x80000000n);
      expect(host.events.filter((e) => e.kind === 'ecall')).toHaveLength(2);
    });
  });

  it('fences compile to their instructions and run', () => {
    expect(runCases([{ fn: 'fences', args: [0x1000n, 5n] }])).toEqual([1n]);
    const asm = [...compile([path.join(here, 'corpus/system.ts')]).asm.values()].join('\n');
    const body = asm.slice(asm.indexOf('fences:'), asm.indexOf('.size fences'));
    expect(body).toMatch(/\tsfence\.vma\n/);
    expect(body).toMatch(/\tsfence\.vma s\d+\n/);
    expect(body).toMatch(/\tsfence\.vma s\d+, s\d+\n/);
    expect(body).toMatch(/\tsfence\.vma zero, s\d+\n/);
    expect(body).toMatch(/\tfence\n/);
    expect(body).toMatch(/\tfence\.i\n/);
  });

  it('emits .type/.size per function, a standard prologue, globals only for exports, naked bodies verbatim', () => {
    const asm = [...compile([path.join(here, 'corpus/system.ts')]).asm.values()][0];
    expect(asm).toContain('\t.globl do_ecall\n');
    expect(asm).not.toContain('.globl level2');
    expect(asm).toContain('\t.type level2, @function\n');
    expect(asm).toContain('\t.size level2, .-level2\n');
    expect(asm).toMatch(/level2:\n(\t#.*\n)?\taddi sp, sp, -(\d+)\n\tsd ra, (\d+)\(sp\)\n\tsd s0, \d+\(sp\)\n\taddi s0, sp, \d+\n/);
    expect(asm).toContain('test_trap:\n\taddi sp, sp, -16\n\tsd t0, 0(sp)\n');
    expect(asm).toContain('get_fp:\n\tmv a0, s0\n\tret\n\t.size get_fp, .-get_fp');
  });
});
