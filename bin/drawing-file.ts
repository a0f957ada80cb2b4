// Writing a drawing (the shell's `draw`, `rvhart draw`): a new file, or one that is already a drawing
// of ours (it carries DRAWING_MARK near its start), never anything else — a user's file is never lost
// to a default name or a slip of the keyboard. Returns one error line, or undefined when written.

import { closeSync, openSync, readSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DRAWING_MARK } from '../emulator/debug/draw/svg.js';
import { errnoText } from './output-file.js';

function head(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(512);
    return b.subarray(0, readSync(fd, b, 0, 512, 0)).toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const same = (a: string, b: string): boolean => {
  try { return realpathSync(a) === realpathSync(b); } catch { return resolve(a) === resolve(b); }
};

export function writeDrawingFile(file: string, content: string, inputs: readonly string[] = []): string | undefined {
  try {
    const input = inputs.find((i) => same(i, file));
    if (input !== undefined) return `${file}: refusing to write a drawing over ${input}, an input`;
    const old = head(file);
    if (old !== undefined && !old.includes(DRAWING_MARK)) return `${file}: exists and is not a drawing of rvhart's; refusing to overwrite it (name another file)`;
    writeFileSync(file, content);
    return undefined;
  } catch (e) {
    return `${file}: cannot write: ${errnoText(e)}`;
  }
}
