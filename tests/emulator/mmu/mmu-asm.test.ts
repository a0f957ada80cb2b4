// Assembly programs in S and U mode against page tables the test builds (asm-harness.ts): each probe's
// cause, tval and epc are asserted per rule; then the same ELF runs on QEMU (-machine virt -bios none)
// and must print the same transcript, except where QEMU 7.2 departs from the spec (listed per probe,
// with the spec section, in `qemu` below).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SV39, SV48, SV57 } from '../../../emulator/mmu/modes.js';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../../../emulator/mmu/pte.js';
import { buildElf } from '../../helpers/build-asm.js';
import { have } from '../../helpers/cli.js';
import { runAsm } from '../../helpers/run-asm.js';
import { parseTranscript, program, RET_PAGE, type Probe, type ProbeResult, type Scenario } from './asm-harness.js';
import { PageTables } from './pt-builder.js';

const QEMU = 'qemu-system-riscv64';
const haveQemu = have(QEMU);
if (!haveQemu) console.warn(`mmu-asm: ${QEMU} is not installed (Debian: qemu-system-misc); QEMU comparisons skipped`);
const tmp = mkdtempSync(join(tmpdir(), 'rvhart-mmu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RO_FLAGS = PTE_V | PTE_R | PTE_A | PTE_D, XO = PTE_V | PTE_X | PTE_A | PTE_D;
const RW = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, RWX = RW | PTE_X;
const D = 0x8020_0000n;               // data page PA, holds 0x1111 at +0
const VA = {
  d4k: 0x4000_0000n, xo: 0x4000_1000n, ro: 0x4000_2000n, v0: 0x4000_3000n, wo: 0x4000_4000n,
  rsv: 0x4000_5000n, upage: 0x4000_6000n, noad: 0x4000_7000n, exec: 0x4000_8000n, nolevels: 0x4000_9000n,
  pbmt: 0x4000_a000n, napot: 0x4000_b000n, uexec: 0x4000_c000n,
  mega: 0x4020_0000n, misMega: 0x4040_0000n, giga: 0xc000_0000n, misGiga: 0x1_0000_0000n, nonLeafA: 0x1_4000_0000n,
};

/** Sv39/48/57 data pages used by most scenarios. */
function dataPages(pt: PageTables, userFlag = 0): Record<string, number> {
  const at: Record<string, number> = {};
  at.d4k = pt.map(VA.d4k, D, RW | userFlag);
  at.xo = pt.map(VA.xo, D + 0x1000n, XO | userFlag);
  at.ro = pt.map(VA.ro, D + 0x2000n, RO_FLAGS | userFlag);
  pt.map(VA.v0, D, RW & ~PTE_V);
  pt.map(VA.wo, D, PTE_V | PTE_W | PTE_A | PTE_D);
  pt.map(VA.rsv, D, RW, 0, 1n << 60n);
  pt.map(VA.pbmt, D, RW, 0, 1n << 61n);
  pt.map(VA.napot, D, RW, 0, 1n << 63n);
  pt.map(VA.upage, D, RWX | PTE_U);
  at.noad = pt.map(VA.noad, D + 0x3000n, PTE_V | PTE_R | PTE_W);
  pt.map(VA.exec, RET_PAGE, PTE_V | PTE_X | PTE_A | userFlag);
  pt.map(VA.uexec, RET_PAGE, PTE_V | PTE_X | PTE_A | PTE_U);
  pt.writePte(pt.pteAddr(VA.nolevels, 0), ((D >> 12n) << 10n) | BigInt(PTE_V));
  return at;
}
const INIT: [bigint, bigint][] = [[D, 0x1111n], [D + 0x1000n, 0x2222n], [D + 0x2000n, 0x3333n], [0x8040_1008n, 0x4444n]];

interface Expect { ok?: true; value?: bigint; cause?: number }
interface Case { name: string; probe: Probe; expect: Expect; qemu?: { expect: Expect; why: string } }
interface ScenarioCase { name: string; scenario: Omit<Scenario, 'probes'>; cases: Case[] }

const ok = (value?: bigint): Expect => (value === undefined ? { ok: true } : { ok: true, value });
const fault = (cause: number): Expect => ({ cause });

const scenarios: ScenarioCase[] = [
  {
    name: 'Sv39 S-mode: every walk rule',
    scenario: {
      mode: SV39, priv: 'S', init: INIT,
      build: (pt) => {
        dataPages(pt);
        pt.map(VA.mega, 0x8040_0000n, RW, 1);
        pt.map(VA.misMega, 0x8040_1000n, RW, 1);
        pt.map(VA.giga, 0x8000_0000n, RW, 2);
        pt.map(VA.misGiga, D, RW, 2);
        pt.pteAddr(VA.nonLeafA, 0, PTE_V | PTE_A);
        pt.map(VA.nonLeafA, D, RW);
      },
    },
    cases: [
      { name: 'step 9: 4 KiB load', probe: { kind: 'ld', va: VA.d4k }, expect: ok(0x1111n) },
      { name: 'step 9: 4 KiB store', probe: { kind: 'sd', va: VA.d4k + 8n }, expect: ok() },
      { name: 'step 6: load needs R (X-only page)', probe: { kind: 'ld', va: VA.xo }, expect: fault(13) },
      { name: 'step 6: store needs W', probe: { kind: 'sd', va: VA.ro }, expect: fault(15) },
      { name: 'step 6: fetch needs X', probe: { kind: 'fetch', va: VA.d4k }, expect: fault(12) },
      { name: 'step 4: V=0', probe: { kind: 'ld', va: VA.v0 }, expect: fault(13) },
      { name: 'step 4: R=0 W=1', probe: { kind: 'sd', va: VA.wo }, expect: fault(15) },
      {
        name: 'step 4: reserved bits 60..54', probe: { kind: 'ld', va: VA.rsv }, expect: fault(13),
      },
      { name: 'step 4: PBMT without Svpbmt', probe: { kind: 'ld', va: VA.pbmt }, expect: fault(13) },
      { name: 'step 4: N without Svnapot', probe: { kind: 'ld', va: VA.napot }, expect: fault(13) },
      { name: 'step 6: S-mode load from a U page with SUM=0', probe: { kind: 'ld', va: VA.upage }, expect: fault(13) },
      { name: 'step 6: S-mode never fetches from a U page', probe: { kind: 'fetch', va: VA.uexec }, expect: fault(12) },
      { name: 'step 8: hardware A/D: load with A=0 succeeds', probe: { kind: 'ld', va: VA.noad }, expect: ok(0n) },
      { name: 'step 8: hardware A/D: store with D=0 succeeds', probe: { kind: 'sd', va: VA.noad }, expect: ok() },
      { name: 'step 9: fetch from an X page', probe: { kind: 'fetch', va: VA.exec }, expect: ok(0n) },
      { name: 'step 9: 2 MiB page', probe: { kind: 'ld', va: VA.mega + 0x1008n }, expect: ok(0x4444n) },
      { name: 'step 7: misaligned 2 MiB superpage', probe: { kind: 'ld', va: VA.misMega }, expect: fault(13) },
      { name: 'step 9: 1 GiB page', probe: { kind: 'ld', va: VA.giga + 0x20_0000n }, expect: ok(0x1111n) },
      { name: 'step 7: misaligned 1 GiB superpage', probe: { kind: 'sd', va: VA.misGiga }, expect: fault(15) },
      { name: 'step 5: pointer at level 0 (out of levels)', probe: { kind: 'ld', va: VA.nolevels }, expect: fault(13) },
      { name: 'step 4: non-leaf PTE with A', probe: { kind: 'ld', va: VA.nonLeafA }, expect: fault(13) },
      { name: 'step 1: non-canonical load (bit 38 only)', probe: { kind: 'ld', va: 1n << 38n }, expect: fault(13) },
      { name: 'step 1: non-canonical store (bit 39 set)', probe: { kind: 'sd', va: (1n << 39n) | VA.d4k }, expect: fault(15) },
      { name: 'step 1: non-canonical fetch', probe: { kind: 'fetch', va: 0x8000_0000_0000_0000n }, expect: fault(12) },
      { name: 'AMO raises a store page fault', probe: { kind: 'amoadd.d', va: VA.ro }, expect: fault(15) },
      { name: 'LR raises a load page fault', probe: { kind: 'lr.d', va: VA.xo }, expect: fault(13) },
      {
        name: 'SC raises a store page fault', probe: { kind: 'sc.d', va: VA.ro }, expect: fault(15),
        // QEMU 7.2 does not translate an SC that has no reservation: it just fails (rd = 1). The A
        // extension (unpriv spec 14.2, "Load-Reserved/Store-Conditional") makes SC a store for exceptions;
        // rvhart translates (and faults) first, as Spike does.
        qemu: { expect: ok(1n), why: 'QEMU 7.2: an SC without a reservation fails without translating' },
      },
      { name: 'AMO on a writable page', probe: { kind: 'amoadd.d', va: VA.d4k + 8n }, expect: ok(0x5an) },
    ],
  },
  {
    name: 'Sv39 S-mode with SUM=1 and MXR=1',
    scenario: { mode: SV39, priv: 'S', sum: true, mxr: true, init: INIT, build: (pt) => { dataPages(pt); } },
    cases: [
      { name: 'step 6: MXR=1 loads from an X-only page', probe: { kind: 'ld', va: VA.xo }, expect: ok(0x2222n) },
      { name: 'step 6: SUM=1 loads from a U page', probe: { kind: 'ld', va: VA.upage }, expect: ok(0x1111n) },
      { name: 'step 6: SUM=1 stores to a U page', probe: { kind: 'sd', va: VA.upage + 16n }, expect: ok() },
      { name: 'step 6: SUM=1 still never fetches from a U page', probe: { kind: 'fetch', va: VA.uexec }, expect: fault(12) },
      { name: 'step 6: MXR does not grant stores', probe: { kind: 'sd', va: VA.xo }, expect: fault(15) },
    ],
  },
  {
    name: 'Sv39 U-mode',
    scenario: { mode: SV39, priv: 'U', init: INIT, build: (pt) => { dataPages(pt); } },
    cases: [
      { name: 'step 6: U-mode load needs U=1', probe: { kind: 'ld', va: VA.d4k }, expect: fault(13) },
      { name: 'step 6: U-mode store needs U=1', probe: { kind: 'sd', va: VA.d4k }, expect: fault(15) },
      { name: 'step 6: U-mode fetch needs U=1', probe: { kind: 'fetch', va: VA.exec }, expect: fault(12) },
      { name: 'step 6: U-mode load from a U page', probe: { kind: 'ld', va: VA.upage }, expect: ok(0x1111n) },
      { name: 'step 6: U-mode fetch from a U X page', probe: { kind: 'fetch', va: VA.uexec }, expect: ok(0n) },
    ],
  },
  {
    name: 'Sv39 U-mode, U data pages',
    scenario: { mode: SV39, priv: 'U', mxr: true, init: INIT, build: (pt) => { dataPages(pt, PTE_U); } },
    cases: [
      { name: 'step 6: U-mode MXR=1 loads from an X-only U page', probe: { kind: 'ld', va: VA.xo }, expect: ok(0x2222n) },
      { name: 'step 6: U-mode store to a read-only U page', probe: { kind: 'sd', va: VA.ro }, expect: fault(15) },
    ],
  },
  {
    name: 'Sv48 S-mode',
    scenario: {
      mode: SV48, priv: 'S', init: INIT,
      build: (pt) => {
        pt.map(1n << 38n, D, RW);
        pt.map(1n << 39n, 0n, RW, 3);
        pt.map(2n << 39n, 0x4000_0000n, RW, 3);
      },
    },
    cases: [
      { name: 'step 1: bit 38 is inside VALEN 48', probe: { kind: 'ld', va: 1n << 38n }, expect: ok(0x1111n) },
      { name: 'step 1: non-canonical (bit 47 only)', probe: { kind: 'ld', va: 1n << 47n }, expect: fault(13) },
      { name: 'step 9: 512 GiB page', probe: { kind: 'ld', va: (1n << 39n) + D }, expect: ok(0x1111n) },
      { name: 'step 7: misaligned 512 GiB superpage', probe: { kind: 'ld', va: (2n << 39n) + D }, expect: fault(13) },
    ],
  },
  {
    name: 'Sv57 S-mode',
    scenario: {
      mode: SV57, priv: 'S', init: INIT,
      build: (pt) => {
        pt.map(1n << 47n, D, RW);
        pt.map(1n << 48n, 0n, RW, 4);
        pt.map(2n << 48n, 0x8000_0000n, RW, 4);
        pt.map(3n << 39n, 0n, RW, 3);
      },
    },
    cases: [
      { name: 'step 1: bit 47 is inside VALEN 57', probe: { kind: 'ld', va: 1n << 47n }, expect: ok(0x1111n) },
      { name: 'step 1: non-canonical (bit 56 only)', probe: { kind: 'sd', va: 1n << 56n }, expect: fault(15) },
      { name: 'step 9: 256 TiB page', probe: { kind: 'ld', va: (1n << 48n) + D }, expect: ok(0x1111n) },
      { name: 'step 9: 512 GiB page', probe: { kind: 'ld', va: (3n << 39n) + D }, expect: ok(0x1111n) },
      { name: 'step 7: misaligned 256 TiB superpage', probe: { kind: 'ld', va: 2n << 48n }, expect: fault(13) },
    ],
  },
  {
    name: 'PMP and PMA (Bare, S-mode)',
    scenario: {
      mode: 'bare', priv: 'S', init: INIT,
      pmp: [
        [0x10, (D + 0x10n) >> 2n],                        // pmp0 NA4 at D+0x10, no permissions
        [0x19, ((D + 0x1000n) >> 2n) | 0x1ffn],           // pmp1 NAPOT 4 KiB, R
        [0x00, (D + 0x2000n) >> 2n],                      // pmp2 OFF: TOR lower bound
        [0x0b, (D + 0x3000n) >> 2n],                      // pmp3 TOR [D+0x2000, D+0x3000), RW
      ],
    },
    cases: [
      { name: 'PMP NA4: the 4 bytes are refused', probe: { kind: 'lw', va: D + 0x10n }, expect: fault(5) },
      { name: 'PMP NA4: the next word falls to the open entry', probe: { kind: 'lw', va: D + 0x14n }, expect: ok(0n) },
      { name: 'PMP: partly inside the matching entry fails', probe: { kind: 'ld', va: D + 0xcn }, expect: fault(5) },
      { name: 'PMP NAPOT R: load ok', probe: { kind: 'ld', va: D + 0x1000n }, expect: ok(0x2222n) },
      { name: 'PMP NAPOT R: store refused', probe: { kind: 'sd', va: D + 0x1ff8n }, expect: fault(7) },
      { name: 'PMP TOR RW: store ok', probe: { kind: 'sd', va: D + 0x2008n }, expect: ok() },
      { name: 'PMP TOR RW: fetch refused', probe: { kind: 'fetch', va: D + 0x2000n }, expect: fault(1) },
      { name: 'PMA: load from a hole', probe: { kind: 'ld', va: 0x9000_0000n }, expect: fault(5) },
      {
        name: 'PMA: fetch from a device', probe: { kind: 'fetch', va: 0x1000_0000n }, expect: fault(1),
        // QEMU 7.2 executes from the UART's MMIO window (reads its registers as code → illegal
        // instruction). PMA (priv spec 3.6.1/3.6.2): I/O regions specify which of read/write/execute they
        // support; an access the region does not support is an access fault.
        qemu: { expect: fault(2), why: 'QEMU 7.2 executes from device MMIO' },
      },
      {
        name: 'PMA: store to the boot ROM', probe: { kind: 'sd', va: 0x1000n }, expect: fault(7),
        // QEMU 7.2 silently drops stores to its ROM (mask ROM). PMA (priv spec 3.6.2): a region without
        // write support raises an access fault.
        qemu: { expect: ok(), why: 'QEMU 7.2 ignores stores to ROM' },
      },
    ],
  },
];

/** PMP around the page tables: a separate program because the leaf table must be found first. */
function pmpWalkScenario(): ScenarioCase {
  const bus = new (class { })();
  void bus;
  return {
    name: 'PMP on implicit PTE accesses (Sv39, S-mode)',
    scenario: {
      mode: SV39, priv: 'S', init: INIT,
      build: (pt) => {
        const at = dataPages(pt);
        const leafTable = BigInt(at.d4k! - (at.d4k! % 4096));
        // pmp0: the data pages' leaf table is readable, not writable, by S (implicit accesses are S-level).
        pmpCfg.length = 0;
        pmpCfg.push([0x19, (leafTable >> 2n) | 0x1ffn]);
      },
      get pmp() { return pmpCfg; },
    },
    cases: [
      { name: 'step 3: PTE readable: the load works', probe: { kind: 'ld', va: VA.d4k }, expect: ok(0x1111n) },
      {
        name: 'step 8: A/D update refused by PMP → load access fault', probe: { kind: 'ld', va: VA.noad }, expect: fault(5),
        // QEMU 7.2 checks PMP only for the PTE read, then updates A/D without a PMP write check (priv
        // spec 12.3.2 step 7: the update "must be checked ... as a store"; 3.7.1: PMP checks all
        // implicit accesses). It translates and sets A.
        qemu: { expect: ok(0n), why: 'QEMU 7.2 does not PMP-check the A/D update (spec 12.3.2 step 7, 3.7.1)' },
      },
      {
        name: 'step 8: A/D update refused by PMP → store access fault', probe: { kind: 'sd', va: VA.noad + 8n }, expect: fault(7),
        qemu: { expect: ok(), why: 'QEMU 7.2 does not PMP-check the A/D update (spec 12.3.2 step 7, 3.7.1)' },
      },
    ],
  };
}
const pmpCfg: [number, bigint][] = [];

function pteReadScenario(): ScenarioCase {
  const cfg: [number, bigint][] = [];
  return {
    name: 'PMP refuses the PTE read (Sv39, S-mode)',
    scenario: {
      mode: SV39, priv: 'S', init: INIT,
      build: (pt) => {
        const at = dataPages(pt);
        cfg.push([0x18, (BigInt(at.d4k! - (at.d4k! % 4096)) >> 2n) | 0x1ffn]);
      },
      get pmp() { return cfg; },
    },
    cases: [
      { name: 'step 3: PTE read refused → load access fault', probe: { kind: 'ld', va: VA.d4k }, expect: fault(5) },
      { name: 'step 3: PTE read refused → store access fault', probe: { kind: 'sd', va: VA.d4k }, expect: fault(7) },
      { name: 'step 3: PTE read refused → instruction access fault', probe: { kind: 'fetch', va: VA.exec }, expect: fault(1) },
    ],
  };
}
scenarios.push(pmpWalkScenario(), pteReadScenario());

function check(results: ProbeResult[], cases: Case[], symbols: Map<string, bigint>, useQemu: boolean): void {
  expect(results.map((r) => r.n)).toEqual(cases.map((_, i) => i));
  cases.forEach((c, i) => {
    const r = results[i]!;
    const want = useQemu && c.qemu ? c.qemu.expect : c.expect;
    const where = `P${i} ${c.name}`;
    if (want.ok) {
      expect(r.ok, where).toBe(true);
      if (want.value !== undefined) expect(r.value, where).toBe(want.value);
    } else {
      expect(r.cause, where).toBe(want.cause);
      if (want.cause !== 2) expect(r.tval, where).toBe(BigInt.asUintN(64, c.probe.va));
      expect(r.epc, where).toBe(c.probe.kind === 'fetch' ? c.probe.va : symbols.get(`probe${i}`));
    }
  });
}

describe('MMU rules as assembly programs (S and U mode), and the same transcript on QEMU', () => {
  for (const sc of scenarios) {
    const s: Scenario = { ...sc.scenario, probes: sc.cases.map((c) => c.probe) };
    if ('pmp' in sc.scenario) Object.defineProperty(s, 'pmp', { get: () => sc.scenario.pmp });
    it(`${sc.name}: cause, tval and epc per rule`, () => {
      const { source } = program(s);
      const r = runAsm(source, { maxInsns: 2_000_000 });
      expect(r.exitCode, r.uart).toBe(0);
      check(parseTranscript(r.uart), sc.cases, r.symbols, false);
    });
    it.skipIf(!haveQemu)(`${sc.name}: QEMU prints the same transcript (departures listed)`, () => {
      const { source } = program(s);
      const elfPath = join(tmp, sc.name.replace(/\W+/g, '_') + '.elf');
      writeFileSync(elfPath, buildElf(source, 'mmu.s'));
      // UART to a file: with stdio, QEMU may stop on stdin EOF before the guest is done.
      const outPath = elfPath.replace(/\.elf$/, '.out');
      const q = spawnSync(QEMU, ['-machine', 'virt', '-bios', 'none', '-display', 'none', '-monitor', 'none',
        '-serial', `file:${outPath}`, '-kernel', elfPath], { encoding: 'utf8', timeout: 20_000 });
      expect(q.status, q.stderr).toBe(0);
      const qemuText = readFileSync(outPath, 'utf8');
      const r = runAsm(source, { maxInsns: 2_000_000 });
      check(parseTranscript(qemuText), sc.cases, r.symbols, true);
      // Identical text except on the probes where QEMU departs from the spec.
      const strip = (t: string): string[] => t.split('\n').filter((l) => !sc.cases.some((c, i) => c.qemu && l.startsWith(`P${i} `)));
      expect(strip(qemuText)).toEqual(strip(r.uart));
    }, 60_000);
  }
});
