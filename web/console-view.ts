// The guest console: the UART's output as text, and keys typed into the pane sent to its input
// (Enter as CR, as a terminal sends it). Output is buffered and painted once per frame: the UART
// delivers one byte at a time.

const MAX_CHARS = 200_000;

export class ConsoleView {
  private pending = '';
  private scheduled = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly pane: HTMLElement, input: (bytes: Uint8Array) => void) {
    const enc = new TextEncoder();
    pane.addEventListener('keydown', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) {
        // Ctrl-letter sends the control character (Ctrl-C is 0x03); other shortcuts stay the browser's.
        if (ev.ctrlKey && !ev.metaKey && !ev.altKey && /^[a-z]$/i.test(ev.key)) { input(Uint8Array.of(ev.key.toUpperCase().charCodeAt(0) - 64)); ev.preventDefault(); }
        return;
      }
      const special: Record<string, string> = { Enter: '\r', Backspace: '\x7f', Tab: '\t', Escape: '\x1b' };
      const text = special[ev.key] ?? (ev.key.length === 1 ? ev.key : undefined);
      if (text === undefined) return;
      input(enc.encode(text));
      ev.preventDefault();
    });
  }

  write(bytes: Uint8Array): void {
    this.pending += this.decoder.decode(bytes, { stream: true });
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  /** Paints what has arrived (also called on every redraw, so a stopped page is current). */
  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const atBottom = this.pane.scrollTop + this.pane.clientHeight >= this.pane.scrollHeight - 4;
    let text = (this.pane.textContent ?? '') + this.pending.replace(/\r/g, '');
    this.pending = '';
    if (text.length > MAX_CHARS) text = text.slice(text.length - MAX_CHARS);
    this.pane.textContent = text;
    if (atBottom) this.pane.scrollTop = this.pane.scrollHeight;
  }

  clear(): void { this.pending = ''; this.pane.textContent = ''; }
}
