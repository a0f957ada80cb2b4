// Options whose value may only be attached with '=' (`--trace=FILE`, `--stats=json`): written bare,
// they take no value, so the word after them stays what it looks like (`--trace prog.elf` traces to
// stderr and boots prog.elf; it once took prog.elf as the trace file and overwrote it). yargs would
// give a string option the next word, so a bare one is rewritten to `--name=` before yargs sees it.

/** The options (without '--') that never take the next word as their value. */
export const ATTACHED_ONLY: readonly string[] = ['trace', 'stats'];

/** argv with each bare `--name` of ATTACHED_ONLY written `--name=`; words after `--` are left alone. */
export function attachValues(argv: readonly string[], names: readonly string[] = ATTACHED_ONLY): string[] {
  const end = argv.indexOf('--');
  return argv.map((a, i) => (end >= 0 && i >= end) || !a.startsWith('--') || !names.includes(a.slice(2)) ? a : `${a}=`);
}
