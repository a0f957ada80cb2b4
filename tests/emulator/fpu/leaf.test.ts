// emulator/fpu is a leaf: it imports only its own files (no other project folder, no Node module),
// so the interpreter, a later translation tier and the browser bundle can all take it as it is.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('emulator/fpu imports nothing but itself', () => {
  const dir = join(import.meta.dirname, '../../../emulator/fpu');
  const outside: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/\bfrom\s+'([^']+)'/g)) {
      if (!/^\.\/[\w-]+\.js$/.test(m[1])) outside.push(`${file}: ${m[1]}`);
    }
  }
  expect(outside).toEqual([]);
});
