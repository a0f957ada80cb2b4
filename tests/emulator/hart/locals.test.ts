// A translated region's registers in locals (emulator/hart/locals.ts): which pieces are rewritten,
// and that the rewritten text computes what the register file would hold.
import { describe, expect, it } from 'vitest';
import { bindOperands, loadLocals, localize, reloadLocals, storeLocals } from '../../../emulator/hart/locals.js';
import { expand } from '../../../emulator/hart/pieces.js';
import { BY_MNEMONIC, TABLE } from '../../../emulator/isa/table.js';

/** The piece of `mnemonic` expanded as in a region, its operands bound. */
const piece = (mnemonic: string, rd: number, rs1: number, rs2: number): string =>
  bindOperands(expand(BY_MNEMONIC.get(mnemonic)!.exec!.run, '{ at = -1; break dispatch; }', { sync: '/*flush*/', here: '', miss: 'break dispatch;', hit: '' }), rd, rs1, rs2);

/** Runs a localized piece over a register file given as halves; returns the file after it. */
function runLocal(text: string, used: Iterable<number>, written: Iterable<number>, file: Int32Array[], im: number): Int32Array[] {
  const [xl, xh] = [Int32Array.from(file[0]!), Int32Array.from(file[1]!)];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the generated piece, as the translator compiles it
  const f = new Function('xl', 'xh', 'im', `${loadLocals(used)} dispatch: for (;;) { do { ${text} } while (false); break; } ${storeLocals(written)}`);
  f(xl, xh, im);
  return [xl, xh];
}

describe('registers in locals', () => {
  it('rewrites a register piece to locals, reads of x0 to 0, and keeps writes to the sink in the file', () => {
    const add = localize(piece('add', 5, 6, 0))!;
    expect(add).toBeDefined();
    expect(add.text).not.toMatch(/\bx[lh]\[/);
    expect([...add.used].sort()).toEqual([5, 6]);
    expect([...add.written]).toEqual([5]);
    const sink = localize(piece('addi', 32, 6, 0))!;
    expect(sink.text).toContain('xl[32]');
    expect(sink.written.size).toBe(0);
  });

  it('computes what the interpreter computes, 64-bit carries and shifts included', () => {
    const file = [new Int32Array(33), new Int32Array(33)];
    file[0]![6] = -1; file[1]![6] = 0x7fffffff; // x6 = 0x7fffffff_ffffffff
    file[0]![7] = 1; file[1]![7] = 0;
    const add = localize(piece('add', 5, 6, 7))!;
    const [l, h] = runLocal(add.text, add.used, add.written, file, 0);
    expect([l![5], h![5]]).toEqual([0, -0x80000000]); // 0x80000000_00000000
    const srli = localize(piece('srli', 8, 6, 0))!;
    const [l2, h2] = runLocal(srli.text, srli.used, srli.written, file, 33);
    expect([l2![8], h2![8]]).toEqual([0x3fffffff, 0]); // x6 >> 33
    const srai = localize(piece('srai', 8, 6, 0))!;
    const [l3, h3] = runLocal(srai.text, srai.used, srai.written, [l2!, h2!], 0);
    expect([l3![8], h3![8]]).toEqual([-1, 0x7fffffff]); // a shift by 0 copies
  });

  it('keeps a Zicsr instruction on locals: its helpers take the source and give the old value', () => {
    const csrrw = localize(piece('csrrw', 9, 9, 0))!;
    expect(csrrw.text).not.toMatch(/\bx[lh]\[/);
    expect(csrrw.text).toMatch(/x9l = \(\s*csrDo\(h, r_, 0, true, .*, x9l, x9h\)\)/);
    expect([...csrrw.written]).toEqual([9]);
  });

  it('leaves a piece that hands the register file to a helper on the file', () => {
    expect(localize(piece('fmv.x.d', 5, 6, 0))).toBeUndefined();
    expect(localize('xl[5] += 1;')).toBeUndefined();
  });

  it('every instruction of the table, rewritten as a region would, is valid JavaScript', () => {
    // What the translator pastes: the rewritten piece inside its block, with the names it reads.
    const names = 'h, mmu, code, epoch, gen, xl, xh, marks, ram, ramBase, lowSize, seg, tagLo, tagHi, fastRam, vpLo, vpHi, rn, hits, F';
    let rewritten = 0;
    for (const d of TABLE) {
      if (d.exec === undefined) continue;
      for (const [rd, rs1, rs2] of [[5, 6, 7], [5, 5, 5], [32, 0, 0]] as const) {
        const text = piece(d.mnemonic, rd, rs1, rs2), local = localize(text);
        if (local !== undefined) rewritten++;
        const body = `const off = 0, rd = ${rd}, rs1 = ${rs1}, rs2 = ${rs2}, im = 0, len = 4, retired = 0, bits = 0; let d = len, out = false, at = 0;
          ${loadLocals([5, 6, 7])} dispatch: for (;;) { do { ${(local?.text ?? text).replaceAll('/*flush*/', '')} } while (false); break; }`;
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling is the check
        expect(() => new Function(names, body), `${d.mnemonic} x${rd}, x${rs1}, x${rs2}`).not.toThrow();
      }
    }
    expect(rewritten).toBeGreaterThan(100);
  });

  it('writes back and reloads exactly the registers named', () => {
    expect(storeLocals([3])).toBe('xl[3] = x3l; xh[3] = x3h;');
    expect(reloadLocals([3, 4])).toBe('x3l = xl[3]; x3h = xh[3]; x4l = xl[4]; x4h = xh[4];');
    expect(loadLocals([])).toBe('');
  });
});
