// The registers a trap entry saves (firmware and kernel alike: x[i] at 8 × i, x0's slot unused),
// named as Linux's struct pt_regs names them, so a handler reads regs.a0 rather than regs + 80.
// Slot 0 (x0 never needs saving) holds the trapped pc where an entry saves it, as Linux keeps epc there.
import { u64 } from '../runtime/intrinsics.js';

export class pt_regs {
  epc = u64; ra = u64; sp = u64; gp = u64; tp = u64; t0 = u64; t1 = u64; t2 = u64;
  s0 = u64; s1 = u64; a0 = u64; a1 = u64; a2 = u64; a3 = u64; a4 = u64; a5 = u64;
  a6 = u64; a7 = u64; s2 = u64; s3 = u64; s4 = u64; s5 = u64; s6 = u64; s7 = u64;
  s8 = u64; s9 = u64; s10 = u64; s11 = u64; t3 = u64; t4 = u64; t5 = u64; t6 = u64;
}
