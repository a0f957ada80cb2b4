// `rvhart web --out DIR`: builds the page into a new folder or one it built before; a folder holding
// the user's own files of the same names is refused in one line and left as it was.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rvhart } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rvhart-web-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rvhart web --out', () => {
  it('builds into a new folder, and again into the folder it built', () => {
    const out = join(tmp, 'site');
    for (let i = 0; i < 2; i++) {
      const r = rvhart(['web', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${join(out, 'index.html')}\n`);
    }
    for (const f of ['index.html', 'main.js', 'firmware.elf', 'kernel-sv39.elf', 'kernel-sv48.elf']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('never overwrites a user\'s files of the same names', () => {
    const mine = join(tmp, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'index.html'), '<h1>my page</h1>\n');
    const r = rvhart(['web', '--out', mine]);
    expect(r.stderr).toBe(`rvhart: --out: ${mine} holds index.html, not written by rvhart web; name an empty or new folder\n`);
    expect(r.status).toBe(2);
    expect(readFileSync(join(mine, 'index.html'), 'utf8')).toBe('<h1>my page</h1>\n');
    expect(existsSync(join(mine, 'main.js'))).toBe(false);
  });
});
