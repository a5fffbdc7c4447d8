/**
 * IR steps as `script:` items. GitLab runs the items of `script` one after another
 * in one shell with `set -e` semantics, and hands each item to that shell
 * unchanged (no GitLab expansion), so user scripts are copied exactly. A step's
 * name rides along as a leading shell comment; per-step env is scoped with a subshell.
 * https://docs.gitlab.com/ee/ci/yaml/#script
 */
import {
  buildImageCommands,
  callsDocker,
  daemonReadinessWait,
  readinessWaitFor,
  unwaitableDaemon,
  diagnostic,
  formatPath,
  shellQuote,
  type CheckoutStep,
  type ConcreteStrategy,
  type Diagnostic,
  type Env,
  type Job,
} from '@polyci/core';

/** The readiness wait polyci puts before a job's first docker command. */
export const readinessWait = daemonReadinessWait();
/** The script of a job whose only step is the checkout GitLab does by itself. */
export const checkoutOnlyScript = ': polyci checkout only';

/** `# "name"`: a shell comment, one ASCII line whatever the name holds (JSON, with \\u escapes beyond ASCII). */
export function stepNameComment(name: string): string {
  return `# ${JSON.stringify(name).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
}

/** Like core's shellWord, but a reference keeps its spelling ($NAME or ${NAME}) so the importer gives it back. */
export function envWord(value: string): string {
  if (value === '') return "''";
  let out = '';
  let last = 0;
  for (const m of value.matchAll(/\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/g)) {
    const at = m.index ?? 0;
    if (at > last) out += shellQuote(value.slice(last, at));
    out += `"${m[0]}"`;
    last = at + m[0].length;
  }
  if (last < value.length) out += shellQuote(value.slice(last));
  return out;
}

/** Step env, scoped to the step by a subshell (GitLab has no per-command env). */
export function withStepEnv(script: string, env: Env): string {
  const exports = Object.keys(env).map((k) => `export ${k}=${envWord(env[k])}`);
  return `(\n${exports.join('\n')}\n${script}\n)`;
}

export interface ScriptResult {
  script: string[];
  /** Variables the checkout step stands for (GitLab clones before the script runs). */
  checkoutVariables: Record<string, string>;
}

function checkoutVariables(step: CheckoutStep | undefined): Record<string, string> {
  // A job without a checkout step means no clone at all.
  if (!step) return { GIT_STRATEGY: 'none' };
  const out: Record<string, string> = {};
  if (step.checkout.depth !== undefined) out.GIT_DEPTH = String(step.checkout.depth);
  if (step.checkout.submodules !== undefined) out.GIT_SUBMODULE_STRATEGY = step.checkout.submodules ? 'recursive' : 'none';
  return out;
}

// A large pipeline names its steps with a few names over and over: spell each comment once.
const nameComments = new Map<string, string>();

function nameComment(name: string): string {
  let comment = nameComments.get(name);
  if (comment === undefined) {
    if (nameComments.size >= 4096) nameComments.clear();
    comment = stepNameComment(name);
    nameComments.set(name, comment);
  }
  return comment;
}

/** A job's steps as script items, plus what its checkout means; findings go into `diagnostics`. */
export function jobScript(jobId: string, job: Job, strategy: ConcreteStrategy | undefined, waitForDaemon: boolean, diagnostics: Diagnostic[]): ScriptResult {
  const script: string[] = [];
  let checkout: CheckoutStep | undefined;
  let waited = false;
  // Spelled only for a finding.
  const pathOf = (i: number) => `${formatPath(['jobs', jobId])}.steps[${i}]`;
  for (let i = 0; i < job.steps.length; i++) {
    const step = job.steps[i];
    if ('checkout' in step) {
      if (checkout) {
        diagnostics.push(diagnostic('PCI030', 'warning', 'GitLab checks the repository out once, before the script: a second checkout step is dropped', { path: pathOf(i), hint: 'remove the extra checkout step' }));
        continue;
      }
      checkout = step;
      if (script.length > 0) diagnostics.push(diagnostic('PCI030', 'warning', 'GitLab checks the repository out before the first command: this checkout step runs first, not in its place', { path: pathOf(i), hint: 'make checkout the first step' }));
      if (step.name !== undefined) diagnostics.push(diagnostic('PCI031', 'info', 'GitLab has no step for the checkout, so its name is not shown', { path: `${pathOf(i)}.name` }));
      continue;
    }
    if (waitForDaemon && !waited && ('buildImage' in step || ('run' in step && callsDocker(step.run)))) {
      // a socket proxy answers only the probes its allow-list lets through
      const wait = strategy ? readinessWaitFor(strategy) : readinessWait;
      if (wait) script.push(wait);
      else diagnostics.push(unwaitableDaemon(jobId));
      waited = true;
    }
    let body: string;
    if ('run' in step) body = step.env && Object.keys(step.env).length > 0 ? withStepEnv(step.run, step.env) : step.run;
    else if ('buildImage' in step) body = buildImageCommands(step.buildImage, strategy ?? { strategy: 'dind', tls: true, cacheVolume: false }).join('\n');
    else if (step.vendor.target === 'gitlab' && typeof step.vendor.step === 'string') body = step.vendor.step;
    else {
      diagnostics.push(
        diagnostic('PCI031', 'warning', step.vendor.target === 'gitlab' ? 'a GitLab vendor step must be a script string' : `a ${step.vendor.target} step has no meaning on GitLab and is dropped`, {
          path: `${pathOf(i)}.vendor`,
          hint: 'use a run step, or a vendor step with target "gitlab" and a shell string',
        }),
      );
      continue;
    }
    script.push(step.name !== undefined ? `${nameComment(step.name)}\n${body}` : body);
  }
  if (script.length === 0) script.push(checkoutOnlyScript);
  return { script, checkoutVariables: checkoutVariables(checkout) };
}
