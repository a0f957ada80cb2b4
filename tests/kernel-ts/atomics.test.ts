// The atomics intrinsics (amoswap64, amoadd64, amoor64, cmpxchg64): compiled to fully ordered AMOs and
// an LR/SC loop, run on rvhart against the same functions run natively; the emitted instructions checked.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { SparseMemory } from '../../kernel-ts/runtime/memory.js';
import { driverAsm, runEmulator } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const M64 = (1n << 64n) - 1n;

const cases = [
  { fn: 'amo_sequence', args: [0x1234n, 0x10n] },
  { fn: 'amo_sequence', args: [M64, M64] },
  { fn: 'cas_sequence', args: [7n, 7n, 9n] },
  { fn: 'cas_sequence', args: [7n, 8n, 9n] },
  { fn: 'amo_order', args: [40n] },
];

describe('atomics intrinsics', () => {
  const r = compile([path.join(here, 'corpus/atomics.ts')]);
  const asm = [...r.asm.values()].join('\n');

  it('compile to amoswap.d.aqrl, amoadd.d.aqrl, amoor.d.aqrl and an lr.d/sc.d loop', () => {
    expect(r.diagnostics).toEqual([]);
    expect(asm).toMatch(/\tamoswap\.d\.aqrl t\d, \w+, \(\w+\)\n/);
    expect(asm).toMatch(/\tamoadd\.d\.aqrl t\d, \w+, \(\w+\)\n/);
    expect(asm).toMatch(/\tamoor\.d\.aqrl t\d, \w+, \(\w+\)\n/);
    expect(asm).toMatch(/:\n\tlr\.d\.aqrl (t\d), \((\w+)\)\n\tbne \1, \w+, (\S+)\n\tsc\.d\.aqrl (t\d), \w+, \(\2\)\n\tbnez \4, \S+\n\3:\n/);
  });

  it('give the same results on rvhart as natively', async () => {
    const sources = [...r.asm].map(([f, text]) => ({ file: path.basename(f, '.ts') + '.s', text }));
    // cas_sequence returns three values: the driver prints a0 only, so the native side is compared on a0.
    const run = runEmulator([...sources, { file: 'driver.s', text: driverAsm(cases) }]);
    expect(run.exitCode, run.uart + run.stop).toBe(0);
    const compiled = run.uart.trim().split('\n').map((l) => BigInt(`0x${l}`));
    installHost({ memory: new SparseMemory(), staticBase: 0x80100000n });
    const m = await import('./corpus/atomics.js');
    const native = cases.map((c) => {
      const v = (m as unknown as Record<string, (...a: bigint[]) => bigint | bigint[]>)[c.fn]!(...c.args);
      return Array.isArray(v) ? v[0]! : v;
    });
    expect(compiled).toEqual(native);
    expect(native).toEqual([
      (0x1234n ^ (0x10n << 1n) ^ (0x15n << 2n)) + 0x115n,
      (1n ^ (4n << 2n)) + 0x104n,                                  // M64 ^ (M64 << 1 mod 2^64) = 1
      7n, 7n, 40n * 1000n + 43n + 8n,
    ]);
    expect(m.cas_sequence(7n, 7n, 9n)).toEqual([7n, 9n, 10n]);     // stored 9, then 10
    expect(m.cas_sequence(7n, 8n, 9n)).toEqual([7n, 7n, 10n]);     // no store, then 10
  });
});
