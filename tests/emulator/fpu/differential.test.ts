// emulator/fpu against the exact rational reference (reference.ts) on seeded, edge-biased
// operands in all five rounding modes: every result bit and every flag. Set FPU_SEED to replay,
// FPU_CASES to change the number of cases per operation.

import { describe, expect, it } from 'vitest';
import * as fpu from '../../../emulator/fpu/index.js';
import type { FpuState } from '../../../emulator/fpu/index.js';
import {
  B32, B64, type Fmt, type Result, refAdd, refCompare, refConvertFloat, refDiv, refFromInt, refMinMax,
  refMul, refMulAdd, refSqrt, refToInt,
} from './reference.js';
import { Rng, integer, nearMinNormal, operand, related } from './operands.js';

const SEED = Number(process.env.FPU_SEED ?? Date.now() % 1_000_000);
const CASES = Number(process.env.FPU_CASES ?? 8000);

function setF(st: FpuState, f: Fmt, i: number, bits: bigint): void {
  st.f[2 * i] = Number(BigInt.asIntN(32, bits));
  st.f[2 * i + 1] = f.width === 32 ? -1 : Number(BigInt.asIntN(32, bits >> 32n));
}

function getF(st: FpuState, f: Fmt, i: number): bigint {
  if (f.width === 32) return st.f[2 * i + 1] === -1 ? BigInt(st.f[2 * i] >>> 0) : -1n; // -1n: not boxed
  return (BigInt(st.f[2 * i + 1] >>> 0) << 32n) | BigInt(st.f[2 * i] >>> 0);
}

const hex = (v: bigint): string => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

interface Case { name: string; operands: bigint[]; rm: number; got: Result; want: Result }

/** Runs `n` cases of one operation; returns the first few mismatches. */
function run(n: number, one: (r: Rng, st: FpuState, rm: number) => Case): Case[] {
  const r = new Rng(SEED);
  const st = fpu.createFpuState();
  const bad: Case[] = [];
  for (let i = 0; i < n && bad.length < 5; i++) {
    const rm = r.below(5);
    st.fflags = 0;
    const c = one(r, st, rm);
    if (c.got.bits !== c.want.bits || c.got.flags !== c.want.flags) bad.push(c);
  }
  return bad;
}

function report(bad: Case[]): string[] {
  return bad.map((c) =>
    `${c.name} rm=${c.rm} ${c.operands.map(hex).join(' ')}: got ${hex(c.got.bits)} flags ${c.got.flags}, want ${hex(c.want.bits)} flags ${c.want.flags}`);
}

type Binary = (st: FpuState, rd: number, rs1: number, rs2: number, rm: number) => void;
type Ternary = (st: FpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number) => void;

const formats: [string, Fmt][] = [['s', B32], ['d', B64]];
const fns = fpu as unknown as Record<string, unknown>;

describe(`emulator/fpu against the rational reference (FPU_SEED=${SEED})`, () => {
  for (const [sfx, f] of formats) {
    const binaries: [string, (a: bigint, b: bigint, rm: number) => Result][] = [
      ['fadd', (a, b, rm) => refAdd(f, a, b, rm)],
      ['fsub', (a, b, rm) => refAdd(f, a, b, rm, true)],
      ['fmul', (a, b, rm) => refMul(f, a, b, rm)],
      ['fdiv', (a, b, rm) => refDiv(f, a, b, rm)],
    ];
    for (const [op, ref] of binaries) {
      it(`${op}.${sfx}`, () => {
        const fn = fns[`${op}_${sfx}`] as Binary;
        const bad = run(CASES, (r, st, rm) => {
          let a = operand(r, f);
          let b = related(r, f, a);
          if ((op === 'fmul' || op === 'fdiv') && r.below(8) === 0) [a, b] = nearMinNormal(r, f, op === 'fmul' ? 'mul' : 'div');
          setF(st, f, 1, a); setF(st, f, 2, b);
          fn(st, 3, 1, 2, rm);
          return { name: `${op}.${sfx}`, operands: [a, b], rm, got: { bits: getF(st, f, 3), flags: st.fflags }, want: ref(a, b, rm) };
        });
        expect(report(bad)).toEqual([]);
      });
    }

    it(`fsqrt.${sfx}`, () => {
      const fn = fns[`fsqrt_${sfx}`] as (st: FpuState, rd: number, rs1: number, rm: number) => void;
      const bad = run(CASES, (r, st, rm) => {
        const a = r.below(4) ? operand(r, f) & ~(1n << BigInt(f.width - 1)) : operand(r, f);
        setF(st, f, 1, a);
        fn(st, 3, 1, rm);
        return { name: `fsqrt.${sfx}`, operands: [a], rm, got: { bits: getF(st, f, 3), flags: st.fflags }, want: refSqrt(f, a, rm) };
      });
      expect(report(bad)).toEqual([]);
    });

    const fused: [string, boolean, boolean][] = [['fmadd', false, false], ['fmsub', false, true], ['fnmsub', true, false], ['fnmadd', true, true]];
    for (const [op, negProd, negC] of fused) {
      it(`${op}.${sfx}`, () => {
        const fn = fns[`${op}_${sfx}`] as Ternary;
        const bad = run(CASES, (r, st, rm) => {
          let a = operand(r, f);
          let b = r.below(2) ? related(r, f, a) : operand(r, f);
          if (r.below(8) === 0) [a, b] = nearMinNormal(r, f, 'mul');
          // c often cancels most of a·b: the product rounded, negated, nudged
          let c: bigint;
          if (r.below(2)) {
            const d = refMul(f, a, b, r.below(5)).bits;
            const sign = 1n << BigInt(f.width - 1);
            c = ((d ^ (negProd === negC ? sign : 0n)) + BigInt(r.below(5)) - 2n) & ((1n << BigInt(f.width)) - 1n);
          } else {
            c = related(r, f, a);
          }
          setF(st, f, 1, a); setF(st, f, 2, b); setF(st, f, 4, c);
          fn(st, 3, 1, 2, 4, rm);
          return {
            name: `${op}.${sfx}`, operands: [a, b, c], rm,
            got: { bits: getF(st, f, 3), flags: st.fflags }, want: refMulAdd(f, a, b, c, negProd, negC, rm),
          };
        });
        expect(report(bad)).toEqual([]);
      });
    }

    for (const op of ['fmin', 'fmax']) {
      it(`${op}.${sfx}`, () => {
        const fn = fns[`${op}_${sfx}`] as (st: FpuState, rd: number, rs1: number, rs2: number) => void;
        const bad = run(CASES / 4, (r, st, rm) => {
          const a = operand(r, f);
          const b = related(r, f, a);
          setF(st, f, 1, a); setF(st, f, 2, b);
          fn(st, 3, 1, 2);
          return { name: `${op}.${sfx}`, operands: [a, b], rm, got: { bits: getF(st, f, 3), flags: st.fflags }, want: refMinMax(f, a, b, op === 'fmax') };
        });
        expect(report(bad)).toEqual([]);
      });
    }

    for (const op of ['eq', 'lt', 'le'] as const) {
      it(`f${op}.${sfx}`, () => {
        const fn = fns[`f${op}_${sfx}`] as (st: FpuState, rs1: number, rs2: number) => number;
        const bad = run(CASES / 4, (r, st, rm) => {
          const a = operand(r, f);
          const b = r.below(4) ? related(r, f, a) : a;
          setF(st, f, 1, a); setF(st, f, 2, b);
          const got = BigInt(fn(st, 1, 2));
          const want = refCompare(f, a, b, op);
          return { name: `f${op}.${sfx}`, operands: [a, b], rm, got: { bits: got, flags: st.fflags }, want: { bits: want.value, flags: want.flags } };
        });
        expect(report(bad)).toEqual([]);
      });
    }

    const ints: [string, number, boolean][] = [['w', 32, true], ['wu', 32, false], ['l', 64, true], ['lu', 64, false]];
    for (const [name, width, isSigned] of ints) {
      it(`fcvt.${name}.${sfx}`, () => {
        const bad = run(CASES / 2, (r, st, rm) => {
          // values near integers and the limits are the interesting ones: mostly moderate exponents
          let a = operand(r, f);
          if (r.below(2)) {
            const fb = f.p - 1;
            const bias = (1 << (f.width - f.p - 1)) - 1;
            const e = bias - 2 + r.below(width + 4);
            a = (BigInt(r.below(2)) << BigInt(f.width - 1)) | (BigInt(e) << BigInt(fb)) | (r.bits(fb) >> BigInt(r.below(fb)));
          }
          setF(st, f, 1, a);
          const xl = new Int32Array(32);
          const xh = new Int32Array(32);
          let got: bigint;
          if (width === 32) {
            got = BigInt((fns[`fcvt_${name}_${sfx}`] as (st: FpuState, rs1: number, rm: number) => number)(st, 1, rm));
          } else {
            (fns[`fcvt_${name}_${sfx}`] as (st: FpuState, xl: Int32Array, xh: Int32Array, rd: number, rs1: number, rm: number) => void)(st, xl, xh, 5, 1, rm);
            got = (BigInt(xh[5]) << 32n) | BigInt(xl[5] >>> 0);
          }
          const want = refToInt(f, a, width, isSigned, rm);
          // the register holds the sign extension of 32-bit results (fcvt.wu too), 64-bit ones as signed
          const wantBits = BigInt.asIntN(width === 32 ? 32 : 64, want.value);
          return { name: `fcvt.${name}.${sfx}`, operands: [a], rm, got: { bits: got, flags: st.fflags }, want: { bits: wantBits, flags: want.flags } };
        });
        expect(report(bad)).toEqual([]);
      });

      it(`fcvt.${sfx}.${name}`, () => {
        const bad = run(CASES / 2, (r, st, rm) => {
          const v = integer(r, width, isSigned);
          if (width === 32) {
            (fns[`fcvt_${sfx}_${name}`] as (st: FpuState, rd: number, x: number, rm: number) => void)(st, 3, Number(BigInt.asIntN(32, v)), rm);
          } else {
            (fns[`fcvt_${sfx}_${name}`] as (st: FpuState, rd: number, lo: number, hi: number, rm: number) => void)(
              st, 3, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)), rm);
          }
          return { name: `fcvt.${sfx}.${name}`, operands: [v], rm, got: { bits: getF(st, f, 3), flags: st.fflags }, want: refFromInt(f, v, rm) };
        });
        expect(report(bad)).toEqual([]);
      });
    }
  }

  it('fcvt.s.d', () => {
    const bad = run(CASES, (r, st, rm) => {
      let a = operand(r, B64);
      if (r.below(2)) {
        // binary32's range seen from binary64: exponents around its ends and subnormals
        const e = 1023 + r.pick([-126, -149, 127, 0]) - 30 + r.below(60);
        a = (BigInt(r.below(2)) << 63n) | (BigInt(e) << 52n) | r.bits(52) >> BigInt(r.below(52));
      }
      setF(st, B64, 1, a);
      fpu.fcvt_s_d(st, 3, 1, rm);
      return { name: 'fcvt.s.d', operands: [a], rm, got: { bits: getF(st, B32, 3), flags: st.fflags }, want: refConvertFloat(B64, B32, a, rm) };
    });
    expect(report(bad)).toEqual([]);
  });

  it('fcvt.d.s', () => {
    const bad = run(CASES / 4, (r, st, rm) => {
      const a = operand(r, B32);
      setF(st, B32, 1, a);
      fpu.fcvt_d_s(st, 3, 1);
      return { name: 'fcvt.d.s', operands: [a], rm, got: { bits: getF(st, B64, 3), flags: st.fflags }, want: refConvertFloat(B32, B64, a, rm) };
    });
    expect(report(bad)).toEqual([]);
  });
});
