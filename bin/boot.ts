// `rvhart boot` — placeholder until its issue lands; it refuses to run rather than pretend.
import type { CommandModule } from 'yargs';
import { EXIT, fail } from './exit.js';

export const bootCommand: CommandModule = {
  command: 'boot',
  describe: 'boot (not built yet)',
  handler: () => fail(EXIT.USAGE, 'boot is not implemented yet'),
};
