import { diagnostic, type Target } from '@polyci/core';

/** Placeholder while the emitter is written. */
export const jenkinsTarget: Target = {
  id: 'jenkins',
  title: 'Jenkins declarative pipeline (Jenkinsfile)',
  detect: () => false,
  emit: () => ({ files: [], diagnostics: [diagnostic('PCI030', 'error', 'the jenkins emitter is not written yet')] }),
};
