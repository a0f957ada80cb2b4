// `rvhart test ELF...`: runs riscv-tests-style programs (HTIF tohost exit; `--bios none`), prints a
// line per failing program, then "N passed, M failed". Exit 0 when all pass, 1 otherwise.

import type { Argv, CommandModule } from 'yargs';
import { Virt, type BootImage } from '../emulator/board/virt.js';
import { EXIT, fail } from './exit.js';
import { ImageError, loadImage } from './load.js';
import { setProcessTier } from '../emulator/hart/hart.js';
import { TIER_OPTION, tierSetting } from './tier.js';

interface TestArgs { elf: string[]; 'max-insns': number; tier: string }

export interface TestOutcome {
  readonly file: string;
  readonly passed: boolean;
  /** Why it failed: exit code (riscv-tests: the failing test number), a stop, or an unloadable file. */
  readonly reason: string;
  readonly output: string;
}

/** Runs one HTIF program to its exit (or the instruction limit). */
export function runTestImage(image: BootImage, maxInsns = 50_000_000): TestOutcome {
  let output = '';
  const decoder = new TextDecoder();
  const m = new Virt({ mem: 64 * 1024 * 1024, output: (b) => { output += decoder.decode(b, { stream: true }); } });
  try {
    m.boot(image);
  } catch (e) {
    // A segment outside RAM, or tohost/fromhost outside RAM: the image cannot run here.
    if (e instanceof RangeError) return { file: image.name, passed: false, reason: e.message, output };
    throw e;
  }
  if (m.htif === undefined) return { file: image.name, passed: false, reason: 'no tohost symbol (not an HTIF program)', output };
  const stop = m.run(maxInsns);
  if (stop.kind === 'exit') {
    if (stop.code === 0) return { file: image.name, passed: true, reason: 'pass', output };
    return { file: image.name, passed: false, reason: `exit code ${stop.code}` + (/HTIF/.test(stop.reason) ? ` (test ${stop.code} failed)` : ''), output };
  }
  return { file: image.name, passed: false, reason: stop.reason, output };
}

export function runTestFile(path: string, maxInsns?: number): TestOutcome {
  try {
    return runTestImage(loadImage(path), maxInsns);
  } catch (e) {
    if (e instanceof ImageError) return { file: path, passed: false, reason: e.message, output: '' };
    throw e;
  }
}

export const testCommand: CommandModule<object, TestArgs> = {
  command: 'test <elf..>',
  describe: 'run HTIF test programs (riscv-tests style)',
  builder: (y) => y
    .positional('elf', { type: 'string', array: true, demandOption: true, describe: 'test ELF files' })
    .option('max-insns', { type: 'number', default: 50_000_000, describe: 'instruction limit per program' })
    .option('tier', TIER_OPTION) as unknown as Argv<TestArgs>,
  handler: (args) => {
    if (!(Number.isInteger(args['max-insns']) && args['max-insns'] > 0)) fail(EXIT.USAGE, '--max-insns: expected a positive integer');
    if (Array.isArray(args.tier)) fail(EXIT.USAGE, '--tier given more than once');
    const { tier, hot } = tierSetting(args.tier);
    setProcessTier(tier, hot); // every program's machine
    let passed = 0, failed = 0;
    for (const f of args.elf) {
      const r = runTestFile(f, args['max-insns']);
      if (r.passed) passed++;
      else { failed++; process.stdout.write(`FAIL ${f}: ${r.reason.startsWith(`${f}: `) ? r.reason.slice(f.length + 2) : r.reason}\n`); }
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    process.exit(failed === 0 ? EXIT.OK : 1);
  },
};
