/**
 * Stages: GitLab shows jobs in stages, while `needs:` carries the real DAG. A job's
 * stage is the one it names, else its depth in the DAG.
 * https://docs.gitlab.com/ee/ci/yaml/#stages
 */
import { diagnostic, jobLevels, type Diagnostic, type Pipeline } from '@polyci/core';

/** The stage polyci derives for a DAG depth. */
export function derivedStage(level: number): string {
  return `stage-${level + 1}`;
}

export function pipelineStages(pipeline: Pipeline): { stages: string[]; stageOf: Record<string, string>; diagnostics: Diagnostic[] } {
  const stages: string[] = [];
  // stage -> position: a long chain of jobs is as many stages, so no linear lookups
  const position = new Map<string, number>();
  const stageOf: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  jobLevels(pipeline).forEach((ids, level) => {
    for (const id of ids) {
      const stage = pipeline.jobs[id].stage ?? derivedStage(level);
      stageOf[id] = stage;
      if (!position.has(stage)) {
        position.set(stage, stages.length);
        stages.push(stage);
      }
    }
  });
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    for (const need of job.needs) {
      if (stageOf[need] !== undefined && position.get(stageOf[need])! > position.get(stageOf[id])!) {
        diagnostics.push(
          diagnostic('PCI030', 'error', `job "${id}" (stage "${stageOf[id]}") needs "${need}", which is in the later stage "${stageOf[need]}"; GitLab rejects that`, {
            path: `jobs.${id}.stage`,
            hint: 'give the needed job an earlier stage, or drop the explicit stages',
          }),
        );
      }
    }
  }
  return { stages, stageOf, diagnostics };
}
