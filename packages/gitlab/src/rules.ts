/**
 * Pipeline triggers as `workflow:rules`, and job conditions as job `rules`.
 * https://docs.gitlab.com/ee/ci/yaml/#workflowrules
 * https://docs.gitlab.com/ee/ci/jobs/job_rules.html#cicd-variable-expressions
 *
 * GitLab's expression language has string literals without escapes, so every
 * user-given name becomes an RE2 regex where anything beyond [A-Za-z0-9_-] is an
 * escape: nothing a branch name holds can close the pattern or add a clause.
 */
import type { Conditions, Triggers } from '@polyci/core';

export interface GitlabRule {
  if?: string;
  when?: 'always' | 'never' | 'manual' | 'on_success';
}

/** A branch/tag glob (`*` one path segment, `**` any depth) as an anchored RE2 pattern literal. */
export function globToRegex(globs: readonly string[]): string {
  const alternatives = globs.map((glob) => {
    let out = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === '*') {
        if (glob[i + 1] === '*') {
          out += '.*';
          i++;
        } else out += '[^\\/]*';
      } else if (/[A-Za-z0-9_-]/.test(c)) out += c;
      else if (c === '/') out += '\\/';
      else if (c === '.') out += '\\.';
      else out += `\\x{${c.codePointAt(0)!.toString(16)}}`;
      if (c.codePointAt(0)! > 0xffff) i++;
    }
    return out;
  });
  return `/^(?:${alternatives.join('|')})$/`;
}

/** The inverse of `globToRegex`, for patterns polyci wrote; undefined for any other regex. */
export function regexToGlobs(pattern: string): string[] | undefined {
  // polyci writes /^(?:a|b)$/; people write /^release\/.*$/ as well
  const m = /^\/\^(?:\(\?:(.*)\)|([^()]*))\$\/$/.exec(pattern);
  if (!m) return undefined;
  const globs: string[] = [''];
  const body = m[1] ?? m[2];
  for (let i = 0; i < body.length; ) {
    const rest = body.slice(i);
    let t: RegExpExecArray | null;
    if (rest.startsWith('.*')) { globs[globs.length - 1] += '**'; i += 2; }
    else if (rest.startsWith('[^\\/]*')) { globs[globs.length - 1] += '*'; i += 6; }
    else if ((t = /^\\x\{([0-9a-f]+)\}/.exec(rest))) { globs[globs.length - 1] += String.fromCodePoint(parseInt(t[1], 16)); i += t[0].length; }
    else if (rest.startsWith('\\/') || rest.startsWith('\\.')) { globs[globs.length - 1] += rest[1]; i += 2; }
    else if (rest[0] === '|') { globs.push(''); i += 1; }
    else if (/[A-Za-z0-9_-]/.test(rest[0])) { globs[globs.length - 1] += rest[0]; i += 1; }
    else return undefined;
  }
  return globs;
}

/** `workflow:rules` that start a pipeline exactly for the IR's triggers. */
export function workflowRules(triggers: Triggers): GitlabRule[] {
  const rules: GitlabRule[] = [];
  const push = triggers.push;
  if (push) {
    if (!push.branches && !push.tags) rules.push({ if: '$CI_PIPELINE_SOURCE == "push"' });
    if (push.branches) rules.push({ if: `$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH =~ ${globToRegex(push.branches)}` });
    if (push.tags) rules.push({ if: `$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_TAG =~ ${globToRegex(push.tags)}` });
  }
  const pr = triggers.pullRequest;
  if (pr) {
    rules.push({
      if: pr.branches
        ? `$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_TARGET_BRANCH_NAME =~ ${globToRegex(pr.branches)}`
        : '$CI_PIPELINE_SOURCE == "merge_request_event"',
    });
  }
  if (triggers.schedule && triggers.schedule.length > 0) rules.push({ if: '$CI_PIPELINE_SOURCE == "schedule"' });
  if (triggers.manual) rules.push({ if: '$CI_PIPELINE_SOURCE == "web"' });
  return rules;
}

/** Job `rules` for the IR's conditions, or undefined when the job always runs. */
export function jobRules(conditions: Conditions | undefined): GitlabRule[] | undefined {
  if (!conditions) return undefined;
  const manual = conditions.manual ? { when: 'manual' as const } : {};
  const rules: GitlabRule[] = [];
  if (conditions.branches) rules.push({ if: `$CI_COMMIT_BRANCH =~ ${globToRegex(conditions.branches)}`, ...manual });
  if (conditions.tags) rules.push({ if: '$CI_COMMIT_TAG', ...manual });
  if (rules.length === 0 && conditions.manual) rules.push({ when: 'manual' });
  if (rules.length === 0) return undefined;
  return rules;
}
