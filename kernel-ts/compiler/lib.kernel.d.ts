// The whole "standard library" kernel-ts code is checked against: the global types TypeScript itself
// requires, and nothing callable. (Using this instead of lib.es2022 makes type-checking several times
// faster, and a kernel module that reaches for Math, console or Map gets "Cannot find name".)
interface Array<T> { readonly length: number; [n: number]: T }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T }
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
interface BigInt {}
interface Symbol {}
interface TemplateStringsArray extends ReadonlyArray<string> { readonly raw: readonly string[] }
// Array destructuring (const [pa, level] = la2pa(...)) needs tuples to be iterable to the checker.
interface SymbolConstructor { readonly iterator: unique symbol }
declare var Symbol: SymbolConstructor;
interface IteratorResult<T> { done?: boolean; value: T }
interface Iterator<T> { next(): IteratorResult<T> }
interface Iterable<T> { [Symbol.iterator](): Iterator<T> }
interface IterableIterator<T> extends Iterator<T> { [Symbol.iterator](): IterableIterator<T> }
interface Array<T> { [Symbol.iterator](): IterableIterator<T> }
interface ReadonlyArray<T> { [Symbol.iterator](): IterableIterator<T> }
