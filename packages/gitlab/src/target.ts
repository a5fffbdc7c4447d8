/** The GitLab CI target: `.gitlab-ci.yml` both ways. */
import type { Target } from '@polyci/core';
import { emitGitlab } from './emit';
import { importGitlab } from './import';

export const gitlabTarget: Target = {
  id: 'gitlab',
  title: 'GitLab CI (.gitlab-ci.yml)',
  detect: (path: string) => /(^|[\\/])\.gitlab-ci\.ya?ml$/.test(path) || /\.gitlab-ci\.ya?ml$/.test(path),
  emit: emitGitlab,
  import: importGitlab,
};
