/** Helpers for the GitHub tests: emit and parse a workflow. */
import { parse } from 'yaml';
import { githubTarget } from '@polyci/github';
import type { Pipeline } from '@polyci/core';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Parsed = any;

export function emitWorkflow(pipeline: Pipeline) {
  const result = githubTarget.emit(pipeline, { source: 'ci.config.ts' });
  if (result.files.length !== 1) throw new Error(`expected one file, got ${result.files.length}: ${JSON.stringify(result.diagnostics)}`);
  const file = result.files[0];
  return { file, text: file.contents, doc: parse(file.contents) as Parsed, diagnostics: result.diagnostics };
}

/** Every string in a parsed document, keys included. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) {
    out.push(k);
    allStrings(v, out);
  }
  return out;
}

/** Steps of a job that call docker, by index. */
export function firstDockerStep(steps: Parsed[]): number {
  return steps.findIndex((s) => typeof s.run === 'string' && /(^|[\s;&|(])docker\s/m.test(s.run) && !s.run.includes('until docker info'));
}
