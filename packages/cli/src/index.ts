export { runCli, UsageError } from './main';
export { loadConfig } from './load-config';
export { allTargets, targetById } from './targets';
export { formatDiagnostic, toSarif } from './report';
export { planWrites, writeAtomic } from './output';
