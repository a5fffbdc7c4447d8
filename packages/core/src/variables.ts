/** The built-in variables a job uses, so that targets define only those. */
import { builtinVariables, type BuiltinVariable, type Job, type Pipeline } from './ir';
import { referencedVariables } from './shell';

function collect(value: unknown, used: Set<string>): void {
  if (typeof value === 'string') {
    if (value.includes('POLYCI_')) for (const name of referencedVariables(value)) used.add(name);
  } else if (Array.isArray(value)) for (const v of value) collect(v, used);
  else if (value && typeof value === 'object') for (const k in value) collect((value as Record<string, unknown>)[k], used);
}

// Every target asks for every job: walk each job's strings once.
const jobCache = new WeakMap<Job, WeakMap<Pipeline, readonly BuiltinVariable[]>>();

/** Built-in variables (POLYCI_BUILD_NUMBER ...) referenced by a job's steps, env or pipeline env, in a stable order. */
export function usedBuiltins(pipeline: Pipeline, job: Job): BuiltinVariable[] {
  let byPipeline = jobCache.get(job);
  if (!byPipeline) jobCache.set(job, (byPipeline = new WeakMap()));
  let found = byPipeline.get(pipeline);
  if (!found) {
    const used = new Set<string>();
    collect(job.steps, used);
    collect(job.env, used);
    collect(pipeline.env, used);
    found = (Object.keys(builtinVariables) as BuiltinVariable[]).filter((v) => used.has(v));
    byPipeline.set(pipeline, found);
  }
  return found.slice();
}
