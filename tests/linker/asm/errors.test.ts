// Every assembler error of issue 2: one line `file:line:col: problem`, pointing at the culprit.

import { describe, it, expect } from 'vitest';
import { assemble } from '../../../linker/asm/assemble.js';
import { ToolError } from '../../../linker/object.js';

function errorOf(src: string): string {
  try {
    assemble(src, 'e.s');
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    return (e as Error).message;
  }
  throw new Error('assembled without error');
}

describe('assembler errors name file:line:col and the problem', () => {
  it('unknown mnemonic', () => {
    expect(errorOf('nop\n  frob a0, a1\n')).toBe("e.s:2:3: unknown mnemonic 'frob'");
  });
  it('unknown directive', () => {
    expect(errorOf('  .frob 1\n')).toBe("e.s:1:3: unknown directive '.frob'");
  });
  it('wrong operand: immediate where a register is needed', () => {
    // (`add a0, a1, 5` is GNU's addi alias; sub has none.)
    expect(errorOf('sub a0, a1, 5\n')).toBe("e.s:1:13: sub: expected a register for rs2, found '5'");
  });
  it('wrong operand: register where an immediate is needed', () => {
    expect(errorOf('addi a0, a1, a2\n')).toBe("e.s:1:14: addi: expected an immediate for imm12, found register 'a2'");
  });
  it('wrong operand count', () => {
    expect(errorOf('add a0, a1\n')).toBe('e.s:1:11: add takes 3 operands (rd, rs1, rs2), found 2');
  });
  it('unknown register name in a memory operand', () => {
    expect(errorOf('lw a0, 4(q7)\n')).toMatch(/^e\.s:1:8: lw: expected a memory operand/);
  });
  it('immediate out of range', () => {
    expect(errorOf('addi a0, a0, 2048\n')).toBe('e.s:1:14: immediate 2048 out of range for imm12 (-2048..2047)');
    expect(errorOf('slli a0, a0, 64\n')).toBe('e.s:1:14: immediate 64 out of range for shamt6 (0..63)');
    expect(errorOf('c.lwsp a0, 2(sp)\n')).toBe('e.s:1:12: immediate 2 out of range for c_uimm8sp (0..252, multiple of 4)');
    expect(errorOf('lui a0, 0x100000\n')).toBe('e.s:1:9: immediate 1048576 out of range for uimm20 (0..1048575)');
  });
  it('compressed register constraints', () => {
    expect(errorOf('c.lw a0, 0(sp)\n')).toMatch(/^e\.s:1:1: c\.lw: register 2 not allowed for c_rs1_p/);
  });
  it('unknown CSR', () => {
    expect(errorOf('csrr a0, nosuchcsr\n')).toBe("e.s:1:10: unknown CSR 'nosuchcsr'");
  });
  it('undefined local label (forward)', () => {
    expect(errorOf('nop\n  beqz a0, 1f\n')).toBe("e.s:2:12: undefined local label '1f'");
  });
  it('undefined local label (backward)', () => {
    expect(errorOf('  j 3b\n')).toBe("e.s:1:5: undefined local label '3b'");
  });
  it('undefined .L label', () => {
    expect(errorOf('  la a0, .Lnowhere\n')).toMatch(/^e\.s:1:3: undefined local label '\.Lnowhere'/);
  });
  it('duplicate label', () => {
    expect(errorOf('x: nop\n\nx: nop\n')).toBe("e.s:3:1: symbol 'x' is already defined (first at e.s:1:1)");
  });
  it('jump target out of range, naming the label', () => {
    expect(errorOf('j far\n.zero 0x100000\nfar: nop\n')).toBe("e.s:1:1: j: target 'far' out of range (offset 1048580)");
    expect(errorOf('jal a0, far\n.zero 0x100000\nfar: nop\n')).toBe("e.s:1:1: jal: target 'far' out of range (offset 1048580)");
  });
  it('compressed instruction under .option norvc', () => {
    expect(errorOf('.option norvc\n c.nop\n')).toBe("e.s:2:2: 'c.nop' needs the C extension (.option norvc is in effect)");
    expect(errorOf('.option norvc\n c.slli64 a0\n')).toBe("e.s:2:2: 'c.slli64' needs the C extension (.option norvc is in effect)");
  });
  it('HINT spellings keep their ranges', () => {
    expect(errorOf('c.nop 0\n')).toBe('e.s:1:7: immediate 0 out of range for c_nzimm6 (-32..31, non-zero)');
    expect(errorOf('c.srli64 a0\nc.srli64 t0\n')).toMatch(/^e\.s:2:1: c\.srli: value 5 out of range for c_rdrs1_p/);
  });
  it('immediate forms of register-form names', () => {
    expect(errorOf('add a0, a1, 2048\n')).toBe('e.s:1:13: immediate 2048 out of range for imm12 (-2048..2047)');
    expect(errorOf('sllw a0, a1, 32\n')).toBe('e.s:1:14: immediate 32 out of range for shamt5 (0..31)');
    expect(errorOf('csrrw a0, mstatus, 32\n')).toBe('e.s:1:20: immediate 32 out of range for zimm5 (0..31)');
  });
  it('.set alias cycles: named at each definition in the loop and at the use', () => {
    expect(errorOf('.set a, b\n.set b, a\n.dword a\n').split('\n')).toEqual([
      "e.s:1:6: symbol 'a' is defined in terms of itself",
      "e.s:2:6: symbol 'b' is defined in terms of itself",
      "e.s:3:8: symbol 'b' is defined in terms of itself",
    ]);
    // Unused, the loop is still an error (it was a host exception).
    expect(errorOf('.set a, b\n.set b, a\n')).toBe("e.s:1:6: symbol 'a' is defined in terms of itself\ne.s:2:6: symbol 'b' is defined in terms of itself");
  });
  it('li with a symbol', () => {
    expect(errorOf('li a0, foo\n')).toBe("e.s:1:8: li needs a constant, 'foo' is a symbol (use la)");
  });
  it('lexical errors', () => {
    expect(errorOf('.ascii "abc\n')).toBe('e.s:1:8: unterminated string');
    expect(errorOf('addi a0, a0, 0x\n')).toBe("e.s:1:14: bad number '0x'");
  });
});

describe('far conditional branches are extended as GNU as does', () => {
  it('beqz out of ±4 KiB becomes bnez over a jal', () => {
    const o = assemble('beqz a0, far\n.zero 5000\nfar: nop\n', 'e.s', { rvc: false });
    const t = o.sections.find((s) => s.name === '.text')!;
    const w = new DataView(t.data.buffer);
    expect(w.getUint32(0, true)).toBe(0x00051463); // bnez a0, +8
    expect(w.getUint32(4, true) & 0xfff).toBe(0x06f); // jal x0, far
  });
});

describe('assembler limits: refused with the location, not wrapped or crashed', () => {
  it('a constant wider than 64 bits', () => {
    expect(errorOf('  li a0, 0x10000000000000000\n')).toBe('e.s:1:10: constant 0x10000000000000000 does not fit in 64 bits');
  });
  it('a section too large to hold in memory names the directive that made it so', () => {
    expect(errorOf('  nop\n  .zero 1<<33\n')).toBe("e.s:2:3: section .text would be 8589934594 bytes, more than rvhart's limit of 1073741824 (use .bss for large reservations)");
  });
  it('a large .bss is fine (it has no contents)', () => {
    const o = assemble('  .bss\n  .zero 1<<33\n', 'e.s');
    expect(o.sections.find((s) => s.name === '.bss')?.size).toBe(2 ** 33);
  });
});
