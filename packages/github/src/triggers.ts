/**
 * Pipeline triggers as the workflow's `on:`.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#on
 */
import { diagnostic, type Diagnostic, type Pipeline } from '@polyci/core';
import type { YamlValue } from '@polyci/core';

function filterList(values: string[] | undefined, path: string, diagnostics: Diagnostic[]): string[] | undefined {
  if (!values) return undefined;
  for (const v of values) {
    // `on:` admits no expressions at all: a filter that looks like one is refused by GitHub.
    if (v.includes('${{')) diagnostics.push(diagnostic('PCI030', 'error', `GitHub does not allow "\${{" in a trigger filter: ${JSON.stringify(v)}`, { path, hint: 'remove the expression syntax from the filter' }));
  }
  return values;
}

/** The `on:` mapping of a pipeline, and the manual trigger a job condition may need. */
export function workflowTriggers(pipeline: Pipeline, needsDispatch: boolean, diagnostics: Diagnostic[]): { [key: string]: YamlValue } {
  const t = pipeline.triggers;
  const on: { [key: string]: YamlValue } = {};
  if (t.push) {
    const branches = filterList(t.push.branches, 'triggers.push.branches', diagnostics);
    const tags = filterList(t.push.tags, 'triggers.push.tags', diagnostics);
    on.push = branches || tags ? { branches, tags } : null;
  }
  if (t.pullRequest) {
    const branches = filterList(t.pullRequest.branches, 'triggers.pullRequest.branches', diagnostics);
    on.pull_request = branches ? { branches } : null;
  }
  if (t.schedule && t.schedule.length > 0) {
    on.schedule = t.schedule.map((s, i) => {
      filterList([s.cron], `triggers.schedule[${i}].cron`, diagnostics);
      return { cron: s.cron };
    });
  }
  if (t.manual || needsDispatch) on.workflow_dispatch = null;
  if (Object.keys(on).length === 0) {
    diagnostics.push(diagnostic('PCI030', 'warning', 'the pipeline has no trigger; the workflow can only be started by hand', { path: 'triggers', hint: 'add a push, pullRequest or schedule trigger' }));
    on.workflow_dispatch = null;
  }
  return on;
}
