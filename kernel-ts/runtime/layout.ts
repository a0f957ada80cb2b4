// Struct layout: C's rules (LP64, as GCC lays out a struct for RV64), in one place. The compiler
// (compiler/structs.ts) and the native runtime (struct.ts) both describe a struct's fields as
// FieldTypes and ask layoutStruct for the offsets, so compiled and native code agree by construction.
//
//   - a field is placed at the next multiple of its alignment;
//   - integers and pointers are aligned to their size (u8 1, u16 2, u32 4, u64 and pointers 8);
//   - an embedded struct is aligned to its most aligned field, an array to its element;
//   - the struct's size is rounded up to its alignment (so arrays of it stay aligned).

export type IntName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';

export type FieldType =
  | { kind: 'int'; name: IntName; size: 1 | 2 | 4 | 8; signed: boolean }
  | { kind: 'ptr'; target: string }          // a struct pointer, or a C string (target '')
  | { kind: 'struct'; layout: StructLayout }
  | { kind: 'array'; elem: FieldType; count: number };

export interface Field { name: string; type: FieldType; offset: number; size: number; align: number }

export interface StructLayout {
  name: string;
  /** In declaration order. */
  fields: Map<string, Field>;
  size: number;
  align: number;
}

/** The integer field types, by the name kernel code writes. */
export const INT_TYPES: Record<IntName, FieldType & { kind: 'int' }> = {
  u8: { kind: 'int', name: 'u8', size: 1, signed: false },
  u16: { kind: 'int', name: 'u16', size: 2, signed: false },
  u32: { kind: 'int', name: 'u32', size: 4, signed: false },
  u64: { kind: 'int', name: 'u64', size: 8, signed: false },
  i8: { kind: 'int', name: 'i8', size: 1, signed: true },
  i16: { kind: 'int', name: 'i16', size: 2, signed: true },
  i32: { kind: 'int', name: 'i32', size: 4, signed: true },
  i64: { kind: 'int', name: 'i64', size: 8, signed: true },
};

export function isIntName(s: string): s is IntName { return Object.prototype.hasOwnProperty.call(INT_TYPES, s); }

export function sizeAlign(t: FieldType): { size: number; align: number } {
  switch (t.kind) {
    case 'int': return { size: t.size, align: t.size };
    case 'ptr': return { size: 8, align: 8 };
    case 'struct': return { size: t.layout.size, align: t.layout.align };
    case 'array': { const e = sizeAlign(t.elem); return { size: e.size * t.count, align: e.align }; }
  }
}

export function layoutStruct(name: string, members: readonly (readonly [string, FieldType])[]): StructLayout {
  const fields = new Map<string, Field>();
  let offset = 0, align = 1;
  for (const [fname, type] of members) {
    const sa = sizeAlign(type);
    offset = Math.ceil(offset / sa.align) * sa.align;
    fields.set(fname, { name: fname, type, offset, size: sa.size, align: sa.align });
    offset += sa.size;
    align = Math.max(align, sa.align);
  }
  return { name, fields, size: Math.ceil(offset / align) * align, align };
}
