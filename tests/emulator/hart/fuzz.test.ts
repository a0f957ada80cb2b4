// "Nothing a guest does can crash the host": seeded random programs on the virt board, in M, S and U
// mode. A program is 1024 four-byte slots of random words, random encodings of every instruction of
// the ISA table, and snippets that load a 64-bit operand from a data pool (auipc + ld) and use it:
// CSR accesses to random CSR numbers, satp with random modes and PPNs (some pointing at real page
// tables), pmpcfg/pmpaddr, mret/sret with random mstatus/sstatus and xepc, sfence.vma, jumps to random
// 64-bit targets (non-canonical, above 2^53, devices, holes), misaligned and device loads, stores,
// AMOs and LR/SC, HTIF commands, wfi. Trap handlers (M and S, no memory accesses) skip to the next
// slot and return to a privilege that varies. Every run must end in an exit, the instruction limit or
// a clean stop with a reason, with the architectural invariants holding at every check point.

import { describe, expect, it } from 'vitest';
import { Virt, RAM_BASE } from '../../../emulator/board/virt.js';
import type { Tier } from '../../../emulator/hart/hart.js';
import { TABLE } from '../../../emulator/isa/table.js';
import { CSR_NUMBERS } from '../../../emulator/isa/csrs.js';
import { PTE_U } from '../../../emulator/mmu/pte.js';
import { SV39, SV48, SV57 } from '../../../emulator/mmu/modes.js';
import { MEDELEG_MASK, MIE_MASK, MSTATUS_MIE, MSTATUS_MPP, MSTATUS_SIE, MSTATUS_WRITABLE, PRV_M, PRV_S, PRV_U, S_INTERRUPTS } from '../../../emulator/hart/mstatus.js';
import { enc } from './harness.js';
import { PageTables, RWX } from '../mmu/pt-builder.js';

const PROG = RAM_BASE;                 // 1024 slots of 4 bytes
const SLOTS = 1024;
const M_HANDLER = RAM_BASE + 0x2000;
const S_HANDLER = RAM_BASE + 0x2100;
const DATA = RAM_BASE + 0x3000;         // the operand pool: 512 doublewords
const POOL = 512;
const TOHOST = RAM_BASE + 0x4000, FROMHOST = TOHOST + 8;
const SCRATCH = RAM_BASE + 0x5000;      // loads, stores, HTIF requests
const PT_BASE = RAM_BASE + 0x10_0000;
const MEM = 4 << 20;
const C_NOP = 0x0001;
const T0 = 5, T1 = 6, T2 = 7, T5 = 30, T6 = 31;

/** xorshift32: deterministic per seed. */
function rng(seed: number): { u32(): number; below(n: number): number; big64(): bigint; pick<T>(a: readonly T[]): T } {
  let s = (seed * 2654435761) >>> 0 || 1;
  const u32 = (): number => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  return {
    u32,
    below: (n) => u32() % n,
    big64: () => (BigInt(u32()) << 32n) | BigInt(u32()),
    pick: (a) => a[u32() % a.length]!,
  };
}

/** Handler words that end in xRET to the next slot; the privilege to return to cycles with a counter. */
function handler(m: boolean): number[] {
  const epc = m ? CSR_NUMBERS.mepc! : CSR_NUMBERS.sepc!;
  const status = m ? CSR_NUMBERS.mstatus! : CSR_NUMBERS.sstatus!;
  const scratch = m ? CSR_NUMBERS.mscratch! : CSR_NUMBERS.sscratch!;
  return [
    enc('csrrs', { rd: T6, rs1: 0, csr: epc }),
    enc('addi', { rd: T6, rs1: T6, imm12: 4 }),
    enc('slli', { rd: T6, rs1: T6, shamt6: 52 }),
    enc('srli', { rd: T6, rs1: T6, shamt6: 52 }),          // offset within the 4 KiB program
    enc('andi', { rd: T6, rs1: T6, imm12: -4 }),
    enc('lui', { rd: T5, uimm20: PROG >>> 12 }),
    enc('slli', { rd: T5, rs1: T5, shamt6: 32 }),
    enc('srli', { rd: T5, rs1: T5, shamt6: 32 }),
    enc('add', { rd: T6, rs1: T6, rs2: T5 }),
    enc('csrrw', { rd: 0, rs1: T6, csr: epc }),
    // counter in xscratch picks the privilege to return to
    enc('csrrs', { rd: T5, rs1: 0, csr: scratch }),
    enc('addi', { rd: T5, rs1: T5, imm12: 1 }),
    enc('csrrw', { rd: 0, rs1: T5, csr: scratch }),
    ...(m
      ? [enc('andi', { rd: T5, rs1: T5, imm12: 3 }), enc('slli', { rd: T5, rs1: T5, shamt6: 11 }),
        enc('lui', { rd: T6, uimm20: 2 }), enc('addi', { rd: T6, rs1: T6, imm12: -2048 })]   // MPP mask 0x1800
      : [enc('andi', { rd: T5, rs1: T5, imm12: 1 }), enc('slli', { rd: T5, rs1: T5, shamt6: 8 }),
        enc('addi', { rd: T6, rs1: 0, imm12: 0x100 })]),                                     // SPP
    enc('csrrc', { rd: 0, rs1: T6, csr: status }),
    enc('csrrs', { rd: 0, rs1: T5, csr: status }),
    m ? enc('mret') : enc('sret'),
  ];
}

const DEVICE_ADDRS = [0x0, 0x1000, 0x1ff8, 0x10_0000, 0x200_0000, 0x200_4000, 0x200_bff8, 0xc00_0000, 0xc00_1000,
  0xc00_2000, 0xc20_0000, 0xc20_0004, 0xc20_1004, 0x1000_0000, 0x1000_0005, 0x1000_0007, 0x3000_0000, 0x7fff_fff8];
const KNOWN_CSRS = Object.values(CSR_NUMBERS);
const LOADS = ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'];
const STORES = ['sb', 'sh', 'sw', 'sd'];
const ATOMICS = TABLE.filter((d) => d.ext === 'A').map((d) => d.mnemonic);

interface Program { words: number[]; pool: bigint[] }

function generate(seed: number, roots: number[]): Program {
  const r = rng(seed);
  const pool: bigint[] = [];
  const words: number[] = [];
  const addr = (): bigint => {
    switch (r.below(10)) {
      case 0: return BigInt(r.pick(DEVICE_ADDRS) + r.below(16));
      case 1: return BigInt(SCRATCH + r.below(0x2000));                     // RAM, often misaligned
      case 2: return BigInt(RAM_BASE + MEM - r.below(16));                   // straddles the end of RAM
      case 3: return r.big64();
      case 4: return (1n << 63n) | BigInt(r.u32());                          // non-canonical
      case 5: return (1n << 53n) + BigInt(r.u32());                          // above 2^53
      case 6: return BigInt(TOHOST + r.below(16));
      case 7: return BigInt(PROG + 4 * r.below(SLOTS));                      // code (self-modifying)
      case 8: return BigInt(RAM_BASE + 4096 * r.below(MEM / 4096) + 4096 - r.below(8)); // page-crossing
      default: return BigInt.asUintN(64, BigInt(r.u32() | 0));               // sign-extended 32-bit
    }
  };
  const satp = (): bigint => {
    const mode = BigInt(r.pick([0, 8, 9, 10, 8, 9, 10, r.below(16)]));
    const ppn = r.below(3) === 0 ? r.big64() & ((1n << 44n) - 1n)
      : r.below(2) === 0 ? BigInt(r.pick(roots) / 4096) : BigInt((RAM_BASE + 4096 * r.below(MEM / 4096)) / 4096);
    return (mode << 60n) | (BigInt(r.below(1 << 16)) << 44n) | ppn;
  };
  const pmpaddr = (): bigint => r.below(2) === 0 ? r.big64()
    : (BigInt(RAM_BASE + 4096 * r.below(MEM / 4096)) >> 2n) | BigInt((1 << r.below(14)) - 1);
  const mstatus = (): bigint => r.below(2) === 0 ? r.big64() : BigInt(r.u32() & MSTATUS_WRITABLE);
  const htif = (): bigint => r.pick([
    (1n << 56n) | (1n << 48n) | BigInt(r.below(256)),                        // console putchar
    BigInt(SCRATCH + 8 * r.below(64)),                                       // syscall request at random data
    BigInt(SCRATCH + 8 * r.below(64)), (BigInt(SCRATCH + 8 * r.below(64)) << 8n) | 255n, (BigInt(r.below(256)) << 48n) | BigInt(r.u32()), 1n | BigInt(r.below(8) << 1),
    (BigInt(SCRATCH) << 8n) | 255n, (1n << 56n) | (255n << 48n) | r.big64() & 0xffffffffffffn,
  ]);
  const value = (): bigint => r.pick([addr, satp, pmpaddr, mstatus, htif, r.big64])();

  /** auipc+ld of a pool value into rd, at slot position `at` (words.length). */
  const loadValue = (rd: number, v: bigint): number[] => {
    const idx = pool.length < POOL ? pool.push(v) - 1 : r.below(POOL);
    pool[idx] = v;
    const delta = DATA + 8 * idx - (PROG + 4 * words.length);
    const hi = (delta + 0x800) >> 12, lo = delta - hi * 4096;
    return [enc('auipc', { rd, uimm20: hi & 0xfffff }), enc('ld', { rd, rs1: rd, imm12: lo })];
  };
  const csrNum = (): number => r.below(2) === 0 ? r.pick(KNOWN_CSRS) : r.below(4096);
  const reg = (): number => r.below(32);

  while (words.length < SLOTS) {
    let snip: number[];
    switch (r.below(16)) {
      case 0: snip = [r.u32() | 3]; break;                                                    // random 32-bit
      case 1: { const h = r.below(0x10000); snip = [(h & 3) === 3 ? h & ~1 : h, C_NOP]; break; } // random 16-bit
      case 2: case 3: case 4: {                                                                // any table entry
        const d = r.pick(TABLE);
        const w = ((r.u32() & ~d.mask) | d.match) >>> 0;
        snip = d.size === 2 ? [w & 0xffff, C_NOP] : [w];
        break;
      }
      case 5: {                                                                                // CSR, random number
        const k = r.pick(['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci']);
        const f = k.endsWith('i') ? { rd: reg(), zimm5: r.below(32), csr: csrNum() } : { rd: reg(), rs1: T0, csr: csrNum() };
        snip = [...loadValue(T0, value()), enc(k, f)];
        break;
      }
      case 6: snip = [...loadValue(T0, satp()), enc('csrrw', { rd: reg(), rs1: T0, csr: CSR_NUMBERS.satp! }),
        ...(r.below(2) ? [enc('sfence.vma', { rs1: 0, rs2: 0 })] : [])]; break;
      case 7: {                                                                                // PMP
        const n = r.below(2) ? CSR_NUMBERS.pmpcfg0! + 2 * r.below(8) : CSR_NUMBERS.pmpaddr0! + r.below(64);
        snip = [...loadValue(T0, n < CSR_NUMBERS.pmpaddr0! ? r.big64() : pmpaddr()), enc('csrrw', { rd: 0, rs1: T0, csr: n })];
        break;
      }
      case 8: {                                                                                // xRET with random status and epc
        const m = r.below(2) === 0;
        const target = r.below(2) ? BigInt(PROG + 4 * r.below(SLOTS)) : addr();
        snip = [...loadValue(T0, mstatus()), ...loadValue(T1, target),
          enc('csrrw', { rd: 0, rs1: T0, csr: m ? CSR_NUMBERS.mstatus! : CSR_NUMBERS.sstatus! }),
          enc('csrrw', { rd: 0, rs1: T1, csr: m ? CSR_NUMBERS.mepc! : CSR_NUMBERS.sepc! }), enc(m ? 'mret' : 'sret')];
        break;
      }
      case 9: snip = [...loadValue(T0, addr()), ...loadValue(T1, BigInt(r.u32())),
        enc('sfence.vma', { rs1: r.pick([0, T0]), rs2: r.pick([0, T1]) })]; break;
      case 10: snip = [...loadValue(T0, r.below(3) ? addr() : BigInt(PROG + 4 * r.below(SLOTS))),
        enc('jalr', { rd: reg(), rs1: T0, imm12: r.below(4) - 2 })]; break;
      case 11: case 12: {                                                                      // memory
        const kind = r.below(3);
        const a = [...loadValue(T0, addr()), ...loadValue(T1, value())];
        if (kind === 0) snip = [...a, enc(r.pick(LOADS), { rd: reg(), rs1: T0, imm12: r.below(16) - 8 })];
        else if (kind === 1) snip = [...a, enc(r.pick(STORES), { rs2: T1, rs1: T0, simm12: r.below(16) - 8 })];
        else {
          const mn = r.pick(ATOMICS);
          snip = [...a, enc(mn, mn.startsWith('lr') ? { rd: reg(), rs1: T0, aqrl: r.below(4) }
            : { rd: reg(), rs1: T0, rs2: T1, aqrl: r.below(4) })];
        }
        break;
      }
      case 13: snip = [...loadValue(T0, BigInt(TOHOST)), ...loadValue(T1, htif()),
        r.below(2) ? enc('sd', { rs2: T1, rs1: T0, simm12: 0 }) : enc('sw', { rs2: T1, rs1: T0, simm12: 4 })]; break;
      case 14: snip = [r.pick([enc('ecall'), enc('ebreak'), enc('fence.i'), enc('sret'), enc('mret'), enc('wfi')].slice(0, r.below(4) ? 5 : 6))]; break;
      default: {                                                                               // timer soon
        snip = [...loadValue(T0, 0x200_4000n), ...loadValue(T1, BigInt(r.below(4000))),
          enc('sd', { rs2: T1, rs1: T0, simm12: 0 })];
        break;
      }
    }
    for (const w of snip) if (words.length < SLOTS) words.push(w);
  }
  return { words, pool };
}

interface Outcome {
  kind: string; reason: string; retired: number; traps: ReadonlyMap<string, number>;
  /** Every trap in order (cause, tval, epc, instret then), and the state at every check point. */
  log: string[];
  /** Instructions the translated blocks retired (0 on the interpreter). */
  blockInsns: number;
}

function checkInvariants(v: Virt, where: string): void {
  const h = v.hart;
  const fail = (what: string): never => { throw new Error(`${where}: ${what}`); };
  if (h.reg(0) !== 0n || h.xl[0] !== 0 || h.xh[0] !== 0) fail('x0 is not 0');
  if (h.priv !== PRV_M && h.priv !== PRV_S && h.priv !== PRV_U) fail(`priv ${h.priv}`);
  if ((h.mstatus & ~MSTATUS_WRITABLE) !== 0) fail(`mstatus has bits outside its fields: 0x${(h.mstatus >>> 0).toString(16)}`);
  if (((h.mstatus & MSTATUS_MPP) >>> 11) === 2) fail('mstatus.MPP = 2');
  const sd = (h.mstatus & 0x6000) === 0x6000 ? 1n << 31n : 0n; // SD: FS is Dirty
  if ((h.mstatusBig() >> 32n) !== (0xan | sd)) fail('mstatus UXL/SXL/SD');
  if ((h.medeleg & ~MEDELEG_MASK) !== 0) fail(`medeleg 0x${h.medeleg.toString(16)}`);
  if ((h.mideleg & ~S_INTERRUPTS) !== 0) fail(`mideleg 0x${h.mideleg.toString(16)}`);
  if ((h.mie & ~MIE_MASK) !== 0) fail(`mie 0x${h.mie.toString(16)}`);
  if ((h.mepc & 1n) !== 0n || (h.sepc & 1n) !== 0n) fail('xepc bit 0');
  if ((h.mtvec & 3n) >= 2n || (h.stvec & 3n) >= 2n) fail('xtvec mode');
  if (![0n, 8n, 9n, 10n].includes(v.mmu.getSatp() >> 60n)) fail(`satp 0x${v.mmu.getSatp().toString(16)}`);
  if (!Number.isFinite(h.pc)) fail(`pc ${h.pc}`);
}

/** One program; `tier` given: on that tier, with `jit` translating every block head at its first entry. */
function runOne(seed: number, priv: number, maxInsns: number, tier?: Tier): Outcome {
  const out: number[] = [];
  const v = new Virt({ mem: MEM, output: (b) => { for (const x of b) if (out.length < 4096) out.push(x); },
    tier, hot: tier === 'jit' ? 1 : undefined });
  const roots: number[] = [];
  let next = PT_BASE;
  for (const mode of [SV39, SV48, SV57]) {
    for (const user of [false, true]) {
      const pt = new PageTables(v.bus, mode, next);
      // RAM (a gigapage at 0x8000_0000) and the devices (a gigapage at 0) identity-mapped.
      pt.map(BigInt(RAM_BASE), BigInt(RAM_BASE), RWX | (user ? PTE_U : 0), 2);
      pt.map(0n, 0n, RWX & ~8 | (user ? PTE_U : 0), 2);
      roots.push(pt.root);
      next = pt.alloc();
    }
  }
  const prog = generate(seed, roots);
  const image = new Uint8Array(0x5000);
  const dv = new DataView(image.buffer);
  let a = 0;
  for (const w of prog.words) {
    if ((w & 3) !== 3) { dv.setUint16(a, w, true); dv.setUint16(a + 2, C_NOP, true); } else dv.setUint32(a, w >>> 0, true);
    a += 4;
  }
  handler(true).forEach((w, i) => dv.setUint32(M_HANDLER - RAM_BASE + 4 * i, w >>> 0, true));
  handler(false).forEach((w, i) => dv.setUint32(S_HANDLER - RAM_BASE + 4 * i, w >>> 0, true));
  prog.pool.forEach((x, i) => dv.setBigUint64(DATA - RAM_BASE + 8 * i, x, true));
  // Keep the page tables the board built (they live above the image).
  v.boot({ name: `fuzz-${seed}`, entry: PROG, segments: [{ paddr: RAM_BASE, data: image, memsz: image.length }],
    symbols: new Map([['tohost', TOHOST], ['fromhost', FROMHOST]]) });
  const h = v.hart;
  h.mtvec = BigInt(M_HANDLER);
  h.stvec = BigInt(S_HANDLER);
  // Registers: small values, addresses of every kind, random doublewords.
  const r = rng(seed ^ 0x5eed);
  for (let i = 1; i < 32; i++) h.setReg(i, r.pick([0n, 1n, -1n, BigInt(SCRATCH), BigInt(0x200_0000), BigInt(0x1000_0000), r.big64()]));
  // Interrupts enabled and delegation set up in some runs, so both handlers and every interrupt path run.
  if (r.below(2)) { h.mie = MIE_MASK; h.mstatus |= MSTATUS_MIE | MSTATUS_SIE; }
  if (r.below(2)) { h.medeleg = r.u32() & MEDELEG_MASK; h.mideleg = S_INTERRUPTS; }
  v.clint.write(0x4000, 8, BigInt(r.below(20000)));
  if (r.below(2)) { h.menvcfg = 1n << 63n; h.mcounteren = 2; h.stimecmp = BigInt(r.below(20000)); }
  h.pc = PROG;
  h.priv = priv;
  if (priv !== PRV_M) {
    // Open PMP for S/U (entry 15, NAPOT over everything), as firmware would; the program may change it.
    v.mmu.writePmpaddr(15, (1n << 54n) - 1n);
    v.mmu.writePmpcfg(2, 0x1fn << 56n);
  }
  h.privChanged();
  const log: string[] = [];
  h.onTrap = (cause, irq, tval, epc): void => { log.push(`${irq ? 'irq' : 'exc'} ${cause} tval ${tval} epc ${epc} at ${h.retired}`); };
  let stop;
  for (let step = 0; ; step++) {
    // Check points at odd counts, so budgets end inside blocks too.
    stop = v.run(Math.min(maxInsns, h.retired + 499));
    checkInvariants(v, `seed ${seed} priv ${priv} after ${h.retired} insns`);
    const x = Array.from({ length: 32 }, (_, i) => h.reg(i).toString(16)).join(' ');
    log.push(`${h.retired}: pc ${h.pcBig().toString(16)} priv ${h.priv} mstatus ${h.mstatus} x ${x} f ${Array.from(h.fpu.f).join(' ')}`);
    if (stop.kind !== 'limit' || h.retired >= maxInsns) break;
  }
  return { kind: stop.kind, reason: stop.reason, retired: h.retired, traps: h.trapCounts, log, blockInsns: h.tierStats?.insns ?? 0 };
}

describe('fuzz: random guest programs never crash the host', () => {
  const SEEDS = 24, MAX = 6000;
  for (const [name, priv] of [['M', PRV_M], ['S', PRV_S], ['U', PRV_U]] as const) {
    it(`${SEEDS} seeded programs starting in ${name}-mode end in exit, limit or a clean stop`, () => {
      const kinds: Record<string, number> = {};
      for (let seed = 1; seed <= SEEDS; seed++) {
        const o = runOne(seed * 7919 + priv, priv, MAX);
        expect(['exit', 'limit', 'stopped'], `seed ${seed}: ${o.kind} ${o.reason}`).toContain(o.kind);
        expect(o.reason.length).toBeGreaterThan(0);
        kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      }
      // Not every run may stop at once: the programs must actually execute.
      expect(kinds.limit ?? 0).toBeGreaterThan(0);
    });
  }

  it('the translation tier (every block head translated) and the interpreter agree: the same traps at the same instret, the same state at every check point', () => {
    let translated = 0;
    for (let seed = 1; seed <= 12; seed++) {
      for (const priv of [PRV_M, PRV_S, PRV_U]) {
        const a = runOne(seed * 104729 + priv, priv, 6000, 'interp'), b = runOne(seed * 104729 + priv, priv, 6000, 'jit');
        expect(b.log, `seed ${seed} priv ${priv}`).toEqual(a.log);
        expect({ ...b, log: undefined, blockInsns: 0 }).toEqual({ ...a, log: undefined });
        translated += b.blockInsns;
      }
    }
    // Most of the instructions ran in translated blocks.
    expect(translated).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same outcome', () => {
    const a = runOne(4242, PRV_S, 4000), b = runOne(4242, PRV_S, 4000);
    expect(b).toEqual(a);
  });
});
