/**
 * `workflow:rules` back into triggers, and job `rules` / `only` / `except` / `when`
 * back into conditions, for the expressions that mean exactly a trigger or a
 * condition. Anything else stays in `vendor.gitlab` with its line.
 */
import type { Conditions, Triggers } from '@polyci/core';
import { regexToGlobs } from '../rules';
import { isMapping } from './resolve';

/** `$VAR =~ /re/` or `$VAR == "x"` as branch globs. */
function refGlobs(expr: string, variable: string): string[] | undefined {
  const re = new RegExp(`^\\$${variable} =~ (/.*/)$`).exec(expr);
  if (re) return regexToGlobs(re[1]);
  const eq = new RegExp(`^\\$${variable} == (?:"([^"]*)"|'([^']*)')$`).exec(expr);
  if (eq) return [eq[1] ?? eq[2]];
  return undefined;
}

/** One workflow rule as a change to the triggers, or undefined when it means more than that. */
function ruleTrigger(rule: unknown, triggers: Triggers): boolean {
  if (!isMapping(rule) || typeof rule.if !== 'string') return false;
  if (Object.keys(rule).some((k) => k !== 'if' && !(k === 'when' && rule.when === 'always'))) return false;
  const clauses = rule.if.split(' && ').map((c) => c.trim());
  const source = /^\$CI_PIPELINE_SOURCE == "(\w+)"$/.exec(clauses[0])?.[1];
  if (!source || clauses.length > 2) return false;
  const rest = clauses[1];
  if (source === 'push') {
    const push = (triggers.push ??= {});
    if (rest === undefined) return true;
    const branches = refGlobs(rest, 'CI_COMMIT_BRANCH');
    if (branches) {
      push.branches = [...(push.branches ?? []), ...branches];
      return true;
    }
    const tags = refGlobs(rest, 'CI_COMMIT_TAG');
    if (tags) {
      push.tags = [...(push.tags ?? []), ...tags];
      return true;
    }
    return false;
  }
  if (source === 'merge_request_event') {
    const pr = (triggers.pullRequest ??= {});
    if (rest === undefined) return true;
    const branches = refGlobs(rest, 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME');
    if (!branches) return false;
    pr.branches = [...(pr.branches ?? []), ...branches];
    return true;
  }
  if (rest !== undefined) return false;
  if (source === 'schedule') {
    triggers.schedule ??= [];
    return true;
  }
  if (source === 'web') {
    triggers.manual = true;
    return true;
  }
  return false;
}

/** Triggers from workflow:rules; `rest` holds rules that mean more than a trigger. */
export function triggersFromWorkflow(rules: unknown, crons: readonly string[]): { triggers: Triggers; understood: boolean } {
  const triggers: Triggers = {};
  if (!Array.isArray(rules)) return { triggers: { push: {} }, understood: rules === undefined };
  let understood = true;
  for (const rule of rules) if (!ruleTrigger(rule, triggers)) understood = false;
  // The rules themselves stay GitLab's (vendor.gitlab.workflow); other targets get the usual push trigger.
  if (!understood) return { triggers: { push: {} }, understood };
  if (triggers.schedule) triggers.schedule = crons.map((cron) => ({ cron }));
  if (triggers.schedule && triggers.schedule.length === 0) delete triggers.schedule;
  return { triggers, understood };
}

/** Conditions from job rules; undefined `conditions` with understood=false keeps the rules as vendor keys. */
export function conditionsFromRules(rules: unknown): { conditions?: Conditions; understood: boolean } {
  if (!Array.isArray(rules)) return { understood: false };
  const conditions: Conditions = {};
  let manual: boolean | undefined;
  for (const rule of rules) {
    if (!isMapping(rule) || Object.keys(rule).some((k) => k !== 'if' && k !== 'when')) return { understood: false };
    const when = rule.when;
    if (when !== undefined && when !== 'manual' && when !== 'on_success') return { understood: false };
    const isManual = when === 'manual';
    if (manual !== undefined && manual !== isManual) return { understood: false };
    manual = isManual;
    if (rule.if === undefined) {
      if (rules.length !== 1) return { understood: false };
      continue;
    }
    if (typeof rule.if !== 'string') return { understood: false };
    if (rule.if === '$CI_COMMIT_TAG') {
      conditions.tags = true;
      continue;
    }
    const branches = refGlobs(rule.if, 'CI_COMMIT_BRANCH') ?? refGlobs(rule.if, 'CI_COMMIT_REF_NAME');
    if (!branches) return { understood: false };
    conditions.branches = [...(conditions.branches ?? []), ...branches];
  }
  if (manual) conditions.manual = true;
  return { conditions: Object.keys(conditions).length > 0 ? conditions : undefined, understood: true };
}

/** `only:` refs as conditions (branch names and /regex/ we can read, `tags`, `branches`). */
export function conditionsFromOnly(refs: readonly unknown[]): { conditions?: Conditions; understood: boolean } {
  const conditions: Conditions = {};
  let anyBranch = false;
  for (const ref of refs) {
    if (typeof ref !== 'string') return { understood: false };
    if (ref === 'tags') conditions.tags = true;
    else if (ref === 'branches') anyBranch = true;
    else if (ref.startsWith('/')) {
      const globs = regexToGlobs(ref);
      if (!globs) return { understood: false };
      conditions.branches = [...(conditions.branches ?? []), ...globs];
    } else if (['merge_requests', 'schedules', 'web', 'api', 'pipelines', 'pushes', 'triggers', 'external', 'chat', 'external_pull_requests', 'merge_request'].includes(ref)) return { understood: false };
    else conditions.branches = [...(conditions.branches ?? []), ref];
  }
  if (anyBranch) conditions.branches = ['**'];
  return { conditions: Object.keys(conditions).length > 0 ? conditions : undefined, understood: true };
}
