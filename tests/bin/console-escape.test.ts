// QEMU's console escape on a terminal: C-a x quits, C-a h helps, C-a C-a sends C-a; the rest passes.

import { describe, expect, it } from 'vitest';
import { ConsoleEscape, CTRL_A } from '../../bin/console-escape.js';

const keys = (...k: (number | string)[]): Uint8Array => Uint8Array.from(k.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])));

describe('console escape', () => {
  it('passes keys through, and C-a C-a as one C-a', () => {
    const e = new ConsoleEscape();
    expect(e.feed(keys('ls\r'))).toEqual({ data: keys('ls\r'), commands: [] });
    expect(e.feed(keys(CTRL_A, CTRL_A, 'a'))).toEqual({ data: keys(CTRL_A, 'a'), commands: [] });
  });
  it('C-a x quits and C-a h helps, also when C-a and the key arrive apart; unknown escapes are dropped', () => {
    const e = new ConsoleEscape();
    expect(e.feed(keys('a', CTRL_A))).toEqual({ data: keys('a'), commands: [] });
    expect(e.feed(keys('h', 'b', CTRL_A, 'z', 'c', CTRL_A, 'x'))).toEqual({ data: keys('b', 'c'), commands: ['help', 'quit'] });
  });
});
