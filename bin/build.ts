// `rvhart build FILE.s... [-T script.ld] [-o out.elf]`: assembles each file and links them.
// Relocatable objects (.o from GNU as) may be given too, and kernel-ts entry files (.ts): they are
// compiled with everything they import (`--emit-asm` writes each module's .s beside the ELF).
// Errors: one line each, exit 3.
//
// The pipeline is `buildImage(sources, objects, script)`: whatever produces assembly text (the
// kernel-ts compiler, later) hands its texts to it and gets the linked image back.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { assembleAll } from '../linker/asm/assemble.js';
import { readObject } from '../linker/elf/object.js';
import { link, type LinkResult } from '../linker/link/link.js';
import { ToolError, type ObjectFile } from '../linker/object.js';
import { EXIT, fail } from './exit.js';
import { readInput, readInputText } from './input.js';
import { isElfBytes, regeneratedFileProblem } from './output-file.js';
import { virtScript } from './virt-script.js';
import { ensureBundled, BundledBuildError, KERNEL_SATP_MODES, type KernelSatp } from './bundled-images.js';

/** An assembly source: its text and the name errors will cite. */
export interface AsmSource { readonly file: string; readonly text: string }
/** A linker script: its text and the name errors will cite. */
export interface ScriptSource { readonly file: string; readonly text: string }

export interface BuildInput {
  readonly sources: readonly AsmSource[];
  /** Objects already assembled (e.g. GNU as output read with readObject). */
  readonly objects?: readonly ObjectFile[];
  /** Without one, GNU ld's default layout (text at 0x10000, ENTRY _start). */
  readonly script?: ScriptSource;
  /** Start each source with `.option rvc` (default true, as GNU as does for rv64imac). */
  readonly rvc?: boolean;
}

/** Assembles the sources and links them with the objects. Throws ToolError (file:line:col: ...). */
export function buildImage(input: BuildInput): LinkResult {
  const objects = [
    ...assembleAll(input.sources, { rvc: input.rvc ?? true }),
    ...(input.objects ?? []),
  ];
  return link(objects, input.script?.text, input.script?.file ?? '');
}

interface BuildArgs { files?: string[]; T?: string; o?: string; rvc: boolean; emitAsm: boolean; satp: string }

/** Compile the kernel-ts entries; each module's assembly is cited (and with --emit-asm written) as outDir/<module>.s. */
async function compileKernelTs(entries: string[], outDir: string, emitAsm: boolean, inputs: readonly string[] = entries): Promise<AsmSource[]> {
  // Loaded here, not at start-up: the compiler brings the `typescript` package (about a second).
  const { compile } = await import('../kernel-ts/compiler/compile.js');
  const r = compile(entries);
  if (!r.ok) {
    for (const d of r.diagnostics.slice(0, -1)) process.stderr.write(`rvhart: ${d}\n`);
    return fail(EXIT.BAD_IMAGE, r.diagnostics[r.diagnostics.length - 1] ?? 'kernel-ts: compilation failed');
  }
  return [...r.asm].map(([file, text]) => {
    const s = join(outDir, `${basename(file, '.ts')}.s`);
    if (emitAsm) {
      const problem = regeneratedFileProblem(`--emit-asm ${s}`, s, inputs, (h) => new TextDecoder().decode(h).split('\n')[0]!.includes('compiled by kernel-ts'), 'assembly compiled by kernel-ts');
      if (problem !== undefined) fail(EXIT.USAGE, problem);
      try {
        mkdirSync(outDir, { recursive: true });
        writeFileSync(s, text);
      } catch (e) {
        fail(EXIT.BAD_IMAGE, `${s}: cannot write: ${(e as Error).message}`);
      }
    }
    return { file: s, text };
  });
}

/** `rvhart build [--satp sv48] [--emit-asm]`: the bundled firmware and kernel into build/ (always rebuilt). */
async function buildBundledCommand(satp: string, emitAsm: boolean): Promise<void> {
  if (!KERNEL_SATP_MODES.includes(satp as KernelSatp)) fail(EXIT.USAGE, `--satp ${satp}: expected sv39 or sv48`);
  try {
    const r = await ensureBundled({ satp: satp as KernelSatp, emitAsm, force: true });
    process.stdout.write(`${relative(process.cwd(), r.firmware)}\n${relative(process.cwd(), r.kernel)}\n`);
  } catch (e) {
    if (e instanceof BundledBuildError) fail(EXIT.BAD_IMAGE, e.message);
    throw e;
  }
}

export const buildCommand: CommandModule<object, BuildArgs> = {
  command: 'build [files..]',
  describe: 'assemble/compile FILE... and link them into an ELF executable (no FILE: the bundled firmware and kernel)',
  builder: (y) => y
    .positional('files', { type: 'string', array: true, describe: 'assembly sources (.s), relocatable objects (.o) or kernel-ts entry files (.ts)' })
    .option('satp', { type: 'string', default: 'sv39', describe: 'without FILEs: the paging mode of the bundled kernel build, sv39 | sv48' })
    .option('emit-asm', { type: 'boolean', default: false, describe: 'write the assembly of each kernel-ts module beside the ELF' })
    .option('T', { type: 'string', describe: 'GNU ld script (default: linker/scripts/virt.ld: RAM at 0x80000000, _start first; boot it with --bios none)', requiresArg: true })
    .option('o', { type: 'string', describe: 'output ELF (default: build/<first file>.elf)', requiresArg: true })
    .option('rvc', { type: 'boolean', default: true, describe: 'start sources with .option rvc (--no-rvc: norvc)' }) as unknown as Argv<BuildArgs>,
  handler: async (args) => {
    // yargs turns a repeated option into an array; GNU ld would take the last, but two outputs or two
    // scripts on one command line are a mistake worth naming.
    for (const [flag, v] of [['-o', args.o], ['-T', args.T]] as const) {
      if (Array.isArray(v)) fail(EXIT.USAGE, `${flag} given more than once`);
    }
    const files = (args.files ?? []).map(String);
    if (files.length === 0) { await buildBundledCommand(args.satp, args.emitAsm); return; }
    const out = args.o ?? join('build', `${basename(files[0]!, extname(files[0]!))}.elf`);
    // The ELF (and --emit-asm's assembly) may replace only earlier outputs, never a source or a user's file.
    const inputs = [...files, ...(args.T !== undefined ? [args.T] : [])];
    const outProblem = regeneratedFileProblem(`-o ${out}`, out, inputs, isElfBytes, 'an ELF file');
    if (outProblem !== undefined) fail(EXIT.USAGE, outProblem);
    const kernelTs = files.filter((f) => extname(f) === '.ts');
    const sources: AsmSource[] = kernelTs.length > 0 ? await compileKernelTs(kernelTs, dirname(out), args.emitAsm, inputs) : [];
    const objects: ObjectFile[] = [];
    try {
      for (const f of files) {
        if (extname(f) === '.ts') continue;
        if (extname(f) === '.o') objects.push(readObject(readInput(f), f));
        else sources.push({ file: f, text: readInputText(f) });
      }
      const script = args.T !== undefined ? { file: args.T, text: readInputText(args.T, 'linker script') } : virtScript();
      const result = buildImage({ sources, objects, script, rvc: args.rvc });
      for (const w of result.warnings) process.stderr.write(`rvhart: warning: ${w}\n`);
      try {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, result.elf);
      } catch (e) {
        fail(EXIT.BAD_IMAGE, `${out}: cannot write: ${(e as Error).message}`);
      }
    } catch (e) {
      if (e instanceof ToolError) fail(EXIT.BAD_IMAGE, e.message);
      throw e;
    }
  },
};
