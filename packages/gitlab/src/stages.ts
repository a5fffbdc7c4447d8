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

export function pipelineStages(pipeline: Pipeline): { stages: string[]; stageOf: Map<string, string>; diagnostics: Diagnostic[] } {
  const stages: string[] = [];
  // stage -> position: a long chain of jobs is as many stages, so no linear lookups
  const position = new Map<string, number>();
  const stageOf = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const levels = jobLevels(pipeline);
  for (let level = 0; level < levels.length; level++) {
    const ids = levels[level];
    if (!ids) continue;
    let derived: string | undefined;
    for (const id of ids) {
      const stage = pipeline.jobs[id].stage ?? (derived ??= derivedStage(level));
      stageOf.set(id, stage);
      if (!position.has(stage)) {
        position.set(stage, stages.length);
        stages.push(stage);
      }
    }
  }
  for (const id in pipeline.jobs) {
    for (const need of pipeline.jobs[id].needs) {
      const needStage = stageOf.get(need);
      if (needStage !== undefined && position.get(needStage)! > position.get(stageOf.get(id)!)!) {
        diagnostics.push(
          diagnostic('PCI030', 'error', `job "${id}" (stage "${stageOf.get(id)}") needs "${need}", which is in the later stage "${needStage}"; GitLab rejects that`, {
            path: `jobs.${id}.stage`,
            hint: 'give the needed job an earlier stage, or drop the explicit stages',
          }),
        );
      }
    }
  }
  return { stages, stageOf, diagnostics };
}
