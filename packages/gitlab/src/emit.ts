/**
 * IR to `.gitlab-ci.yml`: one job per IR job, `needs:` for the DAG, stages derived
 * from it, triggers as `workflow:rules`, and each daemon strategy in GitLab's idiom.
 * https://docs.gitlab.com/ee/ci/yaml/
 */
import {
  diagnostic,
  hashHeader,
  jobStrategy,
  toYaml,
  usedBuiltins,
  type Diagnostic,
  type EmitOptions,
  type EmitResult,
  type Job,
  type Pipeline,
  type YamlValue,
  hasKeys,
  yamlEntries,
  outputFile,
} from '@polyci/core';
import { metaLine, type GitlabMeta } from './meta';
import { globalKeywords } from './model/job';
import { jobRules, workflowRules } from './rules';
import { derivedStage, pipelineStages } from './stages';
import { kubernetesLimits, resourcesNote, strategyParts } from './strategy';
import { jobScript } from './steps';
import { builtinSources, escapeLiteral, escapeVariableValue } from './variables';

export const gitlabFile = '.gitlab-ci.yml';

/** GitLab caps workflow:name at 255 characters. */
const maxWorkflowName = 255;

/** File keys for job ids: an id that is a GitLab keyword (`image`, `cache` ...) gets another key. */
export function jobKeys(ids: readonly string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  let taken: Set<string> | undefined;
  for (const id of ids) {
    if (!keywords.has(id)) {
      keys[id] = id;
      continue;
    }
    taken ??= new Set<string>(ids);
    let key = `${id}-job`;
    while (taken.has(key)) key += '_';
    taken.add(key);
    keys[id] = key;
  }
  return keys;
}

const keywords: ReadonlySet<string> = new Set(globalKeywords);

function escapeEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env)) out[k] = escapeVariableValue(env[k]);
  return out;
}

/** Does a job run only on some refs (so another job cannot simply need it)? */
function conditional(job: Job | undefined): boolean {
  return job?.conditions?.branches !== undefined || job?.conditions?.tags === true;
}

type JobMeta = NonNullable<GitlabMeta['jobs']>[string];

/** One job's mapping; its findings go straight into `diagnostics`, its meta into `meta`. */
function emitJob(pipeline: Pipeline, id: string, job: Job, stage: string, keys: Record<string, string>, meta: JobMeta, diagnostics: Diagnostic[]): Record<string, YamlValue> {
  const at = `jobs.${id}`;
  const strategy = jobStrategy(job);
  const parts = strategy ? strategyParts(strategy, `${at}.docker`) : undefined;
  if (parts) for (const d of parts.diagnostics) diagnostics.push(d);

  let image: YamlValue = job.image;
  if (parts && (parts.imageRequired || job.image === undefined)) {
    if (job.image !== undefined) {
      diagnostics.push(diagnostic('PCI031', 'warning', `job.image "${job.image}" is replaced by the ${strategy!.strategy} builder image, which runs the build`, { path: `${at}.image`, hint: 'drop `image`, or move the steps that need it to a job of their own' }));
    }
    image = parts.image as YamlValue;
  }

  const services: YamlValue[] = [];
  if (parts?.service) services.push(parts.service as YamlValue);
  const strategyService = parts?.service && typeof parts.service !== 'string' ? parts.service : undefined;
  for (let i = 0; i < job.services.length; i++) {
    const s = job.services[i];
    if (strategyService && strategyService.alias === s.alias) {
      diagnostics.push(diagnostic('PCI030', 'error', `service alias "${s.alias}" is the alias of the ${strategy!.strategy} service`, { path: `${at}.services[${i}].alias`, hint: 'rename the service' }));
    }
    if (s.ports && s.ports.length > 0) {
      diagnostics.push(diagnostic('PCI031', 'info', `GitLab services expose every port at their alias; ports ${s.ports.join(', ')} need no declaration`, { path: `${at}.services[${i}].ports` }));
    }
    const service: Record<string, YamlValue> = { name: s.image, alias: s.alias };
    if (s.env && hasKeys(s.env)) service.variables = escapeEnv(s.env);
    if (s.command) service.command = s.command;
    services.push(service);
  }

  const { script, checkoutVariables } = jobScript(id, job, strategy, parts?.waitForDaemon ?? false, diagnostics);

  const variables: Record<string, string> = {};
  for (const name of usedBuiltins(pipeline, job)) variables[name] = builtinSources[name];
  for (const k in checkoutVariables) variables[k] = checkoutVariables[k];
  if (parts) for (const k in parts.variables) variables[k] = parts.variables[k];
  if (job.runner?.resources) {
    const limits = kubernetesLimits('', job.runner.resources);
    for (const k in limits) {
      if (variables[k] !== undefined) diagnostics.push(diagnostic('PCI030', 'warning', `runner.resources and docker.resources both set ${k}; the runner's value wins`, { path: `${at}.runner.resources` }));
    }
    for (const k in limits) variables[k] = limits[k];
    diagnostics.push(resourcesNote(`${at}.runner.resources`, 'job'));
  }
  for (const k of Object.keys(job.env)) {
    const v = job.env[k];
    if (variables[k] !== undefined && variables[k] !== v) {
      diagnostics.push(diagnostic('PCI030', 'warning', `env ${k} overrides the value polyci sets for this job (${variables[k]})`, { path: `${at}.env.${k}`, hint: 'rename the variable unless overriding it is the point' }));
    }
    variables[k] = escapeVariableValue(v);
  }

  if (job.name !== undefined) meta.name = job.name;
  // The socket is the runner's volume: nothing in the job says which one, or that there is one.
  if (strategy?.strategy === 'socket' || strategy?.strategy === 'socket-proxy') meta.socket = strategy.path;
  if ((strategy?.strategy === 'dind' || strategy?.strategy === 'dind-rootless') && strategy.cacheVolume) meta.cacheVolume = true;
  if (job.secrets.length > 0) meta.secrets = job.secrets;
  if (job.policy) meta.policy = job.policy;
  if (job.stage !== undefined && job.stage === stage && stage.startsWith('stage-')) meta.stage = job.stage;
  if (job.runner?.labels) {
    meta.labels = job.runner.labels;
    diagnostics.push(diagnostic('PCI031', 'warning', 'GitLab picks runners by tags; runner.labels is not used', { path: `${at}.runner.labels`, hint: 'use runner.tags for GitLab' }));
  }
  if (job.runner?.queue !== undefined) {
    meta.queue = job.runner.queue;
    diagnostics.push(diagnostic('PCI031', 'warning', 'GitLab picks runners by tags; runner.queue is not used', { path: `${at}.runner.queue`, hint: 'use runner.tags for GitLab' }));
  }

  const needs: YamlValue[] = [];
  for (const n of job.needs) {
    if (!conditional(pipeline.jobs[n])) {
      needs.push(keys[n] ?? n);
      continue;
    }
    needs.push({ job: keys[n] ?? n, optional: true });
    // GitLab refuses to create a pipeline in which a job needs one its rules left out.
    diagnostics.push(
      diagnostic('PCI030', 'warning', `job "${id}" needs "${n}", which runs only on some branches or tags: GitLab cannot skip "${id}" with it, so the need is optional and "${id}" runs without "${n}" where "${n}" does not run`, {
        path: `${at}.needs`,
        hint: `give "${id}" the same conditions as "${n}" if it must not run without it`,
      }),
    );
  }
  // Keys in the order GitLab users write them; assigned one by one, not spread.
  const doc: Record<string, YamlValue> = { stage, needs };
  if (job.runner?.tags) doc.tags = job.runner.tags;
  if (image !== undefined) doc.image = image;
  if (services.length > 0) doc.services = services;
  if (hasKeys(variables)) doc.variables = variables;
  const rules = jobRules(job.conditions);
  if (rules) doc.rules = rules as YamlValue;
  if (job.timeoutMinutes !== undefined) doc.timeout = `${job.timeoutMinutes}m`;
  if (job.retry !== undefined) doc.retry = job.retry;
  doc.script = script;
  if (job.artifacts) {
    const artifacts: Record<string, YamlValue> = { paths: job.artifacts.paths };
    if (job.artifacts.expireIn !== undefined) artifacts.expire_in = job.artifacts.expireIn;
    doc.artifacts = artifacts;
  }
  if (job.cache) doc.cache = { key: job.cache.key, paths: job.cache.paths };
  if (job.cache && (/[/\\]|%2F/i.test(job.cache.key) || job.cache.key === '.' || job.cache.key === '..')) {
    diagnostics.push(diagnostic('PCI030', 'error', `GitLab rejects the cache key "${job.cache.key}" (no / or \\, not . or ..)`, { path: `${at}.cache.key`, hint: 'use a key without slashes' }));
  }
  const vendor = job.vendor?.gitlab;
  if (vendor) {
    for (const k of Object.keys(vendor)) {
      if (doc[k] !== undefined) diagnostics.push(diagnostic('PCI032', 'info', `vendor.gitlab.${k} replaces the "${k}" polyci emits`, { path: `${at}.vendor.gitlab.${k}` }));
      doc[k] = vendor[k] as YamlValue;
    }
  }
  return doc;
}

/** Jobs per toYaml call: enough to amortise the call, few enough that a batch's objects die young. */
const jobsPerBatch = 200;

/**
 * Can the jobs be written in batches? toYaml writes a mapping key by key, so a batch
 * of job keys is the same text as those keys' lines in the whole document, as long as
 * the keys keep their places: no pipeline vendor key may replace a job (it would take
 * the job's place), sort before the others (integer-like keys do), or be a name the
 * document object inherits (its old `!== undefined` test sees those as set).
 */
function batchable(vendor: Record<string, unknown>, fileKeys: ReadonlySet<string>): boolean {
  for (const k of Object.keys(vendor)) if (fileKeys.has(k) || /^[0-9]+$/.test(k) || k in Object.prototype) return false;
  return true;
}

/** Emit `.gitlab-ci.yml` for a checked pipeline. */
export function emitGitlab(pipeline: Pipeline, options: EmitOptions = {}): EmitResult {
  const diagnostics: Diagnostic[] = [];
  const ids = Object.keys(pipeline.jobs);
  const keys = jobKeys(ids);
  const { stages, stageOf, diagnostics: stageDiagnostics } = pipelineStages(pipeline);
  for (const d of stageDiagnostics) diagnostics.push(d);

  const meta: GitlabMeta = {};
  const renamed: Record<string, string> = {};
  let anyRenamed = false;
  for (const id of ids) {
    if (keys[id] === id) continue;
    renamed[id] = keys[id];
    anyRenamed = true;
  }
  if (anyRenamed) meta.keys = renamed;
  if (hasKeys(pipeline.policy)) meta.policy = pipeline.policy;

  const workflowName = escapeLiteral(pipeline.name);
  const workflow: Record<string, YamlValue> = {};
  if (workflowName.length <= maxWorkflowName) workflow.name = workflowName;
  else diagnostics.push(diagnostic('PCI031', 'warning', `workflow:name holds at most ${maxWorkflowName} characters; the pipeline name is not shown`, { path: 'name' }));
  const rules = workflowRules(pipeline.triggers);
  workflow.rules = rules.length > 0 ? (rules as YamlValue) : [{ when: 'never' }];
  if (rules.length === 0) diagnostics.push(diagnostic('PCI030', 'warning', 'the pipeline has no trigger, so GitLab never starts it', { path: 'triggers' }));

  const crons = (pipeline.triggers.schedule ?? []).map((s) => s.cron);
  if (crons.length > 0) {
    meta.schedules = crons;
    diagnostics.push(
      diagnostic('PCI030', 'info', 'GitLab keeps schedules in the project, not in .gitlab-ci.yml', {
        path: 'triggers.schedule',
        hint: `create a pipeline schedule (Build > Pipeline schedules) for each of: ${crons.join('; ')}`,
      }),
    );
  }

  const doc: Record<string, YamlValue> = { workflow, stages };
  if (hasKeys(pipeline.env)) doc.variables = escapeEnv(pipeline.env);
  const headKeys = Object.keys(doc);

  const vendor = pipeline.vendor?.gitlab ?? {};
  const fileKeys = new Set<string>();
  for (const id of ids) fileKeys.add(keys[id]);
  const inBatches = batchable(vendor, fileKeys);
  const chunks: string[] = [];
  let batch: Record<string, YamlValue> = {};
  let inBatch = 0;

  const jobMeta: NonNullable<GitlabMeta['jobs']> = {};
  let anyJobMeta = false;
  const secretsByJob: string[] = [];
  for (const id of ids) {
    const job = pipeline.jobs[id];
    const emittedMeta: JobMeta = {};
    const jobDoc = emitJob(pipeline, id, job, stageOf.get(id) ?? derivedStage(0), keys, emittedMeta, diagnostics);
    if (hasKeys(emittedMeta)) {
      jobMeta[id] = emittedMeta;
      anyJobMeta = true;
    }
    if (job.secrets.length > 0) secretsByJob.push(`${id}: ${job.secrets.join(', ')}`);
    if (!inBatches) {
      doc[keys[id]] = jobDoc;
      continue;
    }
    batch[keys[id]] = jobDoc;
    if (++inBatch >= jobsPerBatch) {
      chunks.push(yamlEntries(batch));
      batch = {};
      inBatch = 0;
    }
  }
  if (inBatch > 0) chunks.push(yamlEntries(batch));
  if (anyJobMeta) meta.jobs = jobMeta;
  if (secretsByJob.length > 0) {
    diagnostics.push(
      diagnostic('PCI030', 'info', `define these as masked, protected CI/CD variables (Settings > CI/CD > Variables); jobs read them by name: ${secretsByJob.join('; ')}`, {
        path: 'jobs',
        hint: 'GitLab passes project CI/CD variables to every job; protect them so only protected branches and tags see them',
      }),
    );
  }
  for (const k of Object.keys(vendor)) {
    const v = vendor[k];
    if (doc[k] !== undefined) diagnostics.push(diagnostic('PCI032', 'info', `vendor.gitlab.${k} replaces the "${k}" polyci emits`, { path: `vendor.gitlab.${k}` }));
    doc[k] = v as YamlValue;
    // A job kept whole (a trigger job) must find its stage in `stages`.
    const stage = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).stage : undefined;
    if (typeof stage === 'string' && !stages.includes(stage) && stage !== '.pre' && stage !== '.post') stages.push(stage);
  }

  const header = hashHeader(options.source) + (hasKeys(meta) ? metaLine(meta) : '');
  if (!inBatches) return { files: [{ path: gitlabFile, contents: header + toYaml(doc) }], diagnostics };
  // The document's own keys, then the jobs, then the vendor keys it did not have.
  const head: Record<string, YamlValue> = {};
  const tail: Record<string, YamlValue> = {};
  for (const k of headKeys) head[k] = doc[k];
  for (const k of Object.keys(doc)) if (!headKeys.includes(k)) tail[k] = doc[k];
  // Kept in pieces (outputFile): the CLI writes them one by one, never the whole text.
  const body = [yamlEntries(head), ...chunks, yamlEntries(tail)];
  if (!body.some((piece) => piece !== '')) body.push('{}\n');
  return { files: [outputFile(gitlabFile, [header, ...body])], diagnostics };
}
