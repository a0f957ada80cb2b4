// `boot --expect RE` / `--fail-on RE`: watches the guest's console, line by line, for a CI verdict.
// The UART hands out output a byte or a chunk at a time, so the watcher keeps the unfinished line and
// matches whole lines as they end, plus the trailing partial line (a prompt such as "login: " never
// ends with a newline) when the caller asks, and again only if it grew.
// Verdicts: 'fail' as soon as a --fail-on pattern matches (it wins over an --expect on the same line);
// 'pass' once every --expect pattern has matched, each on some line, in any order.

export interface Pattern {
  /** As the user typed it, for messages. */
  readonly source: string;
  readonly re: RegExp;
}

export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly pattern: string; readonly line: string };

/** A long run of bytes without a newline is matched in pieces of this size, so matching stays linear. */
const MAX_PARTIAL = 64 * 1024;

/** The pattern for `--expect TEXT`/`--fail-on TEXT`, or a one-line reason it is not a valid regular expression. */
export function compilePattern(text: string): Pattern | string {
  try {
    return { source: text, re: new RegExp(text) };
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export class ConsoleWatch {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private partialTried = -1;
  private readonly pending: Pattern[];
  private readonly expected: number;
  verdict: Verdict | undefined;

  constructor(expect: readonly Pattern[], private readonly failOn: readonly Pattern[]) {
    this.pending = [...expect];
    this.expected = expect.length;
  }

  /** Whether there is anything to watch for. */
  get active(): boolean { return this.pending.length > 0 || this.failOn.length > 0; }

  /** The --expect patterns that have not matched yet. */
  get unmatched(): readonly string[] { return this.pending.map((p) => p.source); }

  /** Feeds console bytes and matches the lines they complete; returns the verdict once there is one (and keeps it). */
  feed(bytes: Uint8Array): Verdict | undefined {
    if (this.verdict || !this.active) return this.verdict;
    let text = this.partial + this.decoder.decode(bytes, { stream: true });
    let nl: number;
    while (this.verdict === undefined && (nl = text.indexOf('\n')) >= 0) {
      this.check(text.slice(0, nl).replace(/\r$/, ''));
      text = text.slice(nl + 1);
      this.partialTried = -1;
    }
    while (this.verdict === undefined && text.length > MAX_PARTIAL) {
      this.check(text.slice(0, MAX_PARTIAL));
      text = text.slice(MAX_PARTIAL);
      this.partialTried = -1;
    }
    this.partial = text;
    return this.verdict;
  }

  /**
   * Matches the unfinished line as it stands (a prompt without a newline). The caller does it at the
   * end of each run slice, not per byte, so a line typed out a byte at a time is not matched per byte.
   */
  checkPartial(): Verdict | undefined {
    if (this.verdict === undefined && this.partial.length > 0 && this.partial.length !== this.partialTried) {
      this.partialTried = this.partial.length;
      this.check(this.partial);
    }
    return this.verdict;
  }

  /** One line (or the partial line so far): a matched --expect leaves `pending`, so none counts twice. */
  private check(line: string): void {
    const bad = this.failOn.find((p) => p.re.test(line));
    if (bad) { this.verdict = { kind: 'fail', pattern: bad.source, line }; return; }
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (this.pending[i]!.re.test(line)) this.pending.splice(i, 1);
    }
    if (this.expected > 0 && this.pending.length === 0) this.verdict = { kind: 'pass' };
  }
}
