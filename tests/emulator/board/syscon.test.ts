import { describe, expect, it } from 'vitest';
import { Syscon, type PowerEvent } from '../../../emulator/board/syscon.js';

describe('syscon (sifive,test finisher)', () => {
  const make = () => { const ev: PowerEvent[] = []; return { dev: new Syscon((e) => ev.push(e)), ev }; };

  it('is at 0x100000, 4 KiB, 2- and 4-byte accesses like QEMU', () => {
    const { dev } = make();
    expect([dev.base, dev.size]).toEqual([0x100000, 0x1000]);
    expect(dev.accessSizes).toEqual([2, 4]);
  });
  it('0x5555 is pass with code 0', () => {
    const { dev, ev } = make();
    dev.write(0, 4, 0x5555n);
    expect(ev).toEqual([{ kind: 'pass', code: 0 }]);
  });
  it('(code << 16) | 0x3333 is fail with code', () => {
    const { dev, ev } = make();
    dev.write(0, 4, (42n << 16n) | 0x3333n);
    dev.write(0, 4, (0xffffn << 16n) | 0x3333n);
    expect(ev).toEqual([{ kind: 'fail', code: 42 }, { kind: 'fail', code: 0xffff }]);
  });
  it('0x7777 is reset; a 2-byte write works; other values and offsets are ignored', () => {
    const { dev, ev } = make();
    dev.write(0, 2, 0x7777n);
    dev.write(0, 4, 0x1234n);
    dev.write(4, 4, 0x5555n);
    expect(ev).toEqual([{ kind: 'reset', code: 0 }]);
    expect(dev.read(0, 4)).toBe(0n);
  });
});
