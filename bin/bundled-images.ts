// Where the bundled firmware and kernel ELFs live and whether they are current — decided without the
// kernel-ts compiler, so that booting a prebuilt image never loads the `typescript` package (about a
// second of start-up). Only a stale build loads the compiler (bundled.ts, imported on demand).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KernelSatp = 'sv39' | 'sv48';
export const KERNEL_SATP_MODES: readonly KernelSatp[] = ['sv39', 'sv48'];

export interface BundledImages {
  readonly firmware: string;
  readonly kernel: string;
  /** Whether this call (re)built them. */
  readonly built: boolean;
}

export interface BundledOptions {
  readonly satp?: KernelSatp;
  /** Default: <repo>/build. */
  readonly outDir?: string;
  /** Write each module's assembly beside the ELFs (<out>/asm/...). */
  readonly emitAsm?: boolean;
  /** Rebuild even if nothing changed. */
  readonly force?: boolean;
}

/** A build failure: one line, file:line:col first. */
export class BundledBuildError extends Error {}

/** The repository root: the directory holding kernel-ts/ (from bin/ or from dist/bin/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'kernel-ts', 'kernel', 'main.ts')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new BundledBuildError('cannot find the kernel-ts sources (kernel-ts/kernel/main.ts) above ' + fileURLToPath(import.meta.url));
}

function filesUnder(dir: string, suffixes: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, suffixes));
    else if (suffixes.some((s) => name.endsWith(s))) out.push(p);
  }
  return out;
}

/** A hash of everything the images depend on: the kernel-ts sources, the ld scripts, and the toolchain code itself. */
function inputsHash(root: string, satp: KernelSatp): string {
  const h = createHash('sha256');
  h.update(`satp=${satp}\n`);
  const here = dirname(fileURLToPath(import.meta.url));
  const toolRoot = dirname(here);           // the repo (from bin/) or dist/ (from dist/bin/)
  const files = [
    ...filesUnder(join(root, 'kernel-ts', 'kernel'), ['.ts']),
    ...filesUnder(join(root, 'kernel-ts', 'firmware'), ['.ts']),
    ...filesUnder(join(root, 'kernel-ts', 'user'), ['.ts']),
    ...filesUnder(join(root, 'kernel-ts', 'lib'), ['.ts']),
    join(root, 'kernel-ts', 'runtime', 'intrinsics.ts'),
    ...filesUnder(join(root, 'linker', 'scripts'), ['.ld']),
    ...['kernel-ts/compiler', 'linker/asm', 'linker/link', 'linker/elf'].flatMap((d) => filesUnder(join(toolRoot, d), ['.ts', '.js'])),
    join(here, 'bundled.js'), join(here, 'bundled.ts'),
    fileURLToPath(import.meta.url),
  ];
  for (const f of files) {
    if (!existsSync(f)) continue;
    h.update(relative(root, f));
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

/** Where the images for these options go, the hash of their inputs, and whether they are current. */
export interface BundledPlan {
  readonly root: string;
  readonly out: string;
  readonly satp: KernelSatp;
  readonly firmware: string;
  readonly kernel: string;
  readonly stamp: string;
  readonly hash: string;
  readonly fresh: boolean;
}

export function bundledPlan(opts: BundledOptions = {}): BundledPlan {
  const satp = opts.satp ?? 'sv39';
  const root = repoRoot();
  const out = opts.outDir ?? join(root, 'build');
  const firmware = join(out, 'firmware.elf');
  const kernel = join(out, `kernel-${satp}.elf`);
  const stamp = join(out, `.kernel-${satp}.inputs`);
  const hash = inputsHash(root, satp);
  const fresh = !opts.force && existsSync(firmware) && existsSync(kernel) && existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === hash;
  return { root, out, satp, firmware, kernel, stamp, hash, fresh };
}

/**
 * The bundled images for `opts`, built first (loading the compiler) only when stale, forced or asked
 * for their assembly. Throws BundledBuildError.
 */
export async function ensureBundled(opts: BundledOptions = {}): Promise<BundledImages> {
  const plan = bundledPlan(opts);
  if (plan.fresh && !opts.emitAsm) return { firmware: plan.firmware, kernel: plan.kernel, built: false };
  const { buildBundled } = await import('./bundled.js');
  return buildBundled(opts);
}
