/** The GitLab CI target: `.gitlab-ci.yml` both ways. */
import { parseYamlInput, type Target } from '@polyci/core';
import { emitGitlab } from './emit';
import { importGitlab } from './import';
import { includeEntries } from './import/resolve';

/** Paths (maybe globs) of the local files a .gitlab-ci.yml includes, relative to the project root. */
export function gitlabCompanions(path: string, text: string): string[] {
  const { value } = parseYamlInput({ path, contents: text });
  const include = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).include : undefined;
  if (include === undefined) return [];
  return includeEntries(include)
    .filter((e) => e.kind === 'local')
    .map((e) => e.value.replace(/^\/+/, ''));
}

/**
 * A GitLab CI file: named .gitlab-ci.yml, or YAML whose top level has GitLab's own
 * keywords (stages, workflow, include, default) or jobs with `script:`, and not the
 * top-level keys of GitHub (`on`/`jobs`), Buildkite (`steps`) or compose (`services` only).
 */
export function detectGitlab(path: string, text: string): boolean {
  if (/(^|[\\/])\.gitlab-ci\.ya?ml$/.test(path)) return true;
  if (!/\.ya?ml$/.test(path)) return false;
  // Read the top level as YAML (bounded by the input defences) instead of matching text.
  const { value } = parseYamlInput({ path, contents: text });
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const top = value as Record<string, unknown>;
  if (['on', 'jobs', 'steps', 'agents'].some((k) => k in top)) return false;
  // compose's services are a mapping; GitLab's legacy global services a list
  if (top.services !== null && typeof top.services === 'object' && !Array.isArray(top.services)) return false;
  if (['stages', 'workflow', 'include', 'default'].some((k) => k in top)) return true;
  return Object.values(top).some((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && 'script' in v);
}

export const gitlabTarget: Target = {
  id: 'gitlab',
  title: 'GitLab CI (.gitlab-ci.yml)',
  detect: detectGitlab,
  emit: emitGitlab,
  import: importGitlab,
  companions: gitlabCompanions,
  topology: { unit: 'GitLab job (docker executor)', beside: 'service' },
};
