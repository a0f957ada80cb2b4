// Scripted shell sessions on assembly programs: assemble + link at 0x80000000 (as run-asm does),
// boot without running, and drive a Session, collecting what it prints.

import { linkAsm } from '../../helpers/build-asm.js';
import { readElf } from '../../../linker/elf/read.js';
import { Virt, type VirtOptions } from '../../../emulator/board/virt.js';
import { bootImage } from '../../../linker/elf/boot-image.js';
import { Session } from '../../../emulator/debug/commands.js';
import { SymbolTable, type DebugSymbol } from '../../../emulator/debug/symbols.js';
import { Target } from '../../../emulator/debug/target.js';

export interface AsmSession {
  machine: Virt;
  target: Target;
  session: Session;
  symbols: SymbolTable;
  /** The linked image (for tools that read it, like gdb). */
  elf: Uint8Array;
  uart: () => string;
  /** Runs commands; returns what they printed. */
  run(...lines: string[]): Promise<string>;
}

export function symbolsOf(elfBytes: Uint8Array, name: string): SymbolTable {
  const elf = readElf(elfBytes, name);
  const syms: DebugSymbol[] = elf.symbols.filter((s) => s.type !== 'section' && s.type !== 'file' && s.section !== null && s.name !== '')
    .map((s) => ({ name: s.name, addr: s.value, size: s.size, kind: s.type === 'func' ? 'func' : s.type === 'object' ? 'object' : 'other' }));
  return new SymbolTable(syms);
}

export function asmSession(source: string, options: VirtOptions = {}): AsmSession {
  const text = /^\s*_start\s*:/m.test(source) || /globl\s+_start/.test(source) ? source : `  .text\n  .globl _start\n_start:\n${source}`;
  const linked = linkAsm(text, 'snippet.s');
  const elf = readElf(linked.elf, 'snippet.elf');
  let uart = '';
  const dec = new TextDecoder();
  const machine = new Virt({ ...options, mem: 16 * 1024 * 1024, output: (b) => { uart += dec.decode(b, { stream: true }); } });
  machine.boot(bootImage(elf));
  const target = new Target(machine);
  target.limit = 5_000_000;
  let out = '';
  const symbols = symbolsOf(linked.elf, 'snippet.elf');
  const session = new Session(target, symbols, { out: (t) => { out += t; } });
  return {
    machine, target, session, symbols, elf: linked.elf, uart: () => uart,
    async run(...lines: string[]): Promise<string> {
      out = '';
      for (const l of lines) await session.execute(l);
      return out;
    },
  };
}
