import { diagnostic, type Target } from '@polyci/core';

/** Placeholder while the emitter is written. */
export const gitlabTarget: Target = {
  id: 'gitlab',
  title: 'GitLab CI (.gitlab-ci.yml)',
  detect: () => false,
  emit: () => ({ files: [], diagnostics: [diagnostic('PCI030', 'error', 'the gitlab emitter is not written yet')] }),
};
