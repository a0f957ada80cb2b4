// kernel-ts/README.md's examples (tests/kernel-ts/corpus/readme.ts) compile, and give the same
// results compiled on rvhart as natively.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { driverAsm, runEmulator } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CASES = [{ fn: 'examples', args: [0x80800000n, 0n] }, { fn: 'examples', args: [0x80800000n, 6n] }];

describe("the README's examples", () => {
  it('compile and agree with the native run', async () => {
    const r = compile([path.join(here, 'corpus/readme.ts')]);
    expect(r.diagnostics).toEqual([]);
    const sources = [...r.asm].map(([f, text]) => ({ file: path.basename(f, '.ts') + '.s', text }));
    const run = runEmulator([...sources, { file: 'driver.s', text: driverAsm(CASES) }]);
    expect(run.exitCode, run.stop).toBe(0);
    installHost({});
    const m = await import('./corpus/readme.js');
    const native = CASES.map((c) => m.examples(c.args[0]!, c.args[1]!).toString(16).padStart(16, '0'));
    expect(run.uart.trim().split('\n')).toEqual(native);
  });
});
