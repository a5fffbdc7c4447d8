/** The GitLab CI target: `.gitlab-ci.yml` both ways. */
import type { Target } from '@polyci/core';
import { emitGitlab } from './emit';
import { importGitlab } from './import';

/**
 * A GitLab CI file: named .gitlab-ci.yml, or YAML whose top level has GitLab's own
 * keywords (stages, workflow, include, default) or jobs with `script:`, and not the
 * top-level keys of GitHub (`on`/`jobs`), Buildkite (`steps`) or compose (`services` only).
 */
export function detectGitlab(path: string, text: string): boolean {
  if (/(^|[\\/])\.gitlab-ci\.ya?ml$/.test(path)) return true;
  if (!/\.ya?ml$/.test(path)) return false;
  if (/^(on|jobs|steps|agents):/m.test(text)) return false;
  return /^(stages|workflow|include|default):/m.test(text) || /^[^\s#][^\n]*:\s*\n(?:[ \t]+[^\n]*\n|\s*\n)*?[ \t]+script:/m.test(text);
}

export const gitlabTarget: Target = {
  id: 'gitlab',
  title: 'GitLab CI (.gitlab-ci.yml)',
  detect: detectGitlab,
  emit: emitGitlab,
  import: importGitlab,
  topology: { unit: 'GitLab job (docker executor)', beside: 'service' },
};
