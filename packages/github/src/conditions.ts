/**
 * Job conditions as a job-level `if:` on `github.ref` and `github.event_name`.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idif
 */
import { diagnostic, formatPath, type Conditions, type Diagnostic } from '@polyci/core';
import { expressionString } from './expressions';

const globChars = /[*?[\]!+]/;

/** One branch filter as an expression, or undefined when GitHub cannot test it on `github.ref`. */
function branchTest(branch: string, path: string, diagnostics: Diagnostic[]): string | undefined {
  if (branch.includes('${{') || branch.includes('}}')) {
    diagnostics.push(diagnostic('PCI030', 'error', `branch ${JSON.stringify(branch)} cannot be written inside a GitHub expression`, { path, hint: 'use a branch name without "${{" or "}}"' }));
    return undefined;
  }
  if (!globChars.test(branch)) return `github.ref == ${expressionString(`refs/heads/${branch}`)}`;
  const star = branch.indexOf('*');
  const prefix = branch.slice(0, star);
  const rest = branch.slice(star);
  if ((rest === '*' || rest === '**') && !globChars.test(prefix)) {
    if (rest === '*' && prefix !== '') {
      // `*` stops at `/` in GitHub's own filters; startsWith has no such stop.
      diagnostics.push(diagnostic('PCI030', 'warning', `branch pattern ${JSON.stringify(branch)} is tested with startsWith, which also matches deeper branches (${prefix}a/b)`, { path, hint: `use "${prefix}**" to say so, or list the branches` }));
    }
    return `startsWith(github.ref, ${expressionString(`refs/heads/${prefix}`)})`;
  }
  diagnostics.push(diagnostic('PCI030', 'error', `branch pattern ${JSON.stringify(branch)} cannot be expressed in a GitHub job condition (only "prefix/*" and "prefix/**" patterns can)`, { path, hint: 'list the branches, or use a prefix pattern such as release/*' }));
  return undefined;
}

/** The `if:` of a job (undefined: always), and whether it needs the workflow_dispatch trigger. */
export function jobCondition(conditions: Conditions | undefined, jobId: string, diagnostics: Diagnostic[]): { condition?: string; manual: boolean } {
  if (!conditions) return { manual: false };
  const refTests: string[] = [];
  (conditions.branches ?? []).forEach((b, i) => {
    const t = branchTest(b, formatPath(['jobs', jobId, 'conditions', 'branches', i]), diagnostics);
    if (t) refTests.push(t);
  });
  if (conditions.tags) refTests.push("startsWith(github.ref, 'refs/tags/')");
  const parts: string[] = [];
  if (refTests.length === 1) parts.push(refTests[0]);
  else if (refTests.length > 1) parts.push(conditions.manual ? `(${refTests.join(' || ')})` : refTests.join(' || '));
  if (conditions.manual) {
    parts.push("github.event_name == 'workflow_dispatch'");
    diagnostics.push(diagnostic('PCI030', 'warning', `GitHub has no manual job: job "${jobId}" runs only when the workflow is started by hand (workflow_dispatch)`, { path: formatPath(['jobs', jobId, 'conditions', 'manual']), hint: 'for an approval before the job, give it an environment with required reviewers (vendor.github.environment)' }));
  }
  return { condition: parts.length > 0 ? parts.join(' && ') : undefined, manual: conditions.manual === true };
}

function stringLiteral(s: string): string | undefined {
  const m = /^'((?:[^']|'')*)'$/.exec(s.trim());
  return m ? m[1].replace(/''/g, "'") : undefined;
}

function refTest(test: string): { branch?: string; tags?: true } | undefined {
  const t = test.trim();
  let m = /^github\.ref\s*==\s*('(?:[^']|'')*')$/.exec(t);
  if (m) {
    const ref = stringLiteral(m[1])!;
    return ref.startsWith('refs/heads/') ? { branch: ref.slice(11) } : undefined;
  }
  m = /^startsWith\(\s*github\.ref\s*,\s*('(?:[^']|'')*')\s*\)$/.exec(t);
  if (m) {
    const prefix = stringLiteral(m[1])!;
    if (prefix === 'refs/tags/') return { tags: true };
    if (prefix.startsWith('refs/heads/')) return { branch: `${prefix.slice(11)}*` };
  }
  return undefined;
}

/** A job's `if:` back into conditions, when it only tests the ref and the event; undefined otherwise. */
export function parseJobCondition(expression: string): Conditions | undefined {
  let e = expression.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(e);
  if (wrapped) e = wrapped[1].trim();
  if (e.includes('${{')) return undefined;
  const conditions: Conditions = {};
  const parts = e.split(/\s+&&\s+/);
  for (let part of parts) {
    part = part.trim();
    // && binds tighter than ||: an unparenthesised || beside && is not a list of refs.
    if (parts.length > 1 && part.includes('||') && !(part.startsWith('(') && part.endsWith(')'))) return undefined;
    if (/^github\.event_name\s*==\s*'workflow_dispatch'$/.test(part)) {
      conditions.manual = true;
      continue;
    }
    if (part.startsWith('(') && part.endsWith(')')) part = part.slice(1, -1);
    for (const alt of part.split(/\s+\|\|\s+/)) {
      const r = refTest(alt);
      if (!r) return undefined;
      if (r.tags) conditions.tags = true;
      if (r.branch !== undefined) (conditions.branches ??= []).push(r.branch);
    }
  }
  return Object.keys(conditions).length > 0 ? conditions : undefined;
}
