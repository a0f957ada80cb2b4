// `rvhart test` — placeholder until its issue lands; it refuses to run rather than pretend.
import type { CommandModule } from 'yargs';
import { EXIT, fail } from './exit.js';

export const testCommand: CommandModule = {
  command: 'test',
  describe: 'test (not built yet)',
  handler: () => fail(EXIT.USAGE, 'test is not implemented yet'),
};
