// `rvhart debug [IMAGE]`: the GDB-style stepping shell (emulator/debug/commands.ts) on the virt
// board, with the same machine options as `boot`. Interactive on a terminal (prompt with the
// privilege, history, tab completion of commands and symbols, Ctrl-C stops a running `c`);
// `-x FILE` or piped stdin run the commands and exit. `--gdb PORT` first serves a GDB remote
// session (the harts wait for GDB to continue), then the shell takes over when GDB detaches. With
// `--smp N` the shell and GDB see every hart (info harts / info threads).

import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Argv, CommandModule } from 'yargs';
import type { Virt } from '../emulator/board/virt.js';
import { Session } from '../emulator/debug/commands.js';
import { SymbolTable, type DebugSymbol } from '../emulator/debug/symbols.js';
import { Target } from '../emulator/debug/target.js';
import { serveGdb } from '../emulator/debug/gdb/node-server.js';
import { debugSymbols } from '../linker/elf/boot-image.js';
import { readElf } from '../linker/elf/read.js';
import { bootOptions } from './boot.js';
import { writeDrawingFile } from './drawing-file.js';
import { outputFileProblem } from './output-file.js';
import { EXIT, fail } from './exit.js';
import { buildMachine, planMachine, type MachineArgs } from './machine.js';
import { parseCount, parsePort } from './quantities.js';

export interface DebugArgs extends MachineArgs {
  symbols?: string | string[];
  'max-insns'?: string;
  x?: string[];
  gdb?: string;
}

export const debugCommand: CommandModule<object, DebugArgs> = {
  command: 'debug [image]',
  describe: 'the GDB-style stepping shell (default image: the bundled kernel)',
  builder: (y) => (bootOptions(y) as Argv)
    .option('x', { type: 'string', array: true, describe: 'run the commands in FILE, then exit' })
    .option('symbols', { type: 'string', requiresArg: true, describe: 'read symbols from this ELF too (a Linux vmlinux beside its --kernel Image; repeatable)' }) as unknown as Argv<DebugArgs>,
  handler: (args) => debug(args),
};

/** The images' ELF symbols, for `<sym+off>` and symbol arguments. */
export function elfSymbols(paths: string[]): SymbolTable {
  const syms: DebugSymbol[] = [];
  for (const p of paths) {
    try {
      syms.push(...debugSymbols(readElf(readFileSync(p), p)));
    } catch { /* not an ELF (a raw Image): no symbols; loading reported anything unreadable */ }
  }
  return new SymbolTable(syms);
}

/** The machine of `debug` and `draw` (bin/machine.ts, as `boot` builds it), and the images' symbols. */
export async function makeMachine(command: string, args: MachineArgs & { symbols?: string | string[] }, output: (b: Uint8Array) => void): Promise<{ machine: Virt; symbols: SymbolTable; inputs: string[]; close: () => void }> {
  const extra = args.symbols === undefined ? [] : typeof args.symbols === 'string' ? [args.symbols] : args.symbols.map(String);
  for (const f of extra) {
    try {
      readElf(readFileSync(f), f);
    } catch (e) {
      fail(EXIT.BAD_IMAGE, `--symbols ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `${f}: no such file` : (e as Error).message}`);
    }
  }
  const plan = await planMachine(command, args);
  const { machine, close } = buildMachine(plan, output);
  return { machine, symbols: elfSymbols([...plan.inputs, ...extra]), inputs: [...plan.inputs, ...extra], close };
}

/** `boot --gdb PORT`: serves one GDB session on a booted machine; resolves with how it ended. */
export async function gdbSession(machine: Virt, images: string[], port: number, onSlice?: () => void): Promise<string> {
  const target = new Target(machine);
  try {
    return await serveGdb(target, elfSymbols(images), port, { onSlice });
  } catch (e) {
    fail(EXIT.USAGE, (e as Error).message);
  }
}

async function debug(args: DebugArgs): Promise<void> {
  // Typed as strings, so a bad value is quoted as the user wrote it (`--gdb prog.elf`, not `--gdb NaN`).
  const gdb = args.gdb === undefined ? undefined : parsePort(String(args.gdb));
  if (args.gdb !== undefined && gdb === undefined) fail(EXIT.USAGE, `--gdb ${String(args.gdb)}: expected a TCP port 0..65535`);
  const maxInsns = args['max-insns'] === undefined ? undefined : parseCount(String(args['max-insns']));
  if (args['max-insns'] !== undefined && maxInsns === undefined) fail(EXIT.USAGE, `--max-insns ${String(args['max-insns'])}: expected a positive integer (K/M/G: thousands, millions, billions)`);
  const { machine, symbols, inputs, close } = await makeMachine('debug', args, (b) => process.stdout.write(b));
  process.on('exit', close);
  const target = new Target(machine);
  target.pause = () => new Promise((r) => setImmediate(r));
  if (maxInsns !== undefined) target.limit = maxInsns;

  if (gdb !== undefined) {
    try {
      const why = await serveGdb(target, symbols, gdb);
      if (why === 'kill') process.exit(0);
    } catch (e) {
      fail(EXIT.USAGE, (e as Error).message);
    }
    target.pause = () => new Promise((r) => setImmediate(r));
  }

  let traceFd: number | undefined;
  const session = new Session(target, symbols, {
    out: (t) => process.stdout.write(t),
    openTrace: (file) => {
      // As boot's --trace=FILE: never over an input of this run or an ELF file.
      const problem = outputFileProblem(`trace on ${file}`, file, inputs);
      if (problem !== undefined) return problem;
      try {
        if (traceFd !== undefined) closeSync(traceFd);
        const fd = openSync(file, 'w');
        traceFd = fd;
        return (line) => { writeSync(fd, line + '\n'); };
      } catch (e) {
        return `trace: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`;
      }
    },
    closeTrace: () => { if (traceFd !== undefined) closeSync(traceFd); traceFd = undefined; },
    writeDrawing: (file, content) => writeDrawingFile(file, content, inputs),
  });

  if (args.x && args.x.length) {
    for (const file of args.x) {
      if (!existsSync(file)) fail(EXIT.USAGE, `-x ${file}: no such file`);
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      for (const line of lines) {
        if (line.trim() === '') continue; // an empty script line does not repeat
        await session.execute(line);
        if (session.quit) break;
      }
      if (session.quit) break;
    }
    process.exit(0);
  }

  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({
    input: process.stdin, output: process.stdout, terminal: interactive, historySize: 1000,
    // Candidates are listed as words, as GDB and bash list them, not as whole lines.
    completer: (line: string): [string[], string] => session.completeWord(line),
  });
  let running = false;
  rl.on('SIGINT', () => {
    if (running) target.interrupt();
    else { process.stdout.write('^C\n'); rl.prompt(); }
  });
  if (interactive) { rl.setPrompt(session.prompt()); rl.prompt(); }
  for await (const line of rl) {
    if (!interactive && line.trim() === '') continue;
    running = true;
    await session.execute(line);
    running = false;
    if (session.quit) break;
    if (interactive) { rl.setPrompt(session.prompt()); rl.prompt(); }
  }
  rl.close();
  process.exit(0);
}
