/**
 * What the IR says that a compose project cannot: a developer's `docker compose up`
 * has no triggers, branches, timeouts, retries, artifact store or cache service.
 * Each is reported (never dropped silently) with what happens instead.
 */
import { diagnostic, formatPath, targetIds, type Diagnostic, type Job, type Pipeline } from '@polyci/core';

function isDefaultTriggers(triggers: Pipeline['triggers']): boolean {
  const keys = Object.keys(triggers);
  return keys.length === 1 && keys[0] === 'push' && Object.keys(triggers.push ?? {}).length === 0;
}

/** Pipeline-level findings. */
export function pipelineDrops(pipeline: Pipeline): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isDefaultTriggers(pipeline.triggers)) {
    out.push(diagnostic('PCI031', 'info', 'triggers do not apply to compose: a developer starts the pipeline with `docker compose up`', { path: 'triggers', hint: 'nothing to do; the CI targets keep the triggers' }));
  }
  for (const target of targetIds) {
    if (target !== 'compose' && pipeline.vendor?.[target]) {
      out.push(diagnostic('PCI031', 'info', `vendor.${target} only applies to ${target}`, { path: `vendor.${target}` }));
    }
  }
  return out;
}

/** Job-level findings. */
export function jobDrops(jobId: string, job: Job): Diagnostic[] {
  const at = (...rest: (string | number)[]) => formatPath(['jobs', jobId, ...rest]);
  const out: Diagnostic[] = [];
  if (job.timeoutMinutes !== undefined) {
    out.push(diagnostic('PCI031', 'warning', `compose has no job timeout: the ${job.timeoutMinutes}-minute limit does not apply locally`, { path: at('timeoutMinutes'), hint: 'stop a stuck run with Ctrl-C or `docker compose down`' }));
  }
  if (job.retry !== undefined && job.retry > 0) {
    out.push(diagnostic('PCI031', 'warning', `compose does not retry a failed job (retry: ${job.retry})`, { path: at('retry'), hint: 'run `docker compose up` again' }));
  }
  if (job.conditions?.branches) {
    out.push(diagnostic('PCI031', 'warning', 'compose runs the job whatever the branch: `conditions.branches` does not apply', { path: at('conditions', 'branches'), hint: `leave the job out with \`docker compose up <other jobs>\`` }));
  }
  if (job.conditions?.tags !== undefined) {
    out.push(diagnostic('PCI031', 'warning', 'compose runs the job whether or not a tag is built: `conditions.tags` does not apply', { path: at('conditions', 'tags') }));
  }
  if (job.artifacts) {
    out.push(diagnostic('PCI031', 'warning', 'compose keeps no artifacts: the files stay in the bind-mounted workspace', { path: at('artifacts'), hint: `they are in the repository directory after the run (${job.artifacts.paths.join(', ')})` }));
  }
  if (job.cache) {
    out.push(diagnostic('PCI031', 'warning', 'compose has no cache service: cached paths stay in the bind-mounted workspace', { path: at('cache') }));
  }
  if (job.stage !== undefined) {
    out.push(diagnostic('PCI031', 'info', 'stages are a GitLab notion: compose orders jobs by `needs` alone', { path: at('stage') }));
  }
  const runner = job.runner;
  if (runner && (runner.labels || runner.queue || runner.tags)) {
    out.push(diagnostic('PCI031', 'info', "runner labels, queue and tags do not apply: compose runs on the developer's machine", { path: at('runner') }));
  }
  for (const target of targetIds) {
    if (target !== 'compose' && job.vendor?.[target]) out.push(diagnostic('PCI031', 'info', `vendor.${target} only applies to ${target}`, { path: at('vendor', target) }));
  }
  return out;
}
