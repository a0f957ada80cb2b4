// The interactive console's escape, as QEMU's -nographic has it: Ctrl-A x quits, Ctrl-A h lists the
// keys, Ctrl-A Ctrl-A sends a Ctrl-A to the guest; every other key goes to the UART as typed. Only
// for a terminal: piped input reaches the guest byte for byte.

export const CTRL_A = 0x01;

export type EscapeCommand = 'quit' | 'help';

export const ESCAPE_HELP = [
  'C-a h    print this help',
  'C-a x    exit rvhart',
  'C-a C-a  send C-a to the guest',
];

export class ConsoleEscape {
  private armed = false;

  /** Keys typed → the bytes for the guest, and the commands, in order. */
  feed(keys: Uint8Array): { data: Uint8Array; commands: EscapeCommand[] } {
    const data: number[] = [], commands: EscapeCommand[] = [];
    for (const k of keys) {
      if (!this.armed) {
        if (k === CTRL_A) this.armed = true; else data.push(k);
        continue;
      }
      this.armed = false;
      if (k === CTRL_A) data.push(CTRL_A);
      else if (k === 0x78 /* x */) commands.push('quit');
      else if (k === 0x68 /* h */ || k === 0x3f /* ? */) commands.push('help');
      // Anything else after C-a is dropped, as QEMU drops unknown escapes.
    }
    return { data: Uint8Array.from(data), commands };
  }
}
