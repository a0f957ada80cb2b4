// Assembly errors. As GNU as does, the assembler reports every error of a file, not only the first:
// an error drops its statement (or the rest of its line, for a lexical error) and assembly goes on;
// errors that need the whole file (undefined local labels, branch ranges) follow. The list is bounded
// so that a file of garbage does not print thousands of lines.

import { ToolError, type SourceLoc } from '../object.js';

/** How many errors are printed; one more makes a last line "too many errors" and ends assembly. */
export const MAX_ERRORS = 20;

/** One error with its place (for sorting the errors found after layout into source order). */
export class AsmError extends ToolError {
  constructor(readonly loc: SourceLoc, message: string) {
    super(`${loc.file}:${loc.line}:${loc.col}`, message);
  }
}

/**
 * Every error of an assembly, thrown as one ToolError (so callers that print a ToolError's message
 * print them all): its message has one `file:line:col: problem` line per error.
 */
export class AsmErrors extends ToolError {
  constructor(readonly errors: readonly ToolError[], readonly truncated: boolean) {
    super(errors[0]?.where ?? '', '');
    this.message = [...errors.map((e) => e.message), ...(truncated ? ['too many errors'] : [])].join('\n');
  }
}

/** The errors collected so far, bounded by MAX_ERRORS. */
export class ErrorList {
  private readonly list: ToolError[] = [];
  private dropped = false;

  add(e: ToolError): void {
    if (e instanceof AsmErrors) {
      for (const x of e.errors) this.add(x);
      if (e.truncated) this.dropped = true;
      return;
    }
    if (this.list.length < MAX_ERRORS) this.list.push(e);
    else this.dropped = true;
  }
  /** More errors came than are printed: stop looking for others. */
  get full(): boolean { return this.dropped; }
  get count(): number { return this.list.length; }
  throwIfAny(): void {
    if (this.list.length > 0) throw new AsmErrors(this.list, this.dropped);
  }
}

/** Source order; errors without a place (line 0) last. Stable, so equal places keep their order. */
export function bySourceOrder(errors: readonly ToolError[]): ToolError[] {
  const key = (e: ToolError): [number, number] => (e instanceof AsmError && e.loc.line > 0 ? [e.loc.line, e.loc.col] : [Infinity, 0]);
  return [...errors].sort((a, b) => {
    const [la, ca] = key(a), [lb, cb] = key(b);
    return la !== lb ? la - lb : ca - cb;
  });
}
