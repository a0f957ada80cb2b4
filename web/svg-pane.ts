// Puts an SVG drawing into a pane (the drawings are whole SVG documents as text, made by the
// debugger's own code from machine state, not from user input), skipping unchanged ones.

const shown = new WeakMap<HTMLElement, string>();

/** Shows `svg`; undefined (the drawings are not built in) leaves a note, the text views stand alone. */
export function showSvg(pane: HTMLElement, svg: string | undefined): void {
  if (svg === undefined) { pane.textContent = '(no drawing in this build: the text beside it says the same)'; return; }
  if (shown.get(pane) === svg) return;
  shown.set(pane, svg);
  pane.innerHTML = svg;
}
