// Where kernel-ts sources live: the repository root (kernel-ts/..), so a BUG_ON names its file as
// "kernel-ts/kernel/frame.ts" whichever directory the build runs in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A file of the kernel-ts tree (also when running from dist/). */
export function kernelTsFile(rel: string): string {
  const src = path.resolve(here, '..', rel);
  return fs.existsSync(src) ? src : path.resolve(here, '../../../kernel-ts', rel);
}

const ROOT = path.resolve(kernelTsFile('compiler/source.ts'), '../../..');

/** A source file's path relative to the repository root (absolute when outside it). */
export function sourcePath(file: string): string {
  const rel = path.relative(ROOT, file);
  return rel.startsWith('..') ? file : rel;
}
