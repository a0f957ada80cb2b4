// The link script `rvhart build` uses without -T: linker/scripts/virt.ld (a program in the virt
// board's RAM at 0x80000000, for `rvhart boot --bios none`), read from the repository that holds
// this module (bin/ under vitest, dist/bin/ when built).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScriptSource } from './build.js';

/** How errors and `build --help` name the script. */
export const VIRT_SCRIPT = 'linker/scripts/virt.ld';

export function virtScript(): ScriptSource {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    const path = join(dir, VIRT_SCRIPT);
    if (existsSync(path)) return { file: VIRT_SCRIPT, text: readFileSync(path, 'utf8') };
  }
  throw new Error(`${VIRT_SCRIPT}: not found beside ${fileURLToPath(import.meta.url)}`);
}
