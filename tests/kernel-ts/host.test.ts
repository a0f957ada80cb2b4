// The host runtime: intrinsics natively reproduce the compiled (RISC-V) results, wrapping to 64 bits.
import { describe, expect, it } from 'vitest';
import { Host, installHost } from '../../kernel-ts/runtime/host.js';
import { BufferMemory, SparseMemory } from '../../kernel-ts/runtime/memory.js';
import * as k from '../../kernel-ts/runtime/intrinsics.js';

const M64 = (1n << 64n) - 1n, MIN = 1n << 63n;

describe('kernel-ts host runtime', () => {
  it('stores truncate to the access width, loads zero-extend, values wrap to 64 bits', () => {
    installHost({ memory: new SparseMemory() });
    k.store64(0x1000n, -1n);
    expect(k.load64(0x1000n)).toBe(M64);
    k.store8(0x1000n, 0x1234n);
    expect(k.load8(0x1000n)).toBe(0x34n);
    k.store16(0x1002n, 0x1_abcdn);
    expect(k.load16(0x1002n)).toBe(0xabcdn);
    k.store32(0x1004n, 1n << 40n);
    expect(k.load32(0x1004n)).toBe(0n);
    expect(k.load64(0x1000n)).toBe(0x00000000abcdff34n);
    k.store64(0xfffffffffffffffcn, 0x1122334455667788n); // wraps around the top of the address space
    expect(k.load32(0n)).toBe(0x11223344n);
  });

  it('a BufferMemory refuses accesses outside it with a clear message', () => {
    installHost({ memory: new BufferMemory(0x80000000n, new Uint8Array(4096)) });
    k.store64(0x80000ff8n, 7n);
    expect(k.load64(0x80000ff8n)).toBe(7n);
    expect(() => k.load64(0x80000ffcn)).toThrow(/native access of 8 bytes at 0x80000ffc is outside memory 0x80000000..0x80001000/);
  });

  it('signed intrinsics follow RISC-V (div/rem by zero and overflow)', () => {
    expect(k.sdiv(7n, 0n)).toBe(M64);
    expect(k.srem(7n, 0n)).toBe(7n);
    expect(k.sdiv(MIN, M64)).toBe(MIN);
    expect(k.srem(MIN, M64)).toBe(0n);
    expect(k.sdiv(M64 - 6n, 2n)).toBe(M64 - 2n); // -7 / 2 = -3
    expect(k.srem(M64 - 6n, 2n)).toBe(M64); // -7 % 2 = -1
    expect(k.sra(MIN, 63n)).toBe(M64);
    expect(k.sra(MIN, 64n)).toBe(MIN); // shift amount mod 64
    expect(k.sext32(0x80000000n)).toBe(0xffffffff80000000n);
    expect(k.slt(M64, 0n)).toBe(true);
    expect(k.wrap(-1n)).toBe(M64);
  });

  it('static buffers are aligned and zeroed; tables and strings are laid out in memory', () => {
    const host = installHost({ staticBase: 0x2000_0010n });
    const b = k.staticBuffer(100n, 4096n);
    expect(b % 4096n).toBe(0n);
    expect(k.load64(b + 8n)).toBe(0n);
    const t = k.u64Table([1n, M64]);
    expect(k.load64(t + 8n)).toBe(M64);
    const s = k.str('hé');
    expect([k.load8(s), k.load8(s + 1n), k.load8(s + 2n), k.load8(s + 3n)]).toEqual([0x68n, 0xc3n, 0xa9n, 0n]);
    expect(k.str('hé')).toBe(s);
    expect(host).toBeInstanceOf(Host);
  });

  it('CSRs by name (unknown names refused), symbols from the map, fences recorded, naked refuses to run', () => {
    const host = installHost({ csrs: { satp: 5n }, symbols: new Map([['_end', 0x80400000n]]) });
    expect(k.csrr('satp')).toBe(5n);
    k.csrs('sstatus', 0x22n);
    k.csrc('sstatus', 0x2n);
    expect(k.csrrw('sstatus', 1n)).toBe(0x20n);
    expect(host.csrs.sstatus).toBe(1n);
    expect(() => k.csrr('nosuch')).toThrow('unknown CSR "nosuch"');
    expect(k.sym('_end')).toBe(0x80400000n);
    expect(() => k.sym('nope')).toThrow(/sym\("nope"\): the host has no symbol nope/);
    k.sfence_vma(0x1000n, 3n);
    k.sfence_vma();
    k.fence(); k.fence_i(); k.wfi();
    expect(host.events).toEqual([{ kind: 'sfence.vma', va: 0x1000n, asid: 3n }, { kind: 'sfence.vma', va: undefined, asid: undefined },
      { kind: 'fence' }, { kind: 'fence.i' }, { kind: 'wfi' }]);
    expect(k.ecall(0x10n, 3n)).toBe(M64 - 1n); // SBI_ERR_NOT_SUPPORTED by default
    expect(() => k.naked`ret`).toThrow('a naked (assembly) function cannot run natively');
  });
});
