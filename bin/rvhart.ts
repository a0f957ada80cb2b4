#!/usr/bin/env node
// The rvhart command line. Each command lives in its own file; this only wires them to yargs and
// turns any user-facing error into one line on stderr with the documented exit status.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { bootCommand } from './boot.js';
import { buildCommand } from './build.js';
import { debugCommand } from './debug.js';
import { disasmCommand } from './disasm.js';
import { testCommand } from './test.js';
import { EXIT } from './exit.js';

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

await yargs(hideBin(process.argv))
  .scriptName('rvhart')
  .command(bootCommand)
  .command(debugCommand)
  .command(testCommand)
  .command(buildCommand)
  .command(disasmCommand)
  .demandCommand(1, 'name a command: boot, debug, test, build or disasm')
  .strict()
  .fail((msg, err) => {
    if (!msg && err) internalError(err); // thrown by a command, not a command-line mistake
    process.stderr.write(`rvhart: ${msg ?? 'error'}\n`);
    process.exit(EXIT.USAGE);
  })
  .help()
  .parseAsync();
