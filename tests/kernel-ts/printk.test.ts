// printk prints what C's printf prints for the same format (the differential test then holds the
// compiled lib/printk.ts to the native run byte for byte).
import { describe, expect, it } from 'vitest';
import { installHost } from '../../kernel-ts/runtime/host.js';

installHost({});
const { printk, printk_set_output } = await import('../../kernel-ts/lib/printk.js');
const k = await import('../../kernel-ts/runtime/intrinsics.js');

let text = '';
printk_set_output((c: bigint) => { text += String.fromCharCode(Number(c)); });
const out = (f: () => void): string => { text = ''; f(); return text; };
const MAX = 0xffff_ffff_ffff_ffffn, MIN = 1n << 63n;

class two { a = k.u64; b = k.u64; }

describe('printk', () => {
  it('decimal: signed, unsigned, widths, zero padding, left justification, at the limits', () => {
    expect(out(() => printk('%d %i %u', MAX, MIN, MAX))).toBe('-1 -9223372036854775808 18446744073709551615');
    expect(out(() => printk('|%5d|%-5d|%05d|%05d|', 42n, 42n, 42n, MAX))).toBe('|   42|42   |00042|-0001|');
    expect(out(() => printk('|%1d|%0d|%3u|', 12345n, 0n, 0n))).toBe('|12345|0|  0|');
  });
  it('hex: x, lx, llx, widths, 0-padding, # and %p', () => {
    expect(out(() => printk('%x %lx %llx', 0n, MAX, 0xabcn))).toBe('0 ffffffffffffffff abc');
    expect(out(() => printk('|%016lx|%-6x|%#x|%#018lx|', 0x80200000n, 0xfn, 0x1234n, 0x80200000n))).toBe('|0000000080200000|f     |0x1234|0x0000000080200000|');
    expect(out(() => printk('%p %p', 0x80000000n, 0n))).toBe('0x80000000 0x0');
    const p = k.struct_at(two, 0x1000n);
    expect(out(() => printk('%p', p))).toBe('0x1000');
  });
  it('%c, %s with widths, %%, booleans', () => {
    expect(out(() => printk('[%c][%3c][%s][%6s][%-6s]%%', 0x41n, 0x42n, 'abc', 'abc', 'abc'))).toBe('[A][  B][abc][   abc][abc   ]%');
    expect(out(() => printk('%s|%d|%d', '', true, false))).toBe('|1|0');
  });
});
