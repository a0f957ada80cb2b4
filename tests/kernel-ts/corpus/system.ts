// Compiled-semantics corpus: what only the machine defines (division by zero, shift amounts), naked
// functions, sym(), the frame record, ecall with both results, fences.
import { type u64, naked, sym, csrw, ecall, ecall_value, load64, sfence_vma, fence, fence_i, sdiv, srem } from '../../../kernel-ts/runtime/intrinsics.js';

const TRAP_FRAME_SIZE = 16n;

/** M-mode trap handler for the ecall test: a0 = a7 + a6 + a0, a1 = a1 + a2; skips the ecall. */
export function test_trap(): void {
  naked`
    addi sp, sp, -${TRAP_FRAME_SIZE}
    sd t0, 0(sp)
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    add a0, a0, a7
    add a0, a0, a6
    add a1, a1, a2
    ld t0, 0(sp)
    addi sp, sp, ${TRAP_FRAME_SIZE}
    mret
  `;
}

export function do_ecall(a: u64, b: u64): u64 {
  csrw('mtvec', sym('test_trap'));
  const err = ecall(5n, 7n, a, b, 3n);
  const value = ecall_value();
  const err2 = ecall(1n, 2n);
  return err * 1000n + value * 10n + err2 + ecall_value();
}

export function div_by_zero(a: u64): u64 { const z = a - a; return (a / z) ^ (a % z) ^ sdiv(a, z) ^ srem(a, z); }
export function big_shift(a: u64, s: u64): u64 { return (a << (s + 64n)) ^ (a >> (s + 128n)); }

/** The caller's frame pointer: a naked function has no frame, so s0 is still the caller's. */
export function get_fp(): u64 {
  return naked`
    mv a0, s0
    ret
  `;
}
function level3(): u64 {
  const fp = get_fp();            // level3's frame
  const ra2 = load64(fp - 8n);    // return address into level2
  const fp2 = load64(fp - 16n);   // level2's frame
  const ra1 = load64(fp2 - 8n);   // return address into level1
  const in2 = ra2 > sym('level2') && ra2 < sym('level2') + 200n;
  const in1 = ra1 > sym('frame_walk') && ra1 < sym('frame_walk') + 200n;
  return (in2 ? 1n : 0n) + (in1 ? 2n : 0n);
}
function level2(): u64 { return level3() + 0n; }
export function frame_walk(): u64 { return level2() * 1n; }

export function fences(va: u64, asid: u64): u64 {
  sfence_vma();
  sfence_vma(va);
  sfence_vma(va, asid);
  sfence_vma(0n, asid);
  fence();
  fence_i();
  return 1n;
}
