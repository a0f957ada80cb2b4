// The interpreter's warm-up (board/warm-up.ts) runs every in-loop instruction of the table in each of
// its passes, taking only the one ecall per pass it means to; and it leaves the machines that follow
// exactly as they would be.

import { describe, expect, it } from 'vitest';
import { RAM_BASE, Virt } from '../../../emulator/board/virt.js';
import { warmUp } from '../../../emulator/board/warm-up.js';
import { isHot } from '../../../emulator/hart/interpreter.js';

describe('the interpreter warm-up', () => {
  it('runs every in-loop instruction, along every pass, with the fast cache off and on, trapping only on its one ecall and one faulting load per pass', () => {
    const chunk = 64 * 1024;
    const w = new Virt({ mem: 4 * chunk, ramChunk: chunk, warmUp: false });
    const traps: string[] = [];
    w.hart.onTrap = (cause, _i, _t, epc) => { traps.push(`${cause}@${epc.toString(16)}`); };
    const seen = new Set<string>();
    const fills: boolean[] = [];
    let rounds = 0, watchedStores = 0;
    warmUp({
      base: RAM_BASE,
      write: (pa, bytes) => w.ram.load(pa, bytes),
      start: (pc) => { w.hart.pc = pc; rounds++; },
      run: (n) => {
        for (let i = 0; i < n; i++) {
          const pc = w.hart.pcBig();
          w.run(w.hart.retired + 1);
          if (w.hart.pcBig() !== pc) seen.add(pc.toString(16));
        }
      },
      fastCache: (on) => { fills.push(on); w.mmu.fastFill = on; w.mmu.refreshPma(); },
      watch: (pa) => { w.hart.code.watch(pa); w.hart.onWatchedStore = () => { watchedStores++; }; },
    }, w.hart.interpreter.table, RAM_BASE + 2 * chunk + 0x100);
    expect(fills).toEqual([false, true]);
    expect(rounds).toBeGreaterThanOrEqual(4);
    // Five passes, each an ecall and a load access fault; the last stores into a watched page (every store reported).
    expect(traps.length).toBe(10 * rounds);
    expect(traps.filter((t) => t.startsWith('5@')).length).toBe(5 * rounds);
    expect(watchedStores).toBe(rounds * 4); // sb, sh, sw, sd
    expect(traps.every((t) => t.startsWith('11@') || t.startsWith('5@'))).toBe(true);
    const hot = w.hart.interpreter.table.filter((d) => d.exec !== undefined && d.size === 4 && isHot(d)).length;
    // Five passes over the hot instructions, and the register set-up between them.
    expect(seen.size).toBeGreaterThan(5 * hot);
    // The msip stores left an interrupt pending that was never taken, and cleared it.
    expect(w.hart.mip() & 8).toBe(0);
    // The far-data pass wrote RAM beyond the first chunk (the slow store path ran).
    expect(w.ram.readView(2 * chunk)).toBeDefined();
  });

  it('a machine that warms the interpreter up on its way runs as one that does not', () => {
    const run = (warm: boolean): number => {
      const m = new Virt({ mem: 1 << 20, warmUp: warm });
      m.ram.load(RAM_BASE, Uint8Array.of(0x93, 0x02, 0x10, 0x00, 0x6f, 0xf0, 0xdf, 0xff)); // addi t0, zero, 1; j .-4
      m.hart.pc = RAM_BASE;
      m.run(100_000); // past the point where the first machine of a process warms the interpreter up
      return Number(m.hart.reg(5)) + m.hart.retired;
    };
    expect(run(true)).toBe(run(false));
  });
});
