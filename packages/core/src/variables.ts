/** The built-in variables a job uses, so that targets define only those. */
import { builtinVariables, type BuiltinVariable, type Job, type Pipeline } from './ir';
import { referencedVariables } from './shell';

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
}

/** Built-in variables (POLYCI_BUILD_NUMBER ...) referenced by a job's steps, env or pipeline env, in a stable order. */
export function usedBuiltins(pipeline: Pipeline, job: Job): BuiltinVariable[] {
  const strings: string[] = [];
  collectStrings(job.steps, strings);
  collectStrings(job.env, strings);
  collectStrings(pipeline.env, strings);
  const used = new Set<string>();
  for (const s of strings) if (s.includes('POLYCI_')) for (const name of referencedVariables(s)) used.add(name);
  return (Object.keys(builtinVariables) as BuiltinVariable[]).filter((v) => used.has(v));
}
