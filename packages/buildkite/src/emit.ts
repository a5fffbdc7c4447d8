/**
 * IR to `.buildkite/pipeline.yml` for Buildkite's agent-stack-k8s: one command
 * step per job, with the `kubernetes` plugin when the job needs more than a plain
 * container (a daemon sidecar, a builder, services, resources, checkout options).
 * https://buildkite.com/docs/pipelines/configure/step-types/command-step
 */
import {
  buildImageCommands,
  readinessWaitFor,
  unwaitableDaemon,
  diagnostic,
  formatPath,
  hashHeader,
  hasErrors,
  jobStrategy,
  referencedVariables,
  usedBuiltins,
  type Diagnostic,
  type EmitOptions,
  type EmitResult,
  type Job,
  type Pipeline,
  type YamlValue,
  toYaml,
  hasKeys,
  yamlEntries,
  outputFile,
} from '@polyci/core';
import { logGroupLine } from './commands';
import { conditionKeys } from './conditions';
import { builtinSources, escapeDeep, escapeEnvValue, escapeInterpolation } from './interpolation';
import { envVars, type K8sContainer, type KubernetesPluginConfig } from './kubernetes';
import { readBuildkiteOptions, vendorOptionKeys, type BuildkiteOptions } from './options';
import { serviceSidecars } from './services';
import { commandContainerName, containerResources, strategyPod } from './strategy';

/** Where the pipeline is written, relative to the repository root. */
export const pipelinePath = '.buildkite/pipeline.yml';

/** The comment line that carries the pipeline's name (Buildkite keeps names in its settings, not in YAML). */
export const nameCommentPrefix = '# polyci pipeline: ';

/** A string on one comment line: JSON escapes, plus what YAML would read as a line break or forbids. */
export function oneLine(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The comment line that carries a policy (polyci's own setting: it changes what polyci accepts, not what Buildkite runs). */
export const policyCommentPrefix = '# polyci policy';

/** Comment lines with what the IR says and Buildkite YAML has no place for: the name and the policies. */
function metadataComments(pipeline: Pipeline): string {
  const lines = [`${nameCommentPrefix}${oneLine(pipeline.name)}`];
  if (Object.keys(pipeline.policy).length > 0) lines.push(`${policyCommentPrefix}: ${oneLine(JSON.stringify(pipeline.policy))}`);
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    if (job.policy && Object.keys(job.policy).length > 0) lines.push(`${policyCommentPrefix} jobs.${id}: ${oneLine(JSON.stringify(job.policy))}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** The Buildkite group a job was imported from (vendor.buildkite.group), if any. */
function groupOf(job: Job): string | undefined {
  const group = job.vendor?.buildkite?.group;
  return typeof group === 'string' ? group : undefined;
}

/** The key of the block step in front of a manual job. */
export function blockKey(jobId: string, taken: ReadonlySet<string>): string {
  let key = `${jobId}-manual`;
  while (taken.has(key)) key += '-';
  return key;
}

/** Jobs that must wait for a hand-started job go after it, with every block step, at the end. */
function stepOrder(pipeline: Pipeline): string[] {
  const late = new Map<string, boolean>();
  const isLate = (id: string, seen: Set<string>): boolean => {
    const known = late.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return false;
    seen.add(id);
    const job = pipeline.jobs[id];
    const value = Boolean(job?.conditions?.manual) || (job?.needs ?? []).some((n) => pipeline.jobs[n] && isLate(n, seen));
    late.set(id, value);
    return value;
  };
  const early: string[] = [];
  const later: string[] = [];
  for (const id of Object.keys(pipeline.jobs)) {
    if (late.get(id) ?? isLate(id, new Set())) later.push(id);
    else early.push(id);
  }
  return early.concat(later);
}

/** `path` is called only for a finding: most env values reference nothing. */
function envBlock(env: Record<string, string>, builtins: string[], path: () => string, diagnostics: Diagnostic[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env)) {
    const value = env[name];
    // Only a `$` can start a reference.
    const others = value.includes('$') ? referencedVariables(value).filter((v) => !(v in builtinSources)) : [];
    if (others.length > 0) {
      diagnostics.push(
        diagnostic('PCI030', 'warning', `Buildkite passes env values literally: ${others.map((v) => `$${v}`).join(', ')} in ${name} is not expanded`, {
          path: `${path()}.${name}`,
          hint: 'reference the variable in the step script instead, where the shell expands it',
        }),
      );
    }
    out[name] = escapeEnvValue(value);
  }
  for (const b of builtins) out[b] = `\${${builtinSources[b as keyof typeof builtinSources]}}`;
  return hasKeys(out) ? out : undefined;
}

/**
 * Vendor plugin keys over polyci's: maps merge, lists append (a vendor volume or
 * mount joins polyci's instead of replacing the daemon's), scalars replace.
 */
export function mergeVendorPlugin(ours: unknown, vendor: unknown): unknown {
  if (vendor === undefined) return ours;
  if (Array.isArray(ours) && Array.isArray(vendor)) return [...ours, ...vendor];
  if (ours && vendor && typeof ours === 'object' && typeof vendor === 'object' && !Array.isArray(ours) && !Array.isArray(vendor)) {
    const merged: Record<string, unknown> = { ...(ours as Record<string, unknown>) };
    for (const [k, v] of Object.entries(vendor)) merged[k] = mergeVendorPlugin(merged[k], v);
    return merged;
  }
  return vendor;
}

const reservedSecretName = /^(buildkite|bk)/i;
const csvSpecial = /[,"]/;
const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One job as its Buildkite steps (a block step first when it runs by hand). */
function jobSteps(pipeline: Pipeline, id: string, job: Job, options: BuildkiteOptions, stepKeys: Set<string>, diagnostics: Diagnostic[]): YamlValue[] {
  const at = (...rest: (string | number)[]) => formatPath(['jobs', id, ...rest]);
  const strategy = jobStrategy(job);
  const pod = strategy ? strategyPod(strategy, at('docker')) : undefined;
  if (pod) diagnostics.push(...pod.diagnostics);

  // Commands: one entry per IR step, escaped; vendor entries are Buildkite text already and are not.
  const commands: string[] = [];
  if (pod?.waitForDaemon && strategy) {
    // a socket proxy answers only the probes its allow-list lets through
    const wait = readinessWaitFor(strategy);
    if (wait) commands.push(escapeInterpolation(wait));
    else diagnostics.push(unwaitableDaemon(id));
  }
  const checkouts: number[] = [];
  for (let i = 0; i < job.steps.length; i++) {
    const step = job.steps[i];
    if ('run' in step) {
      commands.push(escapeInterpolation(step.name ? `${logGroupLine(step.name)}\n${step.run}` : step.run));
      if (step.env && Object.keys(step.env).length > 0) {
        diagnostics.push(diagnostic('PCI030', 'error', 'step-level env cannot be expressed in a Buildkite command step (one env for the whole job)', { path: at('steps', i, 'env'), hint: 'move it to the job env or export it in the script' }));
      }
    } else if ('buildImage' in step) {
      const body = buildImageCommands(step.buildImage, strategy!).join('\n');
      commands.push(escapeInterpolation(step.name ? `${logGroupLine(step.name)}\n${body}` : body));
      if (strategy?.strategy === 'buildkit' && step.buildImage.tags.some((t) => csvSpecial.test(t))) {
        diagnostics.push(diagnostic('PCI030', 'warning', 'buildctl reads --output as CSV: a tag with a comma or a double quote is split or misread', { path: at('steps', i, 'buildImage', 'tags'), hint: 'image references hold no commas or quotes' }));
      }
    } else if ('checkout' in step) {
      checkouts.push(i);
      if (step.name) diagnostics.push(diagnostic('PCI031', 'warning', 'Buildkite checks out in its own container: the checkout step name is not shown', { path: at('steps', i, 'name') }));
    } else if (step.vendor.target === 'buildkite' && typeof step.vendor.step === 'string') {
      commands.push(step.vendor.step);
    } else if (step.vendor.target === 'buildkite') {
      diagnostics.push(diagnostic('PCI030', 'error', 'a Buildkite vendor step must be a command string', { path: at('steps', i, 'vendor', 'step'), hint: 'put other step keys in the job vendor.buildkite' }));
    } else {
      diagnostics.push(diagnostic('PCI031', 'warning', `a ${step.vendor.target} vendor step has no meaning on Buildkite and is left out`, { path: at('steps', i) }));
    }
  }
  if (checkouts.length > 1) diagnostics.push(diagnostic('PCI031', 'warning', 'Buildkite checks out once per job: only the first checkout step counts', { path: at('steps', checkouts[1]) }));
  if (checkouts.length > 0 && checkouts[0] !== 0) {
    diagnostics.push(diagnostic('PCI030', 'warning', 'Buildkite checks out before the first command: the steps before the checkout step see the checked-out tree', { path: at('steps', checkouts[0]), hint: 'make checkout the first step' }));
  }
  if (commands.length === 0) commands.push('true');

  // The pod: strategy pieces, services, resources, checkout.
  const plugin: KubernetesPluginConfig = {};
  if (pod && hasKeys(pod.annotations)) plugin.metadata = { annotations: pod.annotations };
  const checkoutStep = checkouts.length > 0 ? job.steps[checkouts[0]] : undefined;
  if (!checkoutStep) plugin.checkout = { skip: true };
  else if ('checkout' in checkoutStep) {
    const params: Record<string, unknown> = {};
    const { depth, submodules } = checkoutStep.checkout;
    if (depth !== undefined && depth > 0) {
      params.cloneFlags = `-v --depth=${depth}`;
      params.fetchFlags = `-v --prune --depth=${depth}`;
    }
    if (submodules !== undefined) params.noSubmodules = !submodules;
    if (hasKeys(params)) plugin.checkout = params;
  }
  if (checkoutStep && options.gitCredentialsSecret) plugin.gitEnvFrom = [{ secretRef: { name: options.gitCredentialsSecret } }];
  const taken = new Set<string>();
  if (pod) for (const s of pod.sidecars) if (s.name) taken.add(s.name);
  const services = serviceSidecars(id, job, taken);
  for (const d of services.diagnostics) diagnostics.push(d);
  const sidecars = pod && pod.sidecars.length > 0 ? (services.sidecars.length > 0 ? pod.sidecars.concat(services.sidecars) : pod.sidecars) : services.sidecars;
  if (sidecars.length > 0) plugin.sidecars = sidecars;
  if (pod && pod.extraVolumeMounts.length > 0) plugin.extraVolumeMounts = pod.extraVolumeMounts;

  let resources = containerResources(job.runner?.resources);
  let image = job.image;
  if (pod?.builderIsContainer) {
    const builderResources = containerResources(strategy && 'resources' in strategy ? strategy.resources : undefined);
    if (builderResources && resources) diagnostics.push(diagnostic('PCI031', 'warning', "the builder container takes the strategy's resources; the runner's are not used", { path: at('runner', 'resources') }));
    resources = builderResources ?? resources;
    if (job.image && job.image !== pod.image) {
      diagnostics.push(
        diagnostic('PCI030', 'warning', `the ${strategy!.strategy} builder is the job's container on agent-stack-k8s: its steps run in ${pod.image}, not ${job.image}`, {
          path: at('image'),
          hint: 'move steps that need another image to a job of their own',
        }),
      );
    }
    image = pod.image;
  } else if (pod) image = job.image ?? pod.image;

  let stepImage: string | undefined;
  if (pod) {
    const container: K8sContainer = { image: image! };
    if (hasKeys(pod.containerEnv)) container.env = envVars(pod.containerEnv);
    if (resources) container.resources = resources;
    container.securityContext = pod.containerSecurityContext;
    if (pod.containerMounts.length > 0) container.volumeMounts = pod.containerMounts;
    plugin.podSpec = { containers: [container] };
    if (pod.volumes.length > 0) plugin.podSpec.volumes = pod.volumes;
  } else {
    stepImage = image;
    // The default command container is agent-stack-k8s' own: patch it by the name agent-stack-k8s gives it.
    if (resources) plugin.podSpecPatch = { containers: [{ name: commandContainerName, resources }] };
  }
  if (options.secretsFrom === 'kubernetes' && job.secrets.length > 0) {
    // Each secret is the key of the same name in one Kubernetes Secret, read by the command container.
    const secretEnv = job.secrets.map((name) => ({ name, valueFrom: { secretKeyRef: { name: options.secretName, key: name } } }));
    const container = plugin.podSpec?.containers[0];
    if (container) container.env = [...(container.env ?? []), ...secretEnv];
    else {
      const patched = plugin.podSpecPatch?.containers?.[0];
      plugin.podSpecPatch = { ...(plugin.podSpecPatch ?? {}), containers: [{ name: commandContainerName, env: secretEnv, ...(patched?.resources ? { resources: patched.resources } : {}) }] };
    }
  }
  if (services.aliases.length > 0) {
    const hostAliases = [{ ip: '127.0.0.1', hostnames: services.aliases }];
    if (plugin.podSpec) plugin.podSpec = { hostAliases, ...plugin.podSpec };
    else plugin.podSpecPatch = { hostAliases, ...(plugin.podSpecPatch ?? {}) };
  }

  // Runner, conditions, and the rest of the job.
  const agents: Record<string, string> = {};
  if (job.runner?.queue) agents.queue = job.runner.queue;
  for (const label of job.runner?.labels ?? []) {
    const eq = label.indexOf('=');
    if (eq > 0) agents[label.slice(0, eq)] = label.slice(eq + 1);
    else diagnostics.push(diagnostic('PCI031', 'warning', `Buildkite agent tags are key=value: runner label "${label}" is left out`, { path: at('runner', 'labels'), hint: 'write it as key=value, or use runner.queue' }));
  }
  // Agent tags kept from an import (vendor.buildkite.agents) join the queue; they are Buildkite text already.
  const vendorAgents = job.vendor?.buildkite?.agents;
  const hasVendorAgents = vendorAgents !== null && typeof vendorAgents === 'object' && !Array.isArray(vendorAgents);
  if (job.runner?.tags?.length) diagnostics.push(diagnostic('PCI031', 'warning', 'runner tags are GitLab runner tags: Buildkite uses runner.queue and key=value labels', { path: at('runner', 'tags') }));
  if (job.stage) diagnostics.push(diagnostic('PCI031', 'info', 'Buildkite has no stages: the order comes from depends_on', { path: at('stage') }));
  if (job.cache) diagnostics.push(diagnostic('PCI031', 'warning', 'agent-stack-k8s has no job cache: the cache is left out', { path: at('cache'), hint: 'use a registry cache (buildImage cacheFrom/cacheTo) or a PersistentVolumeClaim in vendor.buildkite' }));
  if (job.artifacts?.expireIn) diagnostics.push(diagnostic('PCI031', 'warning', 'Buildkite keeps artifacts for the retention period of the organization: expireIn is left out', { path: at('artifacts', 'expireIn') }));
  for (const secret of options.secretsFrom === 'buildkite' ? job.secrets : []) {
    if (reservedSecretName.test(secret)) diagnostics.push(diagnostic('PCI030', 'error', `Buildkite secret names cannot start with BUILDKITE or BK: ${secret}`, { path: at('secrets'), hint: 'rename the secret' }));
  }
  const conditions = conditionKeys(id, job);
  for (const d of conditions.diagnostics) diagnostics.push(d);

  // Buildkite refuses step keys that look like UUIDs (it uses those for step ids).
  if (uuidLike.test(id)) {
    diagnostics.push(diagnostic('PCI030', 'error', `job id "${id}" looks like a UUID, which Buildkite refuses as a step key`, { path: at(), hint: 'rename the job' }));
  }
  const steps: YamlValue[] = [];
  const dependsOn = [...job.needs];
  if (job.conditions?.manual) {
    const key = blockKey(id, stepKeys);
    stepKeys.add(key);
    steps.push(escapeDeep({ block: `Run ${job.name ?? id}?`, key, ...(job.needs.length > 0 ? { depends_on: [...job.needs] } : {}), ...conditions.keys }));
    dependsOn.push(key);
  }
  const env = envBlock(job.env, usedBuiltins(pipeline, job), () => at('env'), diagnostics);
  if (job.secrets.length > 0 && options.secretsFrom === 'buildkite') {
    diagnostics.push(diagnostic('PCI030', 'info', `job "${id}" reads the Buildkite secrets ${job.secrets.join(', ')}: they must exist in the cluster's Buildkite secrets`, { path: at('secrets'), hint: 'Buildkite secrets: https://buildkite.com/docs/pipelines/security/secrets/buildkite-secrets; or --option buildkite.secretsFrom=kubernetes' }));
  } else if (job.secrets.length > 0) {
    diagnostics.push(diagnostic('PCI030', 'info', `job "${id}" reads ${job.secrets.join(', ')} from the Kubernetes Secret ${options.secretName}: it must exist in the agent-stack-k8s namespace with those keys`, { path: at('secrets'), hint: `kubectl create secret generic ${options.secretName} --from-literal=${job.secrets[0]}=...` }));
  }

  // Key order as people write Buildkite steps: what, where, how, then the plugin.
  const step: Record<string, YamlValue> = {};
  if (job.name) step.label = escapeInterpolation(job.name);
  step.key = escapeInterpolation(id);
  if (dependsOn.length > 0) step.depends_on = escapeDeep(dependsOn);
  let stepAgents = hasKeys(agents) ? escapeDeep(agents) : undefined;
  if (hasVendorAgents) stepAgents = { ...(stepAgents ?? {}), ...(vendorAgents as Record<string, string>) };
  if (stepAgents !== undefined) step.agents = stepAgents;
  if (stepImage) step.image = escapeInterpolation(stepImage);
  if (env) step.env = env;
  // Buildkite secrets by name (the default): the values never appear in YAML, and they work for plain and
  // plugin steps alike. With secretsFrom=kubernetes they are secretKeyRef env of the command container instead.
  if (job.secrets.length > 0 && options.secretsFrom === 'buildkite') step.secrets = job.secrets;
  step.commands = commands;
  if (job.timeoutMinutes !== undefined) step.timeout_in_minutes = escapeDeep(job.timeoutMinutes);
  if (job.retry !== undefined) step.retry = escapeDeep({ automatic: { limit: job.retry } });
  if (conditions.keys.branches !== undefined) step.branches = escapeDeep(conditions.keys.branches);
  if (conditions.keys.if !== undefined) step.if = escapeInterpolation(conditions.keys.if);
  if (job.artifacts) step.artifact_paths = escapeDeep(job.artifacts.paths);

  const vendor = job.vendor?.buildkite;
  const vendorPlugin = vendor?.kubernetes;
  // A group is where the step sits, not a key of it (see emitBuildkite).
  if (vendor?.group !== undefined && typeof vendor.group !== 'string') diagnostics.push(diagnostic('PCI030', 'warning', 'vendor.buildkite.group must be the label of a group: left out', { path: at('vendor', 'buildkite', 'group') }));
  const hasPlugin = hasKeys(plugin) || vendorPlugin !== undefined;
  const plugins: unknown[] = [];
  if (hasPlugin) plugins.push({ kubernetes: mergeVendorPlugin(escapeDeep(plugin), vendorPlugin) });
  if (Array.isArray(vendor?.plugins)) for (const p of vendor.plugins) plugins.push(p);
  else if (vendor?.plugins !== undefined) plugins.push(vendor.plugins);
  if (plugins.length > 0) step.plugins = plugins as YamlValue;
  if (vendor) {
    for (const k of Object.keys(vendor)) {
      // kubernetes, plugins and agents are merged above; the group is where the step sits.
      if (k === 'kubernetes' || k === 'group' || k === 'plugins' || (k === 'agents' && hasVendorAgents)) continue;
      if (step[k] !== undefined) diagnostics.push(diagnostic('PCI030', 'warning', `vendor.buildkite.${k} replaces the ${k} polyci writes`, { path: at('vendor', 'buildkite', k) }));
      step[k] = vendor[k] as YamlValue;
    }
  }
  steps.push(step);
  return steps;
}

function triggerDiagnostics(pipeline: Pipeline): Diagnostic[] {
  const out: Diagnostic[] = [];
  const t = pipeline.triggers;
  const settings = 'Buildkite starts builds from the pipeline settings, not from pipeline.yml';
  if (t.push?.branches) out.push(diagnostic('PCI031', 'warning', `${settings}: set the branch filter to "${t.push.branches.join(' ')}"`, { path: 'triggers.push.branches', hint: 'Pipeline Settings > GitHub > Branch filtering' }));
  if (t.push?.tags) out.push(diagnostic('PCI031', 'warning', `${settings}: enable "Build tags" for ${t.push.tags.join(' ')}`, { path: 'triggers.push.tags', hint: 'Pipeline Settings > GitHub > Build tags' }));
  if (t.pullRequest) out.push(diagnostic('PCI031', 'warning', `${settings}: enable "Build pull requests"${t.pullRequest.branches ? ` with the base branch filter ${t.pullRequest.branches.join(' ')}` : ''}`, { path: 'triggers.pullRequest', hint: 'Pipeline Settings > GitHub > Build pull requests' }));
  for (const [i, s] of (t.schedule ?? []).entries()) out.push(diagnostic('PCI031', 'warning', `${settings}: add a schedule with cron "${s.cron}"`, { path: `triggers.schedule[${i}]`, hint: 'Pipeline Settings > Schedules' }));
  if (t.manual) out.push(diagnostic('PCI031', 'info', 'Buildkite can always start a build by hand (New Build): triggers.manual needs nothing', { path: 'triggers.manual' }));
  if (!t.push && (t.pullRequest || t.schedule || t.manual)) out.push(diagnostic('PCI031', 'warning', `${settings}: turn off builds on push`, { path: 'triggers', hint: 'Pipeline Settings > GitHub > Trigger builds after pushing code' }));
  return out;
}

/** Top-level steps per toYaml call: enough to amortise the call, few enough that a batch's objects die young. */
const stepsPerChunk = 200;

/** Emit `.buildkite/pipeline.yml` for a checked pipeline. */
export function emitBuildkite(pipeline: Pipeline, emitOptions: EmitOptions = {}): EmitResult {
  const { options, diagnostics } = readBuildkiteOptions(pipeline, emitOptions);
  diagnostics.push(...triggerDiagnostics(pipeline));
  const stepKeys = new Set(Object.keys(pipeline.jobs));

  // Consecutive jobs of one group go into one group step. A batch is written when the
  // next top-level step starts, so an open group is complete by then. Once there is an
  // error no file is written, and the batches stop.
  const chunks: string[] = [];
  let batch: YamlValue[] = [];
  let open: { label: string; step: { group: string; steps: YamlValue[] } } | undefined;
  let checked = diagnostics.length;
  let failed = hasErrors(diagnostics);
  const topLevel = (step: YamlValue) => {
    if (batch.length >= stepsPerChunk) {
      for (; checked < diagnostics.length; checked++) if (diagnostics[checked].severity === 'error') failed = true;
      if (!failed) chunks.push(yamlEntries(batch, 1));
      batch = [];
    }
    batch.push(step);
  };
  for (const id of stepOrder(pipeline)) {
    const job = pipeline.jobs[id];
    const group = groupOf(job);
    const steps = jobSteps(pipeline, id, job, options, stepKeys, diagnostics);
    if (group === undefined) {
      open = undefined;
      for (const s of steps) topLevel(s);
    } else if (open && open.label === group) for (const s of steps) open.step.steps.push(s);
    else {
      open = { label: group, step: { group: escapeInterpolation(group), steps: [...steps] } };
      topLevel(open.step as unknown as YamlValue);
    }
  }

  const doc: Record<string, YamlValue> = {};
  const env = envBlock(pipeline.env, [], () => 'env', diagnostics);
  if (env) doc.env = env;
  const vendor = pipeline.vendor?.buildkite ?? {};
  for (const [k, v] of Object.entries(vendor)) if (!vendorOptionKeys.has(k) && k !== 'steps') doc[k] = v as YamlValue;
  if (hasErrors(diagnostics)) return { files: [], diagnostics };
  // `steps` is the last key written (integer-like vendor keys sort first anyway), so the document is its other keys, then the steps.
  if (batch.length > 0) chunks.push(yamlEntries(batch, 1));
  if (Array.isArray(vendor.steps) && vendor.steps.length > 0) chunks.push(yamlEntries(vendor.steps as YamlValue[], 1));
  const head = yamlEntries(doc);
  // Kept in pieces (outputFile): the CLI writes them one by one, never the whole text.
  const pieces = [hashHeader(emitOptions.source), metadataComments(pipeline), head, chunks.length > 0 ? 'steps:\n' : 'steps: []\n', ...chunks];
  return { files: [outputFile(pipelinePath, pieces)], diagnostics };
}
