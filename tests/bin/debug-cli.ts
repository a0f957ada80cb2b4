// Runs the rvhart CLI from its TypeScript sources (vite-node), so the tests see the current code.

import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VITE_NODE = join(ROOT, 'node_modules', '.bin', 'vite-node');
export const CLI = join(ROOT, 'bin', 'rvhart.ts');

export function rvhartSync(args: string[], input = ''): SpawnSyncReturns<string> {
  return spawnSync(VITE_NODE, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 120_000 });
}

export function rvhartSpawn(args: string[]) {
  return spawn(VITE_NODE, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}
