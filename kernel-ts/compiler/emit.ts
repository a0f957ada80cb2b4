// Pass 6: a module's assembly text — each function with its prologue and epilogue around the body
// from codegen.ts, naked functions verbatim, then .rodata, .data and .bss.
import ts from 'typescript';
import { FunctionGen } from './codegen.js';
import { CompileError, displayPath } from './diagnostics.js';
import { type DataItem, type Entities, isExported } from './entities.js';
import { planFrame } from './frame.js';
import type { ModuleUnit } from './module.js';

/** The naked`...` template if it is the function's whole body (`naked`...`;` or `return naked`...`;`). */
function nakedTemplate(fn: ts.FunctionDeclaration, ents: Entities): ts.TaggedTemplateExpression | undefined {
  const st = fn.body?.statements;
  if (st?.length !== 1) return undefined;
  const e = ts.isExpressionStatement(st[0]) ? st[0].expression : ts.isReturnStatement(st[0]) ? st[0].expression : undefined;
  return e && ts.isTaggedTemplateExpression(e) && ts.isIdentifier(e.tag) && ents.intrinsicName(e.tag) === 'naked' ? e : undefined;
}

function nakedBody(t: ts.TaggedTemplateExpression, ents: Entities): string[] {
  let text: string;
  const tpl = t.template;
  if (ts.isNoSubstitutionTemplateLiteral(tpl)) text = tpl.rawText ?? tpl.text;
  else {
    text = tpl.head.rawText ?? tpl.head.text;
    for (const span of tpl.templateSpans) {
      const v = ents.fold(span.expression);
      if (v === undefined) throw new CompileError(span.expression, 'a naked`...` substitution must be a constant');
      text += `${BigInt.asIntN(64, v)}${span.literal.rawText ?? span.literal.text}`;
    }
  }
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
    .map((l) => (/^[A-Za-z_.$][\w.$]*:/.test(l) || l.startsWith('#') ? l : `\t${l}`));
}

function header(name: string, global: boolean, type: 'function' | 'object', align: bigint): string[] {
  const out: string[] = [];
  if (global) out.push(`\t.globl ${name}`);
  out.push(`\t.balign ${align}`);
  if (!name.startsWith('.L')) out.push(`\t.type ${name}, @${type}`);
  return out;
}

export function emitFunction(mod: ModuleUnit, ents: Entities, fn: ts.FunctionDeclaration): string[] {
  const name = fn.name!.text;
  const out = header(name, isExported(fn), 'function', 4n);
  out.push(`${name}:`);
  const naked = nakedTemplate(fn, ents);
  if (naked) {
    out.push(...nakedBody(naked, ents));
  } else {
    const frame = planFrame(fn, ents);
    const g = new FunctionGen(mod, ents, fn, frame);
    g.genBody();
    const size = 16 + 8 * frame.saved.length + 8 * frame.slots + 8 * g.spillMax;
    const F = (size + 15) & ~15;
    if (F > 2032) throw new CompileError(fn.name!, `the frame of ${name} (${F} bytes) is larger than 2032 bytes; use fewer locals or a staticBuffer`);
    const homes = frame.locals.map((l) => `${l.name}=${l.reg ?? `${l.offset}(s0)`}`).join(' ');
    if (homes) out.push(`\t# ${homes}`);
    out.push(`\taddi sp, sp, -${F}`, `\tsd ra, ${F - 8}(sp)`, `\tsd s0, ${F - 16}(sp)`, `\taddi s0, sp, ${F}`);
    frame.saved.forEach((r, i) => out.push(`\tsd ${r}, ${-24 - 8 * i}(s0)`));
    out.push(...g.out);
    out.push(`${g.retLabel}:`);
    frame.saved.forEach((r, i) => out.push(`\tld ${r}, ${-24 - 8 * i}(s0)`));
    out.push(`\tld ra, ${F - 8}(sp)`, `\tld s0, ${F - 16}(sp)`, `\taddi sp, sp, ${F}`, '\tret');
  }
  out.push(`\t.size ${name}, .-${name}`, '');
  return out;
}

/** A string as a GNU `.asciz` operand (UTF-8 bytes, escapes for anything unprintable). */
export function asciz(text: string): string {
  let s = '"';
  for (const b of new TextEncoder().encode(text)) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${s}"`;
}

function dword(v: bigint | string): string { return typeof v === 'string' ? v : `0x${v.toString(16)}`; }

function emitData(item: DataItem): string[] {
  const out: string[] = [];
  switch (item.section) {
    case 'rodata': {
      if (item.kind === 'string') {
        out.push(...header(item.label, item.global, 'object', 1n), `${item.label}:`, `\t.asciz ${asciz(item.text)}`);
      } else {
        out.push(...header(item.label, item.global, 'object', 8n), `${item.label}:`);
        for (let i = 0; i < item.values.length; i += 4) out.push(`\t.dword ${item.values.slice(i, i + 4).map(dword).join(', ')}`);
      }
      break;
    }
    case 'data': out.push(...header(item.label, item.global, 'object', 8n), `${item.label}:`, `\t.dword ${dword(item.value)}`); break;
    case 'bss': out.push(...header(item.label, item.global, 'object', item.align), `${item.label}:`, `\t.zero ${item.size}`); break;
  }
  if (!item.label.startsWith('.L')) out.push(`\t.size ${item.label}, .-${item.label}`);
  return out;
}

export function emitModule(mod: ModuleUnit, functions: string[][]): string {
  const out = [`# ${displayPath(mod.sf.fileName)} — compiled by kernel-ts`, '\t.text', ''];
  for (const f of functions) out.push(...f);
  const sections: [DataItem['section'], string][] = [['rodata', '\t.section .rodata'], ['data', '\t.data'], ['bss', '\t.bss']];
  for (const [sec, directive] of sections) {
    const items = mod.data.filter((d) => d.section === sec);
    if (items.length === 0) continue;
    out.push(directive);
    for (const it of items) out.push(...emitData(it));
    out.push('');
  }
  return out.join('\n');
}
