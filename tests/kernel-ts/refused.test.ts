// Every construct outside kernel-ts is refused with `file:line:col: <construct> is not supported in
// kernel-ts; <what to write instead>`, at the construct; a type error is reported, not compiled.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../kernel-ts/compiler/compile.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-refused-'));
fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }');
const runtime = path.relative(dir, path.join(here, '../../kernel-ts/runtime/intrinsics.js'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Compile `body` (after an import line); `/*@*\/` marks where the diagnostic must point. */
function check(body: string): { diagnostics: string[]; at: string; ok: boolean; asm: Map<string, string> } {
  const header = `import { type u64, load64, store64, staticBuffer, csrr, csrw, csrs, csrc, naked, str, sym, wrap } from '${runtime}';\n`;
  const src = header + body;
  const file = path.join(dir, `case${n++}.ts`);
  const at = src.indexOf('/*@*/');
  fs.writeFileSync(file, src.replace('/*@*/', '     '));
  const before = src.slice(0, at + 5).split('\n');
  const r = compile([file]);
  return { diagnostics: r.diagnostics, at: `${file}:${before.length}:${before[before.length - 1].length + 1}`, ok: r.ok, asm: r.asm };
}

const U = 'export function f(a: u64): u64 {';
const P = `import { printk } from '${path.relative(dir, path.join(here, '../../kernel-ts/lib/printk.js'))}';`;
/** The struct names, imported beside the header's. */
const S = `import { u32, ptr, embed, array, struct_at, addr_of, offsetof } from '${runtime}';`;

/** The diagnostics sorted by line, then column (one file per case). */
function inSourceOrder(lines: string[]): string[] {
  const pos = (l: string): number[] => (/:(\d+):(\d+): /.exec(l) ?? ['', '0', '0']).slice(1).map(Number);
  return [...lines].sort((a, b) => pos(a)[0] - pos(b)[0] || pos(a)[1] - pos(b)[1]);
}
/** [what, source, message fragment after "<where>: "] */
const REFUSED: [string, string, string][] = [
  ['a method in a struct class', 'class A { /*@*/f(): void {} }', 'a method is not supported in kernel-ts; write a module-level function taking the struct pointer'],
  ['a constructor in a struct class', 'class A { /*@*/constructor() {} }', 'a constructor is not supported in kernel-ts'],
  ['a struct field of an unsupported type', `${S}\nclass A { a = u32; b = /*@*/5n; }`, 'this struct field type is not supported in kernel-ts; write u8, u16, u32, u64, i8, i16, i32, i64, cstr, ptr(S), embed(S) or array(T, n)'],
  ['a struct field of a non-struct pointer', `${S}\nclass A { a = ptr(/*@*/u32); }`, 'Argument of type'],
  ['a struct that embeds itself', `${S}\nclass /*@*/A { a = embed(A); }`, 'struct A embeds itself; use ptr(A)'],
  ['an array field of variable length', `${S}\nlet n: u64 = 3n;\nclass A { a = array(u32, /*@*/n); }`, 'an array field needs a constant length'],
  ['extends', `${S}\nclass B { a = u32; }\nclass A /*@*/extends B {}`, 'extends/implements is not supported in kernel-ts; embed the other struct'],
  ['taking the address of a local', `${S}\n${U} return addr_of(/*@*/a); }`, 'taking the address of a local (or of any u64 value) is not supported in kernel-ts; locals live in registers'],
  ['the address of an integer field', `${S}\nclass A { a = u32; }\n${U} const p = struct_at(A, a); return addr_of(/*@*/p.a); }`, "the address of an integer field is not supported in kernel-ts; write addr_of(p) + offsetof(S, 'a')"],
  ['assigning an embedded struct', `${S}\nclass L { n = u32; }\nclass A { l = embed(L); }\n${U} const p = struct_at(A, a); const q = struct_at(A, 0n); /*@*/p.l = q.l; return 0n; }`, 'assigning a whole embedded struct is not supported in kernel-ts; assign its fields one by one'],
  ['a printk format that does not match its argument', `${P}\n${U} printk("%s\\n", /*@*/a); return a; }`, 'printk format: "%s" expects a string, this argument is u64'],
  ['a printk %d given a string', `${P}\n${U} printk("%d", /*@*/"x"); return a; }`, 'printk format: "%d" expects a number, this argument is a string'],
  ['a printk format with too few arguments', `${P}\n${U} printk(/*@*/"%lx %lx", a); return a; }`, 'printk format: "%lx" (conversion 2) has no argument'],
  ['a printk format with too many arguments', `${P}\n${U} printk("%lx", a, /*@*/a); return a; }`, 'printk format: 1 conversion but 2 arguments'],
  ['an unknown printk conversion', `${P}\n${U} printk(/*@*/"%q", a); return a; }`, 'printk format: unknown conversion "%q"'],
  ['a printk format that is not a literal', `${P}\nexport function f(s: string): void { printk(/*@*/s); }`, 'a printk format must be a string literal'],
  ['an operator on a string', `export function f(s: string): boolean { return s /*@*/=== "x"; }`, 'an operator on a string is not supported in kernel-ts'],
  ['new on a struct', `${S}\nclass A { a = u32; }\n${U} const p = /*@*/new A(); return p.a; }`, 'new is not supported in kernel-ts; a struct lives in memory: struct_at(S, addr)'],
  ['arrow function', `${U} const g = /*@*/(x: u64): u64 => x; return g(a); }`, 'closure (arrow function) is not supported in kernel-ts; write a module-level function and pass it by name'],
  ['function expression', `${U} const g = /*@*/function (x: u64): u64 { return x; }; return g(a); }`, 'closure (function expression) is not supported in kernel-ts'],
  ['nested function', `${U} /*@*/function g(): u64 { return a; } return g(); }`, 'nested function is not supported in kernel-ts; move it to module level'],
  ['object literal', `${U} const o = /*@*/{ x: a }; return 0n; }`, 'object literal is not supported in kernel-ts; declare a struct class and use struct_at(S, addr)'],
  ['array literal', `${U} const o = /*@*/[a, a]; return 0n; }`, 'array literal is not supported in kernel-ts; use u64Table'],
  ['number literal', `${U} const x = /*@*/5; return a; }`, 'number literal 5 is not supported in kernel-ts; write a bigint literal such as 5n'],
  ['number type', 'export function f(a: /*@*/number): void {}', 'the number type is not supported in kernel-ts; use u64'],
  ['string concatenation', `${U} const s = 'abc' /*@*/+ 'd'; return a; }`, 'an operator on a string is not supported in kernel-ts'],
  ['template literal', `${U} const s = /*@*/\`abc\`; return a; }`, 'template literal is not supported in kernel-ts'],
  ['throw', `${U} if (a === 0n) /*@*/throw a; return a; }`, 'throw is not supported in kernel-ts; return an error code'],
  ['try/catch', `${U} /*@*/try { a++; } finally { a--; } return a; }`, 'try/catch is not supported in kernel-ts'],
  ['async', 'export /*@*/async function f(): Promise<void> {}', 'async function is not supported in kernel-ts; kernel-ts code is synchronous'],
  ['await', 'export async function f(a: u64): Promise<void> { /*@*/await a; }', 'await is not supported in kernel-ts'],
  ['generator', 'export function/*@*/* g(): Generator<u64> { yield 1n; }', 'generator function is not supported in kernel-ts'],
  ['for-of', `${U} /*@*/for (const x of [a]) {} return a; }`, 'for-of loop is not supported in kernel-ts; write for (const i of range(start, end)), or a counting for loop'],
  ['for-in', `${U} /*@*/for (const x in {}) {} return a; }`, 'for-in loop is not supported in kernel-ts'],
  ['new', `${U} const x = /*@*/new Object(); return a; }`, 'new is not supported in kernel-ts'],
  ['this', `export function f(this: u64): u64 { return /*@*/this; }`, 'this is not supported in kernel-ts; pass the value as a parameter'],
  ['property access', `${U} return /*@*/a.valueOf(); }`, 'property access (x.y) is not supported in kernel-ts'],
  ['indexing', `const T = staticBuffer(8n, 8n);\n${U} return /*@*/T[0]; }`, 'indexing (x[i]) is not supported in kernel-ts; use load64(table + i * 8n)'],
  ['destructuring', `${U} const /*@*/[x] = [a]; return x; }`, "destructuring of anything but a call's results is not supported in kernel-ts; declare one variable at a time"],
  ['var', `${U} /*@*/var x = a; return x; }`, 'var is not supported in kernel-ts; use let or const'],
  ['a let range variable', `import { range } from '${runtime}';\n${U} for (/*@*/let i of range(0n, a)) a++; return a; }`, 'this for-of variable is not supported in kernel-ts; write for (const i of range(start, end))'],
  ['enum', '/*@*/enum E { A }', 'a (non-const) enum is not supported in kernel-ts; declare a module-level const enum'],
  ['an enum member initialised by an expression', 'const enum E { A = /*@*/1 + 2 }', 'this enum initialiser is not supported in kernel-ts; give a member a number literal'],
  ['BUG_ON inside an expression', `import { BUG_ON } from '${runtime}';\n${U} const x = /*@*/BUG_ON(a == 0n); return a; }`, 'BUG_ON inside an expression is not supported in kernel-ts; write BUG_ON(...) as a statement'],
  ['destructuring an object', `function g(): [u64, u64] { return [1n, 2n]; }\n${U} const /*@*/{ length } = [a]; return a; }`, 'destructuring is not supported in kernel-ts'],
  ['interface', '/*@*/interface I { x: u64 }', 'interface is not supported in kernel-ts'],
  ['namespace', '/*@*/namespace N { export const x = 1n; }', 'namespace is not supported in kernel-ts'],
  ['exponentiation', `${U} return a /*@*/** 2n; }`, 'exponentiation (**) is not supported in kernel-ts; use shifts or a loop'],
  ['comma', `${U} return (a /*@*/, a); }`, 'the comma operator is not supported in kernel-ts'],
  ['typeof', `${U} const t = /*@*/typeof a; return a; }`, 'typeof is not supported in kernel-ts'],
  ['null', `${U} const t = /*@*/null; return a; }`, 'null is not supported in kernel-ts; use 0n'],
  ['undefined', `${U} const t = /*@*/undefined; return a; }`, 'undefined is not supported in kernel-ts; use 0n'],
  ['module-level statement', '/*@*/store64(0x80000000n, 1n);', 'a module-level statement is not supported in kernel-ts; put the code in a function'],
  ['9 parameters', 'export function f(a: u64, b: u64, c: u64, d: u64, e: u64, g: u64, h: u64, i: u64, /*@*/j: u64): u64 { return a; }', 'a function with more than 8 parameters is not supported in kernel-ts'],
  ['rest parameter', 'export function f(/*@*/...a: u64[]): void {}', 'rest parameter is not supported in kernel-ts'],
  ['default parameter', 'export function f(a: u64 = /*@*/1n): u64 { return a; }', 'default parameter value is not supported in kernel-ts; pass every argument explicitly'],
  ['optional parameter', 'export function f(/*@*/a?: u64): u64 { return 0n; }', 'optional parameter is not supported in kernel-ts'],
  ['label on a block', `${U} /*@*/l: { break l; } return a; }`, 'a label on a statement that is not a loop or switch is not supported in kernel-ts'],
  ['call through an expression', `function g(): u64 { return 1n; }\n${U} return /*@*/(g)(); }`, 'a call through an expression is not supported in kernel-ts'],
  ['staticBuffer in a function', `${U} const b = /*@*/staticBuffer(8n, 8n); return b; }`, 'staticBuffer() here is not supported in kernel-ts; declare it at module level'],
  ['naked beside other code', `export function f(): void { /*@*/naked\`ret\`; naked\`ret\`; }`, 'naked`...` beside other statements is not supported in kernel-ts'],
  ['declare', '/*@*/declare const x: u64;', 'declare is not supported in kernel-ts'],
  ['export default', 'export /*@*/default function f(): void {}', 'export default is not supported in kernel-ts'],
  ['re-export', `/*@*/export { wrap } from '${runtime}';`, 'export { ... } / re-export is not supported in kernel-ts'],
  ['literal wider than 64 bits', `${U} return a + /*@*/0x1_0000_0000_0000_0000n; }`, 'a literal wider than 64 bits is not supported in kernel-ts'],
  ['unary plus', `${U} return /*@*/+a; }`, 'unary + is not supported in kernel-ts'],
];

describe('kernel-ts refuses what it cannot compile, at the construct', () => {
  for (const [what, src, message] of REFUSED) {
    it(what, () => {
      const r = check(src);
      expect(r.ok).toBe(false);
      expect(r.asm.size).toBe(0);
      const line = r.diagnostics.find((d) => d.includes(message));
      expect(line, `diagnostics:\n${r.diagnostics.join('\n')}`).toBeDefined();
      expect(line!.startsWith(`${r.at}: `), `expected at ${r.at}:\n${line}`).toBe(true);
      // Every line has a place (a generator's "Cannot find global type" from tsc has none: dropped).
      for (const d of r.diagnostics) expect(d).toMatch(/^.+:\d+:\d+: /);
      expect(r.diagnostics).toEqual(inSourceOrder(r.diagnostics));
    });
  }

  it('a syntax error is reported alone (no subset noise from the recovered tree)', () => {
    const r = check(`export function f(a: u64/*@*/: u64 { return a; }`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toBe(`${r.at}: ',' expected. (TS1005)`);
    for (const d of r.diagnostics) expect(d).toMatch(/ \(TS1\d{3}\)$/);
  });

  it('a missing import is a type error at the import', () => {
    const r = check(`import { g } from /*@*/'./missing.js';\n${U} return g(a); }`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([`${r.at}: Cannot find module './missing.js' or its corresponding type declarations. (TS2307)`]);
  });

  it('a type error is reported with its location and nothing is compiled', () => {
    const r = check(`${U} const /*@*/x: u64 = true; return x; }`);
    expect(r.ok).toBe(false);
    expect(r.asm.size).toBe(0);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatch(new RegExp(`^${r.at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Type '(true|boolean)' is not assignable to type 'bigint'. \\(TS2322\\)$`));
  });

  it('a name outside kernel-ts (console, Math) is a type error', () => {
    const r = check(`${U} /*@*/console.log(a); return a; }`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.some((d) => d.startsWith(`${r.at}: Cannot find name 'console'`))).toBe(true);
  });

  it('an unknown CSR name', () => {
    const r = check(`${U} return csrr(/*@*/'mstatuz'); }`);
    expect(r.diagnostics).toEqual([`${r.at}: unknown CSR "mstatuz" (see emulator/isa/csrs.ts)`]);
  });

  it('a write to a read-only CSR (csr[11:10] = 3); reading it, or csrs of 0, is fine', () => {
    for (const call of [`csrw(/*@*/'mhartid', a)`, `csrs(/*@*/'cycle', 1n)`, `csrc(/*@*/'time', a)`]) {
      const r = check(`${U} ${call}; return a; }`);
      expect(r.diagnostics).toEqual([`${r.at}: CSR ${/'(\w+)'/.exec(call)![1]} is read-only; it can only be read (csrr)`]);
    }
    expect(check(`${U} csrs('cycle', 0n); return csrr('mhartid'); }`).ok).toBe(true);
  });

  it('a constant fault is reported once', () => {
    const r = check(`const Z = /*@*/1n / 0n;\n${U} return a + Z; }`);
    expect(r.diagnostics).toEqual([`${r.at}: constant division by zero`]);
  });

  it('a module-level let with a non-constant initialiser', () => {
    const r = check(`function g(): u64 { return 1n; }\nlet x: u64 = /*@*/g();\n${U} return x; }`);
    expect(r.diagnostics).toEqual([`${r.at}: a module-level let must be initialised by a constant expression or a function name`]);
  });

  it('a non-constant case label', () => {
    const r = check(`${U} switch (a) { case /*@*/wrap(a + 1n): return 1n; } return 0n; }`);
    expect(r.diagnostics).toEqual([`${r.at}: a case label must be a constant`]);
  });

  it('a missing entry file', () => {
    const r = compile([path.join(dir, 'nope.ts')]);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([`${path.join(dir, 'nope.ts')}: no such file`]);
  });

  it('two modules exporting the same name', () => {
    const a = path.join(dir, 'dup_a.ts'), b = path.join(dir, 'dup_b.ts');
    fs.writeFileSync(a, `import { type u64 } from '${runtime}';\nexport function same(): u64 { return 1n; }\n`);
    fs.writeFileSync(b, `import { type u64 } from '${runtime}';\nimport { same as other } from './dup_a.js';\nexport function same(): u64 { return other(); }\n`);
    const r = compile([b]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toContain('the exported name same is also exported by');
  });
});
