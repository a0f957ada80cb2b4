// `rvhart draw` through the real CLI: drawings at a symbol or after N instructions, to a file or
// stdout; usage errors in one line with exit 2; a guest that stops first exits 125; a file that is
// not one of our drawings is never overwritten.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rvhart } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rvhart-draw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rvhart draw', () => {
  it('draws the page table at a symbol, and a walk as an HTML page', () => {
    const out = join(dir, 'pt.svg');
    let r = rvhart(['draw', 'pt', '--at', 'lazy_demo', '-o', out]);
    expect(r.stderr).toBe(`rvhart: drew pt at reaching lazy_demo to ${out}\n`);
    expect(r.status).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<!-- drawn by rvhart -->');
    expect(svg).toContain('1 GiB block');
    // Drawing again over our own drawing is fine.
    expect(rvhart(['draw', 'pt', '--at', 'lazy_demo', '-o', out]).status).toBe(0);
    const page = join(dir, 'walk.html');
    r = rvhart(['draw', 'walk', '--at', 'lazy_demo', '--va', '0x80200000', '--access', 'x', '-o', page]);
    expect(r.status).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('walk 0x80200000');
    expect(html).toContain('(fetch as supervisor)');
  });

  it('after N instructions, to stdout', () => {
    const r = rvhart(['draw', 'tlb', '--after-insns', '3M', '-o', '-']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^<svg[^]*TLB: \d+ valid entries[^]*<\/svg>\n$/);
  });

  it('refuses what it cannot do, in one line', () => {
    const cases: [string[], number, RegExp][] = [
      [['draw', 'pt'], 2, /^rvhart: draw: name the moment: --at SYMBOL or --after-insns N\n$/],
      [['draw', 'maps', '--at', 'kmain'], 2, /^rvhart: draw maps: expected pt, walk, frames or tlb\n$/],
      [['draw', 'walk', '--at', 'kmain'], 2, /^rvhart: draw walk: name the address: --va VA\n$/],
      [['draw', 'pt', '--at', 'kmain', '--va', '0x1000'], 2, /^rvhart: draw pt: --va, --access and --priv go with draw walk\n$/],
      [['draw', 'pt', '--at', 'no_such_symbol'], 2, /^rvhart: --at no_such_symbol: no such symbol in the images, and not a number\n$/],
      [['draw', 'pt', '--after-insns', 'lots'], 2, /^rvhart: --after-insns lots: expected a positive integer/],
      [['draw', 'pt', '--after-insns', '2G'], 125, /^rvhart: draw: the guest exited \(code 0\) before 2000000000 instructions\n$/],
    ];
    for (const [args, status, err] of cases) {
      const r = rvhart(args);
      expect(r.stderr, args.join(' ')).toMatch(err);
      expect(r.status, args.join(' ')).toBe(status);
    }
  });

  it('never overwrites a file that is not one of its drawings', () => {
    const mine = join(dir, 'notes.svg');
    writeFileSync(mine, '<svg>my own slide</svg>\n');
    const r = rvhart(['draw', 'frames', '--at', 'lazy_demo', '-o', mine]);
    expect(r.stderr).toBe(`rvhart: ${mine}: exists and is not a drawing of rvhart's; refusing to overwrite it (name another file)\n`);
    expect(r.status).toBe(2);
    expect(readFileSync(mine, 'utf8')).toBe('<svg>my own slide</svg>\n');
  });
});
