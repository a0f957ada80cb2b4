// The console watcher behind `boot --expect/--fail-on`: lines that arrive a byte at a time or split
// across chunks, CRLF, the trailing partial line (a prompt), every --expect in any order, --fail-on
// winning on the line that matches both.

import { describe, expect, it } from 'vitest';
import { ConsoleWatch, compilePattern, type Pattern } from '../../bin/console-watch.js';

const pat = (s: string): Pattern => {
  const p = compilePattern(s);
  if (typeof p === 'string') throw new Error(p);
  return p;
};
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('ConsoleWatch', () => {
  it('matches a line that arrives a byte at a time and one split across chunks', () => {
    const w = new ConsoleWatch([pat('^ready$')], []);
    for (const ch of 'rea') expect(w.feed(bytes(ch))).toBeUndefined();
    expect(w.feed(bytes('dy\r\nmore'))).toEqual({ kind: 'pass' });
  });
  it('a multi-byte UTF-8 character split across chunks is decoded whole', () => {
    const w = new ConsoleWatch([pat('é ok')], []);
    const b = bytes('é ok\n');
    w.feed(b.subarray(0, 1));
    expect(w.feed(b.subarray(1))).toEqual({ kind: 'pass' });
  });
  it('passes only once every --expect has matched, in any order, each on some line', () => {
    const w = new ConsoleWatch([pat('second'), pat('first')], []);
    expect(w.feed(bytes('first line\n'))).toBeUndefined();
    expect(w.unmatched).toEqual(['second']);
    expect(w.feed(bytes('the second\n'))).toEqual({ kind: 'pass' });
  });
  it('a regex is matched against one line, never across two', () => {
    const w = new ConsoleWatch([pat('a.b')], []);
    expect(w.feed(bytes('a\nb\n'))).toBeUndefined();
  });
  it('the trailing partial line matches when asked (a prompt), and not before', () => {
    const w = new ConsoleWatch([pat('login: $')], []);
    expect(w.feed(bytes('login: '))).toBeUndefined();
    expect(w.checkPartial()).toEqual({ kind: 'pass' });
  });
  it('--fail-on stops at the first matching line and names it; it wins over --expect on the same line', () => {
    const w = new ConsoleWatch([pat('boot')], [pat('panic')]);
    expect(w.feed(bytes('ok\nkernel panic during boot\nboot\n'))).toEqual({ kind: 'fail', pattern: 'panic', line: 'kernel panic during boot' });
    expect(w.feed(bytes('boot\n'))).toEqual({ kind: 'fail', pattern: 'panic', line: 'kernel panic during boot' });
  });
  it('with only --fail-on patterns, a clean console gives no verdict', () => {
    const w = new ConsoleWatch([], [pat('panic')]);
    expect(w.feed(bytes('all good\n'))).toBeUndefined();
    expect(w.checkPartial()).toBeUndefined();
  });
  it('an invalid regular expression is a reason, not an exception', () => {
    expect(compilePattern('(')).toMatch(/Unterminated group/);
  });
});
