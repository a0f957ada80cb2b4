// The ISA/MMU test helper (DESIGN §10): assembles a snippet with our assembler, links it at
// 0x80000000, boots it on the virt board with `--bios none` semantics (M-mode, at _start — or the
// first instruction when the snippet has no _start), and returns the hart, the UART text and the
// exit code. A snippet ends by writing the syscon (see EXIT_PASS/exitWith below) or by an HTIF exit.

import { linkAsm } from './build-asm.js';
import { readElf } from '../../linker/elf/read.js';
import { Virt, type MachineStop, type VirtOptions } from '../../emulator/board/virt.js';
import type { Hart } from '../../emulator/hart/hart.js';
import { bootImage } from '../../linker/elf/boot-image.js';

export interface RunAsmOptions {
  bios?: 'none';
  /** Privilege the snippet starts in: 'M' (default), or 'S'/'U' entered through mret from a prologue. */
  priv?: 'M' | 'S' | 'U';
  /** Instruction limit (default 1,000,000). */
  maxInsns?: number;
  mem?: number;
  satpModes?: VirtOptions['satpModes'];
  pmpEntries?: VirtOptions['pmpEntries'];
  ad?: VirtOptions['ad'];
  /** Bytes available to the UART receiver from the start. */
  input?: string;
  /** Assemble with RVC (default true). */
  rvc?: boolean;
  /** Harts (every one starts at _start with a0 = mhartid, through the boot ROM) and their quantum. */
  smp?: number;
  quantum?: number;
  /** The execution tier and, for `jit`, the entries before a block head is translated (1: all at once). */
  tier?: VirtOptions['tier'];
  hot?: number;
}

export interface RunAsmResult {
  hart: Hart;
  machine: Virt;
  uart: string;
  /** The guest's exit code (syscon or HTIF), or undefined when it did not exit. */
  exitCode: number | undefined;
  stop: MachineStop;
  symbols: Map<string, bigint>;
}

/** A prologue that drops from M to S or U at label `_snippet` (PMP opened so S/U can reach memory). */
function prologue(priv: 'S' | 'U'): string {
  const mpp = priv === 'S' ? 1 : 0;
  return `
    .section .text.init
    .globl _start
_start:
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    li t0, 0x1800
    csrc mstatus, t0
    li t0, ${mpp << 11}
    csrs mstatus, t0
    la t0, _snippet
    csrw mepc, t0
    mret
    .text
_snippet:
`;
}

export function runAsm(source: string, opts: RunAsmOptions = {}): RunAsmResult {
  const priv = opts.priv ?? 'M';
  let text = source;
  if (priv !== 'M') text = prologue(priv) + source;
  else if (!/^\s*_start\s*:/m.test(source)) text = `  .text\n  .globl _start\n_start:\n${source}`;
  const linked = linkAsm(text, 'snippet.s', { rvc: opts.rvc ?? true });
  const elf = readElf(linked.elf, 'snippet.elf');
  let uart = '';
  const decoder = new TextDecoder();
  const machine = new Virt({
    mem: opts.mem ?? 16 * 1024 * 1024, satpModes: opts.satpModes, pmpEntries: opts.pmpEntries, ad: opts.ad,
    smp: opts.smp, quantum: opts.quantum, tier: opts.tier, hot: opts.hot,
    output: (b) => { uart += decoder.decode(b, { stream: true }); },
  });
  machine.boot(bootImage(elf));
  if (opts.input !== undefined) machine.input(new TextEncoder().encode(opts.input));
  const stop = machine.run(opts.maxInsns ?? 1_000_000);
  return {
    hart: machine.hart, machine, uart, stop, symbols: linked.symbols,
    exitCode: stop.kind === 'exit' ? stop.code : undefined,
  };
}

/**
 * PMP opened, satp = Sv39 on the table at `root`, then mret into S-mode at `s_main` (each hart that
 * runs it: satp and the TLB are per hart).
 */
export const ENTER_S = `li t1, -1
      csrw pmpaddr0, t1
      li t1, 0x1f
      csrw pmpcfg0, t1
      la t1, root
      srli t1, t1, 12
      li t2, 8
      slli t2, t2, 60
      or t1, t1, t2
      csrw satp, t1
      sfence.vma
      li t1, 0x1800
      csrc mstatus, t1
      li t1, 0x800
      csrs mstatus, t1      # MPP = S
      la t1, s_main
      csrw mepc, t1
      mret`;

/**
 * PTE `slot` of the page table at label `table` := the page at label `target` with `flags` (V = 1 for
 * a pointer to the next level). Uses t2; `base` holds the table's address afterwards.
 */
export function setPte(table: string, slot: number, target: string, flags: number, base = 't1'): string {
  return `la ${base}, ${table}
      la t2, ${target}
      srli t2, t2, 12
      slli t2, t2, 10
      ori t2, t2, ${flags}
      sd t2, ${8 * slot}(${base})`;
}

/** The Sv39 tables ENTER_S uses, its VA 0x4000_0000 gigapage still empty: root, then l1 and l0 for it. */
export const SV39_TABLES = `
      .data
      .balign 4096
    root: .dword 0xc7       # VPN[2] = 0: the devices' gigapage (the syscon), V R W A D
      .dword 0              # VPN[2] = 1 (0x40000000): l1, once WALK_TO_L0 has run
      .dword 0x200000cf     # VPN[2] = 2: the 0x80000000 gigapage, V R W X A D
      .zero 4096 - 24
    l1: .zero 4096
    l0: .zero 4096`;

/** root[1] -> l1, l1[0] -> l0: VA 0x4000_0000 is then l0[0]'s page. */
export const WALK_TO_L0 = `${setPte('root', 1, 'l1', 1)}
      ${setPte('l1', 0, 'l0', 1)}`;

/** Assembly that powers off through the syscon with exit code `code` (0 = pass). */
export function exitWith(code: number | string): string {
  return `
    li t0, 0x100000
    li t1, ${typeof code === 'number' ? (code === 0 ? 0x5555 : (code << 16) | 0x3333) : code}
    sw t1, 0(t0)
1:  j 1b
`;
}
