// emulator/fpu against a committed, sampled corpus of Berkeley TestFloat vectors (testfloat/,
// README.md there says how it was generated). Each file is one TestFloat function; a line
// `@ RNE …` starts the cases of a rounding mode; every other non-comment line is a case exactly as
// testfloat_gen prints it: operands, expected result, expected flags (hex, NX UF OF DZ NV as
// fflags holds them). Every result bit and every flag must match. mulAdd cases also run as fmsub,
// fnmsub and fnmadd with operands negated so each computes the same a·b + c.

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as fpu from '../../../emulator/fpu/index.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'testfloat');
const MODES: Record<string, number> = { RNE: fpu.RNE, RTZ: fpu.RTZ, RDN: fpu.RDN, RUP: fpu.RUP, RMM: fpu.RMM };
// Functions whose result does not depend on the rounding mode: one section (RNE), no rm passed on.
const MODE_FREE = ['f32_eq', 'f32_lt', 'f32_le', 'f64_eq', 'f64_lt', 'f64_le', 'f32_to_f64', 'i32_to_f64', 'ui32_to_f64'];
const ROUNDING = [
  ...['f32', 'f64'].flatMap((f) =>
    ['add', 'sub', 'mul', 'div', 'sqrt', 'mulAdd', 'to_i32', 'to_ui32', 'to_i64', 'to_ui64'].map((op) => `${f}_${op}`)),
  'f64_to_f32', 'i32_to_f32', 'ui32_to_f32', 'i64_to_f32', 'ui64_to_f32', 'i64_to_f64', 'ui64_to_f64',
];

type Fn = (...args: unknown[]) => number | void;
const fns = fpu as unknown as Record<string, Fn>;
const st = fpu.createFpuState();
const xl = new Int32Array(32), xh = new Int32Array(32);

const h32 = (s: string): number => parseInt(s, 16) | 0;
const hex32 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0').toUpperCase();
function set64(i: number, s: string): void { st.f[2 * i + 1] = h32(s.slice(0, 8)); st.f[2 * i] = h32(s.slice(8)); }
function set32(i: number, s: string): void { st.f[2 * i] = h32(s); st.f[2 * i + 1] = -1; }
const get64 = (i: number): string => hex32(st.f[2 * i + 1]) + hex32(st.f[2 * i]);
const get32 = (i: number): string => (st.f[2 * i + 1] === -1 ? hex32(st.f[2 * i]) : 'UNBOXED:' + get64(i));
const hexX = (i: number): string => hex32(xh[i]) + hex32(xl[i]);
// Flip the sign bit of a hex float operand.
const neg = (s: string): string => (parseInt(s[0], 16) ^ 8).toString(16).toUpperCase() + s.slice(1);

const INT = { i32: 'w', ui32: 'wu', i64: 'l', ui64: 'lu' } as Record<string, string>;

// The handler runs one case (operands as printed) in mode rm and returns the result as printed.
type Handler = (a: string[], rm: number) => string;
function handlers(func: string): [string, Handler][] {
  const parts = func.split('_');
  const [fa, op] = parts;
  const fz = parts.length === 3 ? parts[2] : '';
  const fmt = fa === 'f32' ? 's' : fa === 'f64' ? 'd' : '';
  const set = fa === 'f32' ? set32 : set64;
  const get = fa === 'f32' ? get32 : get64;
  if (fmt && ['add', 'sub', 'mul', 'div'].includes(op)) {
    const f = fns[`f${op}_${fmt}`];
    return [[`f${op}.${fmt}`, (a, rm) => { set(1, a[0]); set(2, a[1]); f(st, 3, 1, 2, rm); return get(3); }]];
  }
  if (fmt && op === 'sqrt') {
    const f = fns[`fsqrt_${fmt}`];
    return [[`fsqrt.${fmt}`, (a, rm) => { set(1, a[0]); f(st, 3, 1, rm); return get(3); }]];
  }
  if (fmt && op === 'mulAdd') {
    // fmadd(a, b, c), fmsub(a, b, −c), fnmsub(−a, b, c), fnmadd(−a, b, −c) all equal a·b + c.
    return ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'].map((v): [string, Handler] => {
      const f = fns[`${v}_${fmt}`];
      const na = v === 'fnmsub' || v === 'fnmadd';
      const nc = v === 'fmsub' || v === 'fnmadd';
      return [`${v}.${fmt}`, (a, rm) => {
        set(1, na ? neg(a[0]) : a[0]); set(2, a[1]); set(4, nc ? neg(a[2]) : a[2]);
        f(st, 3, 1, 2, 4, rm);
        return get(3);
      }];
    });
  }
  if (fmt && ['eq', 'lt', 'le'].includes(op)) {
    const f = fns[`f${op}_${fmt}`];
    return [[`f${op}.${fmt}`, (a) => { set(1, a[0]); set(2, a[1]); return String(f(st, 1, 2)); }]];
  }
  if (fmt && op === 'to' && fz in INT) {
    const name = `fcvt.${INT[fz]}.${fmt}`;
    const f = fns[`fcvt_${INT[fz]}_${fmt}`];
    if (fz.endsWith('32')) return [[name, (a, rm) => { set(1, a[0]); return hex32(f(st, 1, rm) as number); }]];
    return [[name, (a, rm) => { set(1, a[0]); f(st, xl, xh, 5, 1, rm); return hexX(5); }]];
  }
  if (func === 'f64_to_f32') return [['fcvt.s.d', (a, rm) => { set64(1, a[0]); fpu.fcvt_s_d(st, 3, 1, rm); return get32(3); }]];
  if (func === 'f32_to_f64') return [['fcvt.d.s', (a) => { set32(1, a[0]); fpu.fcvt_d_s(st, 3, 1); return get64(3); }]];
  if (fa in INT && op === 'to') {
    const out = fz === 'f32' ? 's' : 'd';
    const f = fns[`fcvt_${out}_${INT[fa]}`];
    const get = out === 's' ? get32 : get64;
    if (fa.endsWith('32')) return [[`fcvt.${out}.${INT[fa]}`, (a, rm) => { f(st, 3, h32(a[0]), rm); return get(3); }]];
    return [[`fcvt.${out}.${INT[fa]}`, (a, rm) => { f(st, 3, h32(a[0].slice(8)), h32(a[0].slice(0, 8)), rm); return get(3); }]];
  }
  throw new Error(`no mapping for TestFloat function ${func}`);
}

interface Section { mode: string; cases: string[][] }
function readCorpus(func: string): Section[] {
  const sections: Section[] = [];
  for (const raw of readFileSync(join(DIR, `${func}.txt`), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('@')) { sections.push({ mode: line.split(/\s+/)[1], cases: [] }); continue; }
    if (sections.length === 0) throw new Error(`${func}: case before any @ mode line`);
    sections[sections.length - 1].cases.push(line.split(/\s+/));
  }
  return sections;
}

describe('emulator/fpu against the TestFloat corpus (tests/emulator/fpu/testfloat)', () => {
  it('has a file for every function and nothing else', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();
    expect(files).toEqual([...ROUNDING, ...MODE_FREE].sort());
  });

  for (const func of [...ROUNDING, ...MODE_FREE]) {
    it(func, () => {
      const sections = readCorpus(func);
      expect(sections.map((s) => s.mode)).toEqual(MODE_FREE.includes(func) ? ['RNE'] : Object.keys(MODES));
      const mismatches: string[] = [];
      let count = 0;
      for (const [name, run] of handlers(func)) {
        for (const { mode, cases } of sections) {
          expect(cases.length).toBeGreaterThan(0);
          const rm = MODES[mode];
          for (const c of cases) {
            const operands = c.slice(0, -2);
            const want = c[c.length - 2], wantFlags = parseInt(c[c.length - 1], 16);
            st.fflags = 0;
            const got = run(operands, rm);
            count++;
            if (got !== want || st.fflags !== wantFlags) {
              mismatches.push(`${name} ${mode} ${operands.join(' ')}: expected ${want} flags ${wantFlags.toString(16).padStart(2, '0')}, ` +
                `got ${got} flags ${st.fflags.toString(16).padStart(2, '0')}`);
            }
          }
        }
      }
      expect(count).toBeGreaterThan(0);
      if (mismatches.length) {
        expect.fail(`${mismatches.length} of ${count} ${func} cases differ from TestFloat; the first few:\n  ` +
          mismatches.slice(0, 8).join('\n  '));
      }
    });
  }
});
