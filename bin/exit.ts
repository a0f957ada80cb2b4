// Exit statuses of the rvhart CLI (DESIGN §8). A guest's own exit code passes through unchanged.

export const EXIT = {
  OK: 0,
  /** `boot`: a --fail-on matched, the guest exited 0 before every --expect matched, or its exit code does not fit a status. */
  CHECK_FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** An image or input file that cannot be loaded (bad ELF, assembly errors, link errors). */
  BAD_IMAGE: 3,
  /** `--max-insns` or `boot --timeout` reached before the guest stopped (as GNU timeout's 124). */
  MAX_INSNS: 124,
  /** The guest stopped in a way that is not an exit code (double-fault loop, unsupported pc). */
  GUEST_STOPPED: 125,
  /** A defect in rvhart itself (EX_SOFTWARE); never the user's fault. */
  INTERNAL: 70,
} as const;

/**
 * Prints one line to stderr and exits: the only way a command reports a user-facing error. A message
 * of several errors (the assembler reports them all) prints each on its own `rvhart:` line.
 */
export function fail(status: number, message: string): never {
  process.stderr.write(message.split('\n').map((l) => `rvhart: ${l}\n`).join(''));
  process.exit(status);
}
