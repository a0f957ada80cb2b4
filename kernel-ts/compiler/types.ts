// The kinds of value a kernel-ts expression may have, read from the TypeScript checker's type.
// All of them live in one 64-bit register: u64 itself, a boolean as 0/1, a function as its address,
// a struct pointer (an instance of a struct class, runtime/struct.ts) as its address.
import ts from 'typescript';

export type ValueKind = 'u64' | 'bool' | 'fn' | 'ptr' | 'str' | 'tuple' | 'void';

/** Is `type` a struct pointer (an instance of a class)? */
export function isStructType(type: ts.Type): boolean {
  const d = type.getSymbol()?.valueDeclaration;
  return !!d && ts.isClassDeclaration(d);
}

export function valueKind(checker: ts.TypeChecker, type: ts.Type): ValueKind | undefined {
  const f = type.flags;
  if (f & ts.TypeFlags.BigIntLike) return 'u64';
  if (f & ts.TypeFlags.BooleanLike) return 'bool';
  if (f & ts.TypeFlags.StringLike) return 'str';          // a C string: the address of its bytes
  if (f & ts.TypeFlags.NonPrimitive) return 'ptr';        // object: any struct pointer
  if (f & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return 'void';
  if (f & ts.TypeFlags.Never) return 'ptr';   // NULL
  // a const enum's member or value (number is otherwise refused where it is written: literals, annotations)
  if (f & (ts.TypeFlags.EnumLike | ts.TypeFlags.NumberLike)) return 'u64';
  if (isStructType(type)) return 'ptr';
  // [u64, u64, …]: a function's several results, in a0, a1, … (la2pa returns pa, level and pte)
  if (checker.isTupleType(type)) {
    const elems = checker.getTypeArguments(type as ts.TypeReference);
    const ok = elems.length >= 1 && elems.length <= 8 && elems.every((t) => { const k = valueKind(checker, t); return k && k !== 'void' && k !== 'tuple'; });
    return ok ? 'tuple' : undefined;
  }
  if (type.isUnion()) {
    // An optional parameter's undefined is no value of its own; a union of register kinds is a register.
    const kinds = new Set(type.types.map((t) => valueKind(checker, t)).filter((k) => k !== 'void'));
    if (kinds.size === 1) return [...kinds][0];
    if (kinds.size === 0) return 'void';
    return [...kinds].every((k) => k && k !== 'fn') ? 'u64' : undefined;
  }
  if (f & ts.TypeFlags.Object) {
    const sigs = type.getCallSignatures();
    if (sigs.length === 1 && type.getProperties().length === 0) return 'fn';
  }
  return undefined;
}

/** `+=`, `<<=`, … (any assignment operator but `=`). */
export function isCompoundAssignment(op: ts.SyntaxKind): boolean {
  return op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment;
}
