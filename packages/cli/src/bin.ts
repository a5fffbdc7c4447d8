import { runCli } from './main';

try {
  process.exitCode = runCli(process.argv.slice(2));
} catch (error) {
  // A bug in polyci, never a user mistake: say so in one line, keep the trace for reports.
  process.stderr.write(`polyci: internal error: ${(error as Error).message}\nPlease report it with the command you ran${process.env.POLYCI_DEBUG ? '' : ' (POLYCI_DEBUG=1 shows the stack)'}.\n`);
  if (process.env.POLYCI_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 70;
}
