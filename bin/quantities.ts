// Quantities typed on the command line: a wall-clock duration (`--timeout 10s`), an instruction
// count (`--max-insns 50M`), a TCP port (`--gdb 1234`). Each returns undefined when malformed; the caller
// names the option and quotes what the user typed.

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, '': 1000, m: 60_000, h: 3_600_000 };

/** '10' or '10s' (seconds, as GNU timeout), '500ms', '1.5s', '2m', '1h' → milliseconds, > 0. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

const COUNT_UNITS: Readonly<Record<string, number>> = { '': 1, K: 1e3, M: 1e6, G: 1e9 };

/** '5000000', '50M', '2G', '1.5M' → a positive integer count (decimal K/M/G), or undefined. */
export function parseCount(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * COUNT_UNITS[m[2]!.toUpperCase()]!;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A TCP port for --gdb: '0'..'65535' (0: any free port), or undefined. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}
