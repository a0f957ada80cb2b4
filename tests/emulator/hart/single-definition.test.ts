// One instruction, one place; one CSR, one record. An instruction added to a table with its
// semantics (and nothing else) decodes and runs; a table entry without semantics, or semantics
// without an entry, is refused when the table is built. A CSR added as a record is read by the
// guest, by the shell and by the GDB stub (its target description lists it).

import { describe, expect, it } from 'vitest';
import { TABLE, withSemantics, type InsnDef } from '../../../emulator/isa/table.js';
import { SEMANTICS } from '../../../emulator/isa/semantics/index.js';
import { makeInterpreter } from '../../../emulator/hart/interpreter.js';
import { CSRS, CsrMap, type CsrRecord } from '../../../emulator/hart/csr.js';
import { GdbStub } from '../../../emulator/debug/gdb/stub.js';
import { frame, PacketParser, targetXml } from '../../../emulator/debug/gdb/protocol.js';
import { monitorHandler } from '../../../emulator/debug/gdb/monitor.js';
import { asmSession } from '../debug/harness.js';

/** custom-0 (opcode 0x0b), R-type: x[rd] = x[rs1] + x[rs2] + 3. Not a real instruction. */
const XADD3: InsnDef = {
  mnemonic: 'xadd3', ext: 'I', format: 'R', size: 4, mask: 0xfe00707f, match: 0x0000000b,
  syntax: 'rd, rs1, rs2', fields: ['rd', 'rs1', 'rs2'],
};
const XADD3_RUN = 'const s = (xl[rs1] >>> 0) + (xl[rs2] >>> 0) + 3; xh[rd] = (xh[rs1] + xh[rs2] + (s > 0xffffffff ? 1 : 0)) | 0; xl[rd] = s | 0;';
/** xadd3 a0, a1, a2 (rd 10, rs1 11, rs2 12). */
const XADD3_WORD = 0x0b | (10 << 7) | (11 << 15) | (12 << 20);

const PROGRAM = `
  li a1, 0x7fffffff
  li a2, 0x80000002
  .word ${XADD3_WORD}
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
`;

describe('an instruction is one table entry plus its semantics', () => {
  it('a fake instruction added in one place decodes and runs (carry into the high half included)', async () => {
    const table = withSemantics([...TABLE, XADD3], { ...SEMANTICS, xadd3: { run: XADD3_RUN } });
    const s = asmSession(PROGRAM, { hart: { interpreter: makeInterpreter(table) } });
    await s.run('continue');
    expect(s.machine.hart.reg(10)).toBe(0x7fffffffn + 0x80000002n + 3n);
  });

  it('the project\'s own table does not know it: the same word is an illegal instruction', async () => {
    const s = asmSession(`
  la t0, handler
  csrw mtvec, t0
  ${PROGRAM}
  .align 2
handler:
  csrr a3, mcause
  csrr a4, mtval
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
`);
    await s.run('continue');
    expect(s.machine.hart.reg(13)).toBe(2n);
    expect(s.machine.hart.reg(14)).toBe(BigInt(XADD3_WORD));
  });

  it('an entry without semantics, or semantics without an entry, is refused when the table is built', () => {
    expect(() => withSemantics([...TABLE, XADD3], SEMANTICS)).toThrow('isa: xadd3 has no semantics');
    expect(() => withSemantics(TABLE, { ...SEMANTICS, xadd4: { run: '' } })).toThrow('isa: semantics for xadd4, which is not in the table');
    expect(() => makeInterpreter(withSemantics([...TABLE, XADD3], { ...SEMANTICS, xadd3: { run: '$nosuch(1)' } })))
      .toThrow(/unknown macro/);
  });
});

describe('a CSR is one record', () => {
  /** A custom machine-mode read/write CSR at 0x7c0 holding a value. */
  function withMfoo(): CsrMap {
    let value = 0x1234n;
    const mfoo: CsrRecord = { name: 'mfoo', number: 0x7c0, read: () => value, write: (_h, v) => { value = v & 0xffffn; } };
    return new CsrMap([...CSRS, mfoo]);
  }

  it('the guest reads and writes it (its WARL mask applies); U-mode may not', async () => {
    const s = asmSession(`
  csrr a0, 0x7c0
  li a1, 0xabcdef
  csrw 0x7c0, a1
  csrr a2, 0x7c0
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
`, { hart: { csrs: withMfoo() } });
    await s.run('continue');
    expect(s.machine.hart.reg(10)).toBe(0x1234n);
    expect(s.machine.hart.reg(12)).toBe(0xcdefn);
  });

  it('the shell prints it and sets it by name; the GDB stub lists and reads it', async () => {
    const s = asmSession('1: j 1b\n', { hart: { csrs: withMfoo() } });
    expect(await s.run('p/x $mfoo')).toBe('$1 = 0x1234\n');
    await s.run('set $mfoo = 0x55aa77');
    expect(await s.run('info registers mfoo')).toMatch(/^mfoo\s+0xaa77\b/);

    expect(targetXml(s.machine.hart)).toContain(`<reg name="mfoo" bitsize="64" type="int" regnum="${65 + 0x7c0}" group="csr"/>`);
    const sent: string[] = [];
    const parser = new PacketParser();
    const stub = new GdbStub(s.target, { send: (d) => { for (const e of parser.feed(d)) if (e.kind === 'packet') sent.push(e.data); }, close: () => {} },
      monitorHandler(s.target, s.symbols));
    stub.receive(frame(`p${(65 + 0x7c0).toString(16)}`));
    for (let i = 0; i < 1000 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    expect(sent[0]).toBe('77aa000000000000');
    stub.disconnected();
  });

  it('two records with one number are refused', () => {
    expect(() => new CsrMap([...CSRS, { name: 'mine', number: 0x300, read: () => 0n }])).toThrow(/share 0x300/);
  });
});
