// The firmware's SBI dispatcher and PMP setup, run natively through the kernel-ts host runtime:
// a trap frame in memory, CSRs in a record, and a 16550 stand-in that is always ready to transmit.

import { describe, expect, it, beforeEach } from 'vitest';
import { installHost } from '../../../kernel-ts/runtime/host.js';
import { SparseMemory, type HostMemory } from '../../../kernel-ts/runtime/memory.js';
import { buildVirtFdt } from '../../../emulator/board/fdt.js';

const UART_THR = 0x10000000n, UART_LSR = 0x10000005n;

/** Memory with a UART that always has room (LSR.THRE) and maybe one byte to read. */
class BoardMemory implements HostMemory {
  readonly mem = new SparseMemory();
  out = '';
  input: number[] = [];
  read(addr: bigint, size: 1 | 2 | 4 | 8): bigint {
    if (addr === UART_LSR) return 0x20n | (this.input.length ? 1n : 0n);
    if (addr === UART_THR) return BigInt(this.input.shift() ?? 0);
    return this.mem.read(addr, size);
  }
  write(addr: bigint, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (addr === UART_THR) { this.out += String.fromCharCode(Number(value)); return; }
    this.mem.write(addr, size, value);
  }
}

const board = new BoardMemory();
const csrs: Record<string, bigint> = {};
const host = installHost({ memory: board, csrs, staticBase: 0x80010000n });
const sbi = await import('../../../kernel-ts/firmware/sbi.js');
const pmp = await import('../../../kernel-ts/firmware/pmp.js');
const scratch = await import('../../../kernel-ts/firmware/scratch.js');
const ipi = await import('../../../kernel-ts/firmware/ipi.js');
const hsm = await import('../../../kernel-ts/firmware/hsm.js');

const REGS = 0x80008000n;
const M64 = (1n << 64n) - 1n;
const neg = (n: bigint): bigint => (M64 + 1n - n) & M64;

/** One ecall from S: a7 = eid, a6 = fid, a0.. = args. Returns [a0, a1]. */
function call(eid: bigint, fid: bigint, ...args: bigint[]): [bigint, bigint] {
  for (let i = 0; i < 32; i++) board.mem.write(REGS + BigInt(8 * i), 8, 0n);
  args.forEach((a, i) => board.mem.write(REGS + BigInt(80 + 8 * i), 8, a));
  board.mem.write(REGS + 128n, 8, fid);
  board.mem.write(REGS + 136n, 8, eid);
  sbi.sbi_ecall(REGS);
  return [board.mem.read(REGS + 80n, 8), board.mem.read(REGS + 88n, 8)];
}

beforeEach(() => {
  for (const k of Object.keys(csrs)) delete csrs[k];
  host.events.length = 0;
  board.out = '';
  sbi.sbi_init(0x80000000n, 0x88000000n, 0x80000000n, 0x80008000n, 1n);
  scratch.sbi_set_hart_present_mask(1n);
});

describe('SBI v2.0 (firmware)', () => {
  it('BASE: versions, implementation, probe, machine ids', () => {
    expect(call(sbi.SBI_EXT_BASE, 0n)).toEqual([0n, 0x2000000n]);
    expect(call(sbi.SBI_EXT_BASE, 1n)).toEqual([0n, sbi.SBI_IMPL_ID]);
    for (const eid of [sbi.SBI_EXT_BASE, sbi.SBI_EXT_TIME, sbi.SBI_EXT_IPI, sbi.SBI_EXT_RFENCE, sbi.SBI_EXT_HSM, sbi.SBI_EXT_SRST, sbi.SBI_EXT_DBCN, 1n, 2n]) {
      expect(call(sbi.SBI_EXT_BASE, 3n, eid)).toEqual([0n, 1n]);
    }
    expect(call(sbi.SBI_EXT_BASE, 3n, 0x4b45524en)).toEqual([0n, 0n]);
    csrs.mvendorid = 0x123n;
    expect(call(sbi.SBI_EXT_BASE, 4n)).toEqual([0n, 0x123n]);
  });

  it('unknown extensions and functions answer SBI_ERR_NOT_SUPPORTED', () => {
    expect(call(0x0a000000n, 0n)[0]).toBe(neg(2n));
    expect(call(sbi.SBI_EXT_BASE, 99n)[0]).toBe(neg(2n));
    expect(call(sbi.SBI_EXT_RFENCE, 3n, 1n, 0n)[0]).toBe(neg(2n));   // HFENCE: no H extension
    expect(call(sbi.SBI_EXT_HSM, 4n)[0]).toBe(neg(2n));             // HSM has FIDs 0..3
  });

  it('TIME: stimecmp with Sstc; otherwise mtimecmp, STIP cleared, MTIE on, and the M timer forwarded as STIP', () => {
    expect(call(sbi.SBI_EXT_TIME, 0n, 12345n)[0]).toBe(0n);
    expect(csrs.stimecmp).toBe(12345n);
    sbi.sbi_init(0x80000000n, 0x88000000n, 0x80000000n, 0x80008000n, 0n);
    csrs.mip = 0x20n;
    expect(call(sbi.SBI_EXT_TIME, 0n, 777n)[0]).toBe(0n);
    expect(board.mem.read(0x2004000n, 8)).toBe(777n);
    expect(csrs.mip! & 0x20n).toBe(0n);
    expect(csrs.mie! & 0x80n).toBe(0x80n);
    sbi.timer_interrupt();
    expect(csrs.mip! & 0x20n).toBe(0x20n);
    expect(csrs.mie! & 0x80n).toBe(0n);
  });

  it('IPI, RFENCE and HSM for one hart', () => {
    expect(call(sbi.SBI_EXT_IPI, 0n, 1n, 0n)[0]).toBe(0n);
    expect(csrs.mip! & 2n).toBe(2n);
    expect(call(sbi.SBI_EXT_IPI, 0n, 2n, 0n)[0]).toBe(neg(3n));      // hart 1 does not exist
    expect(call(sbi.SBI_EXT_RFENCE, 0n, 1n, 0n)[0]).toBe(0n);
    expect(host.events.some((e) => e.kind === 'fence.i')).toBe(true);
    host.events.length = 0;
    expect(call(sbi.SBI_EXT_RFENCE, 2n, M64, M64, 0x40000000n, 0x2000n, 5n)[0]).toBe(0n);
    expect(host.events).toEqual([{ kind: 'sfence.vma', va: 0x40000000n, asid: 5n }, { kind: 'sfence.vma', va: 0x40001000n, asid: 5n }]);
    // The top of the address space: the last page once (no wrap to page 0); a range past the top flushes all.
    host.events.length = 0;
    expect(call(sbi.SBI_EXT_RFENCE, 1n, M64, M64, M64 - 0x7ffn, 0x100n)[0]).toBe(0n);
    expect(host.events).toEqual([{ kind: 'sfence.vma', va: M64 - 0xfffn, asid: undefined }]);
    host.events.length = 0;
    expect(call(sbi.SBI_EXT_RFENCE, 1n, M64, M64, M64 - 0xfffn, 0x2000n)[0]).toBe(0n);
    expect(host.events).toEqual([{ kind: 'sfence.vma', va: undefined, asid: undefined }]);
    expect(call(sbi.SBI_EXT_HSM, 2n, 0n)).toEqual([0n, 0n]);          // STARTED
    expect(call(sbi.SBI_EXT_HSM, 2n, 1n)[0]).toBe(neg(3n));
    expect(call(sbi.SBI_EXT_HSM, 0n, 0n, 0x80200000n, 0n)[0]).toBe(neg(6n));
  });

  it('DBCN and the legacy console', () => {
    const buf = 0x80300000n;
    [...'hello'].forEach((c, i) => board.mem.write(buf + BigInt(i), 1, BigInt(c.charCodeAt(0))));
    expect(call(sbi.SBI_EXT_DBCN, 0n, 5n, buf, 0n)).toEqual([0n, 5n]);
    expect(call(sbi.SBI_EXT_DBCN, 2n, 0x21n)[0]).toBe(0n);
    expect(call(1n, 0n, 0x0an)[0]).toBe(0n);
    expect(board.out).toBe('hello!\n');
    // The firmware's own memory, or above 4 GiB in base_hi, is not S-mode's to name.
    expect(call(sbi.SBI_EXT_DBCN, 0n, 4n, 0x80001000n, 0n)[0]).toBe(neg(3n));
    expect(call(sbi.SBI_EXT_DBCN, 0n, 4n, buf, 1n)[0]).toBe(neg(3n));
    board.input = [0x41, 0x42];
    expect(call(sbi.SBI_EXT_DBCN, 1n, 8n, buf, 0n)).toEqual([0n, 2n]);
    expect(board.mem.read(buf, 2)).toBe(0x4241n);
    expect(call(2n, 0n)[0]).toBe(M64);                                // legacy getchar: nothing waiting
  });
});

describe('which harts exist, and hart masks', () => {
  const fdtAt = (harts: number, addr: bigint): bigint => {
    const blob = buildVirtFdt({ memBase: 0x80000000, memSize: 0x8000000, isa: 'rv64imafdc_zicsr_zifencei_sstc', mmuType: 'riscv,sv39', timebaseFrequency: 10_000_000, harts });
    blob.forEach((b, i) => board.mem.write(addr + BigInt(i), 1, BigInt(b)));
    return addr;
  };

  it('fdt_hart_mask: one bit per /cpus/cpu@N node of the board\'s own device tree (cpu-map and the interrupt controllers are not harts)', () => {
    expect(scratch.fdt_hart_mask(fdtAt(1, 0x87e00000n))).toBe(1n);
    expect(scratch.fdt_hart_mask(fdtAt(4, 0x87e00000n))).toBe(0xfn);
    expect(scratch.fdt_hart_mask(fdtAt(8, 0x87e00000n))).toBe(0xffn);
    expect(scratch.fdt_hart_mask(0x87f00000n)).toBe(0n);            // no blob there
  });

  it('hart_mask/hart_mask_base: -1 is every hart; a bit past the last hart, or past bit 63, is invalid', () => {
    scratch.sbi_set_hart_present_mask(0xfn);
    expect(ipi.sbi_hartmask_targets(0n, M64)).toEqual([1n, 0xfn]);
    expect(ipi.sbi_hartmask_targets(0b101n, 1n)).toEqual([1n, 0b1010n]);
    expect(ipi.sbi_hartmask_targets(0n, 1000n)).toEqual([1n, 0n]);      // an empty mask names nobody
    expect(ipi.sbi_hartmask_targets(1n, 4n)).toEqual([0n, 0n]);
    expect(ipi.sbi_hartmask_targets(0x10n, 0n)).toEqual([0n, 0n]);
    expect(ipi.sbi_hartmask_targets(1n, 64n)).toEqual([0n, 0n]);
    expect(ipi.sbi_hartmask_targets(1n << 63n, 1n)).toEqual([0n, 0n]);
    expect(scratch.sbi_hart_count()).toBe(4n);
  });

  it('HSM and IPI for four harts: get_status of each, hart_start of a STOPPED hart publishes its start and raises its msip', () => {
    scratch.sbi_set_hart_present_mask(0xfn);
    hsm.sbi_hsm_init(0n);
    const msip = (h: bigint): bigint => board.mem.read(0x2000000n + 4n * h, 4);
    expect([0n, 1n, 2n, 3n, 4n].map((h) => call(sbi.SBI_EXT_HSM, 2n, h))).toEqual([[0n, 0n], [0n, 1n], [0n, 1n], [0n, 1n], [neg(3n), 0n]]);
    expect(call(sbi.SBI_EXT_HSM, 0n, 2n, 0x80201000n, 77n)[0]).toBe(0n);
    const s2 = scratch.sbi_scratch_of(2n);
    expect([s2.hsm_state, s2.start_ready, s2.next_addr, s2.next_arg1, msip(2n)]).toEqual([2n, 1n, 0x80201000n, 77n, 1n]);
    expect(call(sbi.SBI_EXT_HSM, 0n, 2n, 0x80201000n, 77n)[0]).toBe(neg(3n));   // START_PENDING: on its way
    expect(call(sbi.SBI_EXT_HSM, 0n, 0n, 0x80201000n, 0n)[0]).toBe(neg(6n));    // STARTED
    expect(call(sbi.SBI_EXT_HSM, 0n, 3n, 0x80004000n, 0n)[0]).toBe(neg(5n));    // the firmware's own memory
    expect(call(sbi.SBI_EXT_HSM, 0n, 3n, 0x90000000n, 0n)[0]).toBe(neg(5n));    // past RAM
    // IPI: hart 1 STOPPED and hart 2 START_PENDING take none; once hart 1 is STARTED it gets SOFT and its msip.
    expect(call(sbi.SBI_EXT_IPI, 0n, 0b110n, 0n)[0]).toBe(0n);
    expect([msip(1n), scratch.sbi_scratch_of(1n).ipi_type]).toEqual([0n, 0n]);
    scratch.sbi_scratch_of(1n).hsm_state = 0n;
    expect(call(sbi.SBI_EXT_IPI, 0n, 0b110n, 0n)[0]).toBe(0n);
    expect([msip(1n), scratch.sbi_scratch_of(1n).ipi_type]).toEqual([1n, scratch.SBI_IPI_EVENT_SOFT]);
    csrs.mip = 0n;
    ipi.sbi_ipi_process(1n);                                       // as hart 1's M-mode handler
    expect([msip(1n), scratch.sbi_scratch_of(1n).ipi_type, csrs.mip]).toEqual([0n, 0n, 2n]);
  });
});

describe('PMP setup', () => {
  it('entry 0 NAPOT over the firmware with no permissions, entry 1 NAPOT over everything RWX', () => {
    expect(pmp.napot_size(0x7123n)).toBe(0x8000n);
    expect(pmp.napot_addr(0x80000000n, 0x8000n)).toBe((0x80000000n >> 2n) | 0xfffn);
    expect(pmp.pmp_setup(0x80000000n, 0x8000n)).toBe(1n);   // read back as written
    expect(csrs.pmpaddr0).toBe(0x20000fffn);
    expect(csrs.pmpaddr1).toBe(M64);
    expect(csrs.pmpcfg0).toBe(0x1f18n);
  });
});

describe('unexpected traps in the firmware', () => {
  it('are reported with mcause/mtval/mepc and end the run through the syscon with failure code 2', async () => {
    const fw = await import('../../../kernel-ts/firmware/main.js');
    class Stopped extends Error {}
    const push = host.events.push.bind(host.events);
    // The firmware ends in `while (true) wfi()` after the syscon write: stop the native run there.
    host.events.push = (...e) => { if (e.some((x) => x.kind === 'wfi')) throw new Stopped(); return push(...e); };
    try {
      Object.assign(csrs, { mcause: 2n, mtval: 0x12345n, mepc: 0x80201000n, mstatus: 0x800n });
      expect(() => fw.fw_trap(REGS)).toThrow(Stopped);
    } finally {
      host.events.push = push;
    }
    expect(board.out).toBe('rvhart firmware: unexpected trap: mcause 0x2 mtval 0x12345 mepc 0x80201000 from S-mode\n');
    expect(board.mem.read(0x100000n, 4)).toBe((2n << 16n) | 0x3333n);
  });
});
