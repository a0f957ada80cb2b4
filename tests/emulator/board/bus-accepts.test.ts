import { describe, expect, it } from 'vitest';
import { Bus } from '../../../emulator/board/bus.js';
import { Ram } from '../../../emulator/board/ram.js';
import { Clint } from '../../../emulator/board/clint.js';
import { Uart16550 } from '../../../emulator/board/uart16550.js';

describe('Bus regions carry a device\'s per-register access sizes', () => {
  it('the CLINT region exposes accepts(); a device without it has none', () => {
    const bus = new Bus(new Ram(0x8000_0000, 0x1000), 0x1000, 0x1000);
    bus.attach(new Clint([{ setPending: () => {} }], { read: () => 0n }));
    bus.attach(new Uart16550(() => {}, () => {}));
    const clint = bus.regions().find((r) => r.name === 'clint')!;
    expect(clint.accepts?.(0, 8)).toBe(false);
    expect(clint.accepts?.(0xbff8, 8)).toBe(true);
    expect(bus.regions().find((r) => r.name === 'uart0')!.accepts).toBeUndefined();
  });
});
