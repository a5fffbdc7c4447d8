/** Run the CLI in-process, capturing what it prints (no TTY: no progress bar, no colour). */
import { runCli } from '../../packages/cli/src/main';

export function runPolyci(args: string[]): { code: number; out: string; err: string; all: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { out: (s) => (out += s), err: (s) => (err += s), tty: false });
  return { code, out, err, all: out + err };
}
