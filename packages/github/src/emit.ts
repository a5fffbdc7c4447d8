/**
 * IR to `.github/workflows/<name>.yml`.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions
 */
import {
  callsDocker,
  diagnostic,
  formatPath,
  hashHeader,
  jobStrategy,
  referencedVariables,
  toYaml,
  usedBuiltins,
  type BuiltinVariable,
  type Diagnostic,
  type EmitOptions,
  type EmitResult,
  type Job,
  type Pipeline,
  type YamlValue,
  targetIds,
} from '@polyci/core';
import { actionRef, pinnedActions } from './actions';
import { jobCondition } from './conditions';
import { escapeExpressions } from './expressions';
import { emitStep, escapedEnv, readinessStep, type GithubStep } from './steps';
import { strategyParts, type GithubService } from './strategy';
import { workflowTriggers } from './triggers';

/** How each built-in variable is spelled in GitHub's contexts. */
export const builtinExpressions: Record<BuiltinVariable, string> = {
  POLYCI_BUILD_NUMBER: '${{ github.run_number }}',
  POLYCI_COMMIT_SHA: '${{ github.sha }}',
  // ref_name is the tag for tags and "<n>/merge" for pull requests; the IR wants the branch, empty for tags.
  POLYCI_BRANCH: "${{ github.head_ref || (github.ref_type == 'branch' && github.ref_name || '') }}",
};

export const defaultRunsOn = 'ubuntu-latest';

/** The file name of a workflow: its pipeline name as a slug. */
export function workflowSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug === '' ? 'ci' : slug;
}

/** Path of the workflow file of a pipeline. */
export function workflowPath(pipeline: Pipeline): string {
  return `.github/workflows/${workflowSlug(pipeline.name)}.yml`;
}

function checkEnvNames(env: Record<string, string>, path: string, diagnostics: Diagnostic[]): void {
  for (const [k, v] of Object.entries(env)) {
    if (/^(GITHUB|RUNNER)_/.test(k)) diagnostics.push(diagnostic('PCI030', 'warning', `GitHub does not let a workflow set ${k}: the runner's own value wins`, { path: `${path}.${k}`, hint: 'rename the variable' }));
    if (referencedVariables(v).length > 0) diagnostics.push(diagnostic('PCI030', 'warning', `GitHub does not expand $NAME in env values: ${k} is passed literally`, { path: `${path}.${k}`, hint: 'expand the variable in the run step that uses it' }));
  }
}

/** expireIn ("30 days", "1 week") as upload-artifact's retention-days. */
function retentionDays(expireIn: string): number | undefined {
  const m = /^\s*(\d+)\s*(d|days?|w|weeks?|mo|months?)\s*$/i.exec(expireIn);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const days = unit.startsWith('w') ? n * 7 : unit.startsWith('m') ? n * 30 : n;
  return Math.min(Math.max(days, 1), 90);
}

function stepUsesDocker(job: Job, i: number): boolean {
  const s = job.steps[i];
  return 'buildImage' in s || ('run' in s && callsDocker(s.run));
}

function emitJob(pipeline: Pipeline, jobId: string, job: Job, slug: string, diagnostics: Diagnostic[]): { job: { [key: string]: YamlValue }; manual: boolean } {
  const at = (...rest: (string | number)[]) => formatPath(['jobs', jobId, ...rest]);
  const out: { [key: string]: YamlValue } = {};
  if (job.name !== undefined) out.name = escapeExpressions(job.name);
  if (job.needs.length > 0) out.needs = [...job.needs];
  const { condition, manual } = jobCondition(job.conditions, jobId, diagnostics);
  if (condition) out.if = condition;

  const vendor = job.vendor?.github;
  if (vendor && typeof vendor.uses === 'string') {
    // A reusable workflow call is a job without runner or steps: only the vendor keys say what it does.
    diagnostics.push(diagnostic('PCI030', 'info', `job "${jobId}" calls the reusable workflow ${vendor.uses}; its IR steps are not emitted`, { path: at('vendor', 'github', 'uses') }));
    for (const [k, v] of Object.entries(vendor)) out[k] = v as YamlValue;
    return { job: out, manual };
  }
  const labels = job.runner?.labels ?? [defaultRunsOn];
  out['runs-on'] = labels.length === 1 ? escapeExpressions(labels[0]) : labels.map(escapeExpressions);
  if (job.runner?.queue) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub has no queues: runner.queue of job "${jobId}" is dropped`, { path: at('runner', 'queue'), hint: 'use runner.labels (runs-on)' }));
  if (job.runner?.tags) diagnostics.push(diagnostic('PCI031', 'warning', `runner.tags of job "${jobId}" are GitLab runner tags and are dropped`, { path: at('runner', 'tags'), hint: 'use runner.labels (runs-on)' }));
  if (job.runner?.resources) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub sizes jobs by runner label: runner.resources of job "${jobId}" is dropped`, { path: at('runner', 'resources'), hint: 'pick a larger runner with runner.labels' }));
  if (job.stage) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub has no stages: stage of job "${jobId}" is dropped (needs order the jobs)`, { path: at('stage') }));
  if (job.timeoutMinutes !== undefined) out['timeout-minutes'] = job.timeoutMinutes;
  if (job.retry !== undefined && job.retry > 0) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub Actions cannot retry a job automatically: retry of job "${jobId}" is dropped`, { path: at('retry'), hint: 're-run failed jobs from the UI or API, or retry inside the run step' }));

  const strategy = jobStrategy(job);
  const parts = strategy ? strategyParts(strategy, job, jobId, slug, diagnostics) : { container: job.image ? { image: job.image } : undefined, services: {}, readinessWait: false };
  const container = parts.container;
  if (container) {
    const c: { [key: string]: YamlValue } = { image: escapeExpressions(container.image) };
    if (container.env && Object.keys(container.env).length > 0) c.env = container.env;
    if (container.volumes) c.volumes = container.volumes;
    if (container.options) c.options = container.options;
    out.container = c;
  }

  const services: { [key: string]: YamlValue } = {};
  const serviceValue = (s: GithubService): { [key: string]: YamlValue } => ({ image: s.image, env: s.env, ports: s.ports, volumes: s.volumes, options: s.options });
  for (const [id, s] of Object.entries(parts.services)) services[id] = serviceValue(s);
  job.services.forEach((svc, i) => {
    if (services[svc.alias]) {
      diagnostics.push(diagnostic('PCI030', 'error', `service alias "${svc.alias}" of job "${jobId}" is taken by the docker strategy`, { path: at('services', i, 'alias'), hint: 'rename the service' }));
      return;
    }
    const s: { [key: string]: YamlValue } = { image: escapeExpressions(svc.image) };
    if (svc.env && Object.keys(svc.env).length > 0) s.env = escapedEnv(svc.env);
    if (svc.ports && svc.ports.length > 0) s.ports = container ? svc.ports.map((p) => p) : svc.ports.map((p) => `${p}:${p}`);
    if (svc.command) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub service containers take no command: the command of service "${svc.alias}" is dropped`, { path: at('services', i, 'command'), hint: 'use an image whose default command does what you need' }));
    services[svc.alias] = s;
  });
  if (!container && job.services.length > 0) diagnostics.push(diagnostic('PCI030', 'warning', `job "${jobId}" runs on the runner, not in a container: its services are reached on localhost at their ports, not by alias`, { path: at('services'), hint: 'give the job an image so that services are reached by alias' }));
  if (Object.keys(services).length > 0) out.services = services;

  const env: { [key: string]: YamlValue } = {};
  checkEnvNames(job.env, at('env'), diagnostics);
  Object.assign(env, escapedEnv(job.env));
  for (const name of job.secrets) {
    if (name in job.env) diagnostics.push(diagnostic('PCI030', 'error', `job "${jobId}" has both an env variable and a secret named ${name}`, { path: at('secrets'), hint: 'rename one of them' }));
    env[name] = `\${{ secrets.${name} }}`;
  }
  for (const b of usedBuiltins(pipeline, job)) env[b] = builtinExpressions[b];
  if (Object.keys(env).length > 0) out.env = env;

  if (labels.some((l) => /windows/i.test(l))) {
    out.defaults = { run: { shell: 'bash' } };
    diagnostics.push(diagnostic('PCI030', 'warning', `job "${jobId}" runs on Windows, which has no sh: its run steps use bash`, { path: at('runner', 'labels') }));
  }

  const steps: GithubStep[] = [];
  const after = job.steps.findIndex((s) => 'checkout' in s);
  const prelude: GithubStep[] = [];
  // Actions read their inputs trimmed, and path lists one per line.
  const inputLine = (value: string, path: string, what: string) => {
    if (/[\r\n]/.test(value) || value.trim() !== value || value === '') diagnostics.push(diagnostic('PCI030', 'error', `${what} ${JSON.stringify(value)} cannot be an input of a GitHub action (inputs are trimmed, paths are one per line)`, { path, hint: 'remove line breaks and surrounding spaces' }));
  };
  job.artifacts?.paths.forEach((p, i) => inputLine(p, at('artifacts', 'paths', i), 'artifact path'));
  job.cache?.paths.forEach((p, i) => inputLine(p, at('cache', 'paths', i), 'cache path'));
  if (job.cache) {
    inputLine(job.cache.key, at('cache', 'key'), 'cache key');
    if (job.cache.key.includes(',')) diagnostics.push(diagnostic('PCI030', 'error', 'actions/cache refuses keys with commas', { path: at('cache', 'key'), hint: 'use another separator' }));
    if (referencedVariables(job.cache.key).length > 0) diagnostics.push(diagnostic('PCI030', 'warning', `GitHub does not expand $NAME in the cache key of job "${jobId}"`, { path: at('cache', 'key'), hint: 'use a literal key' }));
    prelude.push({ name: 'Restore cache', uses: actionRef('cache'), with: { key: escapeExpressions(job.cache.key), path: job.cache.paths.map(escapeExpressions).join('\n') } });
  }
  for (const need of job.needs) {
    if (pipeline.jobs[need]?.artifacts) prelude.push({ name: `Download artifacts of ${need}`, uses: actionRef('downloadArtifact'), with: { name: need } });
  }
  if (after < 0) steps.push(...prelude);
  let waited = false;
  job.steps.forEach((step, i) => {
    if (parts.readinessWait && !waited && stepUsesDocker(job, i)) {
      steps.push(readinessStep());
      waited = true;
    }
    steps.push(...emitStep(step, i, jobId, strategy, 'builder' in parts ? parts.builder : undefined, job.secrets, diagnostics));
    if (i === after) steps.push(...prelude);
  });
  if (job.artifacts) {
    const w: { [key: string]: YamlValue } = { name: jobId, path: job.artifacts.paths.map(escapeExpressions).join('\n') };
    if (job.artifacts.expireIn !== undefined) {
      const days = retentionDays(job.artifacts.expireIn);
      if (days === undefined) diagnostics.push(diagnostic('PCI031', 'warning', `artifacts.expireIn ${JSON.stringify(job.artifacts.expireIn)} of job "${jobId}" is not a number of days, weeks or months; the repository's retention applies`, { path: at('artifacts', 'expireIn'), hint: 'write it as "7 days"' }));
      else w['retention-days'] = days;
    }
    steps.push({ name: 'Upload artifacts', uses: actionRef('uploadArtifact'), with: w });
  }
  out.steps = steps;

  if (vendor) for (const [k, v] of Object.entries(vendor)) out[k] = v as YamlValue;
  return { job: out, manual };
}

/** The workflow of a checked pipeline. */
export function emitGithub(pipeline: Pipeline, options: EmitOptions = {}): EmitResult {
  const diagnostics: Diagnostic[] = [];
  for (const key of Object.keys(options)) {
    if (key !== 'source' && !(targetIds as readonly string[]).includes(key)) diagnostics.push(diagnostic('PCI032', 'error', `unknown github option "${key}"`, { path: `options.${key}`, hint: 'the github target takes no options' }));
  }
  const slug = workflowSlug(pipeline.name);
  const jobs: { [key: string]: YamlValue } = {};
  let manual = false;
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    const emitted = emitJob(pipeline, id, job, slug, diagnostics);
    jobs[id] = emitted.job;
    manual ||= emitted.manual;
  }
  checkEnvNames(pipeline.env, 'env', diagnostics);
  const workflow: { [key: string]: YamlValue } = {
    name: escapeExpressions(pipeline.name),
    on: workflowTriggers(pipeline, manual, diagnostics),
    permissions: { contents: 'read' },
    // The IR's run steps are sh with set -e: `shell: sh` is `sh -e {0}` on GitHub.
    defaults: { run: { shell: 'sh' } },
  };
  if (Object.keys(pipeline.env).length > 0) workflow.env = escapedEnv(pipeline.env);
  workflow.jobs = jobs;
  const vendor = pipeline.vendor?.github;
  if (vendor) for (const [k, v] of Object.entries(vendor)) workflow[k] = v as YamlValue;
  const text = hashHeader(options.source) + toYaml(workflow);
  return { files: [{ path: workflowPath(pipeline), contents: text }], diagnostics };
}

export { pinnedActions };
