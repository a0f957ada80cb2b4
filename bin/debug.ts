// `rvhart debug` — placeholder until its issue lands; it refuses to run rather than pretend.
import type { CommandModule } from 'yargs';
import { EXIT, fail } from './exit.js';

export const debugCommand: CommandModule = {
  command: 'debug',
  describe: 'debug (not built yet)',
  handler: () => fail(EXIT.USAGE, 'debug is not implemented yet'),
};
