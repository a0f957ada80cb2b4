// `rvhart build` — placeholder until its issue lands; it refuses to run rather than pretend.
import type { CommandModule } from 'yargs';
import { EXIT, fail } from './exit.js';

export const buildCommand: CommandModule = {
  command: 'build',
  describe: 'build (not built yet)',
  handler: () => fail(EXIT.USAGE, 'build is not implemented yet'),
};
