// Pass 3a: one module's top level — functions, folded consts, globals, static buffers, tables and
// strings — registered as entities, with the data items the module will emit.
import ts from 'typescript';
import type { Diagnostics } from './diagnostics.js';
import { CompileError } from './diagnostics.js';
import { type DataItem, type Entities, isExported } from './entities.js';

export class ModuleUnit {
  readonly data: DataItem[] = [];
  readonly functions: ts.FunctionDeclaration[] = [];
  /** Exported labels this module defines (checked for clashes between modules). */
  readonly exports: { label: string; node: ts.Node }[] = [];
  private readonly strings = new Map<string, string>();

  constructor(readonly sf: ts.SourceFile, readonly ents: Entities, readonly diags: Diagnostics) {}

  /** The .rodata label of a string literal used inside a function (one per distinct text). */
  stringLabel(text: string): string {
    let l = this.strings.get(text);
    if (!l) {
      l = `.Lstr${this.strings.size}`;
      this.strings.set(text, l);
      this.data.push({ section: 'rodata', label: l, global: false, kind: 'string', text });
    }
    return l;
  }

  collect(): void {
    for (const s of this.sf.statements) {
      try {
        if (ts.isClassDeclaration(s)) {
          this.ents.structs.layoutOf(s);   // a struct's field errors are reported where it is declared
        } else if (ts.isFunctionDeclaration(s) && s.name && s.body) {
          const sym = this.ents.checker.getSymbolAtLocation(s.name);
          if (sym) this.ents.set(sym, { kind: 'function', label: s.name.text, decl: s });
          this.functions.push(s);
          if (isExported(s)) this.exports.push({ label: s.name.text, node: s.name });
        } else if (ts.isVariableStatement(s)) {
          for (const d of s.declarationList.declarations) {
            if (!ts.isIdentifier(d.name)) continue;
            this.variable(d, d.name, (s.declarationList.flags & ts.NodeFlags.Const) !== 0, isExported(s));
          }
        }
      } catch (e) {
        if (e instanceof CompileError) this.diags.error(e.node, e.message);
        else throw e;
      }
    }
  }

  private variable(d: ts.VariableDeclaration, name: ts.Identifier, isConst: boolean, exported: boolean): void {
    const ents = this.ents;
    const sym = ents.checker.getSymbolAtLocation(name);
    if (!sym) return;
    const label = name.text;
    const init = d.initializer;
    const global = exported;
    const intr = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) ? ents.intrinsicName(init.expression) : undefined;
    const addExport = (): void => { if (exported) this.exports.push({ label, node: name }); };

    if (isConst && init && ts.isCallExpression(init) && intr) {
      const args = init.arguments;
      switch (intr) {
        case 'staticBuffer': {
          const size = ents.fold(args[0]), align = ents.fold(args[1]);
          if (size === undefined) throw new CompileError(args[0], 'staticBuffer size must be a constant');
          if (align === undefined || align === 0n || (align & (align - 1n)) !== 0n) {
            throw new CompileError(args[1] ?? init, 'staticBuffer alignment must be a constant power of two');
          }
          this.data.push({ section: 'bss', label, global, size, align });
          ents.set(sym, { kind: 'address', label }); addExport();
          return;
        }
        case 'u64Table': {
          const arr = args[0];
          if (!arr || !ts.isArrayLiteralExpression(arr)) throw new CompileError(init, 'u64Table takes an array literal: u64Table([1n, 2n])');
          const values = arr.elements.map((el): bigint | string => {
            const v = ents.fold(el);
            if (v !== undefined) return v;
            const en = ts.isIdentifier(el) ? ents.resolve(el) : undefined;
            if (en?.kind === 'function' || en?.kind === 'address') return en.label;
            throw new CompileError(el, 'a u64Table element must be a constant or the name of a function or static buffer');
          });
          this.data.push({ section: 'rodata', label, global, kind: 'table', values });
          ents.set(sym, { kind: 'address', label }); addExport();
          return;
        }
        case 'str': {
          const a = args[0];
          if (!a || !ts.isStringLiteral(a)) throw new CompileError(init, 'str takes a string literal');
          this.data.push({ section: 'rodata', label, global, kind: 'string', text: a.text });
          ents.set(sym, { kind: 'address', label }); addExport();
          return;
        }
        case 'struct_at': {
          // const M = struct_at(mixed, BUF): a struct at a fixed address (a static buffer, a device)
          const a = args[1];
          const v = a && ents.fold(a);
          const en = a && v === undefined && ts.isIdentifier(a) ? ents.resolve(a) : undefined;
          if (v !== undefined) ents.set(sym, { kind: 'const', value: v });
          else if (en?.kind === 'address') ents.set(sym, en);
          else throw new CompileError(a ?? init, 'a module-level struct_at needs a constant address or a static buffer');
          return;
        }
        case 'sym': {
          const a = args[0];
          if (!a || !ts.isStringLiteral(a)) throw new CompileError(init, 'sym takes a string literal');
          ents.set(sym, { kind: 'address', label: a.text });
          return;
        }
      }
    }
    if (isConst && init && ts.isStringLiteral(init)) {
      this.data.push({ section: 'rodata', label, global, kind: 'string', text: init.text });
      ents.set(sym, { kind: 'address', label }); addExport();
      return;
    }
    if (isConst && init && ts.isIdentifier(init)) {
      const en = ents.resolve(init);
      if (en?.kind === 'function' || en?.kind === 'address') { ents.set(sym, en); return; }
    }
    if (isConst) {
      if (!init) throw new CompileError(d, 'a const needs an initialiser');
      const v = ents.fold(init);
      if (v === undefined) {
        throw new CompileError(init, 'a module-level const must be a constant expression (or staticBuffer/u64Table/str/sym, or a function name)');
      }
      ents.set(sym, { kind: 'const', value: v });
      return;
    }
    // module-level let
    let value: bigint | string = 0n;
    if (init) {
      const v = ents.fold(init);
      const en = v === undefined && ts.isIdentifier(init) ? ents.resolve(init) : undefined;
      if (v !== undefined) value = v;
      else if (en?.kind === 'function' || en?.kind === 'address') value = en.label;
      else {
        ents.set(sym, { kind: 'global', label }); // so its uses do not report again
        throw new CompileError(init, 'a module-level let must be initialised by a constant expression or a function name');
      }
    }
    if (value === 0n) this.data.push({ section: 'bss', label, global, size: 8n, align: 8n });
    else this.data.push({ section: 'data', label, global, value });
    ents.set(sym, { kind: 'global', label }); addExport();
  }
}
