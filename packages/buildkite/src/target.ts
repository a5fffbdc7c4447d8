/** The Buildkite (agent-stack-k8s) target: what the CLI knows of this package. */
import type { Target } from '@polyci/core';
import { emitBuildkite, pipelinePath } from './emit';
import { importBuildkite } from './import';

export const buildkiteTarget: Target = {
  id: 'buildkite',
  title: 'Buildkite with agent-stack-k8s (.buildkite/pipeline.yml)',
  detect: (path, text) => path.replace(/\\/g, '/').endsWith(pipelinePath) || (/(^|\/)\.buildkite\//.test(path) && /^steps:/m.test(text)),
  emit: emitBuildkite,
  import: importBuildkite,
  topology: { unit: 'agent-stack-k8s pod', beside: 'sidecar' },
};
