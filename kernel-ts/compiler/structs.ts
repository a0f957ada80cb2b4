// Struct declarations (`export class page { refcount = u32; lru = embed(list_head); }`, see
// runtime/struct.ts): each class's field initialisers, read as FieldTypes, laid out by the one
// layout module (runtime/layout.ts) the native runtime uses too. Codegen asks here for a field's
// offset and width; the answer is a load or store at a constant offset from the base register.
import ts from 'typescript';
import { CompileError } from './diagnostics.js';
import { type Field, type FieldType, INT_TYPES, isIntName, layoutStruct, type StructLayout } from '../runtime/layout.js';

const FIELD_ADVICE = 'write u8, u16, u32, u64, i8, i16, i32, i64, cstr, ptr(S), embed(S) or array(T, n) (S a struct class, n a constant)';

export class Structs {
  private readonly layouts = new Map<ts.ClassDeclaration, StructLayout>();
  private readonly busy = new Set<ts.ClassDeclaration>();

  constructor(private readonly checker: ts.TypeChecker,
    /** The runtime name (u32, ptr, embed, …) an identifier refers to, if any. */
    private readonly runtimeName: (id: ts.Identifier) => string | undefined,
    private readonly fold: (e: ts.Expression) => bigint | undefined) {}

  /** The struct class an expression names (`page` in `struct_at(page, a)`), if it names one. */
  classNamed(e: ts.Expression | undefined): ts.ClassDeclaration | undefined {
    if (!e || !ts.isIdentifier(e)) return undefined;
    let s = this.checker.getSymbolAtLocation(e);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.checker.getAliasedSymbol(s);
    const d = s?.valueDeclaration;
    return d && ts.isClassDeclaration(d) ? d : undefined;
  }

  /** The struct a pointer-typed expression points to. */
  layoutOfType(type: ts.Type): StructLayout | undefined {
    const d = type.getSymbol()?.valueDeclaration;
    return d && ts.isClassDeclaration(d) ? this.layoutOf(d) : undefined;
  }

  layoutOf(decl: ts.ClassDeclaration): StructLayout {
    const known = this.layouts.get(decl);
    if (known) return known;
    const name = decl.name?.text ?? '(anonymous)';
    if (this.busy.has(decl)) throw new CompileError(decl.name ?? decl, `struct ${name} embeds itself; use ptr(${name})`);
    this.busy.add(decl);
    try {
      const members: [string, FieldType][] = [];
      for (const m of decl.members) {
        if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name) || !m.initializer) {
          throw new CompileError(m, `a struct member must be a field with its type as initialiser (refcount = u32); ${FIELD_ADVICE}`);
        }
        members.push([m.name.text, this.fieldType(m.initializer)]);
      }
      const layout = layoutStruct(name, members);
      this.layouts.set(decl, layout);
      return layout;
    } finally { this.busy.delete(decl); }
  }

  private fieldType(init: ts.Expression): FieldType {
    if (ts.isIdentifier(init)) {
      const n = this.runtimeName(init);
      if (n && isIntName(n)) return INT_TYPES[n];
      if (n === 'cstr') return { kind: 'ptr', target: '' };
    }
    if (ts.isCallExpression(init) && ts.isIdentifier(init.expression)) {
      const fn = this.runtimeName(init.expression);
      const [a, b] = init.arguments;
      const target = this.classNamed(a);
      if ((fn === 'ptr' || fn === 'embed') && target) {
        return fn === 'ptr' ? { kind: 'ptr', target: target.name?.text ?? '' } : { kind: 'struct', layout: this.layoutOf(target) };
      }
      if (fn === 'enum_field' && a && ts.isIdentifier(a)) {
        const n = this.runtimeName(a);
        if (n && isIntName(n)) return INT_TYPES[n];
      }
      if (fn === 'array' && a) {
        const count = b && this.fold(b);
        if (count === undefined || count === 0n || count > 0x100000n) throw new CompileError(b ?? init, 'an array field needs a constant length from 1 to 2^20');
        const elem: FieldType = target ? { kind: 'struct', layout: this.layoutOf(target) } : this.fieldType(a);
        if (elem.kind !== 'int' && elem.kind !== 'struct') throw new CompileError(a, `an array of ${elem.kind} is not supported in kernel-ts; ${FIELD_ADVICE}`);
        return { kind: 'array', elem, count: Number(count) };
      }
    }
    throw new CompileError(init, `this struct field type is not supported in kernel-ts; ${FIELD_ADVICE}`);
  }

  /** The field `p.name` reaches, where p has a struct type. */
  field(access: ts.PropertyAccessExpression): Field | undefined {
    const layout = this.layoutOfType(this.checker.getTypeAtLocation(access.expression));
    return layout?.fields.get(access.name.text);
  }
}
