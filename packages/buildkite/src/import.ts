/**
 * `.buildkite/pipeline.yml` back into the IR: command steps become jobs, `wait`
 * and `depends_on` become needs, the kubernetes, docker and docker-compose plugins
 * become images, strategies and steps, and whatever has no IR meaning stays in
 * vendor.buildkite with a diagnostic that names its line. Never throws.
 * https://buildkite.com/docs/pipelines/configure/defining-steps
 */
import {
  isReadinessWait,
  daemonStrategies,
  generatedMarker,
  diagnostic,
  parseYamlInput,
  PipelineSchema,
  PolicySchema,
  shellQuote,
  type Diagnostic,
  type ImportResult,
  type InputFile,
  type JobInput,
  type PipelineInput,
  type SourcePositions,
  type StepInput,
} from '@polyci/core';
import { splitLogGroup } from './commands';
import { tagCondition } from './conditions';
import { isLiteralCredential } from './credentials';
import { nameCommentPrefix, policyCommentPrefix } from './emit';
import { defaultSecretName } from './options';
import { readBuildImage, readHandWrittenDockerBuild } from './import-build';
import { importKubernetesPlugin } from './import-pod';
import { builtinSources, unescapeInterpolation } from './interpolation';
import { isKubernetesPlugin } from './model/kubernetes';
import { AgentsSchema, ArtifactPathsSchema, AutomaticRetrySchema, BranchesSchema, CommandsSchema, commandStepIrKeys, DependsOnSchema, PluginsSchema, stepKind } from './model/steps';

type Path = (string | number)[];

interface Context {
  file: string;
  /** A file polyci did not write (no generated header): hand-written builds are read too. */
  foreign: boolean;
  diagnostics: Diagnostic[];
  positions: SourcePositions;
  where(path: Path): { line?: number; column?: number };
}

function report(ctx: Context, code: Parameters<typeof diagnostic>[0], severity: Diagnostic['severity'], message: string, path: Path, hint?: string): void {
  const at = ctx.where(path);
  // an empty document has no node to point at: its first line stands for it
  ctx.diagnostics.push(diagnostic(code, severity, message, { file: ctx.file, line: at.line ?? 1, column: at.column ?? 1, path: path.join('.'), ...(hint ? { hint } : {}) }));
}

/** A step with where it sits, after groups are flattened. */
interface FlatStep {
  step: unknown;
  path: Path;
  group?: { label: string; key?: string; dependsOn: string[] };
}

function flatten(steps: unknown[], path: Path, ctx: Context, group?: FlatStep['group']): FlatStep[] {
  const out: FlatStep[] = [];
  steps.forEach((step, i) => {
    const at = [...path, i];
    if (stepKind(step) !== 'group') return void out.push({ step, path: at, group });
    const g = step as Record<string, unknown>;
    if (group) report(ctx, 'PCI041', 'warning', 'Buildkite does not nest groups; the inner group is flattened into the outer one', at);
    const label = typeof g.group === 'string' ? g.group : typeof g.label === 'string' ? g.label : typeof g.name === 'string' ? g.name : '';
    const deps = DependsOnSchema.safeParse(g.depends_on ?? null);
    const key = [g.key, g.identifier, g.id].find((k) => typeof k === 'string') as string | undefined;
    for (const k of Object.keys(g)) {
      if (!['group', 'label', 'name', 'steps', 'key', 'identifier', 'id', 'depends_on'].includes(k)) report(ctx, 'PCI041', 'warning', `group key "${k}" is not carried: polyci keeps only the group label`, [...at, k]);
    }
    const inner = Array.isArray(g.steps) ? g.steps : [];
    out.push(...flatten(inner, [...at, 'steps'], ctx, { label: unescapeInterpolation(label), key, dependsOn: deps.success ? deps.data.map((d) => d.step) : [] }));
  });
  return out;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/** A job id from a step key, label, or position; unique. */
function jobIdFor(raw: string | undefined, label: string | undefined, index: number, taken: Set<string>): string {
  let id = raw ?? label ?? '';
  if (!identifier.test(id)) {
    id = id.replace(/:[a-z0-9_+-]+:/g, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
    if (!/^[A-Za-z_]/.test(id)) id = id ? `step-${id}` : `step-${index + 1}`;
    id = id.slice(0, 63);
  }
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id.slice(0, 60)}-${n}`;
  taken.add(unique);
  return unique;
}

/** Env entries into IR env and secrets; literal credentials become secret references. */
function importEnv(raw: unknown, path: Path, ctx: Context, job: { env: Record<string, string>; secrets: string[] }, unescaped = false): void {
  if (raw === undefined || raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw)) return void report(ctx, 'PCI041', 'warning', 'env must be a map of names to values; not carried', path);
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const written = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
    const text = unescaped ? written : unescapeInterpolation(written);
    if (name in builtinSources && text === `\${${name}}`) continue; // polyci's mapping of its built-ins
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      report(ctx, 'PCI041', 'warning', `env name "${name}" is not a shell variable name; not carried`, [...path, name]);
      continue;
    }
    if (isLiteralCredential(name, text)) {
      if (!job.secrets.includes(name)) job.secrets.push(name);
      report(ctx, 'PCI044', 'warning', `${name} holds a literal credential: imported as a reference to the secret ${name}; its value is not copied`, [...path, name], `store the value as the secret ${name} (and rotate it: it was committed in plain text)`);
      continue;
    }
    job.env[name] = text;
  }
}

function vendorOf(job: JobInput): Record<string, unknown> {
  job.vendor ??= {};
  return (job.vendor.buildkite ??= {});
}

/** One command step as a job (without needs, which come after all keys are known). */
function importCommandStep(flat: FlatStep, id: string, ctx: Context, pipelineAgents: Record<string, string>, gitSecrets: Set<string>, kubernetesSecrets: Set<string>): { job: JobInput; dependsOn: string[] } {
  const s = flat.step as Record<string, unknown>;
  const at = flat.path;
  const job: JobInput & { env: Record<string, string>; secrets: string[] } = { env: {}, secrets: [], steps: [] };
  const label = [s.label, s.name].find((v) => typeof v === 'string') as string | undefined;
  if (label !== undefined) job.name = unescapeInterpolation(label).slice(0, 200) || undefined;
  if (flat.group) vendorOf(job).group = flat.group.label;
  ctx.positions[`jobs.${id}`] = { file: ctx.file, line: ctx.where(at).line ?? 1, column: ctx.where(at).column };

  // Where it runs.
  const agents = s.agents === undefined ? { ...pipelineAgents } : AgentsSchema.safeParse(s.agents).success ? AgentsSchema.parse(s.agents) : undefined;
  if (!agents) report(ctx, 'PCI041', 'warning', 'agents must be a map or a list of key=value; not carried', [...at, 'agents']);
  else {
    if (agents.queue !== undefined) job.runner = { queue: unescapeInterpolation(agents.queue) };
    // Agent tags other than the queue select Buildkite agents; they are no runner label on other systems.
    const tags = Object.fromEntries(Object.entries(agents).filter(([k]) => k !== 'queue'));
    if (s.agents !== undefined && Object.keys(tags).length > 0) {
      vendorOf(job).agents = tags;
      report(ctx, 'PCI042', 'info', `agent tags ${Object.keys(tags).join(', ')} select Buildkite agents: kept in vendor.buildkite.agents`, [...at, 'agents']);
    }
  }
  if (typeof s.image === 'string') job.image = unescapeInterpolation(s.image);

  // Plugins: kubernetes, docker and docker-compose are read; others are kept.
  const plugins = s.plugins === undefined ? [] : PluginsSchema.safeParse(s.plugins).success ? PluginsSchema.parse(s.plugins) : undefined;
  if (!plugins) report(ctx, 'PCI041', 'warning', 'plugins must be a list of plugin maps; not carried', [...at, 'plugins']);
  const keptPlugins: unknown[] = [];
  let pod: ReturnType<typeof importKubernetesPlugin> | undefined;
  const pluginCommands: string[] = [];
  for (const plugin of plugins ?? []) {
    const pluginPath = Array.isArray(s.plugins) ? [...at, 'plugins', plugin.index, plugin.name] : [...at, 'plugins', plugin.name];
    if (isKubernetesPlugin(plugin.name) && !pod) {
      pod = importKubernetesPlugin(plugin.config, pluginPath);
      for (const f of pod.findings) report(ctx, f.code, f.severity, f.message, f.at, f.hint);
      continue;
    }
    const docker = /^(?:docker|github\.com\/buildkite-plugins\/docker-buildkite-plugin(?:\.git)?)(#.*)?$/.exec(plugin.name);
    const compose = /^(?:docker-compose|github\.com\/buildkite-plugins\/docker-compose-buildkite-plugin(?:\.git)?)(#.*)?$/.exec(plugin.name);
    const config = (plugin.config ?? {}) as Record<string, unknown>;
    if (docker && typeof config.image === 'string' && Object.keys(config).every((k) => ['image', 'environment', 'command', 'always-pull', 'propagate-environment', 'mount-checkout'].includes(k))) {
      job.image = unescapeInterpolation(config.image);
      for (const e of Array.isArray(config.environment) ? config.environment : []) {
        const [name, ...rest] = String(e).split('=');
        if (rest.length > 0) importEnv({ [name]: rest.join('=') }, [...pluginPath, 'environment'], ctx, job);
        else report(ctx, 'PCI042', 'info', `${name} is passed through from the agent's environment; every target passes the job env`, [...pluginPath, 'environment']);
      }
      if (Array.isArray(config.command)) pluginCommands.push(config.command.map((w) => shellQuote(unescapeInterpolation(String(w)))).join(' '));
      report(ctx, 'PCI042', 'info', `the docker plugin is read as the job image ${job.image}`, pluginPath);
      const unmapped = Object.keys(config).filter((k) => !['image', 'environment', 'command'].includes(k));
      if (unmapped.length > 0) report(ctx, 'PCI041', 'warning', `docker plugin options ${unmapped.join(', ')} are not carried: every target pulls the job image and checks out into its workspace itself`, pluginPath);
      continue;
    }
    if (compose && Object.keys(config).every((k) => ['run', 'build', 'config'].includes(k)) && (typeof config.run === 'string' || typeof config.build === 'string' || Array.isArray(config.build))) {
      const files = (Array.isArray(config.config) ? config.config : config.config === undefined ? [] : [config.config]).map((f) => `-f ${shellQuote(String(f))}`);
      const base = ['docker compose', ...files].join(' ');
      const builds = Array.isArray(config.build) ? config.build.map(String) : typeof config.build === 'string' ? [config.build] : [];
      if (builds.length > 0) pluginCommands.push(`${base} build ${builds.map(shellQuote).join(' ')}`);
      if (typeof config.run === 'string') (job as { composeRun?: string }).composeRun = `${base} run --rm ${shellQuote(config.run)}`;
      job.docker = { strategy: 'auto' };
      report(ctx, 'PCI042', 'info', 'the docker-compose plugin is read as docker compose commands, with a daemon strategy chosen by polyci', pluginPath, 'check the strategy `polyci explain` picks');
      continue;
    }
    keptPlugins.push(Array.isArray(s.plugins) ? (s.plugins as unknown[])[plugin.index] : { [plugin.name]: plugin.config });
    report(ctx, 'PCI042', 'info', `plugin ${plugin.name} has no IR meaning: kept in vendor.buildkite.plugins`, pluginPath);
  }
  if (keptPlugins.length > 0) vendorOf(job).plugins = keptPlugins;

  // The pod.
  if (pod?.strategy) job.docker = pod.strategy;
  if (pod?.image) job.image = pod.image;
  if (pod?.resources) (job.runner ??= {}).resources = pod.resources;
  if (pod && pod.services.length > 0) {
    job.services = pod.services;
    pod.services.forEach((svc, i) => {
      for (const [name, value] of Object.entries(svc.env ?? {})) {
        if (!isLiteralCredential(name, value)) continue;
        // The service reads the secret the job holds: the value itself is never carried.
        svc.env![name] = `\${${name}}`;
        if (!job.secrets.includes(name)) job.secrets.push(name);
        const sidecarAt = pod!.serviceAt[i] ?? at;
        report(ctx, 'PCI044', 'warning', `${name} of service ${svc.alias} holds a literal credential: imported as a reference to the secret ${name}; its value is not copied`, sidecarAt, `store the value as the secret ${name} (and rotate it: it was committed in plain text)`);
      }
    });
  }
  if (pod?.gitCredentialsSecret) gitSecrets.add(pod.gitCredentialsSecret);
  for (const ref of pod?.secretRefs ?? []) {
    if (!job.secrets.includes(ref.name)) job.secrets.push(ref.name);
    kubernetesSecrets.add(ref.secret);
  }
  if (pod && Object.keys(pod.vendor).length > 0) vendorOf(job).kubernetes = pod.vendor;
  if (pod) for (const [name, value] of Object.entries(pod.env)) importEnv({ [name]: value }, pod.envAt[name] ?? at, ctx, job, true);
  if (pod?.strategy) ctx.positions[`jobs.${id}.docker`] = ctx.positions[`jobs.${id}`];

  // Steps: checkout first (agent-stack-k8s checks out unless told not to), then one step per command entry.
  if (!pod?.checkout.skip) {
    const options: { depth?: number; submodules?: boolean } = {};
    if (pod?.checkout.depth !== undefined) options.depth = pod.checkout.depth;
    if (pod?.checkout.submodules !== undefined) options.submodules = pod.checkout.submodules;
    job.steps.push({ checkout: options });
  }
  const rawCommands = s.commands ?? s.command;
  const parsedCommands = rawCommands === undefined || rawCommands === null ? { success: true as const, data: [] as string[] } : CommandsSchema.safeParse(rawCommands);
  if (!parsedCommands.success) report(ctx, 'PCI041', 'warning', 'command must be a string or a list of strings; not carried', [...at, s.commands !== undefined ? 'commands' : 'command']);
  const entries = [...(parsedCommands.success ? parsedCommands.data : []).map(unescapeInterpolation), ...pluginCommands];
  if (pod?.containerCommand !== undefined) entries.push(pod.containerCommand);
  const strategy = pod?.strategy;
  for (const entry of entries) {
    if (isReadinessWait(entry)) continue;
    const { name, script } = splitLogGroup(entry);
    if (script === '') continue;
    // polyci's own builds come back only as polyci writes them; a hand-written docker build when it maps cleanly.
    const ours = readBuildImage(script, strategy);
    const handWritten = !ours && ctx.foreign && strategy && daemonStrategies.includes(strategy.strategy) ? readHandWrittenDockerBuild(script) : undefined;
    if (handWritten) report(ctx, 'PCI042', 'info', 'this docker build maps cleanly to a buildImage step and is read as one', at);
    const build = ours ?? handWritten;
    const step: StepInput = build ? { buildImage: build } : { run: script };
    if (name) step.name = name.slice(0, 200);
    job.steps.push(step);
  }
  const composeRun = (job as { composeRun?: string }).composeRun;
  if (composeRun) {
    delete (job as { composeRun?: string }).composeRun;
    const runSteps = job.steps.filter((st) => 'run' in st) as { run: string }[];
    // The plugin runs the step's command inside the service container.
    if (runSteps.length > 0) for (const st of runSteps) st.run = `${composeRun} sh -c ${shellQuote(st.run)}`;
    else job.steps.push({ run: composeRun });
  }
  if (!job.steps.some((st) => !('checkout' in st))) {
    if (job.steps.length === 0) job.steps.push({ run: 'true' });
    report(ctx, 'PCI041', 'info', 'the step runs no command', at);
  }

  // Env and secrets (step env, then what the pod's container adds).
  importEnv(s.env, [...at, 'env'], ctx, job);
  if (Array.isArray(s.secrets)) {
    for (const name of s.secrets) if (typeof name === 'string' && !job.secrets.includes(name)) job.secrets.push(name);
  } else if (s.secrets !== undefined) {
    vendorOf(job).secrets = s.secrets;
    report(ctx, 'PCI042', 'info', 'secrets mapped to other variable names have no IR meaning: kept in vendor.buildkite', [...at, 'secrets']);
  }

  // When it runs, and how often.
  const conditions: NonNullable<JobInput['conditions']> = {};
  if (s.branches !== undefined) {
    const b = BranchesSchema.safeParse(s.branches);
    if (b.success && b.data.every((x) => !x.startsWith('!'))) conditions.branches = b.data.map(unescapeInterpolation);
    else {
      vendorOf(job).branches = s.branches;
      report(ctx, 'PCI042', 'info', 'negated branch filters have no IR meaning: kept in vendor.buildkite', [...at, 'branches']);
    }
  }
  if (typeof s.if === 'string' && s.if.trim() === tagCondition) conditions.tags = true;
  else if (s.if !== undefined) {
    vendorOf(job).if = s.if;
    report(ctx, 'PCI042', 'info', 'this `if` expression has no IR meaning: kept in vendor.buildkite', [...at, 'if']);
  }
  if (Object.keys(conditions).length > 0) job.conditions = conditions;
  if (typeof s.timeout_in_minutes === 'number' && Number.isInteger(s.timeout_in_minutes) && s.timeout_in_minutes >= 1 && s.timeout_in_minutes <= 10080) job.timeoutMinutes = s.timeout_in_minutes;
  else if (s.timeout_in_minutes !== undefined && s.timeout_in_minutes !== null) {
    vendorOf(job).timeout_in_minutes = s.timeout_in_minutes;
    report(ctx, 'PCI042', 'info', 'timeout_in_minutes outside 1..10080 kept in vendor.buildkite', [...at, 'timeout_in_minutes']);
  }
  if (s.retry !== undefined) {
    const retry = s.retry as Record<string, unknown> | null;
    const automatic = retry && typeof retry === 'object' ? AutomaticRetrySchema.safeParse(retry.automatic) : undefined;
    const keys = retry && typeof retry === 'object' ? Object.keys(retry) : [];
    const limit = automatic?.success ? (automatic.data === true ? 2 : typeof automatic.data === 'object' && !Array.isArray(automatic.data) && Object.keys(automatic.data).every((k) => k === 'limit') ? automatic.data.limit : undefined) : undefined;
    if (keys.length === 1 && typeof limit === 'number' && limit >= 0 && limit <= 2) job.retry = limit;
    else {
      vendorOf(job).retry = s.retry;
      report(ctx, 'PCI042', 'info', 'this retry rule has no IR meaning (the IR retries up to 2 times on any failure): kept in vendor.buildkite', [...at, 'retry']);
    }
  }
  if (s.artifact_paths !== undefined) {
    const a = ArtifactPathsSchema.safeParse(s.artifact_paths);
    if (a.success && a.data.length > 0) job.artifacts = { paths: a.data.map(unescapeInterpolation) };
  }
  for (const [k, v] of Object.entries(s)) {
    if (commandStepIrKeys.has(k)) continue;
    vendorOf(job)[k] = v;
    report(ctx, 'PCI042', 'info', `${k} has no IR meaning: kept in vendor.buildkite`, [...at, k]);
    if (k === 'matrix') report(ctx, 'PCI041', 'warning', 'the IR has no matrix: on other targets the commands keep their {{matrix}} placeholders and run once', [...at, k], 'write one job per matrix value');
  }
  const deps = DependsOnSchema.safeParse(s.depends_on ?? null);
  if (!deps.success) report(ctx, 'PCI041', 'warning', 'depends_on must be a key, a list of keys or of {step}; not carried', [...at, 'depends_on']);
  const dependsOn = deps.success ? deps.data.map((d) => d.step) : [];
  if (deps.success && deps.data.some((d) => d.allowFailure)) report(ctx, 'PCI041', 'warning', 'allow_failure on a dependency is not carried: the job waits for success', [...at, 'depends_on']);
  return { job, dependsOn: [...(flat.group?.dependsOn ?? []), ...dependsOn] };
}

/** Comment lines polyci writes for what Buildkite YAML has no place for. */
function readMetadataComments(text: string): { name?: string; policy?: unknown; jobPolicies: Record<string, unknown> } {
  const out: { name?: string; policy?: unknown; jobPolicies: Record<string, unknown> } = { jobPolicies: {} };
  for (const line of text.split('\n', 40)) {
    try {
      if (line.startsWith(nameCommentPrefix)) out.name = JSON.parse(line.slice(nameCommentPrefix.length));
      else if (line.startsWith(`${policyCommentPrefix}: `)) out.policy = JSON.parse(JSON.parse(line.slice(policyCommentPrefix.length + 2)));
      else {
        const m = /^# polyci policy jobs\.([A-Za-z0-9_-]+): (.*)$/.exec(line);
        if (m) out.jobPolicies[m[1]] = JSON.parse(JSON.parse(m[2]));
      }
    } catch {
      // a hand-edited comment is only a comment
    }
  }
  return out;
}

const emptyPipeline = (name: string): PipelineInput => ({ name, jobs: {} });

/** Import Buildkite pipeline files into one pipeline; a bug here becomes a diagnostic, never a stack trace. */
export function importBuildkite(files: InputFile[]): ImportResult {
  try {
    return readPipeline(files);
  } catch (error) {
    const file = files[0]?.path;
    return {
      pipeline: emptyPipeline('pipeline') as ImportResult['pipeline'],
      diagnostics: [diagnostic('PCI041', 'error', `the Buildkite importer failed on this file: ${(error as Error)?.message ?? String(error)}`, { ...(file ? { file } : {}), hint: 'please report this file to polyci' })],
    };
  }
}

function readPipeline(files: InputFile[]): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const positions: SourcePositions = {};
  const file = files[0];
  const fallbackName = (file?.path ?? 'pipeline').replace(/^.*\//, '').replace(/\.ya?ml$/, '') || 'pipeline';
  if (!file) {
    diagnostics.push(diagnostic('PCI041', 'error', 'no Buildkite pipeline file given'));
    return { pipeline: emptyPipeline(fallbackName) as ImportResult['pipeline'], diagnostics };
  }
  if (files.length > 1) diagnostics.push(diagnostic('PCI041', 'warning', `only ${file.path} is imported; ${files.length - 1} more file(s) ignored`, { file: files[1].path }));
  const input = parseYamlInput(file);
  const ctx: Context = {
    file: file.path,
    foreign: !String(file.contents).includes(generatedMarker),
    diagnostics,
    positions,
    where: (path) => {
      try {
        for (let p = path; ; p = p.slice(0, -1)) {
          const node = p.length === 0 ? input.doc?.contents : input.doc?.getIn(p, true);
          const at = input.position(node);
          if (at.line !== undefined || p.length === 0) return at;
        }
      } catch {
        return {};
      }
    },
  };
  diagnostics.push(...input.diagnostics);
  const meta = readMetadataComments(typeof file.contents === 'string' ? file.contents : '');
  const name = (meta.name ?? fallbackName).slice(0, 200) || fallbackName;
  if (input.value === undefined || input.diagnostics.some((d) => d.severity === 'error')) return { pipeline: emptyPipeline(name) as ImportResult['pipeline'], diagnostics, positions };

  const root = input.value;
  const top: Record<string, unknown> = Array.isArray(root) ? { steps: root } : root && typeof root === 'object' ? (root as Record<string, unknown>) : {};
  if (!Array.isArray(top.steps)) {
    report(ctx, 'PCI040', 'error', 'a Buildkite pipeline is a map with a `steps` list (or a list of steps)', []);
    return { pipeline: emptyPipeline(name) as ImportResult['pipeline'], diagnostics, positions };
  }
  const stepsPath: Path = Array.isArray(root) ? [] : ['steps'];
  const pipeline: PipelineInput & { env: Record<string, string>; jobs: Record<string, JobInput> } = { name, env: {}, jobs: {} };
  const pipelineSecrets: string[] = [];
  importEnv(top.env, ['env'], ctx, { env: pipeline.env, secrets: pipelineSecrets });
  const agentsParse = top.agents === undefined ? undefined : AgentsSchema.safeParse(top.agents);
  const pipelineAgents: Record<string, string> = agentsParse?.success && agentsParse.data.queue !== undefined ? { queue: agentsParse.data.queue } : {};
  if (agentsParse?.success && Object.keys(agentsParse.data).some((k) => k !== 'queue')) {
    top.agents = Object.fromEntries(Object.entries(agentsParse.data).filter(([k]) => k !== 'queue'));
  } else delete top.agents;
  if (agentsParse && !agentsParse.success) report(ctx, 'PCI041', 'warning', 'agents must be a map or a list of key=value; not carried', ['agents']);
  // Pipeline-wide Buildkite secrets by name are every job's secrets.
  if (Array.isArray(top.secrets) && top.secrets.every((x) => typeof x === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(x))) {
    for (const name of top.secrets as string[]) if (!pipelineSecrets.includes(name)) pipelineSecrets.push(name);
    delete top.secrets;
  }
  const vendor: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(top)) {
    if (['env', 'steps'].includes(k)) continue;
    vendor[k] = v;
    report(ctx, 'PCI042', 'info', `${k} has no IR meaning: kept in vendor.buildkite`, [k]);
  }
  const policy = PolicySchema.safeParse(meta.policy ?? {});
  if (policy.success && Object.keys(policy.data).length > 0) pipeline.policy = policy.data;

  // Steps, in order: keys first, so that depends_on can name steps further down.
  const flat = flatten(top.steps, stepsPath, ctx);
  const taken = new Set<string>();
  const keyToJobs = new Map<string, string[]>();
  const ids = new Map<FlatStep, string>();
  flat.forEach((f, i) => {
    if (stepKind(f.step) !== 'command') return;
    const s = f.step as Record<string, unknown>;
    const key = [s.key, s.identifier, s.id].find((k) => typeof k === 'string') as string | undefined;
    const label = [s.label, s.name].find((v) => typeof v === 'string') as string | undefined;
    const id = jobIdFor(key, label, i, taken);
    ids.set(f, id);
    if (key) keyToJobs.set(key, [id]);
    if (key && key !== id) report(ctx, 'PCI042', 'info', `step key "${key}" is not an IR job id: imported as "${id}"`, [...f.path, 'key']);
    if (f.group?.key) keyToJobs.set(f.group.key, [...(keyToJobs.get(f.group.key) ?? []), id]);
  });
  // A block step that exactly one later step depends on is that step's manual gate.
  const gates = new Map<string, { flat: FlatStep; dependents: string[] }>();
  for (const f of flat) {
    const kind = stepKind(f.step);
    if (kind !== 'block' || typeof f.step !== 'object') continue;
    const s = f.step as Record<string, unknown>;
    const key = [s.key, s.identifier, s.id].find((k) => typeof k === 'string') as string | undefined;
    if (key && !s.fields && !s.prompt) gates.set(key, { flat: f, dependents: [] });
  }
  for (const f of flat) {
    if (!ids.has(f)) continue;
    const deps = DependsOnSchema.safeParse((f.step as Record<string, unknown>).depends_on ?? null);
    if (deps.success) for (const d of deps.data) gates.get(d.step)?.dependents.push(ids.get(f)!);
  }
  for (const [key, gate] of [...gates]) if (gate.dependents.length !== 1) gates.delete(key);

  const gitSecrets = new Set<string>();
  const kubernetesSecrets = new Set<string>();
  const vendorSteps: unknown[] = [];
  let before: string[] = [];
  let barrier: string[] = [];
  for (const f of flat) {
    const kind = stepKind(f.step);
    if (kind === 'command') {
      const id = ids.get(f)!;
      const { job, dependsOn } = importCommandStep(f, id, ctx, pipelineAgents, gitSecrets, kubernetesSecrets);
      const needs = [...barrier];
      for (const dep of dependsOn) {
        const gate = gates.get(dep);
        if (gate) {
          job.conditions = { ...(job.conditions ?? {}), manual: true };
          const block = gate.flat.step as Record<string, unknown>;
          // Everything of the block but its key, its wait and the conditions the job repeats has no IR place.
          const repeats = (k: string) => JSON.stringify(block[k]) === JSON.stringify((f.step as Record<string, unknown>)[k]);
          const lost = Object.keys(block).filter((k) => {
            if (['key', 'identifier', 'id', 'depends_on', 'type'].includes(k)) return false;
            if (k === 'branches' || k === 'if') return !repeats(k);
            return !(k === 'block' && block.block === `Run ${job.name ?? id}?`);
          });
          if (lost.length > 0) report(ctx, 'PCI042', 'info', `the block step becomes conditions.manual of job ${id}; its ${lost.join(', ')} ${lost.length > 1 ? 'are' : 'is'} not carried`, gate.flat.path);
          continue;
        }
        const targets = keyToJobs.get(dep);
        if (!targets) report(ctx, 'PCI041', 'warning', `depends_on names "${dep}", which is not a command step of this pipeline; not carried`, [...f.path, 'depends_on']);
        for (const t of targets ?? []) if (t !== id && !needs.includes(t)) needs.push(t);
      }
      if (needs.length > 0) job.needs = needs;
      for (const secret of pipelineSecrets) if (!(job.secrets as string[]).includes(secret)) (job.secrets as string[]).push(secret);
      pipeline.jobs[id] = job;
      before.push(id);
    } else if (kind === 'wait') {
      barrier = [...before];
      const extra = typeof f.step === 'object' && f.step ? Object.keys(f.step).filter((k) => k !== 'wait' && k !== 'waiter' && k !== 'type') : [];
      if (extra.length > 0) report(ctx, 'PCI041', 'warning', `wait step options ${extra.join(', ')} are not carried: the IR orders jobs by needs only`, f.path);
    } else if (kind === 'block' && typeof f.step === 'object' && [...gates.values()].some((g) => g.flat === f)) {
      continue;
    } else if (kind === 'block' || kind === 'input' || kind === 'trigger') {
      vendorSteps.push(f.step);
      if (kind !== 'trigger') barrier = [...before];
      report(ctx, 'PCI042', 'info', `${kind} step kept in vendor.buildkite.steps (polyci writes it after the jobs)${kind !== 'trigger' ? '; the jobs after it need every job before it' : ''}`, f.path);
    } else {
      report(ctx, 'PCI041', 'warning', 'not a Buildkite step polyci knows; not carried', f.path);
    }
  }
  if (vendorSteps.length > 0) vendor.steps = vendorSteps;
  if (gitSecrets.size === 1) vendor.gitCredentialsSecret = [...gitSecrets][0];
  else if (gitSecrets.size > 1) report(ctx, 'PCI041', 'warning', `steps use different git credential secrets (${[...gitSecrets].join(', ')}); polyci keeps one per pipeline: ${[...gitSecrets][0]}`, stepsPath);
  if (kubernetesSecrets.size > 0) {
    vendor.secretsFrom = 'kubernetes';
    const secretName = [...kubernetesSecrets][0];
    if (secretName !== defaultSecretName) vendor.secretName = secretName;
    if (kubernetesSecrets.size > 1) report(ctx, 'PCI041', 'warning', `job secrets come from several Kubernetes Secrets (${[...kubernetesSecrets].join(', ')}); polyci reads them from one: ${secretName}`, stepsPath);
  }
  if (Object.keys(vendor).length > 0) pipeline.vendor = { buildkite: vendor };
  for (const [id, p] of Object.entries(meta.jobPolicies)) {
    const parsed = PolicySchema.safeParse(p);
    if (parsed.success && pipeline.jobs[id]) pipeline.jobs[id].policy = parsed.data;
  }
  if (Object.keys(pipeline.jobs).length === 0) report(ctx, 'PCI041', 'error', 'the pipeline has no command step to import', stepsPath);

  const checked = PipelineSchema.safeParse(pipeline);
  if (!checked.success) {
    for (const issue of checked.error.issues.slice(0, 20)) diagnostics.push(diagnostic('PCI041', 'error', `imported pipeline is not valid IR at ${issue.path.join('.')}: ${issue.message}`, { file: file.path }));
    return { pipeline: pipeline as ImportResult['pipeline'], diagnostics, positions };
  }
  return { pipeline: checked.data, diagnostics, positions };
}
