// The debugger (shell x/set, GDB m/M) reads and writes RAM through the bus's RamView: on 8 GiB of
// RAM it reaches the last chunk, a read of a chunk never written shows zeros without creating it,
// and a write lands where the hart then reads it.

import { describe, expect, it } from 'vitest';
import { Virt } from '../../../emulator/board/virt.js';
import { DebugMemory } from '../../../emulator/debug/memory.js';

const GiB = 1024 ** 3;

describe('debugger memory on 8 GiB of chunked RAM', () => {
  it('reads zeros from an untouched chunk without creating it; writes the top of RAM', () => {
    const m = new Virt({ mem: 8 * GiB });
    const mem = new DebugMemory(m);
    const top = 0x8000_0000n + 8n * BigInt(GiB) - 8n;
    expect(mem.read(0x1_8000_0000n, 16, true)).toEqual(new Uint8Array(16));
    expect(mem.writeValue(top, 8, 0x0123456789abcdefn, true)).toBeUndefined();
    expect(mem.readValue(top, 8, true)).toBe(0x0123456789abcdefn);
    expect(m.bus.read(Number(top), 8)).toBe(0x0123456789abcdefn);
    expect(mem.readPartial(top + 4n, 16, true)).toEqual(Uint8Array.of(0x67, 0x45, 0x23, 0x01)); // stops at the end of RAM
    expect([...Array(m.ram.chunkCount).keys()].filter((k) => m.ram.allocated(k))).toEqual([0, 7]);
  });
});
