/** The built-in variables a job uses, so that targets define only those. */
import { builtinVariables, type BuiltinVariable, type Job, type Pipeline } from './ir';
import { derived } from './emit-cache';
import { referencedVariables } from './shell';

function collect(value: unknown, used: Set<string>): void {
  if (typeof value === 'string') {
    if (value.includes('POLYCI_')) for (const name of referencedVariables(value)) used.add(name);
  } else if (Array.isArray(value)) for (const v of value) collect(v, used);
  else if (value && typeof value === 'object') for (const k in value) collect((value as Record<string, unknown>)[k], used);
}

/** Built-in variables (POLYCI_BUILD_NUMBER ...) referenced by a job's steps, env or pipeline env, in a stable order. */
export function usedBuiltins(pipeline: Pipeline, job: Job): BuiltinVariable[] {
  // Every target asks for every job: within a compile, each job's strings are walked once.
  const found = derived('builtins', pipeline, () => new WeakMap<Job, readonly BuiltinVariable[]>());
  let names = found.get(job);
  if (!names) {
    const used = new Set<string>();
    collect(job.steps, used);
    collect(job.env, used);
    collect(pipeline.env, used);
    names = (Object.keys(builtinVariables) as BuiltinVariable[]).filter((v) => used.has(v));
    found.set(job, names);
  }
  return names.slice();
}
