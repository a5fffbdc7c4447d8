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
  readinessWaitFor,
  referencedVariables,
  toYaml,
  unwaitableDaemon,
  usedBuiltins,
  type BuiltinVariable,
  type Diagnostic,
  type EmitOptions,
  type EmitResult,
  type Job,
  type Pipeline,
  type YamlValue,
  targetIds,
  hasKeys,
  yamlEntries,
  outputFile,
} from '@polyci/core';
import { actionRef, pinnedActions } from './actions';
import { jobCondition } from './conditions';
import { escapeExpressions } from './expressions';
import { emitStep, escapedEnv, readinessStep, type GithubStep } from './steps';
import { strategyParts, type StrategyParts } from './strategy';
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

const reservedEnvName = /^(GITHUB|RUNNER)_/;

function checkEnvNames(env: Record<string, string>, path: string, diagnostics: Diagnostic[]): void {
  for (const k of Object.keys(env)) {
    if (reservedEnvName.test(k)) diagnostics.push(diagnostic('PCI030', 'warning', `GitHub does not let a workflow set ${k}: the runner's own value wins`, { path: `${path}.${k}`, hint: 'rename the variable' }));
    if (referencedVariables(env[k]).length > 0) diagnostics.push(diagnostic('PCI030', 'warning', `GitHub does not expand $NAME in env values: ${k} is passed literally`, { path: `${path}.${k}`, hint: 'expand the variable in the run step that uses it' }));
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

/** Actions read their inputs trimmed, and path lists one per line. */
function checkInputLine(value: string, path: () => string, what: string, diagnostics: Diagnostic[]): void {
  if (/[\r\n]/.test(value) || value.trim() !== value || value === '') diagnostics.push(diagnostic('PCI030', 'error', `${what} ${JSON.stringify(value)} cannot be an input of a GitHub action (inputs are trimmed, paths are one per line)`, { path: path(), hint: 'remove line breaks and surrounding spaces' }));
}

const windowsLabel = /windows/i;

function emitJob(pipeline: Pipeline, jobId: string, job: Job, slug: string, diagnostics: Diagnostic[]): { job: { [key: string]: YamlValue }; manual: boolean } {
  // formatPath(['jobs', jobId, ...rest]): the rest are identifiers and indexes, appended to the job's path.
  const at = formatPath(['jobs', jobId]);
  const out: { [key: string]: YamlValue } = {};
  if (job.name !== undefined) out.name = escapeExpressions(job.name);
  if (job.needs.length > 0) out.needs = job.needs;
  const { condition, manual } = jobCondition(job.conditions, jobId, diagnostics);
  if (condition) out.if = condition;

  const vendor = job.vendor?.github;
  if (vendor && typeof vendor.uses === 'string') {
    // A reusable workflow call is a job without runner or steps: only the vendor keys say what it does.
    diagnostics.push(diagnostic('PCI030', 'info', `job "${jobId}" calls the reusable workflow ${vendor.uses}; its IR steps are not emitted`, { path: `${at}.vendor.github.uses` }));
    for (const k of Object.keys(vendor)) out[k] = vendor[k] as YamlValue;
    return { job: out, manual };
  }
  const labels = job.runner?.labels ?? [defaultRunsOn];
  out['runs-on'] = labels.length === 1 ? escapeExpressions(labels[0]) : labels.map((l) => escapeExpressions(l));
  if (job.runner?.queue) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub has no queues: runner.queue of job "${jobId}" is dropped`, { path: `${at}.runner.queue`, hint: 'use runner.labels (runs-on)' }));
  if (job.runner?.tags) diagnostics.push(diagnostic('PCI031', 'warning', `runner.tags of job "${jobId}" are GitLab runner tags and are dropped`, { path: `${at}.runner.tags`, hint: 'use runner.labels (runs-on)' }));
  if (job.runner?.resources) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub sizes jobs by runner label: runner.resources of job "${jobId}" is dropped`, { path: `${at}.runner.resources`, hint: 'pick a larger runner with runner.labels' }));
  if (job.stage) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub has no stages: stage of job "${jobId}" is dropped (needs order the jobs)`, { path: `${at}.stage` }));
  if (job.timeoutMinutes !== undefined) out['timeout-minutes'] = job.timeoutMinutes;
  if (job.retry !== undefined && job.retry > 0) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub Actions cannot retry a job automatically: retry of job "${jobId}" is dropped`, { path: `${at}.retry`, hint: 're-run failed jobs from the UI or API, or retry inside the run step' }));

  const strategy = jobStrategy(job);
  const parts: StrategyParts = strategy ? strategyParts(strategy, job, jobId, slug, diagnostics) : { container: job.image ? { image: job.image } : undefined, services: {}, readinessWait: false };
  const container = parts.container;
  if (container) {
    const c: { [key: string]: YamlValue } = { image: escapeExpressions(container.image) };
    if (container.env && hasKeys(container.env)) c.env = container.env;
    if (container.volumes) c.volumes = container.volumes;
    if (container.options) c.options = container.options;
    out.container = c;
  }

  const services: { [key: string]: YamlValue } = {};
  for (const id of Object.keys(parts.services)) {
    const s = parts.services[id];
    services[id] = { image: s.image, env: s.env, ports: s.ports, volumes: s.volumes, options: s.options };
  }
  for (let i = 0; i < job.services.length; i++) {
    const svc = job.services[i];
    if (services[svc.alias]) {
      diagnostics.push(diagnostic('PCI030', 'error', `service alias "${svc.alias}" of job "${jobId}" is taken by the docker strategy`, { path: `${at}.services[${i}].alias`, hint: 'rename the service' }));
      continue;
    }
    const s: { [key: string]: YamlValue } = { image: escapeExpressions(svc.image) };
    if (svc.env && hasKeys(svc.env)) s.env = escapedEnv(svc.env);
    if (svc.ports && svc.ports.length > 0) s.ports = container ? svc.ports : svc.ports.map((p) => `${p}:${p}`);
    if (svc.command) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub service containers take no command: the command of service "${svc.alias}" is dropped`, { path: `${at}.services[${i}].command`, hint: 'use an image whose default command does what you need' }));
    services[svc.alias] = s;
  }
  if (!container && job.services.length > 0) diagnostics.push(diagnostic('PCI030', 'warning', `job "${jobId}" runs on the runner, not in a container: its services are reached on localhost at their ports, not by alias`, { path: `${at}.services`, hint: 'give the job an image so that services are reached by alias' }));
  if (hasKeys(services)) out.services = services;

  checkEnvNames(job.env, `${at}.env`, diagnostics);
  const env = escapedEnv(job.env) as { [key: string]: YamlValue };
  for (const name of job.secrets) {
    if (name in job.env) diagnostics.push(diagnostic('PCI030', 'error', `job "${jobId}" has both an env variable and a secret named ${name}`, { path: `${at}.secrets`, hint: 'rename one of them' }));
    env[name] = `\${{ secrets.${name} }}`;
  }
  for (const b of usedBuiltins(pipeline, job)) env[b] = builtinExpressions[b];
  if (hasKeys(env)) out.env = env;

  if (labels.some((l) => windowsLabel.test(l))) {
    out.defaults = { run: { shell: 'bash' } };
    diagnostics.push(diagnostic('PCI030', 'warning', `job "${jobId}" runs on Windows, which has no sh: its run steps use bash`, { path: `${at}.runner.labels` }));
  }

  const steps: GithubStep[] = [];
  const after = job.steps.findIndex((s) => 'checkout' in s);
  const prelude: GithubStep[] = [];
  const artifacts = job.artifacts;
  const cache = job.cache;
  if (artifacts) for (let i = 0; i < artifacts.paths.length; i++) checkInputLine(artifacts.paths[i], () => `${at}.artifacts.paths[${i}]`, 'artifact path', diagnostics);
  if (cache) {
    for (let i = 0; i < cache.paths.length; i++) checkInputLine(cache.paths[i], () => `${at}.cache.paths[${i}]`, 'cache path', diagnostics);
    checkInputLine(cache.key, () => `${at}.cache.key`, 'cache key', diagnostics);
    if (cache.key.includes(',')) diagnostics.push(diagnostic('PCI030', 'error', 'actions/cache refuses keys with commas', { path: `${at}.cache.key`, hint: 'use another separator' }));
    if (referencedVariables(cache.key).length > 0) diagnostics.push(diagnostic('PCI030', 'warning', `GitHub does not expand $NAME in the cache key of job "${jobId}"`, { path: `${at}.cache.key`, hint: 'use a literal key' }));
    prelude.push({ name: 'Restore cache', uses: cacheAction, with: { key: escapeExpressions(cache.key), path: pathLines(cache.paths) } });
  }
  for (const need of job.needs) {
    if (pipeline.jobs[need]?.artifacts) prelude.push({ name: `Download artifacts of ${need}`, uses: downloadArtifactAction, with: { name: need } });
  }
  if (after < 0) for (const p of prelude) steps.push(p);
  let waited = false;
  const builder = 'builder' in parts ? parts.builder : undefined;
  for (let i = 0; i < job.steps.length; i++) {
    if (parts.readinessWait && !waited && stepUsesDocker(job, i)) {
      // a socket proxy answers only the probes its allow-list lets through
      const wait = strategy ? readinessWaitFor(strategy) : undefined;
      if (wait) steps.push(readinessStep(wait));
      else diagnostics.push(unwaitableDaemon(jobId));
      waited = true;
    }
    emitStep(job.steps[i], i, jobId, strategy, builder, job.secrets, diagnostics, steps);
    if (i === after) for (const p of prelude) steps.push(p);
  }
  if (artifacts) {
    const w: { [key: string]: YamlValue } = { name: jobId, path: pathLines(artifacts.paths) };
    if (artifacts.expireIn !== undefined) {
      const days = retentionDays(artifacts.expireIn);
      if (days === undefined) diagnostics.push(diagnostic('PCI031', 'warning', `artifacts.expireIn ${JSON.stringify(artifacts.expireIn)} of job "${jobId}" is not a number of days, weeks or months; the repository's retention applies`, { path: `${at}.artifacts.expireIn`, hint: 'write it as "7 days"' }));
      else w['retention-days'] = days;
    }
    steps.push({ name: 'Upload artifacts', uses: uploadArtifactAction, with: w });
  }
  out.steps = steps;

  if (vendor) for (const k of Object.keys(vendor)) out[k] = vendor[k] as YamlValue;
  return { job: out, manual };
}

const cacheAction = actionRef('cache');
const downloadArtifactAction = actionRef('downloadArtifact');
const uploadArtifactAction = actionRef('uploadArtifact');

/** Paths as an action input, one per line. */
function pathLines(paths: string[]): string {
  let out = '';
  for (let i = 0; i < paths.length; i++) out += i === 0 ? escapeExpressions(paths[i]) : `\n${escapeExpressions(paths[i])}`;
  return out;
}

/** Jobs per toYaml call: enough to amortise the call, few enough that a batch's objects die young. */
const jobsPerBatch = 200;

/**
 * Can the jobs be written in batches, apart from the rest of the workflow? Only when
 * `jobs` keeps its place among the workflow's keys: no vendor key replaces it, sorts
 * before the others (integer-like keys do) or is a name an object inherits.
 */
function batchable(vendor: Record<string, unknown> | undefined): boolean {
  if (vendor) for (const k of Object.keys(vendor)) if (k === 'jobs' || /^[0-9]+$/.test(k) || k in Object.prototype) return false;
  return true;
}

/** The workflow of a checked pipeline. */
export function emitGithub(pipeline: Pipeline, options: EmitOptions = {}): EmitResult {
  const diagnostics: Diagnostic[] = [];
  for (const key of Object.keys(options)) {
    if (key !== 'source' && !(targetIds as readonly string[]).includes(key)) diagnostics.push(diagnostic('PCI032', 'error', `unknown github option "${key}"`, { path: `options.${key}`, hint: 'the github target takes no options' }));
  }
  const slug = workflowSlug(pipeline.name);
  const vendor = pipeline.vendor?.github;
  const inBatches = batchable(vendor);
  const jobs: { [key: string]: YamlValue } = {};
  const chunks: string[] = [];
  let batch: { [key: string]: YamlValue } = {};
  let inBatch = 0;
  let manual = false;
  for (const id of Object.keys(pipeline.jobs)) {
    const emitted = emitJob(pipeline, id, pipeline.jobs[id], slug, diagnostics);
    manual ||= emitted.manual;
    if (!inBatches) {
      jobs[id] = emitted.job;
      continue;
    }
    batch[id] = emitted.job;
    if (++inBatch >= jobsPerBatch) {
      chunks.push(yamlEntries(batch, 1));
      batch = {};
      inBatch = 0;
    }
  }
  if (inBatch > 0) chunks.push(yamlEntries(batch, 1));
  checkEnvNames(pipeline.env, 'env', diagnostics);
  const workflow: { [key: string]: YamlValue } = {
    name: escapeExpressions(pipeline.name),
    on: workflowTriggers(pipeline, manual, diagnostics),
    permissions: { contents: 'read' },
    // The IR's run steps are sh with set -e: `shell: sh` is `sh -e {0}` on GitHub.
    defaults: { run: { shell: 'sh' } },
  };
  if (hasKeys(pipeline.env)) workflow.env = escapedEnv(pipeline.env);
  if (!inBatches) workflow.jobs = jobs;
  const headKeys = Object.keys(workflow);
  if (vendor) for (const k of Object.keys(vendor)) workflow[k] = vendor[k] as YamlValue;
  const header = hashHeader(options.source);
  if (!inBatches) return { files: [{ path: workflowPath(pipeline), contents: header + toYaml(workflow) }], diagnostics };
  // The workflow's own keys, then the jobs, then the vendor keys it did not have.
  const head: { [key: string]: YamlValue } = {};
  const tail: { [key: string]: YamlValue } = {};
  for (const k of headKeys) head[k] = workflow[k];
  for (const k of Object.keys(workflow)) if (!headKeys.includes(k)) tail[k] = workflow[k];
  // Kept in pieces (outputFile): the CLI writes them one by one, never the whole text.
  const pieces = [header, yamlEntries(head), chunks.length > 0 ? 'jobs:\n' : 'jobs: {}\n', ...chunks, yamlEntries(tail)];
  return { files: [outputFile(workflowPath(pipeline), pieces)], diagnostics };
}

export { pinnedActions };
