import { diagnostic, type Target } from '@polyci/core';

/** Placeholder while the emitter is written. */
export const githubTarget: Target = {
  id: 'github',
  title: 'GitHub Actions (.github/workflows/*.yml)',
  detect: () => false,
  emit: () => ({ files: [], diagnostics: [diagnostic('PCI030', 'error', 'the github emitter is not written yet')] }),
};
