/**
 * One resolved GitLab job into an IR job. Every key either maps to the IR or is kept
 * under `vendor.gitlab` with a PCI042 naming its line.
 * https://docs.gitlab.com/ee/ci/yaml/#job-keywords
 */
import { diagnostic, socketProxySections, type Diagnostic, type JobInput, type StepInput } from '@polyci/core';
import type { GitlabMeta } from '../meta';
import { normalizeImage } from '../model/image';
import { JobSchema, jobKeywords } from '../model/job';
import { onlyRefs } from '../model/rules';
import { normalizeService, type GitlabService } from '../model/service';
import type { Position } from './parse';
import { isMapping, type Mapping } from './resolve';
import { stepsFromScript, flattenScript } from './steps';
import { detectStrategy } from './strategy';
import { withBuiltins } from './variables';
import { importVariables } from './variables';
import { conditionsFromOnly, conditionsFromRules } from './workflow';

/** Keys this converter reads; anything else is vendor-only. */
const mapped = new Set(['stage', 'image', 'services', 'variables', 'before_script', 'script', 'needs', 'rules', 'only', 'when', 'tags', 'timeout', 'retry', 'artifacts', 'cache', 'inherit', 'extends']);

export interface JobContext {
  key: string;
  id: string;
  ids: Record<string, string>;
  globalVariables: Mapping;
  meta?: NonNullable<GitlabMeta['jobs']>[string];
  /** polyci's own output: builds map only when polyci would write the same commands. */
  strict: boolean;
  /** The file key is not the IR id, and polyci did not rename it: the key is the job's name. */
  renamed: boolean;
  position(path: readonly (string | number)[]): Position | undefined;
}

export interface ImportedJob {
  job: JobInput;
  /** The job's stage as written (GitLab's default is "test"). */
  stage: string;
  /** Did the job say `needs:` (else it runs after every earlier stage)? */
  hasNeeds: boolean;
  diagnostics: Diagnostic[];
}

/** "30m", "1h 30m", "2 hours", "90 minutes", "45 min" in whole minutes. */
export function parseTimeout(text: string): number | undefined {
  const units: Record<string, number> = { m: 1, min: 1, mins: 1, minute: 1, minutes: 1, h: 60, hr: 60, hrs: 60, hour: 60, hours: 60, d: 1440, day: 1440, days: 1440, s: 1 / 60, sec: 1 / 60, secs: 1 / 60, second: 1 / 60, seconds: 1 / 60 };
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+)\s*([a-z]+)\s*/gi)) {
    const unit = units[m[2].toLowerCase()];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    matched += m[0];
  }
  if (matched.trim() !== text.trim() || total <= 0 || !Number.isInteger(total) || total > 10080) return undefined;
  return total;
}

function serviceAlias(name: string): string {
  // GitLab's own default: the image name without tag, last path segment.
  const base = name.split('@')[0].replace(/:[^/]*$/, '').split('/').pop() ?? 'service';
  const alias = base.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z_]+/, '');
  return alias === '' ? 'service' : alias.slice(0, 63);
}

export function importJob(input: Mapping, ctx: JobContext): ImportedJob {
  const diagnostics: Diagnostic[] = [];
  // `rules: [!reference [.x, rules], ...]` nests lists, which GitLab flattens.
  const raw: Mapping = Array.isArray(input.rules) ? { ...input, rules: input.rules.flat(10) } : input;
  const at = (...path: (string | number)[]) => ctx.position([ctx.key, ...path]) ?? ctx.position([ctx.key]);
  const irPath = `jobs.${ctx.id}`;
  const vendor: Mapping = {};
  const keep = (key: string, why: string, value: unknown = raw[key]) => {
    vendor[key] = value;
    diagnostics.push(diagnostic('PCI042', 'info', `${key}: ${why}; kept under vendor.gitlab`, { ...(at(key) ?? {}), path: `${irPath}.vendor.gitlab.${key}` }));
  };

  // The typed model of a job: a key of the wrong shape is reported at its line and read as far as it goes.
  const shape = JobSchema.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues.slice(0, 20)) {
      const where = ctx.position([ctx.key, ...issue.path]) ?? at(String(issue.path[0] ?? ''));
      diagnostics.push(diagnostic('PCI041', 'warning', `${[ctx.key, ...issue.path].join('.')}: ${issue.message}`, { ...(where ?? {}), path: irPath, hint: 'GitLab rejects this shape too; see https://docs.gitlab.com/ee/ci/yaml/' }));
    }
  }

  const services = (Array.isArray(raw.services) ? raw.services : []).filter((s): s is GitlabService => typeof s === 'string' || (isMapping(s) && typeof s.name === 'string'));
  const scripts = [...flattenScript(raw.before_script), ...flattenScript(raw.script)];
  const ownVariables = isMapping(raw.variables) ? raw.variables : {};
  const detected = detectStrategy(raw.image, services, ownVariables, ctx.globalVariables, scripts);
  for (const note of detected.notes) diagnostics.push(diagnostic('PCI042', 'info', note, { ...(at('services') ?? at('image') ?? {}), path: `${irPath}.docker` }));
  let strategy = detected.strategy;
  const socket = ctx.meta?.socket;
  if (socket !== undefined && (!strategy || strategy.strategy === 'socket')) strategy = { ...(strategy ?? {}), strategy: 'socket', path: socket } as typeof strategy;
  else if (socket !== undefined && strategy?.strategy === 'socket-proxy') strategy = { ...strategy, path: socket };
  if (ctx.meta?.cacheVolume === true && (strategy?.strategy === 'dind' || strategy?.strategy === 'dind-rootless')) strategy = { ...strategy, cacheVolume: true };

  const job: JobInput = { steps: [] };
  if (ctx.meta?.name !== undefined) job.name = ctx.meta.name;
  else if (ctx.key !== ctx.id && ctx.renamed) job.name = ctx.key;

  // variables, checkout and the strategy's scaffolding
  const vars = importVariables(ownVariables, (n) => at('variables', n), { skip: [...detected.consumedVariables, 'GIT_STRATEGY', 'GIT_DEPTH', 'GIT_SUBMODULE_STRATEGY'], irPath: `${irPath}.env` });
  diagnostics.push(...vars.diagnostics);
  if (Object.keys(vars.rawKept).length > 0) vendor.variables = vars.rawKept;
  const gitStrategy = ownVariables.GIT_STRATEGY ?? ctx.globalVariables.GIT_STRATEGY;
  if (gitStrategy !== undefined && gitStrategy !== 'none') vars.env.GIT_STRATEGY = String(gitStrategy);
  job.env = vars.env;
  const secrets = [...(ctx.meta?.secrets ?? []), ...vars.secrets];
  if (secrets.length > 0) job.secrets = [...new Set(secrets)];

  // steps
  const builtinsUsed = new Set<string>();
  const steps: StepInput[] = [];
  if (gitStrategy !== 'none') {
    const checkout: { depth?: number; submodules?: boolean } = {};
    const depth = Number(ownVariables.GIT_DEPTH ?? ctx.globalVariables.GIT_DEPTH);
    if (Number.isInteger(depth) && depth >= 0) checkout.depth = depth;
    const sub = ownVariables.GIT_SUBMODULE_STRATEGY ?? ctx.globalVariables.GIT_SUBMODULE_STRATEGY;
    if (sub === 'recursive' || sub === 'normal') checkout.submodules = true;
    else if (sub === 'none') checkout.submodules = false;
    steps.push({ checkout });
  }
  steps.push(...stepsFromScript(scripts, strategy, ctx.strict));
  if (steps.length === 0) {
    steps.push({ run: ':' });
    diagnostics.push(diagnostic('PCI041', 'warning', 'the job has no command; an empty `:` step stands in', { ...(at('script') ?? at() ?? {}), path: `${irPath}.steps` }));
  }
  job.steps = ctx.strict ? steps : (withBuiltins(steps, (from, to) => builtinsUsed.add(`${from} -> ${to}`)) as StepInput[]);
  if (!ctx.strict) job.env = withBuiltins(job.env, (from, to) => builtinsUsed.add(`${from} -> ${to}`)) as Record<string, string>;
  if (builtinsUsed.size > 0) {
    diagnostics.push(
      diagnostic('PCI042', 'info', `GitLab's predefined variables became polyci's built-ins, which every target provides: ${[...builtinsUsed].sort().join(', ')}`, {
        ...(at('script') ?? {}),
        path: `${irPath}.steps`,
      }),
    );
  }
  if (strategy) job.docker = strategy;

  // image and services
  if (raw.image !== undefined && !detected.imageIsStrategy) {
    if (typeof raw.image === 'string') job.image = raw.image;
    else if (isMapping(raw.image) && typeof raw.image.name === 'string') {
      const image = normalizeImage(raw.image as never);
      job.image = image.name;
      if (Object.keys(raw.image).some((k) => k !== 'name')) keep('image', 'image options (entrypoint, pull_policy, docker) have no IR form');
    }
  }
  if (detected.serviceIndex !== undefined && strategy) {
    // What the daemon's service says beyond the strategy (registry mirrors, extra dockerd flags) has no IR form.
    const own = normalizeService(services[detected.serviceIndex]);
    const known = new Set(['DOCKER_TLS_CERTDIR', ...socketProxySections]);
    const extra = [
      ...Object.keys(own).filter((k) => !['name', 'alias', 'variables', 'command'].includes(k)),
      ...Object.keys(own.variables ?? {}).filter((k) => !known.has(k)).map((k) => `variables.${k}`),
      ...(own.command && own.command.join(' ') !== '--tls=false' ? [`command ${JSON.stringify(own.command)}`] : []),
    ];
    if (extra.length > 0) {
      diagnostics.push(
        diagnostic('PCI041', 'warning', `the ${strategy.strategy} service's ${extra.join(', ')} ${extra.length > 1 ? 'have' : 'has'} no IR form and ${extra.length > 1 ? 'are' : 'is'} not imported`, {
          ...(at('services') ?? {}),
          path: `${irPath}.docker`,
          hint: 'daemon flags such as a registry mirror belong in the runner or a custom daemon image',
        }),
      );
    }
  }
  const userServices = services.filter((_, i) => i !== detected.serviceIndex);
  if (userServices.length > 0) {
    const taken = new Set<string>();
    job.services = userServices.map((rawService) => {
      const s = normalizeService(rawService);
      let alias = s.alias && /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(s.alias) ? s.alias : serviceAlias(s.name);
      while (taken.has(alias)) alias += '_';
      taken.add(alias);
      const serviceVars = importVariables(s.variables ?? {}, () => at('services'), { irPath: `${irPath}.services.${alias}.env` });
      diagnostics.push(...serviceVars.diagnostics);
      for (const name of serviceVars.secrets) {
        serviceVars.env[name] = `\${${name}}`;
        job.secrets = [...new Set([...(job.secrets ?? []), name])];
      }
      const extra = Object.keys(typeof rawService === 'string' ? {} : rawService).filter((k) => !['name', 'alias', 'variables', 'command'].includes(k));
      if (extra.length > 0) diagnostics.push(diagnostic('PCI041', 'warning', `service ${s.name}: ${extra.join(', ')} not imported`, { ...(at('services') ?? {}), path: `${irPath}.services` }));
      return {
        alias,
        image: s.name,
        ...(Object.keys(serviceVars.env).length > 0 ? { env: serviceVars.env } : {}),
        ...(Array.isArray(s.command) ? { command: s.command.map(String) } : {}),
      };
    });
  }

  // needs
  let hasNeeds = false;
  if (Array.isArray(raw.needs)) {
    hasNeeds = true;
    const needs: string[] = [];
    for (const n of raw.needs) {
      const name = typeof n === 'string' ? n : isMapping(n) && typeof n.job === 'string' ? n.job : undefined;
      // polyci writes `optional: true` for needs on conditional jobs (GitLab's only way to express them)
      if (isMapping(n) && Object.keys(n).some((k) => k !== 'job' && !(ctx.strict && k === 'optional' && n.optional === true))) {
        diagnostics.push(diagnostic('PCI041', 'warning', `needs entry ${JSON.stringify(n)}: only the job name is imported`, { ...(at('needs') ?? {}), path: `${irPath}.needs` }));
      }
      if (name !== undefined && ctx.ids[name] !== undefined) needs.push(ctx.ids[name]);
      else if (name !== undefined) diagnostics.push(diagnostic('PCI041', 'warning', `needs "${name}", which is not a job of the imported files`, { ...(at('needs') ?? {}), path: `${irPath}.needs` }));
    }
    job.needs = [...new Set(needs)];
  } else if (raw.needs !== undefined) keep('needs', 'not a list of jobs');

  // conditions
  if (raw.rules !== undefined) {
    const r = conditionsFromRules(raw.rules);
    if (r.understood) {
      if (r.conditions) job.conditions = r.conditions;
    } else keep('rules', 'these rules say more than branches, tags and manual runs');
  }
  if (raw.only !== undefined) {
    const refs = Array.isArray(raw.only) || isMapping(raw.only) ? onlyRefs(raw.only as never) : undefined;
    const r = refs && (!isMapping(raw.only) || Object.keys(raw.only).every((k) => k === 'refs')) ? conditionsFromOnly(refs) : { understood: false };
    if (r.understood && !job.conditions) {
      if (r.conditions) job.conditions = r.conditions;
    } else keep('only', 'only: with more than branch names and tags');
  }
  if (raw.except !== undefined) keep('except', 'except: has no IR form');
  if (raw.when === 'manual') job.conditions = { ...(job.conditions ?? {}), manual: true };
  else if (raw.when !== undefined && raw.when !== 'on_success') keep('when', `when: ${String(raw.when)} has no IR form`);

  // runner, limits, timing
  const tags = Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === 'string' && t !== '') : [];
  const runner: NonNullable<JobInput['runner']> = {};
  if (tags.length > 0) runner.tags = tags;
  else if (raw.tags !== undefined && !Array.isArray(raw.tags)) keep('tags', 'not a list');
  if (ctx.meta?.labels) runner.labels = ctx.meta.labels;
  if (ctx.meta?.queue) runner.queue = ctx.meta.queue;
  if (!(strategy && ['kaniko', 'buildah', 'buildkit'].includes(strategy.strategy))) {
    const cpu = job.env.KUBERNETES_CPU_LIMIT;
    const memory = job.env.KUBERNETES_MEMORY_LIMIT;
    if (cpu !== undefined || memory !== undefined) {
      runner.resources = { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
      delete job.env.KUBERNETES_CPU_LIMIT;
      delete job.env.KUBERNETES_MEMORY_LIMIT;
    }
  }
  if (Object.keys(runner).length > 0) job.runner = runner;
  if (raw.timeout !== undefined) {
    const minutes = typeof raw.timeout === 'string' ? parseTimeout(raw.timeout) : undefined;
    if (minutes !== undefined) job.timeoutMinutes = minutes;
    else keep('timeout', 'not a duration in whole minutes');
  }
  if (raw.retry !== undefined) {
    const max = typeof raw.retry === 'number' ? raw.retry : isMapping(raw.retry) && typeof raw.retry.max === 'number' ? raw.retry.max : undefined;
    if (max !== undefined && Number.isInteger(max) && max >= 0 && max <= 2) job.retry = max;
    if (max === undefined || isMapping(raw.retry) && Object.keys(raw.retry).some((k) => k !== 'max')) keep('retry', 'retry conditions (when, exit_codes) have no IR form');
  }
  if (raw.artifacts !== undefined) {
    const a = raw.artifacts;
    const paths = isMapping(a) && Array.isArray(a.paths) ? a.paths.filter((p): p is string => typeof p === 'string' && p !== '') : [];
    if (paths.length > 0) job.artifacts = { paths, ...(isMapping(a) && typeof a.expire_in === 'string' ? { expireIn: a.expire_in } : {}) };
    if (!isMapping(a) || paths.length === 0 || Object.keys(a).some((k) => k !== 'paths' && k !== 'expire_in')) keep('artifacts', 'artifact options beyond paths and expire_in');
  }
  if (raw.cache !== undefined) {
    const c = raw.cache;
    const paths = isMapping(c) && Array.isArray(c.paths) ? c.paths.filter((p): p is string => typeof p === 'string' && p !== '') : [];
    if (isMapping(c) && typeof c.key === 'string' && c.key !== '' && paths.length > 0) job.cache = { key: c.key, paths };
    if (!job.cache || Object.keys(c as Mapping).some((k) => k !== 'paths' && k !== 'key')) keep('cache', 'cache options beyond a key and paths');
  }
  if (ctx.meta?.policy) job.policy = ctx.meta.policy;

  // A mapped key of the wrong shape as a whole is not read: it stays as written (reported above).
  for (const issue of shape.success ? [] : shape.error.issues) {
    const key = issue.path[0];
    if (issue.path.length === 1 && typeof key === 'string' && !(key in vendor) && !['script', 'before_script', 'stage'].includes(key)) vendor[key] = raw[key];
  }
  if (isMapping(raw.inherit) && raw.inherit.variables !== undefined && raw.inherit.variables !== true) {
    // The IR's pipeline env reaches every job: GitLab keeps this opt-out as written.
    keep('inherit', 'a job that opts out of global variables has no IR form', { variables: raw.inherit.variables });
  }
  if (raw.rules !== undefined && (raw.only !== undefined || raw.except !== undefined)) {
    diagnostics.push(diagnostic('PCI043', 'warning', 'GitLab rejects a job that has rules together with only/except', { ...(at('rules') ?? {}), path: `${irPath}.conditions`, hint: 'keep rules and drop only/except' }));
  }
  for (const key of Object.keys(raw)) {
    if (mapped.has(key) || key in vendor) continue;
    if (!(jobKeywords as readonly string[]).includes(key)) {
      vendor[key] = raw[key];
      diagnostics.push(
        diagnostic('PCI043', 'warning', `"${key}" is not a GitLab job keyword: GitLab rejects the file ("config contains unknown keys")`, {
          ...(at(key) ?? {}),
          path: `${irPath}.vendor.gitlab.${key}`,
          hint: 'check the spelling, or move it under `variables:` if it is meant as one; kept under vendor.gitlab as written',
        }),
      );
      continue;
    }
    keep(key, key === 'after_script' ? 'after_script runs even when the job fails, which no IR step does' : 'no IR meaning');
  }
  if (Object.keys(vendor).length > 0) job.vendor = { gitlab: vendor };
  const stage = typeof raw.stage === 'string' ? raw.stage : 'test';
  return { job, stage, hasNeeds, diagnostics };
}
