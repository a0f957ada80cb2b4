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
    process.stderr.write(`rvhart: ${msg ?? err?.message ?? 'error'}\n`);
    process.exit(EXIT.USAGE);
  })
  .help()
  .parseAsync();
