// SiFive test finisher ("sifive,test0"), QEMU virt's syscon at 0x100000 (hw/misc/sifive_test.c).
// A write to offset 0: low 16 bits are the status, high 16 bits the exit code.
//   0x3333 fail with code, 0x5555 pass (power off, code 0), 0x7777 reset. Other values are ignored.
// Linux and OpenSBI reach it through the DT's syscon-poweroff / syscon-reboot nodes.

import type { AccessSize, Device } from './device.js';

export const SYSCON_BASE = 0x10_0000;
export const SYSCON_SIZE = 0x1000;

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export interface PowerEvent { readonly kind: 'pass' | 'fail' | 'reset'; readonly code: number }

export class Syscon implements Device {
  readonly name = 'test';
  readonly size = SYSCON_SIZE;
  // As QEMU: 2- and 4-byte accesses; a byte or doubleword access is an access fault.
  readonly accessSizes: readonly AccessSize[] = [2, 4];

  constructor(private readonly onPower: (e: PowerEvent) => void, readonly base = SYSCON_BASE) {}

  /** Reads as 0 everywhere (QEMU's sifive_test has no readable state). */
  read(_offset: number, _size: AccessSize): bigint {
    return 0n;
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    if (offset !== 0) return;
    const v = Number(value & 0xffffffffn);
    const status = v & 0xffff, code = v >>> 16;
    switch (status) {
      case FINISHER_FAIL: this.onPower({ kind: 'fail', code }); return;
      case FINISHER_PASS: this.onPower({ kind: 'pass', code: 0 }); return;
      case FINISHER_RESET: this.onPower({ kind: 'reset', code: 0 }); return;
      default: return; // QEMU logs a guest error and carries on
    }
  }
}
