// Reading an input file named on the command line (build's sources, objects and script, disasm's
// ELF): a file that cannot be read is one line naming it and why, exit 3 — never Node's
// "EISDIR: illegal operation on a directory, read".

import { readFileSync } from 'node:fs';
import { EXIT, fail } from './exit.js';

const REASONS: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a component of the path is not a directory',
};

/** The bytes of `path`; `what` names it when it does not exist ('no such linker script'). */
export function readInput(path: string, what = 'file'): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why = code === 'ENOENT' ? `no such ${what}` : REASONS[code] ?? (e as Error).message;
    return fail(EXIT.BAD_IMAGE, `${path}: ${why}`);
  }
}

/** The text of `path` (UTF-8). */
export function readInputText(path: string, what = 'file'): string {
  return new TextDecoder().decode(readInput(path, what));
}
