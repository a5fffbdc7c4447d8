/**
 * When a job runs: Buildkite step `branches` filters, an `if` expression for tag
 * builds, and a `block` step in front of a job that runs only when started by hand.
 * https://buildkite.com/docs/pipelines/configure/conditionals
 */
import { diagnostic, formatPath, type Diagnostic, type Job } from '@polyci/core';

/** The `if` expression of a tags-only job. */
export const tagCondition = 'build.tag != null';

/** Step keys that carry a job's conditions. */
export function conditionKeys(jobId: string, job: Job): { keys: { branches?: string[]; if?: string }; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const keys: { branches?: string[]; if?: string } = {};
  const c = job.conditions;
  if (c?.branches && c.branches.length > 0) {
    c.branches.forEach((b, i) => {
      // Buildkite splits branch filters on whitespace and reads a leading ! as "not".
      if (/\s/.test(b) || b.startsWith('!')) {
        diagnostics.push(
          diagnostic('PCI030', 'error', `branch pattern ${JSON.stringify(b)} cannot be a Buildkite branch filter (no whitespace, no leading !)`, {
            path: formatPath(['jobs', jobId, 'conditions', 'branches', i]),
            hint: 'use vendor.buildkite.if with a build.branch expression',
          }),
        );
      }
    });
    keys.branches = c.branches;
  }
  if (c?.tags) keys.if = tagCondition;
  return { keys, diagnostics };
}
