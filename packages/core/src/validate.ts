/**
 * From untrusted input to a checked Pipeline: the schema, the job graph, what each
 * strategy can do, and the security policy. Every finding is a diagnostic; errors
 * mean no output.
 */
import type { ZodIssue } from 'zod';
import { findCycle } from './dag';
import { diagnostic, formatPath, hasErrors, type Diagnostic } from './diagnostics';
import { PipelineSchema, type ConcreteStrategy, type Job, type Pipeline, type Policy, type PolicyLevel } from './ir';
import { fastParsePipeline } from './fast-parse';
import { toPlainData } from './plain';
import { callsDocker, runsContainers } from './shell';
import { buildctlCannotTake } from './strategy/commands';
import { strategyFacts, strategyImages } from './strategy/facts';

function issueMessage(issue: ZodIssue): { message: string; hint?: string } {
  switch (issue.code) {
    case 'unrecognized_keys':
      return { message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`, hint: 'remove it or check its spelling; vendor-only keys go under `vendor.<target>`' };
    case 'invalid_type':
      return issue.received === 'undefined'
        ? { message: `required field is missing (expected ${issue.expected})` }
        : { message: `expected ${issue.expected}, got ${issue.received}` };
    case 'invalid_union_discriminator':
      return { message: `unknown value; expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` };
    case 'invalid_enum_value':
      return { message: `${JSON.stringify(issue.received)} is not allowed; expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` };
    case 'invalid_union':
      return { message: 'a step must have exactly one of `run`, `checkout`, `buildImage` or `vendor`, with only the keys that kind allows' };
    default:
      return { message: issue.message };
  }
}

/** Schema-check raw input (what a ci.config.ts exported) into a Pipeline. */
export function parsePipeline(input: unknown): { pipeline?: Pipeline; diagnostics: Diagnostic[] } {
  // Valid input takes the fast path; anything else gets copied as plain data and zod says what is wrong.
  const fast = fastParsePipeline(input);
  if (fast) return { pipeline: fast, diagnostics: [] };
  const plain = toPlainData(input);
  if (plain.diagnostics.length > 0) return { diagnostics: plain.diagnostics };
  const result = PipelineSchema.safeParse(plain.data);
  if (result.success) return { pipeline: result.data, diagnostics: [] };
  const diagnostics = result.error.issues.map((issue) => {
    const { message, hint } = issueMessage(issue);
    return diagnostic('PCI002', 'error', message, { path: formatPath(issue.path) || '(root)', hint: hint ?? 'see the field in the IR reference (packages/core/src/ir.ts)' });
  });
  return { diagnostics };
}

/** The policy level for a rule: the job's, else the pipeline's, else warn. */
export function policyLevel(pipeline: Pipeline, job: Job, rule: keyof Policy): PolicyLevel {
  return job.policy?.[rule] ?? pipeline.policy[rule] ?? 'warn';
}

/** An image reference that names no version: no tag, or `latest`. */
export function isUnpinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return true;
  const tag = lastSegment.slice(colon + 1);
  return tag === 'latest' || tag === '';
}

function policyFinding(level: PolicyLevel, code: 'PCI020' | 'PCI021' | 'PCI022' | 'PCI023', message: string, path: string, hint: string): Diagnostic[] {
  if (level === 'allow') return [];
  const denied = level === 'deny';
  return [diagnostic(code, denied ? 'error' : 'warning', denied ? `${message} (denied by policy)` : message, { path, hint })];
}

/**
 * The safest strategy that can do what a job asks: daemonless when it only builds,
 * a rootless daemon when it runs containers, and only what the policy allows.
 */
export function chooseStrategy(pipeline: Pipeline, job: Job): { strategy?: ConcreteStrategy; why: string } {
  const scripts = job.steps.flatMap((s) => ('run' in s ? [s.run] : []));
  const builds = job.steps.flatMap((s) => ('buildImage' in s ? [s.buildImage] : []));
  if (!scripts.some(callsDocker)) {
    const needsSecretsOrPlatforms = builds.some((b) => Object.keys(b.secrets).length > 0 || b.platforms.length > 1);
    if (needsSecretsOrPlatforms) return { strategy: { strategy: 'buildkit' }, why: 'the job only builds images, with build secrets or several platforms: rootless BuildKit needs no daemon and no privilege' };
    return { strategy: { strategy: 'kaniko' }, why: 'the job only builds images: kaniko needs no daemon and no privilege' };
  }
  const privileged = policyLevel(pipeline, job, 'privileged');
  if (privileged !== 'deny') {
    return {
      strategy: { strategy: 'dind-rootless', tls: true, cacheVolume: false },
      why: scripts.some(runsContainers)
        ? 'the job runs containers: rootless DinD with TLS keeps them off the host daemon'
        : 'the job calls the docker CLI: rootless DinD with TLS gives it a daemon of its own',
    };
  }
  if (policyLevel(pipeline, job, 'hostSocket') !== 'deny') {
    return { strategy: { strategy: 'socket-proxy', allow: ['BUILD', 'IMAGES', 'INFO', 'VERSION', 'PING', 'POST', 'CONTAINERS'], path: '/var/run/docker.sock' }, why: 'the job calls the docker CLI and privileged containers are denied: a socket proxy with an allow-list' };
  }
  return { why: 'the job calls the docker CLI, but policy denies both privileged containers and the host socket' };
}

/**
 * Check a schema-valid pipeline: the job graph, strategies against what the steps
 * do, and the security policy. Returns the pipeline with `auto` strategies resolved
 * (and a strategy chosen for builds that named none).
 */
export function checkPipeline(pipeline: Pipeline): { pipeline: Pipeline; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const jobs: Record<string, Job> = {};
  for (const [id, original] of Object.entries(pipeline.jobs)) {
    const at = (...rest: (string | number)[]) => formatPath(['jobs', id, ...rest]);
    let job = original;
    job.needs.forEach((need, i) => {
      if (!pipeline.jobs[need]) diagnostics.push(diagnostic('PCI003', 'error', `job "${id}" needs "${need}", which is not a job of this pipeline`, { path: at('needs', i), hint: `use one of: ${Object.keys(pipeline.jobs).join(', ')}` }));
      else if (need === id) diagnostics.push(diagnostic('PCI004', 'error', `job "${id}" needs itself`, { path: at('needs', i), hint: 'remove it from its own needs' }));
    });

    const hasBuild = job.steps.some((s) => 'buildImage' in s);
    const dockerScripts = job.steps.flatMap((s, i) => ('run' in s && callsDocker(s.run) ? [i] : []));
    if (!job.docker && hasBuild) job = { ...job, docker: { strategy: 'auto' } };
    if (job.docker?.strategy === 'auto') {
      const choice = chooseStrategy(pipeline, job);
      if (!choice.strategy) {
        diagnostics.push(diagnostic('PCI013', 'error', `no strategy fits job "${id}": ${choice.why}`, { path: at('docker'), hint: 'allow privileged containers (for rootless DinD) or the host socket in `policy`, or build with buildImage steps only' }));
      } else {
        diagnostics.push(diagnostic('PCI013', 'info', `strategy "${choice.strategy.strategy}" chosen for job "${id}": ${choice.why}`, { path: at('docker'), hint: 'set `docker.strategy` to pin this choice' }));
        job = { ...job, docker: choice.strategy };
      }
    }
    jobs[id] = job;
    const strategy = job.docker && job.docker.strategy !== 'auto' ? job.docker : undefined;
    if (strategy) {
      const facts = strategyFacts[strategy.strategy];
      if (!facts.hasDockerCli) {
        for (const i of dockerScripts) {
          diagnostics.push(diagnostic('PCI010', 'error', `step ${i} of job "${id}" calls docker, but the "${strategy.strategy}" strategy has no Docker daemon`, { path: at('steps', i, 'run'), hint: 'turn the build into a `buildImage` step, or use a daemon strategy (dind-rootless, dind)' }));
        }
      }
      job.steps.forEach((s, i) => {
        if (!('buildImage' in s)) return;
        if (!facts.buildSecrets && Object.keys(s.buildImage.secrets).length > 0) diagnostics.push(diagnostic('PCI012', 'error', `the "${strategy.strategy}" strategy cannot pass build secrets`, { path: at('steps', i, 'buildImage', 'secrets'), hint: 'use buildkit or buildah' }));
        if (strategy.strategy === 'buildkit') {
          for (const ref of [...s.buildImage.tags, ...s.buildImage.cacheFrom, ...s.buildImage.cacheTo].filter(buildctlCannotTake)) {
            diagnostics.push(diagnostic('PCI012', 'error', `buildctl cannot take the image reference ${JSON.stringify(ref)}: a comma splits its options`, { path: at('steps', i, 'buildImage'), hint: 'image references have no commas; check the tag' }));
          }
        }
        if (!facts.multiPlatform && s.buildImage.platforms.length > 1) diagnostics.push(diagnostic('PCI012', 'error', `the "${strategy.strategy}" strategy builds one platform at a time`, { path: at('steps', i, 'buildImage', 'platforms'), hint: 'use buildkit or buildah, or one job per platform' }));
      });
      if (facts.privileged === 'yes' || facts.privileged === 'usually' || facts.privileged === 'proxy-only') {
        diagnostics.push(...policyFinding(policyLevel(pipeline, job, 'privileged'), 'PCI020', `job "${id}" runs a privileged container (${strategy.strategy})`, at('docker'), `${facts.saferAlternative}; the runner must allow privileged containers`));
      }
      if (facts.hostRootEquivalent !== 'no') {
        const full = facts.hostRootEquivalent === 'yes';
        diagnostics.push(...policyFinding(policyLevel(pipeline, job, 'hostSocket'), 'PCI021', full ? `job "${id}" mounts the host's Docker socket: equivalent to root on the host` : `job "${id}" reaches the host's Docker daemon through a socket proxy`, at('docker'), facts.saferAlternative));
      }
      if ((strategy.strategy === 'dind' || strategy.strategy === 'dind-rootless') && !strategy.tls) {
        diagnostics.push(...policyFinding(policyLevel(pipeline, job, 'tlsOff'), 'PCI022', `job "${id}" reaches its Docker daemon without TLS (tcp 2375)`, at('docker', 'tls'), 'remove `tls: false`: TLS on 2376 with client certificates is the default'));
      }
    } else if (dockerScripts.length > 0) {
      diagnostics.push(diagnostic('PCI011', 'warning', `job "${id}" calls docker but names no docker strategy`, { path: at('steps', dockerScripts[0], 'run'), hint: "set `docker: { strategy: 'auto' }` (or dind-rootless / socket-proxy) so that every target gets a daemon" }));
    }

    const unpinned = policyLevel(pipeline, job, 'unpinnedImages');
    const images: [string, string][] = [];
    if (job.image) images.push([job.image, at('image')]);
    job.services.forEach((svc, i) => images.push([svc.image, at('services', i, 'image')]));
    for (const [image, path] of images) {
      if (isUnpinnedImage(image)) diagnostics.push(...policyFinding(unpinned, 'PCI023', `image "${image}" is not pinned to a version`, path, 'pin a version tag (node:22.11) or a digest (@sha256:...)'));
    }
    if (strategy) for (const image of Object.values(strategyImages(strategy))) if (image && isUnpinnedImage(image)) diagnostics.push(...policyFinding(unpinned, 'PCI023', `image "${image}" is not pinned to a version`, at('docker', 'version'), 'set a version'));
  }
  const cycle = findCycle(pipeline);
  if (cycle) diagnostics.push(diagnostic('PCI004', 'error', `jobs need each other in a cycle: ${cycle.join(' -> ')}`, { path: formatPath(['jobs', cycle[0], 'needs']), hint: 'remove one of these needs' }));
  return { pipeline: { ...pipeline, jobs }, diagnostics };
}

/** Schema-check and check a pipeline in one go. */
export function validatePipeline(input: unknown): { pipeline?: Pipeline; diagnostics: Diagnostic[] } {
  const parsed = parsePipeline(input);
  if (!parsed.pipeline) return parsed;
  const checked = checkPipeline(parsed.pipeline);
  return hasErrors(checked.diagnostics) ? { diagnostics: checked.diagnostics } : checked;
}

/** The concrete strategy of a checked job, if any. */
export function jobStrategy(job: Job): ConcreteStrategy | undefined {
  return job.docker && job.docker.strategy !== 'auto' ? job.docker : undefined;
}
