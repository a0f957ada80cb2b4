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
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { CompileError, Diagnostics, displayPath, formatTsDiagnostic, where } from './diagnostics.js';
import { emitFunction, emitModule } from './emit.js';
import { Entities } from './entities.js';
import { ModuleUnit } from './module.js';
import { checkSubset } from './subset.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The runtime declarations, as a .ts source (also when running from dist/). */
export const INTRINSICS_FILE = (() => {
  const src = path.resolve(here, '../runtime/intrinsics.ts');
  if (fs.existsSync(src)) return src;
  return path.resolve(here, '../../../kernel-ts/runtime/intrinsics.ts');
})();

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  lib: ['lib.es2022.d.ts'],
};

export interface CompileOptions {
  /** Reuse a program from an earlier call (e.g. a watch loop); default builds a new one. */
  oldProgram?: ts.Program;
}

export interface CompileResult {
  ok: boolean;
  /** Assembly per kernel-ts module, keyed by the module's absolute path (only when ok). */
  asm: Map<string, string>;
  /** One line each: `file:line:col: message`. */
  diagnostics: string[];
  program?: ts.Program;
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
      if (target && path.resolve(target.fileName) !== INTRINSICS_FILE && !target.isDeclarationFile) queue.push(target);
    }
  }
  return [...seen.values()];
}

export function compile(entryFiles: string[], options: CompileOptions = {}): CompileResult {
  const diags = new Diagnostics();
  const fail = (): CompileResult => ({ ok: false, asm: new Map(), diagnostics: diags.lines });
  const entries = entryFiles.map((f) => path.resolve(f));
  for (const f of entries) if (!fs.existsSync(f)) diags.lines.push(`${displayPath(f)}: no such file`);
  if (diags.count) return fail();

  // 1. parse and type-check
  const program = ts.createProgram({ rootNames: [...entries, INTRINSICS_FILE], options: COMPILER_OPTIONS, oldProgram: options.oldProgram });
  const modules = kernelModules(program, entries);
  const tsDiags = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const sf of modules) tsDiags.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
  diags.lines.push(...tsDiags.map(formatTsDiagnostic));
  if (diags.count) return { ...fail(), program };

  // 2. the subset
  const checker = program.getTypeChecker();
  const ents = new Entities(checker, INTRINSICS_FILE);
  for (const sf of modules) checkSubset(sf, checker, diags, (id) => ents.intrinsicName(id));
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
    asm.set(path.resolve(u.sf.fileName), emitModule(u, functions));
  }
  if (diags.count) return { ...fail(), program };
  return { ok: true, asm, diagnostics: [], program };
}
