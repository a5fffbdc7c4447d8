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
  const taken = new Set<string>(ids);
  for (const id of ids) {
    if (!(globalKeywords as readonly string[]).includes(id)) {
      keys[id] = id;
      continue;
    }
    let key = `${id}-job`;
    while (taken.has(key)) key += '_';
    taken.add(key);
    keys[id] = key;
  }
  return keys;
}

function escapeEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).map((k) => [k, escapeVariableValue(env[k])]));
}

/** Does a job run only on some refs (so another job cannot simply need it)? */
function conditional(job: Job | undefined): boolean {
  return job?.conditions?.branches !== undefined || job?.conditions?.tags === true;
}

interface JobEmit {
  doc: Record<string, YamlValue>;
  meta: NonNullable<GitlabMeta['jobs']>[string];
  diagnostics: Diagnostic[];
}

function emitJob(pipeline: Pipeline, id: string, job: Job, stage: string, keys: Record<string, string>): JobEmit {
  const at = `jobs.${id}`;
  const diagnostics: Diagnostic[] = [];
  const meta: JobEmit['meta'] = {};
  const strategy = jobStrategy(job);
  const parts = strategy ? strategyParts(strategy, `${at}.docker`) : undefined;
  if (parts) diagnostics.push(...parts.diagnostics);

  let image: YamlValue = job.image;
  if (parts && (parts.imageRequired || job.image === undefined)) {
    if (job.image !== undefined) {
      diagnostics.push(diagnostic('PCI031', 'warning', `job.image "${job.image}" is replaced by the ${strategy!.strategy} builder image, which runs the build`, { path: `${at}.image`, hint: 'drop `image`, or move the steps that need it to a job of their own' }));
    }
    image = parts.image as YamlValue;
  }

  const services: YamlValue[] = [];
  if (parts?.service) services.push(parts.service as YamlValue);
  job.services.forEach((s, i) => {
    if (parts?.service && typeof parts.service !== 'string' && parts.service.alias === s.alias) {
      diagnostics.push(diagnostic('PCI030', 'error', `service alias "${s.alias}" is the alias of the ${strategy!.strategy} service`, { path: `${at}.services[${i}].alias`, hint: 'rename the service' }));
    }
    if (s.ports && s.ports.length > 0) {
      diagnostics.push(diagnostic('PCI031', 'info', `GitLab services expose every port at their alias; ports ${s.ports.join(', ')} need no declaration`, { path: `${at}.services[${i}].ports` }));
    }
    services.push({
      name: s.image,
      alias: s.alias,
      ...(s.env && Object.keys(s.env).length > 0 ? { variables: escapeEnv(s.env) } : {}),
      ...(s.command ? { command: s.command } : {}),
    });
  });

  const { script, checkoutVariables, diagnostics: stepDiagnostics } = jobScript(id, job, strategy, parts?.waitForDaemon ?? false);
  diagnostics.push(...stepDiagnostics);

  const variables: Record<string, string> = {};
  for (const name of usedBuiltins(pipeline, job)) variables[name] = builtinSources[name];
  Object.assign(variables, checkoutVariables, parts?.variables ?? {});
  if (job.runner?.resources) {
    const limits = kubernetesLimits('', job.runner.resources);
    for (const k of Object.keys(limits)) {
      if (variables[k] !== undefined) diagnostics.push(diagnostic('PCI030', 'warning', `runner.resources and docker.resources both set ${k}; the runner's value wins`, { path: `${at}.runner.resources` }));
    }
    Object.assign(variables, limits);
    diagnostics.push(resourcesNote(`${at}.runner.resources`, 'job'));
  }
  for (const [k, v] of Object.entries(job.env)) {
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

  for (const n of job.needs) {
    if (!conditional(pipeline.jobs[n])) continue;
    // GitLab refuses to create a pipeline in which a job needs one its rules left out.
    diagnostics.push(
      diagnostic('PCI030', 'warning', `job "${id}" needs "${n}", which runs only on some branches or tags: GitLab cannot skip "${id}" with it, so the need is optional and "${id}" runs without "${n}" where "${n}" does not run`, {
        path: `${at}.needs`,
        hint: `give "${id}" the same conditions as "${n}" if it must not run without it`,
      }),
    );
  }
  const doc: Record<string, YamlValue> = {
    stage,
    needs: job.needs.map((n) => (conditional(pipeline.jobs[n]) ? { job: keys[n] ?? n, optional: true } : keys[n] ?? n)),
    ...(job.runner?.tags ? { tags: job.runner.tags } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(services.length > 0 ? { services } : {}),
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
    ...(jobRules(job.conditions) ? { rules: jobRules(job.conditions) as YamlValue } : {}),
    ...(job.timeoutMinutes !== undefined ? { timeout: `${job.timeoutMinutes}m` } : {}),
    ...(job.retry !== undefined ? { retry: job.retry } : {}),
    script,
    ...(job.artifacts ? { artifacts: { paths: job.artifacts.paths, ...(job.artifacts.expireIn !== undefined ? { expire_in: job.artifacts.expireIn } : {}) } } : {}),
    ...(job.cache ? { cache: { key: job.cache.key, paths: job.cache.paths } } : {}),
  };
  if (job.cache && (/[/\\]|%2F/i.test(job.cache.key) || job.cache.key === '.' || job.cache.key === '..')) {
    diagnostics.push(diagnostic('PCI030', 'error', `GitLab rejects the cache key "${job.cache.key}" (no / or \\, not . or ..)`, { path: `${at}.cache.key`, hint: 'use a key without slashes' }));
  }
  for (const [k, v] of Object.entries(job.vendor?.gitlab ?? {})) {
    if (doc[k] !== undefined) diagnostics.push(diagnostic('PCI032', 'info', `vendor.gitlab.${k} replaces the "${k}" polyci emits`, { path: `${at}.vendor.gitlab.${k}` }));
    doc[k] = v as YamlValue;
  }
  return { doc, meta, diagnostics };
}

/** Emit `.gitlab-ci.yml` for a checked pipeline. */
export function emitGitlab(pipeline: Pipeline, options: EmitOptions = {}): EmitResult {
  const diagnostics: Diagnostic[] = [];
  const ids = Object.keys(pipeline.jobs);
  const keys = jobKeys(ids);
  const { stages, stageOf, diagnostics: stageDiagnostics } = pipelineStages(pipeline);
  diagnostics.push(...stageDiagnostics);

  const meta: GitlabMeta = {};
  const renamed = Object.fromEntries(ids.filter((id) => keys[id] !== id).map((id) => [id, keys[id]]));
  if (Object.keys(renamed).length > 0) meta.keys = renamed;
  if (Object.keys(pipeline.policy).length > 0) meta.policy = pipeline.policy;

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
  if (Object.keys(pipeline.env).length > 0) doc.variables = escapeEnv(pipeline.env);

  const jobMeta: NonNullable<GitlabMeta['jobs']> = {};
  const secretsByJob: string[] = [];
  for (const id of ids) {
    const job = pipeline.jobs[id];
    const emitted = emitJob(pipeline, id, job, stageOf[id] ?? derivedStage(0), keys);
    diagnostics.push(...emitted.diagnostics);
    if (Object.keys(emitted.meta).length > 0) jobMeta[id] = emitted.meta;
    if (job.secrets.length > 0) secretsByJob.push(`${id}: ${job.secrets.join(', ')}`);
    doc[keys[id]] = emitted.doc;
  }
  if (Object.keys(jobMeta).length > 0) meta.jobs = jobMeta;
  if (secretsByJob.length > 0) {
    diagnostics.push(
      diagnostic('PCI030', 'info', `define these as masked, protected CI/CD variables (Settings > CI/CD > Variables); jobs read them by name: ${secretsByJob.join('; ')}`, {
        path: 'jobs',
        hint: 'GitLab passes project CI/CD variables to every job; protect them so only protected branches and tags see them',
      }),
    );
  }
  for (const [k, v] of Object.entries(pipeline.vendor?.gitlab ?? {})) {
    if (doc[k] !== undefined) diagnostics.push(diagnostic('PCI032', 'info', `vendor.gitlab.${k} replaces the "${k}" polyci emits`, { path: `vendor.gitlab.${k}` }));
    doc[k] = v as YamlValue;
    // A job kept whole (a trigger job) must find its stage in `stages`.
    const stage = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).stage : undefined;
    if (typeof stage === 'string' && !stages.includes(stage) && stage !== '.pre' && stage !== '.post') stages.push(stage);
  }

  const header = hashHeader(options.source) + (Object.keys(meta).length > 0 ? metaLine(meta) : '');
  return { files: [{ path: gitlabFile, contents: header + toYaml(doc) }], diagnostics };
}
