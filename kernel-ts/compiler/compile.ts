// kernel-ts: TypeScript subset → RV64 GNU assembly. The passes, in order:
//   1. parse + type-check with the `typescript` package (tsc's own diagnostics)     compile.ts
//   2. refuse everything outside the subset                                         subset.ts
//   3. give every module-level name a meaning (fold consts, lay out data)           entities.ts, module.ts
//   4. per function: homes for locals (s-registers, then stack slots)               frame.ts
//   5. per function: statements and expressions → instructions                      codegen.ts, intrinsics.ts
//   6. per module: prologues/epilogues, sections, data                              emit.ts
// One .s per kernel-ts module: exported names are global symbols, the rest are local to the module's
// object file, so two modules' private names never clash.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { CompileError, Diagnostics, displayPath, formatTsDiagnostic, where } from './diagnostics.js';
import { emitFunction, emitModule } from './emit.js';
import { emitStructLayouts } from './layouts.js';
import { Entities } from './entities.js';
import { ModuleUnit } from './module.js';
import { kernelTsFile } from './source.js';
import { checkSubset } from './subset.js';

const sourceFile = kernelTsFile;
/** The runtime declarations of the intrinsics. */
export const INTRINSICS_FILE = sourceFile('runtime/intrinsics.ts');
/** The minimal global declarations kernel code is checked against (instead of lib.es*.d.ts). */
export const KERNEL_LIB_FILE = sourceFile('compiler/lib.kernel.d.ts');
/** The runtime folder: intrinsics.ts, struct.ts and their native side (never compiled). */
export const RUNTIME_DIR = path.dirname(INTRINSICS_FILE);
/** Linked whenever a module uses BUG_ON or assert (they call its __bug). */
export const LIB_BUG_FILE = sourceFile('lib/bug.ts');

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  noLib: true,
};

export interface CompileOptions {
  /** Reuse a program from an earlier call (e.g. a watch loop); default builds a new one. */
  oldProgram?: ts.Program;
  /** Emit each struct's layout table (`__layout__NAME`, layouts.ts) for debuggers. */
  structLayouts?: boolean;
}

export interface CompileResult {
  ok: boolean;
  /** Assembly per kernel-ts module, keyed by the module's absolute path (only when ok). */
  asm: Map<string, string>;
  /** One line each: `file:line:col: message`. */
  diagnostics: string[];
  program?: ts.Program;
  /** Milliseconds spent per pass (parse+check, subset, code generation). */
  timings: { check: number; subset: number; codegen: number };
}

/** The kernel-ts modules reachable from the entries through imports (the runtime excluded). */
function kernelModules(program: ts.Program, entries: string[]): ts.SourceFile[] {
  const seen = new Map<string, ts.SourceFile>();
  const queue = entries.map((f) => program.getSourceFile(f)).filter((s): s is ts.SourceFile => !!s);
  while (queue.length) {
    const sf = queue.shift()!;
    if (seen.has(sf.fileName)) continue;
    seen.set(sf.fileName, sf);
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const r = ts.resolveModuleName(st.moduleSpecifier.text, sf.fileName, program.getCompilerOptions(), ts.sys);
      const target = r.resolvedModule && program.getSourceFile(r.resolvedModule.resolvedFileName);
      if (target && path.dirname(path.resolve(target.fileName)) !== RUNTIME_DIR && !target.isDeclarationFile) queue.push(target);
    }
  }
  return [...seen.values()];
}

/** Diagnostics in source order (file, line, column); a stable sort keeps the subset's message first
 *  where it and tsc's point at the same place. */
function sortByPosition(lines: string[]): string[] {
  const key = (l: string): [string, number, number] => {
    const m = /^(.*?):(\d+):(\d+): /.exec(l);
    return m ? [m[1], Number(m[2]), Number(m[3])] : [l, 0, 0];
  };
  return lines.map((l) => ({ l, k: key(l) })).sort((a, b) =>
    a.k[0] < b.k[0] ? -1 : a.k[0] > b.k[0] ? 1 : a.k[1] - b.k[1] || a.k[2] - b.k[2]).map((x) => x.l);
}

export function compile(entryFiles: string[], options: CompileOptions = {}): CompileResult {
  const diags = new Diagnostics();
  const timings = { check: 0, subset: 0, codegen: 0 };
  let t0 = performance.now();
  const lap = (pass: keyof typeof timings): void => { const t = performance.now(); timings[pass] = Math.round(t - t0); t0 = t; };
  const fail = (): CompileResult => ({ ok: false, asm: new Map(), diagnostics: diags.lines, timings });
  const entries = entryFiles.map((f) => path.resolve(f));
  for (const f of entries) if (!fs.existsSync(f)) diags.lines.push(`${displayPath(f)}: no such file`);
  if (diags.count) return fail();

  // 1. parse and type-check (only the kernel modules: the runtime's host side is not kernel code)
  const program = ts.createProgram({ rootNames: [...entries, INTRINSICS_FILE, KERNEL_LIB_FILE, LIB_BUG_FILE], options: COMPILER_OPTIONS, oldProgram: options.oldProgram });
  let modules = kernelModules(program, entries);
  if (modules.some((sf) => /\b(BUG_ON|assert)\s*\(/.test(sf.text)) && !modules.some((sf) => path.resolve(sf.fileName) === LIB_BUG_FILE)) {
    modules = kernelModules(program, [...entries, LIB_BUG_FILE]);
  }
  const syntax = modules.flatMap((sf) => program.getSyntacticDiagnostics(sf));
  if (syntax.length) {
    // A file that does not parse has a recovered tree: checking it further only adds noise.
    diags.lines.push(...sortByPosition(syntax.map(formatTsDiagnostic)));
    return fail();
  }
  const semantic = modules.flatMap((sf) => program.getSemanticDiagnostics(sf));
  const located = semantic.filter((d) => d.file);
  // Global diagnostics have no file:line:col. With noLib they are mostly consequences of a refused
  // construct (a generator wants IterableIterator), so they are shown only when nothing else is.
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...semantic.filter((d) => !d.file)];
  lap('check');

  // 2. the subset. Refusals are reported even beside type errors (an `async` function is a type
  // error without a Promise type, but the useful message is that kernel-ts has no async); the
  // value-type checks only on a well-typed program, where the checker's types mean something.
  const checker = program.getTypeChecker();
  const ents = new Entities(checker, RUNTIME_DIR);
  for (const sf of modules) checkSubset(sf, checker, diags, (id) => ents.intrinsicName(id), located.length + global.length === 0);
  diags.lines.push(...located.map(formatTsDiagnostic));
  if (diags.count === 0) diags.lines.push(...global.map(formatTsDiagnostic));
  diags.lines.splice(0, diags.lines.length, ...sortByPosition(diags.lines));
  lap('subset');
  if (diags.count) return { ...fail(), program };

  // 3. module-level names
  const units = modules.map((sf) => new ModuleUnit(sf, ents, diags));
  for (const u of units) u.collect();
  const exported = new Map<string, ts.Node>();
  for (const u of units) {
    for (const e of u.exports) {
      const prev = exported.get(e.label);
      if (prev) diags.error(e.node, `the exported name ${e.label} is also exported by ${where(prev)}; exported names are global symbols`);
      else exported.set(e.label, e.node);
    }
  }

  // 4–6. functions, then each module's text
  const asm = new Map<string, string>();
  for (const u of units) {
    const functions: string[][] = [];
    for (const fn of u.functions) {
      try {
        functions.push(emitFunction(u, ents, fn));
      } catch (e) {
        if (e instanceof CompileError) diags.error(e.node, e.message);
        else throw e;
      }
    }
    let text = emitModule(u, functions);
    if (options.structLayouts) {
      try {
        const tables = emitStructLayouts(u.sf, ents);
        if (tables.length) text += `\n${tables.join('\n')}`;
      } catch (e) {
        if (e instanceof CompileError) diags.error(e.node, e.message);
        else throw e;
      }
    }
    asm.set(path.resolve(u.sf.fileName), text);
  }
  lap('codegen');
  if (diags.count) return { ...fail(), program };
  return { ok: true, asm, diagnostics: [], program, timings };
}
