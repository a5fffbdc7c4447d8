export { runCli, UsageError } from './main';
export { loadConfig } from './load-config';
export { allTargets, targetById } from './targets';
export { formatDiagnostic, toSarif } from './report';
export { planWrites, writeAtomic } from './output';
export { migrate, formatReport } from './commands/migrate';
export { lintFiles } from './commands/lint';
export { explain } from './commands/explain';
