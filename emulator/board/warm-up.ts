// Warming the interpreter up: once per process, before the first real machine runs, a throwaway
// machine executes every instruction the interpreter compiles into its loop, along each memory
// path (the MMU's fast cache hit and missed, the RAM window, RAM beyond it, a page-crossing access,
// a store into a code page and into a watched page) and with an interrupt pending but not taken.
//
// Why: V8 optimizes the loop as soon as it is hot, and an instruction it has never seen executed
// has no type feedback, so meeting it later deoptimizes the whole loop; re-optimizing it then costs
// 100–300 ms each time. A Linux boot met some twenty such instructions one after another and ran
// 3.4 s where the warm loop ran it in 0.9 s. The program is generated from the ISA table, so a new
// instruction is warmed without being named here.

import { encode } from '../isa/encode.js';
import { FIELDS, type FieldName } from '../isa/fields.js';
import { BY_MNEMONIC, type InsnDef } from '../isa/table.js';
import { isHot } from '../hart/interpreter.js';
import { CLINT_BASE, CLINT_MSIP } from './clint.js';

/** What warmUp needs of a machine: its RAM at `base`, a way to start the hart and to run it. */
export interface WarmMachine {
  readonly base: number;
  write(pa: number, bytes: Uint8Array): void;
  start(pc: number): void;
  run(insns: number): void;
  /** Whether the MMU keeps translations in its fast cache (off: every access takes the slow path). */
  fastCache(on: boolean): void;
  /** Makes stores to the RAM page holding pa reported (as HTIF's tohost page is). */
  watch(pa: number): void;
}

/** Rounds with the fast cache off, then on. */
const ROUNDS = 3;
const X_RD = 5, X_BASE = 6, X_SRC = 7, X_LINK = 28, X_RES = 29;

/** The operand value an instruction is warmed with, by field. */
function operand(name: FieldName): number {
  const kind = FIELDS[name];
  switch (kind.role) {
    case 'rd': return X_RD;
    case 'rs1': return X_BASE;
    case 'rs2': return X_SRC;
    case 'imm': return kind.syntax === 'offset' ? 4 : kind.syntax === 'shamt' ? 3 : name === 'uimm20' ? 0x80000 : 8;
    case 'pred': case 'succ': return 15;
    default: return 0;
  }
}

function word(def: InsnDef, values: Partial<Record<FieldName, number>>): number {
  return encode(def, values);
}

const op = (m: string, values: Partial<Record<FieldName, number>>): number => word(BY_MNEMONIC.get(m)!, values);

/** lui + addiw: x[rd] = v (a signed 32-bit value); `unsigned`: zero-extended (an address above 2 GiB). */
function li(rd: number, v: number, unsigned = false): number[] {
  const lo = (v << 20) >> 20, hi = ((v - lo) >>> 12) & 0xfffff;
  const out = [op('lui', { rd, uimm20: hi }), op('addiw', { rd, rs1: rd, imm12: lo })];
  if (unsigned) out.push(op('slli', { rd, rs1: rd, shamt6: 32 }), op('srli', { rd, rs1: rd, shamt6: 32 }));
  return out;
}

/** A handler that steps over whatever traps (mepc += 4), so no corner of the program can stop it. */
function handler(): number[] {
  const mepc = 0x341, t0 = 5;
  return [op('csrrs', { rd: t0, csr: mepc, rs1: 0 }), op('addi', { rd: t0, rs1: t0, imm12: 4 }),
    op('csrrw', { rd: 0, csr: mepc, rs1: t0 }), op('mret', {})];
}

/** The hot instructions, each once, with x[BASE] and x[SRC] as the pass set them. */
function body(table: readonly InsnDef[]): number[] {
  const out: number[] = [];
  for (const d of table) {
    if (d.exec === undefined || d.size !== 4 || !isHot(d)) continue;
    const values: Partial<Record<FieldName, number>> = {};
    for (const f of d.fields) values[f] = operand(f);
    if (d.mnemonic === 'jalr') {
      // A jump to the next instruction: x[LINK] = this pc, then jalr 8(x[LINK]).
      out.push(word(BY_MNEMONIC.get('auipc')!, { rd: X_LINK, uimm20: 0 }));
      out.push(word(d, { ...values, rs1: X_LINK, imm12: 8 }));
      continue;
    }
    out.push(word(d, values));
    // A shift by an immediate also by 0 and past 31 (where it has 6 bits): the semantics branch on
    // the amount, and a branch never taken here would deoptimize the loop when first met.
    const shamt = d.fields.find((f) => FIELDS[f].syntax === 'shamt');
    if (shamt !== undefined) for (const v of shamt === 'shamt5' ? [0, 31] : [0, 31, 40]) out.push(word(d, { ...values, [shamt]: v }));
  }
  return out;
}

function bytesOf(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4), view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  return bytes;
}

/**
 * Runs the warm-up program on `m`: four passes over every hot instruction, with the base register
 * in the RAM window, in RAM beyond it (`farData`), so that base + 8 crosses a page, and in a page
 * holding decoded code (stores there drop cached decodes), and the source register small, negative,
 * equal to the base and large. Each pass also takes a trap (ecall: the handler's page is then code),
 * holds an LR reservation while it stores, and jumps to another page and back (a page crossing in
 * each direction).
 */
export function warmUp(m: WarmMachine, table: readonly InsnDef[], farData: number): void {
  const code = m.base, handlerAt = m.base + 0x1000, bounce = m.base + 0x2000, near = m.base + 0x4000, watched = m.base + 0x6000;
  const insns = body(table);
  const passes: [number, number][] = [
    // The last pass stores into the handler's page (it has decoded code), not the program's: only
    // the handler's decodes are dropped each round.
    [near, 5], [farData, -1], [near + 0x1000 - 9, near + 0x1000 - 9], [handlerAt + 0xf00, 0x7fffffff], [watched, 3],
  ];
  // mtvec = the handler (on the next page); then the passes.
  const program: number[] = [...li(X_LINK, handlerAt, true), op('csrrw', { rd: 0, csr: 0x305, rs1: X_LINK }),
    ...li(X_RES, near, true)];
  const pads: number[] = [];
  passes.forEach(([base, src], i) => {
    program.push(...li(X_BASE, base, true), ...li(X_SRC, src), op('ecall', {}), op('lr.d', { rd: 0, rs1: X_RES }), ...insns);
    // msip set and cleared by a plain store: an interrupt pending that mie does not enable, which the
    // loop's boundary check consumes without leaving.
    program.push(...li(X_LINK, CLINT_BASE + CLINT_MSIP, true), op('addi', { rd: X_RD, rs1: 0, imm12: 1 }),
      op('sw', { rs1: X_LINK, rs2: X_RD, imm12: 0 }), op('sw', { rs1: X_LINK, rs2: 0, imm12: 0 }));
    // TLB flushes, by address and ASID and of everything: the loop refetches after a system
    // instruction that moved the MMU's generation.
    program.push(op('sfence.vma', { rs1: X_BASE, rs2: X_SRC }), op('sfence.vma', { rs1: 0, rs2: 0 }));
    // A load from address 0 (no memory there): an access fault the MMU throws, caught by the loop.
    program.push(op('ld', { rd: 0, rs1: 0, imm12: 0 }));
    // jal to this pass's pad on the bounce page, which jumps straight back to the next instruction.
    const here = code + 4 * program.length, pad = bounce + 4 * i;
    program.push(op('jal', { rd: 0, jimm21: pad - here }));
    pads.push(op('jal', { rd: 0, jimm21: here + 4 - pad }));
  });
  m.write(code, bytesOf(program));
  m.write(handlerAt, bytesOf(handler()));
  m.write(bounce, bytesOf(pads));
  m.watch(watched);
  // Several rounds: V8 allocates a function's feedback only once it has run a while.
  for (const fast of [false, true]) {
    m.fastCache(fast);
    for (let round = 0; round < ROUNDS; round++) {
      m.start(code);
        // Each pass: its ecall and faulting load do not retire, the handler's instructions and the pad's jal do.
      m.run(program.length + passes.length * (2 * handler().length - 1));
    }
  }
}
