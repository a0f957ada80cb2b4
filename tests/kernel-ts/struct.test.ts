// Struct layout follows C (LP64): the offsets kernel-ts computes are the ones GCC computes for the
// same struct on RV64 (checked with riscv64-unknown-elf-gcc when installed, else against the values
// worked out by hand), and the native model reads and writes exactly those bytes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { SparseMemory } from '../../kernel-ts/runtime/memory.js';
import { layoutStruct, INT_TYPES } from '../../kernel-ts/runtime/layout.js';
import { withTempDir } from '../helpers/tmp.js';
import { hasTool } from './harness.js';
import { compile } from '../../kernel-ts/compiler/compile.js';

installHost({ memory: new SparseMemory() });
const c = await import('./corpus/structs.js');
const k = await import('../../kernel-ts/runtime/intrinsics.js');

/** The corpus structs in C, with the offsets each field must have. */
const C_SOURCE = `
typedef __UINT8_TYPE__ uint8_t; typedef __UINT16_TYPE__ uint16_t; typedef __UINT32_TYPE__ uint32_t; typedef __UINT64_TYPE__ uint64_t;
typedef __INT8_TYPE__ int8_t; typedef __INT16_TYPE__ int16_t; typedef __INT32_TYPE__ int32_t; typedef __INT64_TYPE__ int64_t;
#define offsetof(t, m) __builtin_offsetof(t, m)
struct mixed { uint8_t a; uint64_t b; uint16_t c; int8_t d; int32_t e; uint32_t f; int16_t g; int64_t h; };
struct node { uint64_t value; struct node *next; uint8_t tag; };
struct list_link { struct list_link *next, *prev; };
struct page { uint32_t flags; int32_t refcount; struct list_link lru; uint8_t order; uint16_t slots[3]; uint8_t tail; };
struct outer { uint8_t x; struct mixed inner; uint16_t y; struct page pages[2]; };
#define CHECK(e, v) _Static_assert((e) == (v), #e);
`;
const EXPECTED: [string, number][] = [
  ['sizeof(struct mixed)', 40], ['offsetof(struct mixed, c)', 16], ['offsetof(struct mixed, d)', 18], ['offsetof(struct mixed, e)', 20],
  ['offsetof(struct mixed, f)', 24], ['offsetof(struct mixed, g)', 28], ['offsetof(struct mixed, h)', 32],
  ['sizeof(struct page)', 40], ['offsetof(struct page, lru)', 8], ['offsetof(struct page, order)', 24], ['offsetof(struct page, slots)', 26],
  ['offsetof(struct page, tail)', 32], ['sizeof(struct outer)', 136], ['offsetof(struct outer, inner)', 8], ['offsetof(struct outer, y)', 48],
  ['offsetof(struct outer, pages)', 56], ['sizeof(struct node)', 24], ['offsetof(struct node, tag)', 16], ['sizeof(struct list_link)', 16],
];

describe('struct layout', () => {
  it('the corpus structs have the offsets C gives them', () => {
    const v = (e: string): bigint => {
      const m = /^(sizeof|offsetof)\(struct (\w+)(?:, (\w+))?\)$/.exec(e)!;
      const cls = (c as unknown as Record<string, new () => object>)[m[2]];
      return m[1] === 'sizeof' ? k.sizeof(cls) : k.offsetof(cls, m[3] as never);
    };
    for (const [e, n] of EXPECTED) expect(v(e), e).toBe(BigInt(n));
    // layout_constants/layout_nested pack the same numbers; the differential test runs them compiled.
    expect(c.layout_constants()).toBe(40n | 16n << 8n | 18n << 16n | 20n << 24n | 32n << 32n | 40n << 40n | 26n << 48n | 32n << 56n);
    expect(c.layout_nested()).toBe(136n | 8n << 8n | 48n << 16n | 56n << 24n | 24n << 32n | 16n << 40n | 16n << 48n);
  });

  it.skipIf(!hasTool('riscv64-unknown-elf-gcc'))('GCC agrees (riscv64-unknown-elf-gcc, _Static_assert)', () => {
    withTempDir('kts-layout-', (dir) => {
      const src = path.join(dir, 'layout.c');
      fs.writeFileSync(src, C_SOURCE + EXPECTED.map(([e, n]) => `CHECK(${e}, ${n})`).join('\n') + '\n');
      execFileSync('riscv64-unknown-elf-gcc', ['-march=rv64imac', '-mabi=lp64', '-c', src, '-o', path.join(dir, 'layout.o')], { stdio: 'pipe' });
    });
  });

  it('C rules: a field at its alignment, the size a multiple of the largest alignment', () => {
    const l = layoutStruct('s', [['a', INT_TYPES.u8], ['b', INT_TYPES.u32], ['c', INT_TYPES.u8]]);
    expect([...l.fields.values()].map((f) => f.offset)).toEqual([0, 4, 8]);
    expect([l.size, l.align]).toEqual([12, 4]);
    const e = layoutStruct('e', []);
    expect([e.size, e.align]).toEqual([0, 1]);
    const arr = layoutStruct('arr', [['a', INT_TYPES.u8], ['v', { kind: 'array', elem: INT_TYPES.u16, count: 3 }]]);
    expect([arr.fields.get('v')!.offset, arr.size]).toEqual([2, 8]);
  });

  it('natively: one object per address (=== compares addresses), NULL at 0, container_of, wrap at the width', () => {
    const p = k.struct_at(c.page, 0x5000n), q = k.struct_at(c.page, 0x5000n);
    expect(p === q).toBe(true);
    expect(k.struct_at(c.page, 0n)).toBe(k.NULL);
    expect(k.addr_of(p.lru)).toBe(0x5008n);
    expect(k.container_of(p.lru, c.page, 'lru')).toBe(p);
    p.refcount = 0x1_ffff_ffffn;                       // i32: stored as 0xffffffff, read sign-extended
    expect(p.refcount).toBe(0xffff_ffff_ffff_ffffn);
    expect(k.load64(0x5000n)).toBe(0xffff_ffff_0000_0000n);
    p.flags = -1n;
    expect(p.flags).toBe(0xffff_ffffn);
    expect(() => k.addr_of(5n)).toThrow(/no address/);
  });

  it('compiled: a field access is one load or store at a constant offset from the base register', () => {
    const r = compile([path.resolve(import.meta.dirname, 'corpus/structs.ts')]);
    expect(r.diagnostics).toEqual([]);
    const asm = [...r.asm.values()][0];
    const body = (fn: string): string[] => asm.slice(asm.indexOf(`\n${fn}:\n`), asm.indexOf(`.size ${fn},`)).split('\n')
      .filter((l) => l.startsWith('\t') && l.trim() !== '' && !/^\t(#|addi sp|sd (ra|s0|s\d+), |ld (ra|s0|s\d+), -?\d+\((sp|s0)\)|addi s0|ret|mv s1, a0)/.test(l));
    // container_of(p.lru.next.prev, page, 'lru').refcount: lru at 8 (next at 8+0, then prev at 8 in the list_link reached), refcount at 4 - 8
    const f = body('field_chain');
    expect(f.slice(-3)).toEqual(['\tld t0, 8(s1)', '\tld t0, 8(t0)', '\tlw a0, -4(t0)']);
    expect(body('load_i16').filter((l) => /\t(l[bhwd]u?|s[bhwd]) /.test(l))).toEqual(['\tsh s1, 28(t0)', '\tlh a0, 28(t0)']);
  });
});
