// `rvhart disasm` — placeholder until its issue lands; it refuses to run rather than pretend.
import type { CommandModule } from 'yargs';
import { EXIT, fail } from './exit.js';

export const disasmCommand: CommandModule = {
  command: 'disasm',
  describe: 'disasm (not built yet)',
  handler: () => fail(EXIT.USAGE, 'disasm is not implemented yet'),
};
