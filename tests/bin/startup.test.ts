// Start-up: `rvhart boot` of a prebuilt image must not load the kernel-ts compiler's `typescript`
// package (about a second); a command that compiles does. Checked by what the process loaded (a
// preloaded module reports require.cache at exit), never by timing. And the help text: wrapped at
// word boundaries at the given width.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElf } from '../helpers/build-asm.js';
import { ROOT } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CLI = join(ROOT, 'dist', 'bin', 'rvhart.js');
const probe = join(tmp, 'probe.cjs');
writeFileSync(probe, `process.on('exit', () => {
  const ts = Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(k));
  process.stderr.write('typescript loaded: ' + ts + '\\n');
});\n`);

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('node', ['--require', probe, CLI, ...args], { encoding: 'utf8', input: '', env: { ...process.env, ...env }, timeout: 120_000 });
}

const tiny = join(tmp, 'tiny.elf');
writeFileSync(tiny, buildElf(`  .globl _start
_start:
  li a0, 0x10000000
  li a1, 'x'
  sb a1, 0(a0)
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
`, 'tiny.elf'));

describe('start-up loads only what the command needs', () => {
  it('boot --bios none IMAGE does not load typescript', () => {
    const r = run(['boot', '--bios', 'none', tiny]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('x');
    expect(r.stderr).toBe('typescript loaded: false\n');
  });
  it('a command that compiles kernel-ts does load it (the probe sees it)', () => {
    const src = join(tmp, 'k.ts');
    writeFileSync(src, 'export function f(): number { return 1; }\n');
    const r = run(['build', src, '-o', join(tmp, 'k.elf')]);
    expect(r.stderr).toContain('typescript loaded: true');
  });
  it('boot of the bundled kernel, once built, does not load typescript', () => {
    run(['boot', '--max-insns', '1000']); // builds build/ first if it is stale
    const r = run(['boot', '--max-insns', '1000']);
    expect(r.status, r.stderr).toBe(124);
    expect(r.stderr).toContain('typescript loaded: false');
  });
});

describe('help text', () => {
  it('boot --help wraps at word boundaries at $COLUMNS', () => {
    for (const cols of [60, 100]) {
      const r = run(['boot', '--help'], { COLUMNS: String(cols) });
      expect(r.status).toBe(0);
      const lines = r.stdout.split('\n');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(cols);
      // Words the old layout cut in half; none of the words of a description may be split.
      const text = lines.map((l) => l.trim()).join(' ');
      for (const w of ['bundled', '0x80000000', '0x80200000', 'instruction', '--trace=FILE', '--stats=json']) expect(text).toContain(w);
      for (const l of lines) expect(l, `line ends inside a word at ${cols} columns: ${l}`).not.toMatch(/\b(bundl|0x800|instruc)$/);
    }
  });
});
