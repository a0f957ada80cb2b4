// BUG_ON(cond) and assert(cond) compiled: "BUG at <file>:<line>" through printk, counted, and the
// code goes on; natively they throw at the place.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { driverAsm, runEmulator } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('BUG_ON and assert', () => {
  it('compiled: print the file and line of the failed check, count it, go on', () => {
    const r = compile([path.join(here, 'corpus/bug_report.ts')]);
    expect(r.diagnostics).toEqual([]);
    const sources = [...r.asm].map(([f, text]) => ({ file: path.basename(f, '.ts') + '.s', text }));
    const run = runEmulator([...sources, { file: 'driver.s', text: driverAsm([{ fn: 'bug_demo', args: [1n] }, { fn: 'bug_demo', args: [2n] }, { fn: 'bug_demo', args: [9n] }]) }]);
    expect(run.exitCode, run.stop).toBe(0);
    expect(run.uart).toBe([
      '0000000000000000',
      'BUG at tests/kernel-ts/corpus/bug_report.ts:12',
      '0000000000000001',
      'BUG at tests/kernel-ts/corpus/bug_report.ts:11',
      '0000000000000002',
      '',
    ].join('\n'));
  });

  it('natively: throw', async () => {
    installHost({});
    const m = await import('./corpus/bug_report.js');
    expect(() => m.bug_demo(9n)).toThrow(/BUG_ON/);
    expect(() => m.bug_demo(2n)).toThrow(/assert/);
  });
});
