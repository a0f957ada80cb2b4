// kernel-ts code quality: instructions retired by a compiled loop against the same loop written by
// hand in assembly, both run on rvhart through the same driver (the figure to watch, not a gate).
// Runnable alone: node dist/tests/bench/kernel-ts-loop.js (after npm run build).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { driverAsm, runEmulator } from '../kernel-ts/harness.js';

/** The same loop as tests/kernel-ts/corpus/bench_loop.ts, as a human would write it. */
const HAND = `
  .text
  .globl hand_loop
hand_loop:            # a0 = n → a0 = s
  li t0, 0            # s
  li t1, 0            # i
  beqz a0, 2f
1:srli t2, t0, 3
  xor t2, t2, t1
  add t0, t0, t2
  addi t1, t1, 1
  bltu t1, a0, 1b
2:mv a0, t0
  ret
`;

export interface LoopBench { compiled: number; hand: number; iterations: number; compileMs: number }

function source(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../kernel-ts/corpus/bench_loop.ts', '../../../tests/kernel-ts/corpus/bench_loop.ts']) {
    const p = path.resolve(here, rel);
    if (fs.existsSync(p)) return p;
  }
  throw new Error('tests/kernel-ts/corpus/bench_loop.ts not found');
}

export function kernelTsLoopBench(iterations = 100_000): LoopBench {
  const t0 = performance.now();
  const r = compile([source()]);
  const compileMs = performance.now() - t0;
  if (!r.ok) throw new Error(r.diagnostics.join('\n'));
  const modules = [...r.asm.values()].map((text, i) => ({ file: `m${i}.s`, text }));
  /** Instructions retired by fn(n) minus fn(0): the loop alone, without driver and call overhead. */
  const loopInsns = (fn: string): number => {
    const retired = (n: number): number => {
      const run = runEmulator([...modules, { file: 'hand.s', text: HAND }, { file: 'driver.s', text: driverAsm([{ fn, args: [BigInt(n)] }]) }]);
      if (run.exitCode !== 0) throw new Error(`${fn}: ${run.stop}`);
      return run.retired;
    };
    return retired(iterations) - retired(0);
  };
  return { compiled: loopInsns('bench_loop'), hand: loopInsns('hand_loop'), iterations, compileMs };
}

export function printKernelTsLoopBench(): void {
  const b = kernelTsLoopBench();
  console.log(`kernel-ts loop   ${(b.compiled / b.iterations).toFixed(2)} insns/iteration compiled vs ${(b.hand / b.iterations).toFixed(2)} hand-written ` +
    `(${(b.compiled / b.hand).toFixed(2)}x; ${b.iterations} iterations; compile ${b.compileMs.toFixed(0)} ms)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printKernelTsLoopBench();
