#!/usr/bin/env node
// The rvhart command line. Each command lives in its own file; this only wires them to yargs and
// turns any user-facing error into one line on stderr with the documented exit status.

import { createRequire } from 'node:module';
import type { Argv, CommandModule } from 'yargs';
import { attachValues } from './argv.js';
import { EXIT } from './exit.js';

// Each command's module is loaded only when that command runs (all of them for the overall help):
// `boot` need not load the debugger, the GDB stub, the assembler and the linker to start.
// The order is the order of the help's command list.
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  boot: async () => (await import('./boot.js')).bootCommand as unknown as CommandModule,
  debug: async () => (await import('./debug.js')).debugCommand as unknown as CommandModule,
  test: async () => (await import('./test.js')).testCommand as unknown as CommandModule,
  build: async () => (await import('./build.js')).buildCommand as unknown as CommandModule,
  disasm: async () => (await import('./disasm.js')).disasmCommand as unknown as CommandModule,
  draw: async () => (await import('./draw.js')).drawCommand as unknown as CommandModule,
  web: async () => (await import('./web.js')).webCommand as unknown as CommandModule,
};

process.stdout.on('error', internalError);
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

/** A defect in rvhart itself, not in the user's input: one line (the stack with RVHART_DEBUG=1), exit 70. */
function internalError(e: unknown): never {
  const err = e instanceof Error ? e : new Error(String(e));
  // `rvhart ... | head`: the reader leaving early is not an error (GNU tools die of SIGPIPE quietly).
  if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
  process.stderr.write(process.env.RVHART_DEBUG ? `${err.stack}\n`
    : `rvhart: internal error: ${err.message} (a bug in rvhart; RVHART_DEBUG=1 shows where)\n`);
  process.exit(EXIT.INTERNAL);
}

// yargs' CommonJS build: its help layout wraps at word boundaries (wrap-ansi); the ESM build cuts
// words in the middle ("bundl/ed", "0x800/00000"). It also loads faster.
const yargs = createRequire(import.meta.url)('yargs') as (argv: string[]) => Argv;

/** Help text width: the terminal's, else $COLUMNS, else 80 (a pipe or a file); never below 40 (the option column). */
function helpWidth(): number {
  const cols = process.stdout.columns ?? Number(process.env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? Math.max(40, cols) : 80;
}

const argv = attachValues(process.argv.slice(2));
const word = argv.find((a) => !a.startsWith('-'));
const wanted = word !== undefined && Object.hasOwn(COMMANDS, word) ? [word] : Object.keys(COMMANDS);
const cli = yargs(argv).scriptName('rvhart').wrap(helpWidth());
for (const name of wanted) cli.command(await COMMANDS[name]!());
await cli
  .demandCommand(1, 'name a command: boot, debug, test, build, disasm, draw or web')
  .strict()
  .fail((msg, err) => {
    if (!msg && err) internalError(err); // thrown by a command, not a command-line mistake
    process.stderr.write(`rvhart: ${msg ?? 'error'}\n`);
    process.exit(EXIT.USAGE);
  })
  .help()
  .parseAsync();
