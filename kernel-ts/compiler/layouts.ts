// Struct layouts for debuggers, carried in the image itself (the idea of Linux's BTF, in the
// smallest form that serves): for every struct class a module declares, a .rodata table under the
// global symbol `__layout__NAME` — the struct's size, field count and name, then per field its name,
// offset, size and kind. `rvhart debug`'s `info proc` finds the kernel's task list by ELF symbols and
// reads task_struct, mm_struct and vm_area_struct through these tables, so the debugger and the
// kernel cannot disagree about an offset. Emitted when compile() is asked for them (the kernel).
import ts from 'typescript';
import type { Entities } from './entities.js';
import type { FieldType } from '../runtime/layout.js';
import { asciz } from './emit.js';

/** Field kinds in the table. */
export const LAYOUT_KIND = { int: 0, ptr: 1, cstr: 2, struct: 3, array: 4 } as const;

function kindOf(t: FieldType): number {
  if (t.kind === 'int') return LAYOUT_KIND.int;
  if (t.kind === 'ptr') return t.target === '' ? LAYOUT_KIND.cstr : LAYOUT_KIND.ptr;
  if (t.kind === 'struct') return LAYOUT_KIND.struct;
  return LAYOUT_KIND.array;
}

/** The layout tables of the struct classes declared in sf, as assembly (empty when there are none). */
export function emitStructLayouts(sf: ts.SourceFile, ents: Entities): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isClassDeclaration(st) || !st.name) continue;
    const layout = ents.structs.layoutOf(st);
    const name = st.name.text;
    const label = `__layout__${name}`;
    const fields = [...layout.fields.values()];
    out.push('\t.section .rodata', '\t.balign 8', `\t.globl ${label}`, `\t.type ${label}, @object`, `${label}:`,
      `\t.dword ${layout.size}, ${fields.length}, .Llayout_${name}_name`);
    fields.forEach((f, i) => out.push(`\t.dword .Llayout_${name}_${i}, ${f.offset}, ${f.size}, ${kindOf(f.type)}`));
    out.push(`\t.size ${label}, .-${label}`, `.Llayout_${name}_name:`, `\t.asciz ${asciz(name)}`);
    fields.forEach((f, i) => out.push(`.Llayout_${name}_${i}:`, `\t.asciz ${asciz(f.name)}`));
    out.push('');
  }
  return out;
}
