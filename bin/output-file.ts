// Files rvhart writes for the user (--trace=FILE, --console-log FILE, --stats-file FILE; build's ELF
// and assembly; drawings): the one place that decides whether a path may be written. Checked before anything runs, without creating or
// truncating anything (a boot that fails to start leaves an old trace as it was); opened (and only
// then truncated) once the run really starts. Refused: a path that is one of the run's inputs (same
// real path, through symlinks), or that holds an ELF file (an image given by mistake), or that
// another output of the same run already writes.

import { accessSync, constants, closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT, fail } from './exit.js';

/** An output file that has passed the checks: `open()` creates or truncates it. */
export interface OutputFile {
  /** How the user named it, for messages: `--trace=t.txt`. */
  readonly label: string;
  readonly path: string;
  open(): number;
}

/** The real path of `p`; for a file that does not exist yet, its directory's real path plus its name. */
function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(p))), basename(p));
    } catch {
      return resolve(p);
    }
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory', EROFS: 'read-only file system',
};

/** 'no such file or directory' from an fs error, else its message. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code !== undefined ? REASONS[err.code] : undefined) ?? err.message;
}

/** The first `n` bytes of a file, or undefined when there is no such file (a directory reads as empty). */
function fileHead(path: string, n = 512): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : new Uint8Array(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether bytes start with the ELF magic. */
export const isElfBytes = (b: Uint8Array): boolean => b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

const isElf = (path: string): boolean => isElfBytes(fileHead(path, 4) ?? new Uint8Array(0));

/**
 * For a file a command makes again each time (an ELF from `build -o`, the `.s` of `--emit-asm`, a
 * drawing): never one of the run's inputs, and an existing file only when `ours` recognises its first
 * bytes as an earlier output — a user's file of the same name is never lost to a slip. Why not, in
 * one line, or undefined.
 */
export function regeneratedFileProblem(label: string, path: string, inputs: readonly string[], ours: (head: Uint8Array) => boolean, kind: string): string | undefined {
  const real = realPath(path);
  const input = inputs.find((i) => realPath(i) === real);
  if (input !== undefined) return `${label}: refusing to write over ${input}, an input of this run`;
  const head = fileHead(path);
  if (head !== undefined && !ours(head)) return `${label}: exists and is not ${kind}; refusing to overwrite it (name another file)`;
  return undefined;
}

/** Why `path` may not be written as the output `label` (one line), or undefined when it may. */
export function outputFileProblem(label: string, path: string, inputs: readonly string[], taken: readonly OutputFile[] = []): string | undefined {
  const real = realPath(path);
  const input = inputs.find((i) => realPath(i) === real);
  if (input !== undefined) return `${label}: refusing to write over ${input}, an input of this run`;
  const other = taken.find((o) => realPath(o.path) === real);
  if (other !== undefined) return `${label}: ${other.label} already writes that file`;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return `${label}: cannot write: is a directory`;
    if (st.isFile() && isElf(path)) return `${label}: refusing to overwrite an ELF file (an image?); name another file`;
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return `${label}: cannot write: ${errnoText(e)}`;
  }
  try {
    const dir = dirname(resolve(path));
    if (!statSync(dir).isDirectory()) return `${label}: cannot write: a path component is not a directory`;
    accessSync(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    return `${label}: cannot write: ${errnoText(e)}`;
  }
}

/**
 * Checks that `path` may be written as the output `label` (exit 2 with one line if not) and returns
 * it unopened. `inputs` are the paths the run reads; `taken` the outputs already checked (this one
 * is added to it).
 */
export function checkOutputFile(label: string, path: string, inputs: readonly string[], taken: OutputFile[] = []): OutputFile {
  const problem = outputFileProblem(label, path, inputs, taken);
  if (problem !== undefined) fail(EXIT.USAGE, problem);
  const out: OutputFile = {
    label, path,
    open: () => {
      try {
        return openSync(path, 'w');
      } catch (e) {
        return fail(EXIT.USAGE, `${label}: cannot write: ${errnoText(e)}`);
      }
    },
  };
  taken.push(out);
  return out;
}
