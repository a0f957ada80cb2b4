// `monitor CMD` (qRcmd): the shell's inspection commands — walk, info mem/tlb/pmp/pma/csr/priv,
// x, p, disas, bt — run by a Session whose output is collected, on the hart GDB selected (Hg). Run
// control and hart selection stay with GDB.

import { Session } from '../commands.js';
import type { SymbolTable } from '../symbols.js';
import type { Target } from '../target.js';

const ALLOWED = /^(walk|info|i|x|p|print|disas|disassemble|bt|backtrace|help)\b/;

export function monitorHandler(target: Target, symbols: SymbolTable): (command: string) => Promise<string> {
  let buf = '';
  const session = new Session(target, symbols, { out: (t) => { buf += t; } });
  return async (command) => {
    const cmd = command.trim();
    if (cmd === '' || cmd === 'help') {
      return 'monitor commands (on the selected thread\'s hart): walk VA [--priv s|u] [--access r|w|x], info mem, info tlb, info pmp, info pma, info csr [NAME], info priv, info harts, x/NFU ADDR, p EXPR, disas [ADDR [N]], bt\n';
    }
    if (!ALLOWED.test(cmd)) return `monitor: "${cmd.split(/\s/)[0]}" is not a monitor command (try "monitor help"); GDB itself controls running.\n`;
    buf = '';
    await session.execute(cmd);
    return buf;
  };
}
