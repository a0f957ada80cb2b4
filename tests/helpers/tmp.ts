// A temporary folder for the duration of one piece of work, so a test run leaves nothing in the
// system's temp folder. (A test file's own folder is made at its top and removed in afterAll.)
// No vitest import: the benchmarks use the helpers too.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `f` with a new folder `<tmp>/<prefix>XXXXXX` and removes the folder afterwards, whatever `f` does. */
export function withTempDir<T>(prefix: string, f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
