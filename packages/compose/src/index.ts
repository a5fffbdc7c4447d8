import { diagnostic, type Target } from '@polyci/core';

/** Placeholder while the emitter is written. */
export const composeTarget: Target = {
  id: 'compose',
  title: 'docker compose, to run a job locally (compose.yaml)',
  detect: () => false,
  emit: () => ({ files: [], diagnostics: [diagnostic('PCI030', 'error', 'the compose emitter is not written yet')] }),
};
