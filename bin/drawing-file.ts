// Writing a drawing (the shell's `draw`, `rvhart draw`): a new file, or one that is already a drawing
// of ours (it carries DRAWING_MARK near its start), never anything else — a user's file is never lost
// to a default name or a slip of the keyboard. Returns one error line, or undefined when written.

import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { DRAWING_MARK } from '../emulator/debug/draw/svg.js';
import { errnoText, outputFileProblem } from './output-file.js';

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

export function writeDrawingFile(file: string, content: string, inputs: readonly string[] = []): string | undefined {
  try {
    // The rules every output file follows (not an input, not an ELF file, writable), then a drawing's own.
    const problem = outputFileProblem(file, file, inputs);
    if (problem !== undefined) return problem;
    const old = head(file);
    if (old !== undefined && !old.includes(DRAWING_MARK)) return `${file}: exists and is not a drawing of rvhart's; refusing to overwrite it (name another file)`;
    writeFileSync(file, content);
    return undefined;
  } catch (e) {
    return `${file}: cannot write: ${errnoText(e)}`;
  }
}
