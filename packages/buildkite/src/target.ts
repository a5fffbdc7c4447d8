/** The Buildkite (agent-stack-k8s) target: what the CLI knows of this package. */
import type { Target } from '@polyci/core';
import { emitBuildkite, pipelinePath } from './emit';
import { importBuildkite } from './import';

/**
 * A Buildkite pipeline: `.buildkite/pipeline.yml`, or any YAML file whose top level
 * is a `steps:` list (as `buildkite-agent pipeline upload <file>` accepts) and that
 * has none of the top-level keys of a workflow, GitLab CI or compose file.
 */
export function detectBuildkite(path: string, text: string): boolean {
  const normalised = path.replace(/\\/g, '/');
  if (normalised.endsWith(pipelinePath)) return true;
  if (!/\.ya?ml$/i.test(normalised)) return false;
  return /^steps:[ \t]*(#.*)?$/m.test(text) && !/^(jobs|on|stages|services|workflow|include|pipeline):/m.test(text);
}

export const buildkiteTarget: Target = {
  id: 'buildkite',
  title: 'Buildkite with agent-stack-k8s (.buildkite/pipeline.yml)',
  detect: detectBuildkite,
  emit: emitBuildkite,
  import: importBuildkite,
  topology: { unit: 'agent-stack-k8s pod', beside: 'sidecar' },
};
