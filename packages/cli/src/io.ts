/** How commands talk to the terminal; tests pass their own. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Is stderr a terminal (progress bars, colour)? */
  tty?: boolean;
}

export const processIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stderr.isTTY };

export class UsageError extends Error {}
