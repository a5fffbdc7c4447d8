/**
 * The declarative `pipeline {}` to the IR: pipeline directives, then stages to jobs.
 * Sequential stages chain with `needs`; the branches of `parallel` all need the stage
 * before, and the stage after needs them all; nested `stages {}` run in sequence.
 * https://www.jenkins.io/doc/book/pipeline/syntax/
 */
import type { Conditions, InputFile, JobInput, PipelineInput, Triggers } from '@polyci/core';
import { readAgent, type AgentFacts } from './agent';
import type { ImportContext } from './context';
import { blockCalls, readInput, readOptions, readStagePost, readTriggers, readWhen, type StageOptions } from './directives';
import type { JobDraft } from './draft';
import { readEnvironment } from './environment';
import { body, callName, positional, statementCall, stringValue } from './evaluate';
import { finishJob } from './finish';
import { readSteps } from './steps';
import type { CallNode, Span, Statement } from './syntax';

/** What a stage passes to the stages inside it. */
interface Inherited {
  agent?: AgentFacts;
  env: Record<string, string>;
  secrets: string[];
  conditions?: Conditions;
  options: StageOptions;
  vendor: Record<string, unknown>;
}

interface Reader {
  ctx: ImportContext;
  comments: { text: string; offset: number }[];
  files: InputFile[];
  jobs: { id: string; draft: JobDraft; agent?: AgentFacts }[];
  ids: Set<string>;
}

/** What declarative Jenkins accepts where; anything else fails its validation. */
const stageDirectives = new Set(['agent', 'environment', 'input', 'options', 'parallel', 'post', 'stages', 'steps', 'tools', 'when', 'matrix', 'failFast']);
const pipelineDirectives = new Set(['agent', 'environment', 'libraries', 'options', 'parameters', 'post', 'stages', 'tools', 'triggers']);

function jobId(name: string, ids: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[A-Za-z_]/.test(base)) base = `stage-${base}`.replace(/-$/, '');
  base = base.slice(0, 56);
  let id = base;
  for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
  ids.add(id);
  return id;
}

/**
 * The job id written in a comment right above the stage (`// job: 'id'`): a stage is
 * called by the job's name, so a generated Jenkinsfile may say its id this way.
 */
function writtenJobId(call: CallNode, r: Reader): string | undefined {
  const before = r.comments.filter((c) => c.offset < call.start).pop();
  if (!before || r.ctx.text.slice(before.offset + before.text.length, call.start).trim() !== '') return undefined;
  const m = /^\/\/\s*(?:polyci\s+)?job(?:\s+id)?:\s*'?([A-Za-z_][A-Za-z0-9_-]{0,62})'?\s*$/.exec(before.text);
  if (!m || r.ids.has(m[1])) return undefined;
  r.ids.add(m[1]);
  return m[1];
}

function directivesOf(call: CallNode, ctx: ImportContext, where: string): Map<string, CallNode> {
  const out = new Map<string, CallNode>();
  for (const c of blockCalls(body(call), ctx, where)) {
    const name = callName(c)!;
    if (out.has(name) && name !== 'stage') ctx.report('PCI041', 'warning', `${name} appears twice in ${where}: the first is read`, c);
    else out.set(name, c);
  }
  return out;
}

function readStages(call: CallNode, inherited: Inherited, needs: string[], r: Reader): string[] {
  let exits = needs;
  for (const s of body(call)) {
    const c = statementCall(s);
    if (!c || callName(c) !== 'stage') {
      r.ctx.report('PCI041', 'warning', `only stage(...) { } belongs in stages: ${r.ctx.source(s).split('\n')[0].slice(0, 80)}`, s);
      continue;
    }
    exits = readStage(c, inherited, exits, r);
  }
  return exits;
}

function readStage(call: CallNode, parent: Inherited, needs: string[], r: Reader): string[] {
  const { ctx } = r;
  const name = stringValue(positional(call)[0]?.value, ctx) ?? 'stage';
  if (!call.closure) {
    ctx.report('PCI041', 'warning', `stage "${name}" has no body`, call);
    return needs;
  }
  const d = directivesOf(call, ctx, `stage "${name}"`);
  const vendor: Record<string, unknown> = { ...parent.vendor };
  const scope: Inherited = { agent: parent.agent, env: { ...parent.env }, secrets: [...parent.secrets], conditions: parent.conditions ? { ...parent.conditions } : undefined, options: { ...parent.options }, vendor };
  const agentCall = d.get('agent');
  if (agentCall) scope.agent = readAgent(agentCall, ctx, r.files);
  const environment = d.get('environment');
  if (environment) readEnvironment(environment, scope, ctx);
  const when = d.get('when');
  const input = d.get('input');
  if (when || input) {
    const conditions: Conditions = { ...(scope.conditions ?? {}) };
    if (when) readWhen(when, conditions, vendor, ctx);
    if (input) readInput(input, conditions, vendor, ctx);
    scope.conditions = conditions;
  }
  const options = d.get('options');
  if (options) readOptions(options, scope.options, vendor, ctx, false);
  for (const [key, c] of d) {
    if (['agent', 'environment', 'when', 'input', 'options', 'steps', 'parallel', 'stages', 'post', 'matrix'].includes(key)) continue;
    vendor[key] = ctx.source(c);
    if (stageDirectives.has(key)) ctx.report('PCI042', 'info', `stage directive ${key} has no polyci meaning: kept under vendor.jenkins.${key}`, c);
    else ctx.report('PCI043', 'warning', `${key} is not a stage directive: Jenkins rejects the Jenkinsfile when it validates it (kept under vendor.jenkins.${key})`, c, `a stage takes ${[...stageDirectives].join(', ')}`);
  }
  const bodies = ['matrix', 'parallel', 'stages', 'steps'].filter((k) => d.has(k));
  if (bodies.length > 1) ctx.report('PCI043', 'warning', `stage "${name}" has ${bodies.join(' and ')}: Jenkins rejects a stage with more than one of steps, stages, parallel or matrix; polyci reads ${bodies[0]}`, call);
  if (when && !agentCall && body(when).some((s) => { const c = statementCall(s); return !!c && callName(c) === 'beforeAgent'; })) {
    ctx.report('PCI043', 'info', `beforeAgent in stage "${name}" does nothing: the stage has no agent of its own`, when);
  }

  const steps = d.get('steps');
  const parallel = d.get('parallel');
  const nested = d.get('stages');
  if (d.get('matrix')) {
    ctx.report('PCI041', 'warning', `matrix stages are not supported: stage "${name}" is left out`, d.get('matrix'), 'write one stage per axis value');
    return needs;
  }
  if (parallel) {
    const exits: string[] = [];
    for (const s of body(parallel)) {
      const c = statementCall(s);
      if (!c || callName(c) !== 'stage') {
        ctx.report('PCI041', 'warning', `only stage(...) { } belongs in parallel: ${ctx.source(s).split('\n')[0].slice(0, 80)}`, s);
        continue;
      }
      exits.push(...readStage(c, scope, needs, r));
    }
    if (d.get('post')) readStagePost(d.get('post')!, [], vendor, ctx);
    return exits.length > 0 ? exits : needs;
  }
  if (nested) return readStages(nested, scope, needs, r);
  if (!steps) {
    ctx.report('PCI041', 'warning', `stage "${name}" has no steps, parallel or stages`, call);
    return needs;
  }
  const id = writtenJobId(call, r) ?? jobId(name, r.ids);
  const draft: JobDraft = {
    id,
    at: call,
    needs,
    env: scope.env,
    secrets: scope.secrets,
    steps: [],
    sidecars: [],
    services: [],
    conditions: scope.conditions,
    timeoutMinutes: scope.options.timeoutMinutes,
    retry: scope.options.retry,
    artifacts: [],
    skipDefaultCheckout: scope.options.skipDefaultCheckout ?? false,
    vendor,
  };
  if (id !== name) draft.name = name;
  readSteps(body(steps), draft, ctx, { strict: false });
  const post = d.get('post');
  if (post) readStagePost(post, draft.artifacts!, vendor, ctx);
  r.jobs.push({ id, draft, agent: scope.agent });
  return [id];
}

/** The declarative pipeline as IR input (not yet schema-checked), and where each job's stage is. */
export function readPipeline(pipelineCall: CallNode, rest: Statement[], ctx: ImportContext, files: InputFile[], name: string, comments: { text: string; offset: number }[] = []): { pipeline: PipelineInput; spans: Map<string, Span> } {
  const r: Reader = { ctx, comments, files, jobs: [], ids: new Set() };
  const vendor: Record<string, unknown> = {};
  const triggers: Triggers = {};
  const top: Inherited = { env: {}, secrets: [], options: {}, vendor: {} };
  const pipelineEnv = { env: {} as Record<string, string>, secrets: [] as string[], vendor };
  for (const s of rest) {
    const c = statementCall(s);
    const what = c ? callName(c) : undefined;
    if (s.kind === 'import') continue;
    if (s.kind === 'annotation') {
      vendor.libraries = [...((vendor.libraries as string[] | undefined) ?? []), ctx.source(s)];
      ctx.report('PCI042', 'info', `${ctx.source(s)} (a shared library) is kept under vendor.jenkins.libraries`, s);
      continue;
    }
    if (what === '_') continue;
    vendor.groovy = [...((vendor.groovy as string[] | undefined) ?? []), ctx.source(s)];
    ctx.report('PCI042', 'warning', 'Groovy outside the pipeline block is kept under vendor.jenkins.groovy: steps that call it will not work elsewhere', s);
  }

  const d = directivesOf(pipelineCall, ctx, 'pipeline');
  const agentCall = d.get('agent');
  if (agentCall) top.agent = { ...readAgent(agentCall, ctx, files), pipelineLevel: true };
  else ctx.report('PCI041', 'warning', 'pipeline without an agent directive (Jenkins requires one)', pipelineCall);
  const environment = d.get('environment');
  if (environment) readEnvironment(environment, pipelineEnv, ctx);
  // Secrets of the whole pipeline are exposed to every job.
  top.secrets = pipelineEnv.secrets;
  const options = d.get('options');
  if (options) readOptions(options, top.options, vendor, ctx, true);
  const triggersCall = d.get('triggers');
  if (triggersCall) readTriggers(triggersCall, triggers, vendor, ctx);
  for (const [key, c] of d) {
    if (['agent', 'environment', 'options', 'triggers', 'stages'].includes(key)) continue;
    vendor[key] = ctx.source(c);
    if (pipelineDirectives.has(key)) ctx.report('PCI042', key === 'post' ? 'warning' : 'info', `pipeline directive ${key} has no polyci meaning: kept under vendor.jenkins.${key}`, c);
    else ctx.report('PCI043', 'warning', `${key} is not a pipeline directive: Jenkins rejects the Jenkinsfile when it validates it (kept under vendor.jenkins.${key})`, c, `a pipeline takes ${[...pipelineDirectives].join(', ')}`);
  }
  const stages = d.get('stages');
  if (stages) readStages(stages, top, [], r);
  else ctx.report('PCI041', 'error', 'pipeline without stages', pipelineCall);

  const jobs: Record<string, JobInput> = {};
  const replaced = new Map<string, string[]>();
  const resolve = (needs: string[]): string[] => [...new Set(needs.flatMap((n) => replaced.get(n) ?? [n]))];
  for (const { id, draft, agent } of r.jobs) {
    draft.needs = resolve(draft.needs);
    const job = finishJob(draft, agent, ctx);
    if (job.steps.length === 0) {
      ctx.report('PCI041', 'warning', `stage "${draft.name ?? id}" has no steps polyci can carry: it is left out`, draft.at);
      replaced.set(id, draft.needs);
      continue;
    }
    jobs[id] = job;
  }
  const pipeline: PipelineInput = { name, jobs };
  if (Object.keys(pipelineEnv.env).length > 0) pipeline.env = pipelineEnv.env;
  if (Object.keys(triggers).length > 0) pipeline.triggers = triggers;
  if (Object.keys(vendor).length > 0) pipeline.vendor = { jenkins: vendor };
  return { pipeline, spans: new Map(r.jobs.map((j) => [j.id, j.draft.at])) };
}
