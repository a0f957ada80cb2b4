// A terminal for tests that use rvhart as a person does: a tmux session to type into (send-keys)
// and read (capture-pane). Tests skip when tmux is absent (haveTmux).

import { spawnSync } from 'node:child_process';

export const haveTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

const tmux = (...args: string[]): string => spawnSync('tmux', args, { encoding: 'utf8' }).stdout;

export class Terminal {
  constructor(readonly session: string) {}

  /** Starts `command` in a new session of the given size, in `cwd`. */
  start(cwd: string, command: string, width = 160, height = 50): void {
    tmux('new-session', '-d', '-s', this.session, '-x', String(width), '-y', String(height), '-c', cwd, command);
  }
  screen(): string { return tmux('capture-pane', '-p', '-t', this.session, '-S', '-200'); }
  keys(...k: string[]): void { tmux('send-keys', '-t', this.session, ...k); }
  kill(): void { spawnSync('tmux', ['kill-session', '-t', this.session], { stdio: 'ignore' }); }

  /** Waits until the screen matches (polling; the test's own timeout bounds it). */
  async waitFor(re: RegExp): Promise<string> {
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
