export { composeTarget } from './target';
export { emitCompose, composeDocument, composeFileName, defaultRunnerImage, manualJobs, jobSecretNames, runnerEntrypoint, usageComment, builtinFallback } from './emit';
export { literal, unliteral, fromEnvironment } from './interpolation';
export { runnerScript, nestedShell, stepNameLine, checkoutMarker } from './script';
export { strategyParts, daemonHealthcheck, unconfinedSecurityOpt, noNewPrivileges } from './strategy';
export { cpusOf, memLimitOf, cpuQuantityOf, memoryQuantityOf } from './resources';
export * from './names';
export type { ComposeService } from './model/service';
export type { ComposeFile } from './model/compose-file';
