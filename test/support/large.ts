/**
 * Pipelines larger than one batch of an emitter (200 jobs), for the tests that check a
 * batched file is the text of one toYaml of the whole document.
 */
import { validatePipeline, type JobInput, type Pipeline, type PipelineInput } from '@polyci/core';

/** The checked pipeline of a valid input (throws with the diagnostics otherwise). */
export function checked(input: PipelineInput): Pipeline {
  const r = validatePipeline(input);
  if (!r.pipeline) throw new Error(JSON.stringify(r.diagnostics));
  return r.pipeline;
}

/**
 * `count` jobs `j0`, `j1`, ... (or `id(i)`): every 50th needs the one before, each checks
 * out and runs a two-line script; `extra(i)` adds or replaces fields of job i.
 */
export function manyJobs(count: number, extra: (i: number) => Partial<JobInput>, id: (i: number) => string = (i) => `j${i}`): Record<string, JobInput> {
  const jobs: Record<string, JobInput> = {};
  for (let i = 0; i < count; i++) {
    jobs[id(i)] = {
      name: `job ${i}`,
      image: 'node:22',
      needs: i > 0 && i % 50 === 0 ? [`j${i - 1}`] : [],
      steps: [{ checkout: { depth: 1 } }, { name: 'Test', run: `echo "$${i}"\nnpm test -- --shard=${i}` }],
      ...extra(i),
    };
  }
  return jobs;
}

/** The YAML of an emitted file, after its header comment lines. */
export function afterHeader(text: string): string {
  return text.slice(text.indexOf('\n', text.lastIndexOf('\n# ') + 1) + 1);
}
