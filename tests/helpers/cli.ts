// Runs the built CLI (dist/bin/rvhart.js; `npm test` builds it first, and so does this helper when it is missing).

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'rvhart.js');

/** `env`: variables added to the test's own (RVHART_TIER and RVHART_HOT pass through to the CLI). */
export function rvhart(args: string[], opts: { input?: string; timeout?: number; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  if (!existsSync(CLI)) spawnSync('npx', ['tsc', '-p', ROOT], { cwd: ROOT, encoding: 'utf8' });
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeout ?? 120_000, env: { ...process.env, ...opts.env } });
}

/** Whether a host tool is installed (tests that need it skip with a message otherwise). */
export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}
