/**
 * IR to a declarative Jenkinsfile. This file decides what goes where (stages from
 * the job graph, agents, steps, environment); render.ts spells it, and groovy.ts
 * quotes it.
 * https://www.jenkins.io/doc/book/pipeline/syntax/
 */
import {
  buildImageCommands,
  callsDocker,
  daemonReadinessWait,
  diagnostic,
  formatPath,
  headerLines,
  jobLevels,
  jobStrategy,
  readinessWaitFor,
  unwaitableDaemon,
  usedBuiltins,
  type BuiltinVariable,
  type Diagnostic,
  type EmitOptions,
  type EmitResult,
  type Job,
  type Pipeline,
  type Step,
  outputFile,
} from '@polyci/core';
import { planContainers, type ContainerPlan } from './containers';
import { droppedFields } from './dropped';
import { dockerAgent, dockerWorkflowStep, needsDockerWorkflow } from './docker-workflow';
import { isEnvironmentName, labelExpression } from './groovy';
import { podYaml } from './kubernetes';
import { readOptions, type JenkinsOptions } from './options';
import { jenkinsfilePieces, StageWriter } from './render';
import { jobSecrets } from './secrets';
import { strategyDiagnostics } from './strategy';
import { readinessStep, type StepView } from './steps';

/** The Jenkins variables that polyci's built-ins map to. */
export const builtinSources: Record<BuiltinVariable, string> = {
  POLYCI_BUILD_NUMBER: 'BUILD_NUMBER',
  POLYCI_COMMIT_SHA: 'GIT_COMMIT',
  POLYCI_BRANCH: 'BRANCH_NAME',
};

export type EnvEntry = { name: string; value?: string; credential?: string; builtin?: string };

export type AgentView =
  | { template: 'agent-any' }
  | { template: 'agent-label'; label: string }
  | { template: 'agent-docker'; image: string; args?: string; label?: string }
  | { template: 'agent-kubernetes'; yaml: string };

export interface StageView {
  name: string;
  /** The job id, when the stage name does not say it. */
  job?: string;
  agent: AgentView;
  when?: { branches: string[]; tag: boolean; any: boolean };
  input?: string;
  options?: { timeoutMinutes?: number; retry?: number; skipDefaultCheckout?: boolean };
  environment: EnvEntry[];
  steps: StepView[];
  artifacts: string[];
}

export interface JenkinsfileView {
  header: string[];
  name: string;
  triggers: string[];
  environment: EnvEntry[];
  /** The stages as a StageWriter wrote them, in chunks of text. */
  stages: string[];
}

function literalEnv(env: Record<string, string>): EnvEntry[] {
  return Object.keys(env).map((name) => ({ name, value: env[name] }));
}

function stageEnvironment(job: Job, builtins: BuiltinVariable[], secrets: string[]): EnvEntry[] {
  const entries = new Map<string, EnvEntry>();
  for (const b of builtins) entries.set(b, { name: b, builtin: builtinSources[b] });
  for (const name of Object.keys(job.env)) entries.set(name, { name, value: job.env[name] });
  // Credentials by id: Jenkins binds the secret and masks it in the log; its value is never written.
  for (const name of secrets) entries.set(name, { name, credential: name });
  return [...entries.values()];
}

/** What one emit shares between its stages. */
interface EmitState {
  pipeline: Pipeline;
  options: JenkinsOptions;
  diagnostics: Diagnostic[];
  /** Pod YAML by what the pod is made of (see podYaml). */
  pods: Map<string, string>;
  /** Each job's secrets, for the environment names checked after the stages. */
  secrets: Map<string, string[]>;
}

/** Does a step need the job's Docker daemon? */
function usesDaemon(step: Step): boolean {
  return 'buildImage' in step || ('run' in step && callsDocker(step.run));
}

function stepViews(job: Job, id: string, plan: ContainerPlan, diagnostics: Diagnostic[]): { container?: string; step: StepView }[] {
  const out: { container?: string; step: StepView }[] = [];
  let waited = !plan.waitForDaemon;
  job.steps.forEach((step, i) => {
    if (!waited && usesDaemon(step)) {
      // a socket proxy answers only the probes its allow-list lets through
      const strategy = jobStrategy(job);
      const wait = strategy ? readinessWaitFor(strategy) : daemonReadinessWait();
      if (wait) out.push({ container: plan.runIn, step: readinessStep(wait) });
      else diagnostics.push(unwaitableDaemon(id));
      waited = true;
    }
    if ('run' in step) {
      const sh: StepView = { template: 'step-sh', script: step.run, label: step.name };
      const env = step.env ?? {};
      const names = Object.keys(env);
      out.push({ container: plan.runIn, step: names.length > 0 ? { template: 'step-with-env', env: names.map((n) => `${n}=${env[n]}`), steps: [sh] } : sh });
    } else if ('buildImage' in step) {
      const commands = buildImageCommands(step.buildImage, plan.strategy!);
      out.push({ container: plan.buildIn, step: { template: 'step-sh', script: commands.join('\n'), label: step.name } });
    } else if ('vendor' in step) {
      if (step.vendor.target !== 'jenkins') return;
      if (typeof step.vendor.step === 'string' && step.vendor.step.trim() !== '') {
        out.push({ container: plan.runIn, step: { template: 'step-raw', groovy: step.vendor.step } });
      } else {
        diagnostics.push(diagnostic('PCI030', 'error', `the Jenkins vendor step of job "${id}" must be a string of Groovy steps`, { path: formatPath(['jobs', id, 'steps', i, 'vendor', 'step']), hint: "write it as the step's Groovy text, e.g. junit 'reports/*.xml'" }));
      }
    }
    // checkout: the declarative agent's own checkout, at the start of the stage (see stageOf).
  });
  return out;
}

/** Consecutive steps that run in the same container go into one `container(...)` block. */
function inContainers(steps: { container?: string; step: StepView }[]): StepView[] {
  const out: StepView[] = [];
  let current: { template: 'step-container'; name: string; steps: StepView[] } | undefined;
  for (const { container, step } of steps) {
    if (!container) {
      current = undefined;
      out.push(step);
      continue;
    }
    if (!current || current.name !== container) {
      current = { template: 'step-container', name: container, steps: [] };
      out.push(current);
    }
    current.steps.push(step);
  }
  return out;
}

function nodeAgent(job: Job): AgentView {
  return job.runner?.labels && job.runner.labels.length > 0 ? { template: 'agent-label', label: labelExpression(job.runner.labels) } : { template: 'agent-any' };
}

function stageOf(state: EmitState, id: string, name: string): StageView {
  const { pipeline, options, diagnostics } = state;
  const job = pipeline.jobs[id];
  const plan = planContainers(job, options.agent === 'docker' ? 'alias' : 'localhost');
  // The host socket is a Docker node's, not a pod's: such a job runs on a Docker node either way.
  const docker = options.agent === 'docker' || plan.hostSocket !== undefined;
  const builtins = usedBuiltins(pipeline, job);
  const secrets = jobSecrets(job);
  state.secrets.set(id, secrets);
  strategyDiagnostics(job, id, plan, options, diagnostics);
  droppedFields(job, id, plan, options, builtins, secrets, diagnostics);
  const steps = stepViews(job, id, plan, diagnostics);

  let agent: AgentView;
  let body: StepView[];
  if (docker && !needsDockerWorkflow(plan)) {
    // One container on a Docker node: the declarative docker agent (seed 001's idiom).
    agent = plan.containers.length === 0 ? nodeAgent(job) : dockerAgent(job, plan);
    body = steps.map((s) => s.step);
  } else if (docker) {
    agent = nodeAgent(job);
    body = [dockerWorkflowStep(id, plan, steps, diagnostics)];
  } else if (plan.containers.length === 0) {
    agent = nodeAgent(job);
    body = steps.map((s) => s.step);
  } else {
    agent = { template: 'agent-kubernetes', yaml: podYaml(plan, state.pods) };
    body = inContainers(steps);
  }

  let checkout = job.steps.some((s) => 'checkout' in s);
  if (steps.length === 0) {
    // Declarative rejects a stage without steps: a job that only checks out says so explicitly.
    body = checkout ? [{ template: 'step-checkout' }] : [{ template: 'step-raw', groovy: "echo 'polyci: this job has no step for Jenkins'" }];
    if (checkout) checkout = false;
  }
  const conditions = job.conditions;
  const branches = conditions?.branches ?? [];
  const tag = conditions?.tags === true;
  const stage: StageView = {
    name,
    job: name === id ? undefined : id,
    agent,
    environment: stageEnvironment(job, builtins, secrets),
    steps: body,
    artifacts: job.artifacts?.paths ?? [],
  };
  if (branches.length > 0 || tag) stage.when = { branches, tag, any: branches.length + (tag ? 1 : 0) > 1 };
  if (conditions?.manual) stage.input = `Run ${name}?`;
  if (job.timeoutMinutes || job.retry || !checkout) {
    // retry(n) counts attempts; the IR counts retries after the first.
    stage.options = { timeoutMinutes: job.timeoutMinutes, retry: job.retry ? job.retry + 1 : undefined, skipDefaultCheckout: !checkout || undefined };
  }
  return stage;
}

/** Stage names are unique in a Jenkinsfile: the job's name, else its id. */
function stageNames(pipeline: Pipeline): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    let name = job.name ?? id;
    if (taken.has(name)) name = `${name} (${id})`;
    for (let i = 2; taken.has(name); i++) name = `${job.name ?? id} (${id} ${i})`;
    taken.add(name);
    names.set(id, name);
  }
  return names;
}

/** The Jenkinsfile of a checked pipeline. */
export function emitJenkins(pipeline: Pipeline, emitOptions?: EmitOptions): EmitResult {
  const { options, diagnostics } = readOptions(emitOptions);
  if (diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics };
  const names = stageNames(pipeline);
  const taken = new Set(names.values());
  const stages = new StageWriter();
  const state: EmitState = { pipeline, options, diagnostics, pods: new Map(), secrets: new Map() };
  const levels = jobLevels(pipeline);
  for (const level of levels) {
    if (level.length === 1) {
      stages.stage(stageOf(state, level[0], names.get(level[0])!));
      continue;
    }
    // Jobs of one level of the graph need nothing from each other: they run in parallel.
    // A readable name: a wide level lists its first jobs only.
    const listed = level.length > 6 ? `${level.slice(0, 5).join(', ')} and ${level.length - 5} more` : level.join(', ');
    let group = `parallel: ${listed}`;
    for (let i = 2; taken.has(group); i++) group = `parallel ${i}: ${listed}`;
    taken.add(group);
    stages.openParallel(group);
    for (const id of level) stages.stage(stageOf(state, id, names.get(id)!));
    stages.closeParallel();
  }
  pipelineDiagnostics(pipeline, levels, state.secrets, diagnostics);
  const view: JenkinsfileView = {
    header: headerLines(options.source),
    name: pipeline.name,
    triggers: (pipeline.triggers.schedule ?? []).map((s) => s.cron),
    environment: literalEnv(pipeline.env),
    stages: stages.done(),
  };
  if (diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics };
  // Kept in pieces (outputFile): the CLI writes them one by one, never the whole text.
  return { files: [outputFile('Jenkinsfile', jenkinsfilePieces(view))], diagnostics };
}

function reservedEnvironmentNames(pipeline: Pipeline, secretsOf: Map<string, string[]>, out: Diagnostic[]): void {
  // Thousands of jobs reuse a few names; the path is spelled only for a name that fails.
  const valid = new Map<string, boolean>();
  const bad = (name: string): boolean => {
    let ok = valid.get(name);
    if (ok === undefined) valid.set(name, (ok = isEnvironmentName(name)));
    return !ok;
  };
  const report = (name: string, path: (string | number)[]) => {
    out.push(diagnostic('PCI030', 'error', `"${name}" is a Groovy keyword and cannot be a variable of a Jenkinsfile environment block`, { path: formatPath(path), hint: 'rename the variable (environment variables are usually upper case)' }));
  };
  for (const name of Object.keys(pipeline.env)) if (bad(name)) report(name, ['env', name]);
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    for (const name of Object.keys(job.env)) if (bad(name)) report(name, ['jobs', id, 'env', name]);
    for (const name of secretsOf.get(id) ?? jobSecrets(job)) if (bad(name)) report(name, ['jobs', id, 'secrets']);
  }
}

/** Jobs that, stage by stage, also wait for jobs of earlier levels that they do not need. */
function levelWaits(pipeline: Pipeline, levels: readonly (readonly string[])[]): Diagnostic[] {
  // Ancestor sets as bitsets, built in DAG order (parents first): n²/32 word operations
  // instead of n² set insertions, so a 10,000-job chain stays in milliseconds.
  const index = new Map<string, number>();
  levels.flat().forEach((id, i) => index.set(id, i));
  const words = Math.ceil(index.size / 32);
  const ancestors = new Map<string, Uint32Array>();
  const popcount = (bits: Uint32Array): number => {
    let n = 0;
    for (let w of bits) {
      w -= (w >>> 1) & 0x55555555;
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      n += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  };
  // A job has every earlier job as an ancestor only if it needs all of the level just
  // before its own (no other path reaches that level). Only those candidates, and what
  // they need, get bitsets; everyone else already waits for more than it needs.
  const candidates = new Set<string>();
  levels.forEach((level, l) => {
    if (l === 0) return;
    for (const id of level) {
      const needs = new Set(pipeline.jobs[id]?.needs ?? []);
      if (levels[l - 1].every((p) => needs.has(p))) candidates.add(id);
    }
  });
  const requested = new Set<string>();
  const stack = [...candidates];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const need of pipeline.jobs[id]?.needs ?? []) if (!requested.has(need)) requested.add(need), stack.push(need);
  }
  const waiting: string[] = [];
  let earlier = 0;
  levels.forEach((level, l) => {
    for (const id of level) {
      if (l > 0 && !candidates.has(id) && !requested.has(id)) {
        waiting.push(id);
        continue;
      }
      if (l === 0 && !requested.has(id)) continue;
      const bits = new Uint32Array(words);
      for (const need of pipeline.jobs[id]?.needs ?? []) {
        const i = index.get(need);
        const parent = ancestors.get(need);
        if (i === undefined || !parent) continue;
        bits[i >>> 5] |= 1 << (i & 31);
        for (let w = 0; w < words; w++) bits[w] |= parent[w];
      }
      ancestors.set(id, bits);
      if (l > 0 && (!candidates.has(id) || popcount(bits) < earlier)) waiting.push(id);
    }
    earlier += level.length;
  });
  if (waiting.length === 0) return [];
  const some = waiting.slice(0, 3).map((id) => `"${id}"`).join(', ');
  return [
    diagnostic('PCI030', 'info', `${waiting.length} job${waiting.length > 1 ? 's' : ''} (${some}${waiting.length > 3 ? ' ...' : ''}) also wait for earlier jobs they do not need: Jenkins stages run level by level of the job graph`, {
      path: 'jobs',
      hint: 'the order the needs ask for is kept; only some parallelism is lost',
    }),
  ];
}

function pipelineDiagnostics(pipeline: Pipeline, levels: readonly (readonly string[])[], secretsOf: Map<string, string[]>, out: Diagnostic[]): void {
  reservedEnvironmentNames(pipeline, secretsOf, out);
  out.push(...levelWaits(pipeline, levels));
  const t = pipeline.triggers;
  const branchSource = 'a Jenkinsfile cannot choose what triggers it: configure the branch source of the multibranch job (discovery behaviours, filter by name, build strategies)';
  if (t.push?.branches) out.push(diagnostic('PCI031', 'warning', 'push branch filters are not written to the Jenkinsfile', { path: 'triggers.push.branches', hint: branchSource }));
  if (t.push?.tags) out.push(diagnostic('PCI031', 'warning', 'push tag filters are not written to the Jenkinsfile', { path: 'triggers.push.tags', hint: branchSource }));
  if (t.pullRequest) out.push(diagnostic('PCI031', 'warning', 'pull request triggers are not written to the Jenkinsfile', { path: 'triggers.pullRequest', hint: branchSource }));
  for (const key of Object.keys(pipeline.vendor?.jenkins ?? {})) {
    out.push(diagnostic('PCI031', 'warning', `vendor.jenkins.${key} has no place in the emitted Jenkinsfile`, { path: formatPath(['vendor', 'jenkins', key]), hint: 'express it in the IR, or as a Jenkins vendor step' }));
  }
}
