// One-line diagnostics: `file:line:col: message`. Every pass reports through a Diagnostics object;
// a pass that meets a construct it cannot compile throws CompileError, caught per function.
import * as path from 'node:path';
import ts from 'typescript';

export class CompileError extends Error {
  constructor(readonly node: ts.Node, message: string) { super(message); }
}

/** `file:line:col` of a node (1-based), the file relative to the working directory when inside it. */
export function where(node: ts.Node): string {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${displayPath(sf.fileName)}:${line + 1}:${character + 1}`;
}

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

export class Diagnostics {
  readonly lines: string[] = [];
  error(node: ts.Node, message: string): void {
    const line = `${where(node)}: ${message}`;
    // A constant folded from two places (a module const and its use) reports its fault once.
    if (!this.lines.includes(line)) this.lines.push(line);
  }
  /** A construct outside the subset, with what to write instead. */
  unsupported(node: ts.Node, construct: string, instead: string): void {
    this.error(node, `${construct} is not supported in kernel-ts; ${instead}`);
  }
  get count(): number { return this.lines.length; }
}

/** Format a TypeScript diagnostic as one line. */
export function formatTsDiagnostic(d: ts.Diagnostic): string {
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${msg}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${displayPath(d.file.fileName)}:${line + 1}:${character + 1}: ${msg} (TS${d.code})`;
}
