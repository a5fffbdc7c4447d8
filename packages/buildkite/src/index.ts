import { diagnostic, type Target } from '@polyci/core';

/** Placeholder while the emitter is written. */
export const buildkiteTarget: Target = {
  id: 'buildkite',
  title: 'Buildkite with agent-stack-k8s (.buildkite/pipeline.yml)',
  detect: () => false,
  emit: () => ({ files: [], diagnostics: [diagnostic('PCI030', 'error', 'the buildkite emitter is not written yet')] }),
};
