// What a new user runs into (the review of the shell): trap frames in bt, counts, numbers, `x`
// repeated with RET, where a walk's rule is written, and word completion for the line editor.

import { describe, expect, it } from 'vitest';
import { asmSession } from './harness.js';
import { CALLS, PAGING } from './programs.js';

const ecallOf = (s: ReturnType<typeof asmSession>): bigint => s.symbols.lookup('outer')!.addr - 6n; // ecall, then c.j, before outer

describe('bt and finish at a trap handler\'s entry', () => {
  it('frame 1 is the trapped instruction (xepc), not ra; finish says why it cannot', async () => {
    const s = asmSession(CALLS);
    const ecall = ecallOf(s);
    await s.run(`b *${ecall}`, 'c', 'si');
    expect(s.machine.hart.pcBig()).toBe(s.symbols.lookup('handler')!.addr);
    const frames = (await s.run('bt')).split('\n').filter((l) => l.startsWith('#'));
    expect(frames[0]).toMatch(/^#0  0x[0-9a-f]+ in handler \(\)$/);
    expect(frames[1]).toBe(`#1  0x${ecall.toString(16).padStart(16, '0')} in _start () <${s.symbols.describe(ecall)}>  (trapped here)`);
    const out = await s.run('finish', 'p 1');
    expect(out).toBe('"finish" not meaningful at a trap handler\'s entry; try "until *ADDR" or "c".\n$1 = 1\n');
  });

  it('a fault inside a function with a frame: frame 1 is the faulting instruction', async () => {
    const s = asmSession(PAGING);
    await s.run('catch trap load-page-fault', 'c');
    const frames = (await s.run('bt')).split('\n').filter((l) => l.startsWith('#'));
    expect(frames[0]).toMatch(/ in mhandler \(\)$/);
    expect(frames[1]).toMatch(/^#1  0x[0-9a-f]+ in lazy_load \(\) <lazy_load>  \(trapped here\)$/);
  });

  it('away from the handler\'s entry, bt unwinds by frame pointers as before', async () => {
    const s = asmSession(CALLS);
    await s.run('b inner', 'c');
    const frames = (await s.run('bt')).split('\n').filter((l) => l.startsWith('#'));
    expect(frames.map((l) => / in (\w+)/.exec(l)![1])).toEqual(['inner', 'outer', '_start']);
    expect(frames.some((f) => f.includes('trapped'))).toBe(false);
  });
});

describe('counts and numbers', () => {
  it('si/c/ni with a count below 1 is one line and runs nothing (si -1 is not 2^64-1 steps)', async () => {
    const s = asmSession(CALLS);
    const out = await s.run('si -1', 'si 0', 'c -1', 'ni 0x8000000000000000', 'si 2');
    const lines = out.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Bad count "-1" (expected a positive number).',
      'Bad count "0" (expected a positive number).',
      'Bad count "-1" (expected a positive number).',
      'Bad count "0x8000000000000000" (expected a positive number).',
    ]);
    expect(s.machine.hart.retired).toBe(2);
  });

  it('a constant wider than 64 bits is refused, as GDB does; 2^64-1 is fine', async () => {
    const s = asmSession(CALLS);
    expect(await s.run('p 99999999999999999999999')).toBe('Numeric constant too large.\n');
    expect(await s.run('p 0x10000000000000000')).toBe('Numeric constant too large.\n');
    expect(await s.run('p/x 0xffffffffffffffff')).toBe('$1 = 0xffffffffffffffff\n');
  });

  it('a bad print format takes no history number', async () => {
    const s = asmSession(CALLS);
    expect(await s.run('p/z 1', 'p 2')).toBe('Undefined output format "z".\n$1 = 2\n');
  });
});

describe('x repeated with RET', () => {
  it('shows the next N units in the same format and size', async () => {
    const s = asmSession(CALLS);
    const counter = s.symbols.lookup('counter')!.addr;
    const out = await s.run('x/2wx counter', '', '');
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^0x${counter.toString(16)} <counter>:\\t0x[0-9a-f]{8}\\t0x[0-9a-f]{8}$`));
    expect(lines[1]).toMatch(new RegExp(`^0x${(counter + 8n).toString(16)}( <[^>]+>)?:\\t0x[0-9a-f]{8}\\t0x[0-9a-f]{8}$`));
    expect(lines[2]).toMatch(new RegExp(`^0x${(counter + 16n).toString(16)}( <[^>]+>)?:\\t0x[0-9a-f]{8}\\t0x[0-9a-f]{8}$`));
  });

  it('x/3i then RET disassembles the next three', async () => {
    const s = asmSession(CALLS);
    const out = await s.run('x/3i _start', '');
    expect(out.trim().split('\n')).toHaveLength(6);
  });

  it('x without an address before any x is one line, and RET then repeats nothing', async () => {
    const s = asmSession(CALLS);
    expect(await s.run('x/4gx', '')).toBe('Argument required (starting display address).\n');
  });
});

describe('where a walk\'s rule is written', () => {
  it('non-canonical VA: the spec section of the mode; the physical access: the PMP/PMA sections (no "step 10" of a 9-step list)', async () => {
    const s = asmSession(PAGING);
    let out = await s.run('walk 0x4000000000');
    expect(out).toMatch(/=> load-access-fault \(cause 5\): physical access at 0x4000000000: .*  \[the physical access: PMP, privileged spec 3\.7; PMA, 3\.6\]\n$/);
    await s.run('b smain', 'c');
    out = await s.run('walk 0x4000000000');
    expect(out).toContain('VA is not canonical: bits 63..38 must all equal bit 38 (sv39)  [walk step 1 (docs/ARCHITECTURE.md); privileged spec 12.4, canonical addresses]');
    expect(out).not.toContain('step 0');
  });
});

describe('completion for the line editor', () => {
  it('returns the candidate words and the word they replace, not whole lines', () => {
    const s = asmSession(CALLS);
    expect(s.session.completeWord('b inn')).toEqual([['inner'], 'inn']);
    expect(s.session.completeWord('catch trap load-')).toEqual([['load-address-misaligned', 'load-access-fault', 'load-page-fault'], 'load-']);
    expect(s.session.completeWord('fin')).toEqual([['finish'], 'fin']);
    expect(s.session.completeWord('x/2gx *(inn')).toEqual([['inner'], 'inn']);
  });
});

describe('help CMD', () => {
  it('is the usage, the help and the aliases when there are any, with no blank line', async () => {
    const s = asmSession(CALLS);
    expect(await s.run('help x')).toBe('x/NFU [-p] ADDR\n  Examine memory: N units, format x d u o t c a s i, size b h w g; virtual through the current satp (-p: physical).\n');
    expect(await s.run('help si')).toMatch(/^si \[N\]\n  Step exactly one instruction[^\n]*\n  Aliases: si\n$/);
  });
});
