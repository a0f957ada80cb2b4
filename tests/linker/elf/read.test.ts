import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../../linker/elf/read.js';
import { ToolError } from '../../../linker/object.js';
import { gnuLink, haveBinutils, warnIfNoBinutils } from './gnu.js';

warnIfNoBinutils();

const SRC = `
  .section .text.boot, "ax"
  .globl _start
_start:
  la a0, msg
  call helper
1: j 1b
  .text
  .globl helper
  .type helper, @function
helper:
  ret
  .size helper, .-helper
  .section .rodata
msg: .asciz "hi"
  .data
  .globl counter
counter: .dword 42
  .bss
buf: .zero 64
`;

function errorOf(f: () => unknown): string {
  try { f(); } catch (e) { if (e instanceof ToolError) return e.message; throw e; }
  throw new Error('no error');
}

/** A minimal valid ELF64 header for refusal tests that need no GNU tools. */
function header(): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const v = new DataView(b.buffer);
  v.setUint16(0x10, 2, true); v.setUint16(0x12, 243, true); v.setUint32(0x14, 1, true);
  v.setUint16(0x34, 64, true); v.setUint16(0x36, 56, true); v.setUint16(0x3a, 64, true);
  return b;
}

describe('readElf refusals', () => {
  it('accepts a bare header', () => {
    const img = readElf(header(), 'h.elf');
    expect(img.machine).toBe(243);
    expect(img.segments).toEqual([]);
  });
  it('refuses a non-ELF file', () => {
    expect(errorOf(() => readElf(new TextEncoder().encode('hello world, this is text'), 'x.txt')))
      .toBe('x.txt: offset 0x0: not an ELF file (bad magic, expected 7f 45 4c 46)');
  });
  it('refuses a truncated header', () => {
    expect(errorOf(() => readElf(header().subarray(0, 40), 't.elf'))).toBe('t.elf: offset 0x28: truncated ELF header (40 of 64 bytes)');
    expect(errorOf(() => readElf(header().subarray(0, 10), 't.elf'))).toBe('t.elf: offset 0xa: truncated ELF identification (10 of 16 bytes)');
  });
  it('refuses ELF32', () => {
    const b = header(); b[4] = 1;
    expect(errorOf(() => readElf(b, 'a.elf'))).toBe('a.elf: offset 0x4: ELF32 file (ELFCLASS32); rvhart needs ELF64 (RV64)');
  });
  it('refuses big-endian', () => {
    const b = header(); b[5] = 2;
    expect(errorOf(() => readElf(b, 'a.elf'))).toBe('a.elf: offset 0x5: big-endian ELF (ELFDATA2MSB); RISC-V images are little-endian');
  });
  it('refuses another machine', () => {
    const b = header(); new DataView(b.buffer).setUint16(0x12, 62, true);
    expect(errorOf(() => readElf(b, 'a.elf'))).toBe('a.elf: offset 0x12: e_machine 62 (x86-64), not RISC-V (243)');
  });
  it('refuses a shared object', () => {
    const b = header(); new DataView(b.buffer).setUint16(0x10, 3, true);
    expect(errorOf(() => readElf(b, 'a.elf'))).toMatch(/^a\.elf: offset 0x10: e_type ET_DYN/);
  });
  it('refuses a program header table past the end', () => {
    const b = header(); const v = new DataView(b.buffer);
    v.setBigUint64(0x20, 64n, true); v.setUint16(0x38, 2, true);
    expect(errorOf(() => readElf(b, 'a.elf')))
      .toBe('a.elf: offset 0x20: program header table 0x40..0xb0 (2 entries) extends past the end of the file (0x40 bytes)');
  });
  it('refuses a segment whose data is past the end', () => {
    const b = new Uint8Array(64 + 56); b.set(header()); const v = new DataView(b.buffer);
    v.setBigUint64(0x20, 64n, true); v.setUint16(0x38, 1, true);
    v.setUint32(64, 1, true); v.setBigUint64(64 + 8, 0x1000n, true); v.setBigUint64(64 + 0x20, 0x10n, true); v.setBigUint64(64 + 0x28, 0x10n, true);
    expect(errorOf(() => readElf(b, 'a.elf')))
      .toBe('a.elf: offset 0x48: program header 0: data 0x1000..0x1010 extends past the end of the file (0x78 bytes)');
  });
  it('refuses a section header table past the end', () => {
    const b = header(); const v = new DataView(b.buffer);
    v.setBigUint64(0x28, 0x1000n, true); v.setUint16(0x3c, 3, true);
    expect(errorOf(() => readElf(b, 'a.elf')))
      .toBe('a.elf: offset 0x28: section header table at 0x1000 is past the end of the file (0x40 bytes)');
  });
});

describe('readElf on GNU ld output', () => {
  it.skipIf(!haveBinutils)('reads segments, sections and symbols of a GNU-linked executable', () => {
    const bytes = gnuLink({ 'a.s': SRC });
    const img = readElf(bytes, 'a.elf');
    expect(img.class).toBe(64);
    expect(img.machine).toBe(243);
    expect(img.flags & 1).toBe(1); // EF_RISCV_RVC
    const start = img.symbols.find((s) => s.name === '_start')!;
    expect(start.bind).toBe('global');
    expect(start.section).toBe('.text');
    expect(img.entry).toBe(start.value);
    const helper = img.symbols.find((s) => s.name === 'helper')!;
    expect(helper.type).toBe('func');
    expect(helper.size).toBe(2n);
    expect(img.symbols.find((s) => s.name === 'buf')?.bind).toBe('local');
    expect(img.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['.text', '.rodata', '.data', '.bss', '.symtab', '.strtab', '.shstrtab']));
    const loads = img.segments.filter((s) => s.type === 1);
    expect(loads.length).toBeGreaterThan(0);
    const text = loads.find((s) => s.flags & 1)!;
    expect(text.vaddr <= start.value && start.value < text.vaddr + BigInt(text.memsz)).toBe(true);
    // The segment's bytes are the file bytes at p_offset.
    expect(text.data.length).toBe(text.filesz);
    // Truncating it anywhere inside the loaded data is refused with an offset.
    const cut = bytes.subarray(0, text.offset + 8);
    expect(errorOf(() => readElf(cut, 'cut.elf'))).toMatch(/^cut\.elf: offset 0x[0-9a-f]+: /);
  });
});

describe('readElf never throws anything but ToolError', () => {
  it.skipIf(!haveBinutils)('on every truncation and on single-byte corruptions of a GNU-linked executable', () => {
    const bytes = gnuLink({ 'a.s': SRC });
    let seed = 12345;
    const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    const attempts: Uint8Array[] = [];
    for (let n = 0; n < bytes.length; n += 7) attempts.push(bytes.subarray(0, n));
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(bytes);
      // Half in the ELF and program headers, half anywhere (section headers, symbols, strings).
      b[i % 2 ? rand() % 0x140 : rand() % b.length]! ^= 1 << (rand() % 8);
      attempts.push(b);
    }
    for (const b of attempts) {
      try { readElf(b, 'f.elf'); } catch (e) {
        expect(e).toBeInstanceOf(ToolError);
        expect((e as ToolError).message).toMatch(/^f\.elf: offset 0x[0-9a-f]+: [^\n]+$/);
      }
    }
  });
});

describe('a stripped image keeps its dynamic symbols', () => {
  // Debian's OpenSBI is a stripped PIE: no .symtab, only .dynsym, which objdump and gdb then use.
  const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
  const haveFw = existsSync(FW);
  if (!haveFw) console.warn(`skipping the .dynsym test: ${FW} not found (apt install opensbi)`);
  it.skipIf(!haveFw)('reads .dynsym when there is no .symtab', () => {
    const img = readElf(new Uint8Array(readFileSync(FW)), FW);
    expect(img.sections.some((s) => s.name === '.symtab')).toBe(false);
    const f = img.symbols.find((s) => s.name === 'sbi_tlb_local_fence_i');
    expect(f?.type).toBe('func');
    expect(f?.section).toBe('.text');
  });
});
