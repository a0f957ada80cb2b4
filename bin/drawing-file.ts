// Writing a drawing (the shell's `draw`, `rvhart draw`): a new file, or one that is already a drawing
// of ours (it carries DRAWING_MARK near its start), never anything else — a user's file is never lost
// to a default name or a slip of the keyboard. Returns one error line, or undefined when written.

import { writeFileSync } from 'node:fs';
import { DRAWING_MARK } from '../emulator/debug/draw/svg.js';
import { errnoText, regeneratedFileProblem } from './output-file.js';

export function writeDrawingFile(file: string, content: string, inputs: readonly string[] = []): string | undefined {
  try {
    const problem = regeneratedFileProblem(file, file, inputs, (head) => new TextDecoder().decode(head).includes(DRAWING_MARK), 'a drawing of rvhart\'s');
    if (problem !== undefined) return problem;
    writeFileSync(file, content);
    return undefined;
  } catch (e) {
    return `${file}: cannot write: ${errnoText(e)}`;
  }
}
