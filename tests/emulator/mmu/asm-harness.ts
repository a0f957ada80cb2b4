// Assembly MMU programs: the test builds page tables (with PageTables, in TypeScript), the harness turns
// them into an M-mode prologue of stores, drops to S or U with satp set, and runs a list of probes.
// Every probe prints one transcript line from the M-mode trap handler:
//   "P<n> ok <value loaded>"                         (the probe's access completed; ecall reports it)
//   "P<n> cause=<mcause> tval=<mtval> epc=<mepc>"    (the access trapped)
// The same ELF runs on rvhart and on qemu-system-riscv64 -machine virt -bios none.

import { Bus } from '../../../emulator/board/bus.js';
import { Ram } from '../../../emulator/board/ram.js';
import { SATP_MODE_OF, type PagingMode } from '../../../emulator/mmu/modes.js';
import { PTE_U } from '../../../emulator/mmu/pte.js';
import { PageTables, RAM_BASE, RWX } from './pt-builder.js';

export type ProbeKind = 'lb' | 'lw' | 'ld' | 'sb' | 'sd' | 'amoadd.d' | 'lr.d' | 'sc.d' | 'fetch';
export interface Probe { kind: ProbeKind; va: bigint }

export interface Scenario {
  mode: PagingMode | 'bare';
  priv: 'S' | 'U';
  sum?: boolean;
  mxr?: boolean;
  /** Maps the test's pages (the code megapage at 0x8000_0000 is identity-mapped by the harness). */
  build?: (pt: PageTables) => void;
  /** 64-bit values stored at physical addresses before the run (data for the probes' loads). */
  init?: [bigint, bigint][];
  /** PMP entries 0.. as [pmpcfg byte, pmpaddr]; entry 15 always opens everything (lowest priority). */
  pmp?: [number, bigint][];
  probes: Probe[];
}

/** A page of `jr s11` instructions: fetch probes that succeed land here and go back. */
export const RET_PAGE = BigInt(RAM_BASE) + 0x1000n;
const PT_BASE = RAM_BASE + 0x10_0000;

const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

function probeCode(p: Probe, n: number): string {
  const access = p.kind === 'fetch' ? 'jalr ra, 0(t0)'
    : p.kind === 'sc.d' ? 'sc.d t1, t2, (t0)'
    : p.kind === 'lr.d' ? 'lr.d t1, (t0)'
    : p.kind === 'amoadd.d' ? 'amoadd.d t1, t2, (t0)'
    : p.kind.startsWith('l') ? `${p.kind} t1, 0(t0)` : `${p.kind} t2, 0(t0)`;
  return `
    li s9, ${n}
    li s10, 0
    la s11, 9f
    li t0, ${hex(p.va)}
    li t1, 0
    li t2, 0x5a
probe${n}:
    ${access}
9:  bnez s10, 8f
    li a7, 0
    ecall
8:`;
}

export function program(s: Scenario): { source: string; pt?: PageTables } {
  const lines: string[] = [];
  const store = (addr: bigint, value: bigint): void => {
    lines.push(`    li t0, ${hex(addr)}`, `    li t1, ${hex(value)}`, '    sd t1, 0(t0)');
  };
  let satp = 0n, pt: PageTables | undefined;
  if (s.mode !== 'bare') {
    const bus = new Bus(new Ram(RAM_BASE, 16 << 20), 0x1000, 0x1000);
    pt = new PageTables(bus, s.mode, PT_BASE);
    pt.map(BigInt(RAM_BASE), BigInt(RAM_BASE), RWX | (s.priv === 'U' ? PTE_U : 0), 1);
    s.build?.(pt);
    const used = bus.ram.view;
    for (let a = PT_BASE; a < PT_BASE + 0x4_0000; a += 8) {
      const v = used.getBigUint64(a - RAM_BASE, true);
      if (v !== 0n) store(BigInt(a), v);
    }
    satp = (BigInt(SATP_MODE_OF[s.mode.name]) << 60n) | BigInt(pt.root / 4096);
  }
  for (const [pa, v] of s.init ?? []) store(pa, v);
  const pmp = (s.pmp ?? []).map(([cfg, addr], i) => {
    const reg = Math.floor(i / 8) * 2;
    return `    li t0, ${hex(addr)}\n    csrw pmpaddr${i}, t0\n    li t0, ${hex(BigInt(cfg) << BigInt((i % 8) * 8))}\n    csrs pmpcfg${reg}, t0`;
  }).join('\n');
  const mstatus = (s.priv === 'S' ? 1n << 11n : 0n) | (s.sum ? 1n << 18n : 0n) | (s.mxr ? 1n << 19n : 0n);
  const source = `
    .option norvc
    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr15, t0
    li t0, 0x1f << 56
    csrw pmpcfg2, t0
${lines.join('\n')}
${pmp}
    li t0, ${hex(satp)}
    csrw satp, t0
    sfence.vma
    li t0, 0x1800
    csrc mstatus, t0
    li t0, ${hex(mstatus)}
    csrs mstatus, t0
    la t0, probes
    csrw mepc, t0
    mret

    .balign 4096
ret_page:
${'    jr s11\n'.repeat(1024)}
    .text
probes:
${s.probes.map(probeCode).join('\n')}
    li a7, 1
    ecall

    .balign 4
trap:
    csrr t3, mcause
    li t4, 8
    beq t3, t4, ecall_
    li t4, 9
    beq t3, t4, ecall_
    li a0, 'P'
    jal s8, putc
    mv a0, s9
    jal s8, putdec
    la a2, s_cause
    jal s8, puts
    csrr a0, mcause
    jal s8, puthex
    la a2, s_tval
    jal s8, puts
    csrr a0, mtval
    jal s8, puthex
    la a2, s_epc
    jal s8, puts
    csrr a0, mepc
    jal s8, puthex
    li a0, 10
    jal s8, putc
    csrw mepc, s11
    li s10, 1
    mret
ecall_:
    li t4, 1
    beq a7, t4, exit_
    li a0, 'P'
    jal s8, putc
    mv a0, s9
    jal s8, putdec
    la a2, s_ok
    jal s8, puts
    mv a0, t1
    jal s8, puthex
    li a0, 10
    jal s8, putc
    csrr t3, mepc
    addi t3, t3, 4
    csrw mepc, t3
    mret
exit_:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b

# putc: a0 → UART THR. Link in s8 (callers use jal s8); clobbers a1.
putc:
    li a1, 0x10000000
    sb a0, 0(a1)
    jr s8
# puts: the NUL-terminated string at a2. Link register s7 saved around putc.
puts:
    mv s7, s8
1:  lbu a0, 0(a2)
    beqz a0, 2f
    jal s8, putc
    addi a2, a2, 1
    j 1b
2:  mv s8, s7
    jr s8
# puthex: a0 as 0x + 16 hex digits.
puthex:
    mv s7, s8
    mv t5, a0
    li a0, '0'
    jal s8, putc
    li a0, 'x'
    jal s8, putc
    li t6, 60
1:  srl a0, t5, t6
    andi a0, a0, 15
    li a1, 10
    blt a0, a1, 2f
    addi a0, a0, 'a' - 10 - '0'
2:  addi a0, a0, '0'
    jal s8, putc
    addi t6, t6, -4
    bgez t6, 1b
    mv s8, s7
    jr s8
# putdec: a0 (0..99).
putdec:
    mv s7, s8
    mv t5, a0
    li a1, 10
    divu a0, t5, a1
    beqz a0, 1f
    addi a0, a0, '0'
    jal s8, putc
1:  li a1, 10
    remu a0, t5, a1
    addi a0, a0, '0'
    jal s8, putc
    mv s8, s7
    jr s8

    .section .rodata
s_cause: .asciz " cause="
s_tval:  .asciz " tval="
s_epc:   .asciz " epc="
s_ok:    .asciz " ok "
`;
  return { source, pt };
}

export interface ProbeResult { n: number; ok: boolean; value?: bigint; cause?: number; tval?: bigint; epc?: bigint }

export function parseTranscript(text: string): ProbeResult[] {
  const out: ProbeResult[] = [];
  for (const line of text.split('\n')) {
    let m = /^P(\d+) ok (0x[0-9a-f]+)$/.exec(line);
    if (m) { out.push({ n: Number(m[1]), ok: true, value: BigInt(m[2]!) }); continue; }
    m = /^P(\d+) cause=(0x[0-9a-f]+) tval=(0x[0-9a-f]+) epc=(0x[0-9a-f]+)$/.exec(line);
    if (m) out.push({ n: Number(m[1]), ok: false, cause: Number(BigInt(m[2]!)), tval: BigInt(m[3]!), epc: BigInt(m[4]!) });
  }
  return out;
}
