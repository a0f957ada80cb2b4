// Small DOM helpers: find a required element, build one, replace a pane's text.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Sets a pane's text only when it changed (no relayout, keeps a selection the user is making). */
export function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

/** Parses an address typed by a person: a symbol, 0x hex, or decimal. */
export function parseAddress(text: string, lookup: (name: string) => bigint | undefined): bigint | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const sym = lookup(t);
  if (sym !== undefined) return sym;
  try { return BigInt.asUintN(64, BigInt(t)); } catch { return undefined; }
}
