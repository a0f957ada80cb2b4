// Structs: a class whose fields are initialised by their C types declares a struct with C's layout.
//
//   export class vm_area_struct {
//     vm_start = u64;
//     vm_end = u64;
//     vm_next = ptr(vm_area_struct);      // struct vm_area_struct *vm_next;
//     vm_flags = u32;
//     node = embed(list_head);            // struct list_head node;  (in place)
//     pad = array(u8, 4n);                // u8 pad[4];
//   }
//
// tsc sees a class whose fields are bigint (u8…i64), another struct, or a CArray; the compiler reads
// the same initialisers as the layout (layout.ts) and compiles `vma.vm_next.vm_start` to two loads at
// constant offsets. A struct value is always a pointer (an address in a register), as in C code that
// only ever handles `struct foo *`. Natively, a pointer is an object whose accessors read and write
// the host memory at the same offsets, with the same widths, sign extension and wrap-around; one
// object per (struct, address), so `p === q` compares addresses as compiled code does.
import { currentHost } from './host.js';
import { type FieldType, INT_TYPES, type IntName, layoutStruct, type StructLayout } from './layout.js';

export type u8 = bigint;
export type u16 = bigint;
export type u32 = bigint;
/** The one value type of kernel-ts: an unsigned 64-bit integer (a register). */
export type u64 = bigint;
export type i8 = bigint;
export type i16 = bigint;
export type i32 = bigint;
export type i64 = bigint;

/** What a field initialiser is at run time (the field's declared type says bigint, S or CArray). */
interface FieldMarker { readonly __field: FieldType; readonly cls?: Struct<object>; readonly elemCls?: Struct<object>; readonly isEnum?: boolean; readonly isString?: boolean }
const marker = (n: IntName): bigint => ({ __field: INT_TYPES[n] }) as unknown as bigint;

// Field types: `refcount = u32` declares a 32-bit unsigned field; i* fields read sign-extended.
export const u8: u8 = marker('u8');
export const u16: u16 = marker('u16');
export const u32: u32 = marker('u32');
export const u64: u64 = marker('u64');
export const i8: i8 = marker('i8');
export const i16: i16 = marker('i16');
export const i32: i32 = marker('i32');
export const i64: i64 = marker('i64');

/** A field holding a const enum, stored as an integer: `state: frame_state = enum_field(u8)`. */
export function enum_field(width: bigint): never {
  const t = (width as unknown as FieldMarker).__field;
  return { __field: t, isEnum: true } as never;
}

/** A C string field (`const char *name`): `name = cstr`; it holds the address of the bytes. */
export const cstr: string = { __field: { kind: 'ptr', target: '' }, isString: true } as unknown as string;

/** A struct declaration (the class itself). */
export type Struct<S> = new () => S;

/** A fixed array field of integers: `pad = array(u8, 4n)`; `p.pad.at(i)`, `p.pad.set(i, v)`. */
export interface CArray { at(i: u64): u64; set(i: u64, value: u64): void }
/** A fixed array field of structs (in place): `p.pages.at(i)` is a pointer to element i. */
export interface StructArray<S> { at(i: u64): S }

/** A pointer field: `vm_next = ptr(vm_area_struct)` (8 bytes; 0 is NULL). */
export function ptr<S extends object>(s: Struct<S>): S { return { __field: { kind: 'ptr', target: s.name }, cls: s } as unknown as S; }
/** A struct embedded in place: `lru = embed(list_head)`; `page.lru` is the address of that member. */
export function embed<S extends object>(s: Struct<S>): S { return { __field: { kind: 'struct', layout: layoutOf(s) }, cls: s } as unknown as S; }
/** A fixed array field: of an integer type (`array(u32, 8n)`) or of a struct (`array(page, 4n)`). */
export function array(elem: bigint, count: u64): CArray;
export function array<S extends object>(elem: Struct<S>, count: u64): StructArray<S>;
export function array(elem: bigint | Struct<object>, count: u64): CArray | StructArray<object> {
  const n = Number(count);
  if (typeof elem === 'function') {
    return { __field: { kind: 'array', elem: { kind: 'struct', layout: layoutOf(elem) }, count: n }, elemCls: elem } as unknown as StructArray<object>;
  }
  return { __field: { kind: 'array', elem: (elem as unknown as FieldMarker).__field, count: n } } as unknown as CArray;
}

/** The null pointer of every struct type (compiled: 0). */
const NULL_PTR: object = Object.freeze({ __addr: 0n });
export const NULL: never = NULL_PTR as never;

// ---- the native model --------------------------------------------------------------------------------
interface Native { layout: StructLayout; proto: object; at: Map<bigint, object> }
const natives = new Map<Struct<object>, Native>();
const addrOf = new WeakMap<object, bigint>([[NULL_PTR, 0n]]);

function nativeOf(s: Struct<object>): Native {
  let n = natives.get(s);
  if (n) return n;
  // The field initialisers are the layout: evaluate them once.
  const markers = Object.entries(new s() as Record<string, unknown>) as [string, FieldMarker][];
  const layout = layoutStruct(s.name, markers.map(([k, m]) => [k, m.__field] as const));
  const proto: object = {};
  for (const [name, m] of markers) {
    const f = layout.fields.get(name)!;
    const at = (self: object): bigint => addrOf.get(self)! + BigInt(f.offset);
    const t = f.type;
    let desc: PropertyDescriptor;
    if (t.kind === 'int' && m.isEnum) {
      // natively a const enum value is a number
      desc = { get() { return Number(BigInt.asIntN(64, readInt(at(this), t))); }, set(v: number) { writeInt(at(this), t, BigInt(v)); } };
    } else if (t.kind === 'int') desc = { get() { return readInt(at(this), t); }, set(v: bigint) { writeInt(at(this), t, v); } };
    else if (t.kind === 'ptr' && m.isString) {
      // natively the text: read up to the NUL; a store interns the text and keeps its address
      desc = { get() { return readString(mem().read(at(this), 8)); }, set(v: string) { mem().write(at(this), 8, currentHost().string(v)); } };
    } else if (t.kind === 'ptr') {
      desc = { get() { return struct_at(m.cls!, mem().read(at(this), 8)); }, set(v: object) { mem().write(at(this), 8, addr_of(v)); } };
    } else if (t.kind === 'struct') desc = { get() { return struct_at(m.cls!, at(this)); } };
    else desc = { get() { return arrayView(at(this), t.elem, t.count, m.elemCls); } };
    Object.defineProperty(proto, name, desc);
  }
  n = { layout, proto, at: new Map() };
  natives.set(s, n);
  return n;
}

const mem = () => currentHost().memory;

function readInt(a: bigint, t: FieldType & { kind: 'int' }): bigint {
  const v = mem().read(BigInt.asUintN(64, a), t.size);
  return t.signed ? BigInt.asUintN(64, BigInt.asIntN(t.size * 8, v)) : v;
}
function writeInt(a: bigint, t: FieldType & { kind: 'int' }, v: bigint): void { mem().write(BigInt.asUintN(64, a), t.size, BigInt.asUintN(64, v)); }

function readString(a: bigint): string {
  const bytes: number[] = [];
  for (let p = a; ; p++) { const b = Number(mem().read(p, 1)); if (b === 0) break; bytes.push(b); }
  return decodeURIComponent(bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));   // UTF-8
}

function arrayView(base: bigint, elem: FieldType, count: number, cls?: Struct<object>): CArray | StructArray<object> {
  const size = BigInt(elem.kind === 'struct' ? elem.layout.size : elem.kind === 'int' ? elem.size : 8);
  // Like C, no bounds check: index i is at base + i * size.
  if (elem.kind === 'struct') return { at: (i: u64) => struct_at(cls!, base + i * size) };
  const t = elem as FieldType & { kind: 'int' };
  void count;
  return { at: (i: u64) => readInt(base + i * size, t), set: (i: u64, v: u64) => writeInt(base + i * size, t, v) };
}

/** The layout of a struct (what sizeof/offsetof answer). */
export function layoutOf(s: Struct<object>): StructLayout { return nativeOf(s).layout; }

// ---- what kernel code calls ------------------------------------------------------------------------
/** `(struct S *)addr`: the struct S at an address (compiled: the address itself, no instruction). */
export function struct_at<S extends object>(s: Struct<S>, addr: u64): S {
  const a = BigInt.asUintN(64, addr);
  if (a === 0n) return NULL;
  const n = nativeOf(s as Struct<object>);
  let p = n.at.get(a);
  if (!p) { p = Object.create(n.proto) as object; addrOf.set(p, a); n.at.set(a, p); }
  return p as S;
}
/** The address a struct pointer holds (compiled: no instruction). */
export function addr_of(p: object | u64): u64 {
  if (typeof p !== "object") throw new TypeError("addr_of: not a struct pointer (a u64 value has no address)");
  const a = addrOf.get(p);
  if (a === undefined) throw new TypeError('addr_of: not a struct pointer');
  return a;
}
/** sizeof(struct S), a compile-time constant. */
export function sizeof<S extends object>(s: Struct<S>): u64 { return BigInt(layoutOf(s as Struct<object>).size); }
/** offsetof(struct S, member), a compile-time constant. */
export function offsetof<S extends object>(s: Struct<S>, member: keyof S & string): u64 {
  const f = layoutOf(s as Struct<object>).fields.get(member);
  if (!f) throw new TypeError(`offsetof: ${s.name} has no field ${member}`);
  return BigInt(f.offset);
}
/** container_of(p, S, member): the S whose embedded `member` is at p (compiled: one addi). */
export function container_of<S extends object, K extends keyof S & string>(p: S[K], s: Struct<S>, member: K): S {
  return struct_at(s, addr_of(p as object) - offsetof(s, member));
}
/** list_entry(p, S, member): container_of for a list_head member (lib/list.ts). */
export function list_entry<S extends object, K extends keyof S & string>(p: S[K], s: Struct<S>, member: K): S { return container_of(p, s, member); }
