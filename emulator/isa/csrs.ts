// CSR names and numbers as the privileged spec and GNU binutils name them. The assembler accepts
// these names, the disassembler prints them, the hart and the debugger look them up here.

export const CSR_NUMBERS: Readonly<Record<string, number>> = (() => {
  const m: Record<string, number> = {
    // floating point (F)
    fflags: 0x001, frm: 0x002, fcsr: 0x003,
    // unprivileged counters
    cycle: 0xc00, time: 0xc01, instret: 0xc02,
    // supervisor
    sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
    sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, stimecmp: 0x14d,
    satp: 0x180,
    // machine
    mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
    mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
    mcounteren: 0x306, menvcfg: 0x30a, mcountinhibit: 0x320,
    mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
    mcycle: 0xb00, minstret: 0xb02,
    tselect: 0x7a0, tdata1: 0x7a1, tdata2: 0x7a2, tdata3: 0x7a3,
  };
  for (let n = 3; n <= 31; n++) {
    m[`hpmcounter${n}`] = 0xc00 + n;
    m[`mhpmcounter${n}`] = 0xb00 + n;
    m[`mhpmevent${n}`] = 0x320 + n;
  }
  for (let n = 0; n < 16; n++) m[`pmpcfg${n}`] = 0x3a0 + n;
  for (let n = 0; n < 64; n++) m[`pmpaddr${n}`] = 0x3b0 + n;
  return m;
})();

export const CSR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(CSR_NUMBERS).map(([k, v]) => [v, k]));

/** The ABI names of x0..x31, as GNU tools print them. */
export const ABI_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** Register number of `x5`, `t0`, `fp` (= s0), or undefined. */
export function registerNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n === 'fp') return 8;
  const m = /^x([0-9]|[12][0-9]|3[01])$/.exec(n);
  if (m) return Number(m[1]);
  const i = ABI_NAMES.indexOf(n);
  return i >= 0 ? i : undefined;
}

/** The ABI names of f0..f31, as GNU tools print them. */
export const FP_ABI_NAMES: readonly string[] = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];

/** Register number of `f5`, `ft5`, or undefined. */
export function fpRegisterNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  const m = /^f([0-9]|[12][0-9]|3[01])$/.exec(n);
  if (m) return Number(m[1]);
  const i = FP_ABI_NAMES.indexOf(n);
  return i >= 0 ? i : undefined;
}

/** Rounding-mode operand names by rm value, as binutils spells them (5 and 6 are reserved). */
export const ROUNDING_MODES: readonly (string | undefined)[] = ['rne', 'rtz', 'rdn', 'rup', 'rmm', undefined, undefined, 'dyn'];
