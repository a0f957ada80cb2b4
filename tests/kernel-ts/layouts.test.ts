// The struct layout tables the compiler emits for debuggers (compiler/layouts.ts, `structLayouts`):
// for each struct class of a module, `__layout__NAME` with the size, the field count, then each
// field's name, offset, size and kind — the same numbers the one layout code gives the native
// runtime (and GCC, struct.test.ts). Without the option nothing is emitted.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHost } from '../../kernel-ts/runtime/host.js';
import { SparseMemory } from '../../kernel-ts/runtime/memory.js';
import { compile } from '../../kernel-ts/compiler/compile.js';
import { LAYOUT_KIND } from '../../kernel-ts/compiler/layouts.js';

installHost({ memory: new SparseMemory() });
const c = await import('./corpus/structs.js');
const { layoutOf } = await import('../../kernel-ts/runtime/struct.js');

const FILE = path.join(import.meta.dirname, 'corpus', 'structs.ts');

interface Table { size: number; fields: { name: string; offset: number; size: number; kind: number }[] }

/** The tables in a module's assembly, read back from the directives. */
function tables(asm: string): Map<string, Table> {
  const strings = new Map<string, string>();
  for (const m of asm.matchAll(/^(\.Llayout_\w+):\n\t\.asciz "([^"]*)"$/gm)) strings.set(m[1]!, m[2]!);
  const out = new Map<string, Table>();
  for (const m of asm.matchAll(/^__layout__(\w+):\n\t\.dword (\d+), (\d+), (\.Llayout_\w+)\n((?:\t\.dword .*\n)*)/gm)) {
    expect(strings.get(m[4]!)).toBe(m[1]);
    const fields = [...m[5]!.matchAll(/^\t\.dword (\.Llayout_\w+), (\d+), (\d+), (\d+)$/gm)]
      .map((f) => ({ name: strings.get(f[1]!)!, offset: Number(f[2]), size: Number(f[3]), kind: Number(f[4]) }));
    expect(fields.length).toBe(Number(m[3]));
    out.set(m[1]!, { size: Number(m[2]), fields });
  }
  return out;
}

describe('struct layout tables', () => {
  it('give every struct of the module with the runtime\'s offsets and sizes, and each field\'s kind', () => {
    const r = compile([FILE], { structLayouts: true });
    expect(r.ok, r.diagnostics.join('\n')).toBe(true);
    const asm = r.asm.get(path.resolve(FILE))!;
    expect(asm).toMatch(/^\t\.globl __layout__page$/m);
    const t = tables(asm);
    // Every class of the module, exported or not.
    expect([...t.keys()].sort()).toEqual(['big', 'list_link', 'mixed', 'named', 'node', 'outer', 'page']);
    for (const [name, cls] of [['mixed', c.mixed], ['node', c.node], ['list_link', c.list_link], ['page', c.page], ['outer', c.outer]] as const) {
      const l = layoutOf(cls as never);
      expect(t.get(name)!.size, name).toBe(l.size);
      expect(t.get(name)!.fields.map((f) => [f.name, f.offset, f.size])).toEqual([...l.fields.values()].map((f) => [f.name, f.offset, f.size]));
    }
    const kinds = Object.fromEntries(t.get('page')!.fields.map((f) => [f.name, f.kind]));
    expect(kinds).toEqual({ flags: LAYOUT_KIND.int, refcount: LAYOUT_KIND.int, lru: LAYOUT_KIND.struct, order: LAYOUT_KIND.int, slots: LAYOUT_KIND.array, tail: LAYOUT_KIND.int });
    expect(t.get('node')!.fields.find((f) => f.name === 'next')!.kind).toBe(LAYOUT_KIND.ptr);
    expect(t.get('named')!.fields.map((f) => [f.name, f.offset, f.size, f.kind])).toEqual([['id', 0, 2, LAYOUT_KIND.int], ['name', 8, 8, LAYOUT_KIND.cstr]]);
  });

  it('are not emitted unless asked for', () => {
    const r = compile([FILE]);
    expect(r.ok).toBe(true);
    expect(r.asm.get(path.resolve(FILE))!).not.toContain('__layout__');
  });
});
