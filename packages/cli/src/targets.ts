/** The targets the CLI knows, by id. The CLI knows nothing else about vendors. */
import { buildkiteTarget } from '@polyci/buildkite';
import { composeTarget } from '@polyci/compose';
import type { Target, TargetId } from '@polyci/core';
import { githubTarget } from '@polyci/github';
import { gitlabTarget } from '@polyci/gitlab';
import { jenkinsTarget } from '@polyci/jenkins';

export const allTargets: readonly Target[] = [gitlabTarget, githubTarget, buildkiteTarget, jenkinsTarget, composeTarget];

export function targetById(id: string): Target | undefined {
  return allTargets.find((t) => t.id === (id as TargetId));
}
