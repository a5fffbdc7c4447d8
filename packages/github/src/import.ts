/**
 * `.github/workflows/*.yml` back into the IR. What the IR cannot hold stays in
 * `vendor.github` (PCI042), literal credentials become secret references (PCI044),
 * and polyci's own scaffolding (readiness wait, builtin mapping, the DinD wiring)
 * is taken out again so that import(emit(ir)) is ir.
 */
import {
  builtinVariables,
  callsDocker,
  diagnostic,
  formatPath,
  isReadinessWait,
  parseYamlInput,
  PipelineSchema,
  shellQuote,
  type BuiltinVariable,
  type Conditions,
  type ConcreteStrategy,
  type Diagnostic,
  type DiagnosticCode,
  type ImportResult,
  type InputFile,
  type Job,
  type Pipeline,
  type Service,
  type Severity,
  type SourcePositions,
  type Step,
  type Triggers,
} from '@polyci/core';
import { isMap, isScalar, type Document } from 'yaml';
import { actionName } from './actions';
import { parseJobCondition } from './conditions';
import { builtinExpressions, defaultRunsOn } from './emit';
import { literalExpressionOpener, secretReference, splitExpressions } from './expressions';
import { buildFromScript } from './import-build';
import { detectStrategy, imageTag } from './import-strategy';
import { ContainerSchema, EnvSchema, NeedsSchema, RunsOnSchema, ServiceSchema, type Container, type GithubServiceInput } from './model/job';
import { RunStepSchema, UsesStepSchema } from './model/step';
import { normalizeOn, PullRequestFilterSchema, PushFilterSchema, ScheduleSchema } from './model/triggers';
import { builderRunCommand, builderScriptVariable } from './steps';

type Path = (string | number)[];
type Raw = Record<string, unknown>;

const identifier = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that hold credentials: a literal value there is a leaked secret. */
const credentialName = /(pass(word|wd)?|token|secret|api[_-]?key|private[_-]?key|credentials?|auth|_pat)$|^(pass(word|wd)?|token|secret)/i;

/** Expressions GitHub spells for polyci's builtins, and the common short forms people write. */
const builtinFromExpression = new Map<string, BuiltinVariable>([
  ...(Object.entries(builtinExpressions) as [BuiltinVariable, string][]).map(([k, v]) => [v, k] as [string, BuiltinVariable]),
  ['${{ github.run_number }}', 'POLYCI_BUILD_NUMBER'],
  ['${{ github.sha }}', 'POLYCI_COMMIT_SHA'],
]);

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

class WorkflowReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly positions: SourcePositions = {};

  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly position: (node: unknown) => { line?: number; column?: number },
  ) {}

  where(path: Path): { file: string; line?: number; column?: number } {
    let p = path;
    for (;;) {
      try {
        let node = p.length === 0 ? this.doc.contents : this.doc.getIn(p, true);
        // A diagnostic about a key points at the key, not at its value on the next line.
        const parent = p.length === 0 ? undefined : p.length === 1 ? this.doc.contents : this.doc.getIn(p.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === p[p.length - 1]);
          if (pair) node = pair.key;
        }
        const pos = this.position(node);
        if (pos.line !== undefined) return { file: this.file, ...pos };
      } catch {
        // a path through a scalar: fall back to its parent
      }
      if (p.length === 0) return { file: this.file };
      p = p.slice(0, -1);
    }
  }

  report(code: DiagnosticCode, severity: Severity, message: string, path: Path, hint?: string): void {
    const w = this.where(path);
    this.diagnostics.push(diagnostic(code, severity, message, { ...w, path: formatPath(path) || undefined, ...(hint ? { hint } : {}) }));
  }

  remember(irPath: string, path: Path): void {
    const w = this.where(path);
    if (w.line !== undefined) this.positions[irPath] = { file: this.file, line: w.line, ...(w.column ? { column: w.column } : {}) };
  }

  /** A GitHub string as the IR says it: literal `${{` back, builtins as $POLYCI_*, other expressions kept as text with a warning. */
  text(value: string, path: Path): string {
    let out = '';
    let unknown: string | undefined;
    for (const part of splitExpressions(value)) {
      if (!part.expression) out += part.text;
      else if (part.text === literalExpressionOpener) out += '${{';
      else if (builtinFromExpression.has(part.text)) out += `\${${builtinFromExpression.get(part.text)}}`;
      else {
        out += part.text;
        unknown ??= part.text;
      }
    }
    if (unknown) this.report('PCI041', 'warning', `the expression ${unknown} has no IR meaning and is kept as text`, path, 'replace it with an environment variable or a literal value');
    return out;
  }
}

function emptyPipeline(name: string): Pipeline {
  return { name, env: {}, triggers: { push: {} }, policy: {}, jobs: {} };
}

/** Env at any level: secret references become secret names, literal credentials too (PCI044), builtins are dropped at job level. */
function importEnv(r: WorkflowReader, raw: unknown, path: Path, level: 'workflow' | 'job' | 'step' | 'service'): { env: Record<string, string>; secrets: string[]; vendorOnly: boolean } {
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  if (raw === undefined || raw === null) return { env, secrets, vendorOnly: false };
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    if (typeof raw === 'string') r.report('PCI042', 'warning', 'env given as an expression is kept for GitHub only', path);
    else r.report('PCI040', 'error', 'env must be a map of names to values', path);
    return { env, secrets, vendorOnly: typeof raw === 'string' };
  }
  for (const [k, v] of Object.entries(parsed.data)) {
    const at = [...path, k];
    if (!envName.test(k)) {
      r.report('PCI041', 'warning', `env name ${JSON.stringify(k)} is not a shell variable name and is left out`, at, 'rename it');
      continue;
    }
    const secret = secretReference(v);
    if (secret && level !== 'service') {
      secrets.push(secret);
      if (secret !== k) {
        env[k] = `\${${secret}}`;
        r.report('PCI042', 'warning', `${k} takes the secret ${secret}: the IR exposes it as ${secret} and sets ${k}=\${${secret}}, which GitHub would not expand`, at, `use the secret under its own name (${secret})`);
      }
      continue;
    }
    if (level === 'job' && k in builtinVariables && builtinFromExpression.get(v) === k) continue;
    if (credentialName.test(k) && v !== '' && !v.includes('$')) {
      if (level === 'service') {
        r.report('PCI044', 'warning', `service variable ${k} holds a literal credential`, at, 'move it to a secret');
        env[k] = v;
      } else {
        secrets.push(k);
        r.report('PCI044', 'warning', `${k} holds a literal credential: it becomes the secret ${k} (the value is not copied)`, at, `create the secret ${k} in the CI system and remove the value from the file`);
      }
      continue;
    }
    env[k] = r.text(v, at);
  }
  return { env, secrets, vendorOnly: false };
}

function importTriggers(r: WorkflowReader, raw: unknown, vendor: Raw, jobsUseManual: boolean): Triggers {
  const on = normalizeOn(raw);
  if (!on) {
    r.report('PCI040', 'error', raw === undefined ? 'a workflow needs `on:`' : '`on:` must be an event, a list of events or a map', ['on']);
    return { push: {} };
  }
  const triggers: Triggers = {};
  let keep = false;
  for (const [event, config] of Object.entries(on)) {
    const at: Path = Array.isArray(raw) || typeof raw === 'string' ? ['on'] : ['on', event];
    const empty = config === null || config === undefined || (isRecord(config) && Object.keys(config).length === 0);
    if (event === 'push') {
      const parsed = empty ? undefined : PushFilterSchema.safeParse(config);
      if (parsed && !parsed.success) keep = true;
      const branches = isRecord(config) ? PushFilterSchema.shape.branches.safeParse(config.branches) : undefined;
      const tags = isRecord(config) ? PushFilterSchema.shape.tags.safeParse(config.tags) : undefined;
      triggers.push = { ...(branches?.success && branches.data ? { branches: branches.data } : {}), ...(tags?.success && tags.data ? { tags: tags.data } : {}) };
    } else if (event === 'pull_request') {
      const parsed = empty ? undefined : PullRequestFilterSchema.safeParse(config);
      if (parsed && !parsed.success) keep = true;
      const branches = isRecord(config) ? PullRequestFilterSchema.shape.branches.safeParse(config.branches) : undefined;
      triggers.pullRequest = branches?.success && branches.data ? { branches: branches.data } : {};
    } else if (event === 'schedule') {
      const parsed = ScheduleSchema.safeParse(config);
      if (parsed.success && parsed.data.every((s) => /^(\S+\s+){4}\S+$/.test(s.cron))) triggers.schedule = parsed.data;
      else keep = true;
    } else if (event === 'workflow_dispatch') {
      if (!jobsUseManual) triggers.manual = true;
      if (!empty) keep = true;
    } else {
      keep = true;
      r.report('PCI042', 'warning', `the ${event} event has no IR meaning: \`on\` is kept for GitHub (partly converted)`, at, 'other targets start the pipeline on push, pull request, schedule or by hand only');
    }
  }
  if (keep) {
    vendor.on = raw;
    r.report('PCI042', 'info', '`on` has filters or events the IR cannot hold: it is kept as written for GitHub', ['on']);
  }
  return triggers;
}

interface ImportedSteps {
  steps: Step[];
  secrets: string[];
  artifacts?: Job['artifacts'];
  cache?: Job['cache'];
  /** Jobs whose artifacts a download step fetched. */
  downloads: string[];
}

/** docker/build-push-action inputs back into a buildImage, when each input has an IR field. */
function buildPushAction(r: WorkflowReader, w: Record<string, string>, login: { server?: string; usernameSecret: string; passwordSecret: string } | undefined, path: Path): Step | undefined {
  const list = (v: string | undefined, csv = false) => (v === undefined ? [] : v.split(csv ? /[\n,]/ : /\n/).map((s) => s.trim()).filter((s) => s !== ''));
  const known = ['context', 'file', 'target', 'build-args', 'tags', 'push', 'cache-from', 'cache-to', 'platforms', 'labels'];
  if (Object.keys(w).some((k) => !known.includes(k))) return undefined;
  const pairs = (v: string | undefined) => {
    const out: Record<string, string> = {};
    for (const line of list(v)) {
      const eq = line.indexOf('=');
      if (eq <= 0) return undefined;
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return out;
  };
  // IR caches are registry references; GitHub's own backends (type=gha, type=local) have no IR meaning.
  const registryCache = (specs: string[], key: string) =>
    specs.flatMap((spec) => {
      const ref = /^type=registry,ref=([^,]+)(,mode=max)?$/.exec(spec)?.[1] ?? (spec.includes('=') ? undefined : spec);
      if (ref === undefined) r.report('PCI041', 'warning', `the ${key} spec ${JSON.stringify(spec)} is not a registry cache: it is not carried (other targets build without it)`, [...path, 'with', key], 'use a registry cache (type=registry,ref=...)');
      return ref === undefined ? [] : [ref];
    });
  const buildArgs = pairs(w['build-args']);
  const labels = pairs(w.labels);
  const tags = list(w.tags, true).map((t) => r.text(t, [...path, 'with', 'tags']));
  if (!buildArgs || !labels || tags.length === 0 || Object.keys(buildArgs).some((k) => !envName.test(k))) return undefined;
  const push = w.push === 'true';
  return {
    buildImage: {
      context: w.context ?? '.',
      ...(w.file ? { dockerfile: w.file } : {}),
      ...(w.target ? { target: w.target } : {}),
      buildArgs,
      tags,
      push,
      ...(login && push ? { login } : {}),
      cacheFrom: registryCache(list(w['cache-from']), 'cache-from'),
      cacheTo: registryCache(list(w['cache-to']), 'cache-to'),
      platforms: list(w.platforms, true),
      labels,
      secrets: {},
    },
  };
}

function importSteps(r: WorkflowReader, raw: unknown, path: Path, strategy: ConcreteStrategy | undefined, shellDefault: string | undefined, onStep: (index: number, at: Path) => void = () => undefined): ImportedSteps {
  const steps: Step[] = [];
  const secrets: string[] = [];
  const out: ImportedSteps = { steps, secrets, downloads: [] };
  if (!Array.isArray(raw)) {
    r.report('PCI040', 'error', 'steps must be a list', path);
    return out;
  }
  // actions read inputs trimmed, one path per line
  const lines = (v: string | undefined) => (v ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let login: { server?: string; usernameSecret: string; passwordSecret: string } | undefined;
  const keep = (s: Raw, at: Path, why: string, severity: Severity = 'warning') => {
    r.report('PCI042', severity, `${why}: the step is kept for GitHub only`, at, 'other targets leave it out; add an equivalent run step if they need it');
    const { name, ...step } = s;
    steps.push({ ...(typeof name === 'string' && name !== '' ? { name: name.slice(0, 200) } : {}), vendor: { target: 'github', step } });
  };
  raw.forEach((step: unknown, i) => {
    const at = [...path, i];
    const before = steps.length;
    onStep(before, at);
    if (!isRecord(step)) {
      r.report('PCI040', 'error', 'a step must be a map', at);
      return;
    }
    for (const k of Object.keys(step)) if (!githubStepKeys.has(k)) r.report('PCI043', 'warning', `GitHub rejects the unknown step key "${k}": the workflow would not run; it is left out`, [...at, k], 'check its spelling against the workflow syntax');
    const s: Raw = Object.fromEntries(Object.entries(step).filter(([k]) => githubStepKeys.has(k)));
    const name = typeof s.name === 'string' && s.name !== '' ? r.text(s.name, [...at, 'name']).slice(0, 200) : undefined;
    if ('run' in s) {
      const parsed = RunStepSchema.safeParse(s);
      if (!parsed.success) return keep(s, at, `run step keys ${Object.keys(s).filter((k) => !['name', 'run', 'env', 'shell', 'working-directory'].includes(k)).join(', ') || '(with other values)'} have no IR meaning`);
      const step = parsed.data;
      if (isReadinessWait(step.run)) return;
      const wrapped = builderStepImage(s);
      if (wrapped && strategy?.strategy === 'buildkit' && step.env?.[builderScriptVariable] !== undefined) {
        const script = r.text(step.env[builderScriptVariable], [...at, 'env', builderScriptVariable]);
        const build = buildFromScript(script, strategy);
        if (build && builderRunCommand(wrapped, build, strategy) === step.run) {
          steps.push({ ...(name !== undefined ? { name } : {}), buildImage: build });
          return;
        }
      }
      const shell = step.shell ?? shellDefault;
      if (shell !== undefined && shell !== 'sh' && shell !== 'bash') return keep(s, at, `the ${shell} shell has no IR meaning`);
      const env = importEnv(r, step.env, [...at, 'env'], 'step');
      let script = r.text(step.run, [...at, 'run']);
      if (step['working-directory']) script = `cd ${shellQuote(r.text(step['working-directory'], [...at, 'working-directory']))}\n${script}`;
      const build = strategy ? buildFromScript(script, strategy) : undefined;
      if (build) {
        const own = [...Object.values(build.secrets), ...(build.login ? [build.login.usernameSecret, build.login.passwordSecret] : [])];
        secrets.push(...env.secrets.filter((x) => !own.includes(x)));
        steps.push({ ...(name !== undefined ? { name } : {}), buildImage: build });
        return;
      }
      if (script === '') return keep(s, at, 'an empty run step');
      secrets.push(...env.secrets);
      steps.push({ ...(name !== undefined ? { name } : {}), run: script, ...(Object.keys(env.env).length > 0 ? { env: env.env } : {}) });
      return;
    }
    if (typeof s.uses === 'string') {
      const parsed = UsesStepSchema.safeParse(s);
      const uses = s.uses;
      const action = actionName(uses);
      if (!parsed.success) return keep(s, at, `the ${uses} step has keys the IR cannot hold`);
      const w = parsed.data.with ?? {};
      if (action === 'actions/checkout' && !parsed.data.env) {
        const checkout: { depth?: number; submodules?: boolean } = {};
        for (const [k, v] of Object.entries(w)) {
          if (k === 'fetch-depth' && /^\d+$/.test(v)) checkout.depth = Number(v);
          else if (k === 'submodules' && ['true', 'false', 'recursive'].includes(v)) checkout.submodules = v !== 'false';
          else if (k === 'persist-credentials' && v === 'false') continue;
          else return keep(s, at, `actions/checkout input ${k} has no IR meaning`);
        }
        if (w['persist-credentials'] === undefined) r.report('PCI042', 'info', 'actions/checkout left the job token in .git/config; polyci checks out with persist-credentials: false', at);
        steps.push({ ...(name !== undefined ? { name } : {}), checkout });
        return;
      }
      if (uses.startsWith('docker://') && strategy?.strategy === 'kaniko' && parsed.data.env?.[builderScriptVariable] !== undefined) {
        const script = r.text(parsed.data.env[builderScriptVariable], [...at, 'env', builderScriptVariable]);
        const build = buildFromScript(script, strategy);
        if (build) {
          steps.push({ ...(name !== undefined ? { name } : {}), buildImage: build });
          return;
        }
      }
      if (action === 'docker/login-action' && !parsed.data.env) {
        const user = secretReference(w.username ?? '');
        const pass = secretReference(w.password ?? '');
        if (user && pass && Object.keys(w).every((k) => ['registry', 'username', 'password'].includes(k))) {
          login = { ...(w.registry ? { server: w.registry } : {}), usernameSecret: user, passwordSecret: pass };
          r.report('PCI042', 'info', 'docker/login-action becomes the registry login of the next build', at);
          return;
        }
      }
      // upload-artifact / cache / download-artifact are how polyci spells artifacts and cache.
      if (action === 'actions/upload-artifact' && !parsed.data.env && !out.artifacts && Object.keys(w).every((k) => ['name', 'path', 'retention-days'].includes(k)) && lines(w.path).length > 0 && (w['retention-days'] === undefined || /^\d+$/.test(w['retention-days']))) {
        out.artifacts = { paths: lines(w.path).map((l) => r.text(l, [...at, 'with', 'path'])), ...(w['retention-days'] ? { expireIn: `${w['retention-days']} days` } : {}) };
        return;
      }
      if (action === 'actions/cache' && !parsed.data.env && !out.cache && Object.keys(w).every((k) => ['key', 'path'].includes(k)) && w.key && lines(w.path).length > 0) {
        out.cache = { key: r.text(w.key, [...at, 'with', 'key']), paths: lines(w.path).map((l) => r.text(l, [...at, 'with', 'path'])) };
        return;
      }
      if (action === 'actions/download-artifact' && !parsed.data.env && Object.keys(w).length === 1 && typeof w.name === 'string' && identifier.test(w.name)) {
        out.downloads.push(w.name);
        return;
      }
      if ((action === 'docker/setup-buildx-action' || action === 'docker/setup-qemu-action') && Object.keys(w).length === 0 && !parsed.data.env) {
        r.report('PCI042', 'info', `${action} is absorbed: the job's docker strategy provides the builder`, at);
        return;
      }
      if (action === 'docker/build-push-action' && !parsed.data.env) {
        const step = buildPushAction(r, w, login, at);
        if (step) {
          steps.push({ ...(name !== undefined ? { name } : {}), ...step } as Step);
          return;
        }
        return keep(s, at, 'docker/build-push-action has inputs with no buildImage field');
      }
      return keep(s, at, `the action ${uses} has no IR meaning`, 'info');
    }
    r.report('PCI041', 'warning', 'a step needs `run` or `uses`; this one is left out', at);
  });
  return out;
}

/** The builder image of a step polyci writes for daemonless builds: a kaniko `docker://` step, or the BuildKit `docker run`. */
function builderStepImage(step: unknown): string | undefined {
  if (!isRecord(step)) return undefined;
  if (typeof step.uses === 'string' && /^docker:\/\/gcr\.io\/kaniko-project\/executor(:|@|$)/.test(step.uses)) return step.uses.slice(9);
  if (typeof step.run === 'string') {
    const m = /^docker run --rm --security-opt seccomp=unconfined --security-opt apparmor=unconfined .*--entrypoint \/bin\/sh (\S+) -ec 'eval "\$POLYCI_BUILD_SCRIPT"'$/.exec(step.run);
    if (m) return m[1];
  }
  return undefined;
}

function importServices(r: WorkflowReader, raw: unknown, path: Path): Record<string, GithubServiceInput> | undefined {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    r.report('PCI040', 'error', 'services must be a map', path);
    return undefined;
  }
  const out: Record<string, GithubServiceInput> = {};
  for (const [id, value] of Object.entries(raw)) {
    const parsed = ServiceSchema.safeParse(value);
    if (!parsed.success) {
      r.report('PCI041', 'warning', `service ${id} has keys or values polyci does not read; services are kept for GitHub`, [...path, id]);
      return undefined;
    }
    out[id] = parsed.data;
  }
  return out;
}

/** Keys GitHub accepts; anything else makes it reject the workflow. https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions */
const githubWorkflowKeys = new Set(['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs']);
const githubStepKeys = new Set(['id', 'if', 'name', 'uses', 'run', 'shell', 'with', 'env', 'continue-on-error', 'timeout-minutes', 'working-directory']);
const githubJobKeys = new Set(['name', 'permissions', 'needs', 'if', 'runs-on', 'snapshot', 'environment', 'concurrency', 'outputs', 'env', 'defaults', 'steps', 'timeout-minutes', 'strategy', 'continue-on-error', 'container', 'services', 'uses', 'with', 'secrets']);

const jobKeysVendor: Record<string, string> = {
  strategy: 'the matrix runs the job once per combination on GitHub only (partly converted: other targets run it once)',
  'continue-on-error': 'continue-on-error has no IR meaning',
  environment: 'deployment environments have no IR meaning',
  concurrency: 'concurrency has no IR meaning',
  permissions: 'job permissions have no IR meaning',
  outputs: 'job outputs have no IR meaning',
};

function importJob(r: WorkflowReader, id: string, raw: Raw, workflowSecrets: string[], shellDefault: string | undefined): Job | undefined {
  const at = (...rest: Path): Path => ['jobs', id, ...rest];
  r.remember(`jobs.${id}`, at());
  for (const k of ['needs', 'env', 'services', 'runs-on', 'if', 'timeout-minutes', 'container']) {
    const ir = { needs: 'needs', env: 'env', services: 'services', 'runs-on': 'runner', if: 'conditions', 'timeout-minutes': 'timeoutMinutes', container: 'image' }[k];
    if (raw[k] !== undefined) r.remember(`jobs.${id}.${ir}`, at(k));
  }
  const vendor: Raw = {};
  const job: Job = { needs: [], env: {}, secrets: [...workflowSecrets], services: [], steps: [] };

  if (typeof raw.name === 'string' && raw.name !== '') job.name = r.text(raw.name, at('name')).slice(0, 200);
  if (raw.needs !== undefined) {
    const needs = NeedsSchema.safeParse(raw.needs);
    if (needs.success) job.needs = needs.data;
    else r.report('PCI040', 'error', 'needs must be a job id or a list of job ids', at('needs'));
  }
  if (raw.if !== undefined) {
    const conditions: Conditions | undefined = typeof raw.if === 'string' ? parseJobCondition(raw.if) : undefined;
    if (conditions) job.conditions = conditions;
    else {
      vendor.if = raw.if;
      r.report('PCI042', 'warning', `the condition ${JSON.stringify(raw.if)} is not a simple branch/tag/manual test: it is kept for GitHub only`, at('if'), 'other targets run the job unconditionally; write it as conditions.branches/tags/manual');
    }
  }

  if (typeof raw.uses === 'string') {
    r.report('PCI041', 'warning', `job "${id}" calls the reusable workflow ${raw.uses}: it is kept for GitHub only`, at('uses'), 'inline the called workflow to convert it');
    for (const k of ['uses', 'with', 'secrets', 'strategy', 'permissions', 'concurrency']) if (raw[k] !== undefined) vendor[k] = raw[k];
    job.steps = [{ vendor: { target: 'github', step: { uses: raw.uses } } }];
    job.vendor = { github: vendor };
    return job;
  }

  if (raw['runs-on'] !== undefined) {
    const runsOn = RunsOnSchema.safeParse(raw['runs-on']);
    if (!runsOn.success || runsOn.data.group !== undefined || runsOn.data.labels.some((l) => l.includes('${{'))) {
      vendor['runs-on'] = raw['runs-on'];
      r.report('PCI042', 'warning', 'runs-on with a runner group or an expression is kept for GitHub only', at('runs-on'), 'use plain labels');
      if (runsOn.success && runsOn.data.labels.length > 0 && !runsOn.data.labels.some((l) => l.includes('${{'))) job.runner = { labels: runsOn.data.labels };
    } else if (!(runsOn.data.labels.length === 1 && runsOn.data.labels[0] === defaultRunsOn)) job.runner = { labels: runsOn.data.labels };
  } else r.report('PCI040', 'error', 'a job needs runs-on', at());

  const timeout = raw['timeout-minutes'];
  if (timeout !== undefined) {
    if (typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 1 && timeout <= 10080) job.timeoutMinutes = timeout;
    else {
      vendor['timeout-minutes'] = timeout;
      r.report('PCI042', 'warning', 'timeout-minutes that is not a whole number of minutes is kept for GitHub only', at('timeout-minutes'));
    }
  }

  let container: Container | undefined;
  if (raw.container !== undefined && raw.container !== null) {
    const parsed = ContainerSchema.safeParse(raw.container);
    if (parsed.success) container = parsed.data;
    else {
      vendor.container = raw.container;
      r.report('PCI042', 'warning', 'the job container has keys polyci does not read: it is kept for GitHub only', at('container'));
    }
  }
  const services = importServices(r, raw.services, at('services'));
  if (!services && raw.services !== undefined) vendor.services = raw.services;

  const jobEnv = importEnv(r, raw.env, at('env'), 'job');
  if (jobEnv.vendorOnly) vendor.env = raw.env;
  const rawSteps = Array.isArray(raw.steps) ? raw.steps : [];
  const builderImage = rawSteps.map(builderStepImage).find((image) => image !== undefined);
  const detected = detectStrategy(container, services ?? {}, Object.fromEntries(Object.entries(isRecord(raw.env) ? raw.env : {}).map(([k, v]) => [k, String(v)])), builderImage);
  for (const note of detected.notes) r.report('PCI042', 'info', note, at('services'));
  if (detected.strategy) {
    job.docker = detected.strategy;
    r.remember(`jobs.${id}.docker`, detected.strategyServices.length > 0 ? at('services', detected.strategyServices[0]) : at('container'));
  }
  if (detected.image) job.image = r.text(detected.image, at('container', 'image'));
  if (detected.keepContainer && raw.container !== undefined) {
    vendor.container = raw.container;
    r.report('PCI042', 'warning', 'the job container has volumes, options or credentials the IR cannot hold: it is kept as written for GitHub', at('container'));
  }
  if (detected.keepServices && raw.services !== undefined) {
    vendor.services = raw.services;
    r.report('PCI042', 'warning', 'the daemon service has settings the IR cannot hold: services are kept as written for GitHub', at('services'));
  }

  const env: Record<string, string> = {};
  if (container?.env) {
    const containerEnv = importEnv(r, container.env, at('container', 'env'), 'job');
    for (const [k, v] of Object.entries(containerEnv.env)) if (!detected.wiringEnv.includes(k)) env[k] = v;
    job.secrets.push(...containerEnv.secrets);
  }
  for (const [k, v] of Object.entries(jobEnv.env)) if (!detected.wiringEnv.includes(k)) env[k] = v;
  job.env = env;
  job.secrets.push(...jobEnv.secrets);

  for (const [alias, svc] of Object.entries(services ?? {})) {
    if (detected.strategyServices.includes(alias)) continue;
    if (!identifier.test(alias)) {
      r.report('PCI041', 'warning', `service id ${JSON.stringify(alias)} is not an IR identifier; services are kept for GitHub`, at('services', alias));
      vendor.services = raw.services;
      continue;
    }
    const service: Service = { alias, image: r.text(svc.image, at('services', alias, 'image')) };
    const svcEnv = importEnv(r, svc.env, at('services', alias, 'env'), 'service');
    if (Object.keys(svcEnv.env).length > 0) service.env = svcEnv.env;
    const ports: number[] = [];
    for (const p of svc.ports ?? []) {
      const m = /^(?:\d+:)?(\d+)(?:\/tcp)?$/.exec(String(p));
      if (m && Number(m[1]) >= 1 && Number(m[1]) <= 65535) ports.push(Number(m[1]));
      else vendor.services = raw.services;
    }
    if (ports.length > 0) service.ports = ports;
    if (svc.options || svc.volumes || svc.credentials || Object.values(svc.env ?? {}).some((v) => splitExpressions(v).some((p) => p.expression && p.text !== literalExpressionOpener))) {
      vendor.services = raw.services;
      r.report('PCI042', 'warning', `service ${alias} has options, volumes, credentials or expressions the IR cannot hold: services are kept as written for GitHub`, at('services', alias));
    }
    job.services.push(service);
  }

  const defaults = raw.defaults;
  let shell = shellDefault;
  if (defaults !== undefined) {
    const s = isRecord(defaults) && isRecord(defaults.run) ? defaults.run : undefined;
    if (s && Object.keys(s).length === 1 && typeof s.shell === 'string') shell = s.shell;
    else {
      vendor.defaults = defaults;
      r.report('PCI042', 'warning', 'job defaults other than the shell are kept for GitHub only', at('defaults'));
    }
  }

  const imported = importSteps(r, raw.steps, at('steps'), detected.strategy, shell, (k, where) => r.remember(`jobs.${id}.steps[${k}]`, where));
  job.steps = imported.steps;
  job.secrets.push(...imported.secrets);
  if (imported.artifacts) job.artifacts = imported.artifacts;
  if (imported.cache) job.cache = imported.cache;
  for (const from of imported.downloads) {
    if (!job.needs.includes(from)) r.report('PCI042', 'warning', `job "${id}" downloads the artifacts of "${from}" without needing it: in the IR a job gets the artifacts of the jobs it needs`, at('needs'), `add ${from} to needs`);
  }
  job.secrets = [...new Set(job.secrets)].filter((s) => !(s in job.env));
  if (job.steps.length === 0) {
    r.report('PCI041', 'warning', `job "${id}" has no step polyci can carry; it gets a no-op step`, at('steps'));
    job.steps.push({ run: 'true' });
  }
  if (!job.docker && !container && job.steps.some((s) => 'run' in s && callsDocker(s.run))) {
    job.docker = { strategy: 'auto' };
    r.report('PCI042', 'info', `job "${id}" used the runner's own Docker daemon; polyci picks a docker strategy for it (auto)`, at('steps'), 'set docker.strategy to choose one');
  }

  for (const [k, v] of Object.entries(raw)) {
    if (['name', 'needs', 'if', 'runs-on', 'timeout-minutes', 'container', 'services', 'env', 'steps', 'defaults'].includes(k)) continue;
    if (!githubJobKeys.has(k)) {
      r.report('PCI043', 'warning', `GitHub rejects the unknown job key "${k}": the workflow would not run; it is left out`, at(k), 'check its spelling against the workflow syntax');
      continue;
    }
    vendor[k] = v;
    r.report('PCI042', k === 'strategy' ? 'warning' : 'info', `${jobKeysVendor[k] ?? `${k} has no IR meaning`}: it is kept for GitHub only`, at(k));
  }
  if (Object.keys(vendor).length > 0) job.vendor = { github: vendor };
  return job;
}

/** Read one GitHub workflow into the IR. */
export function importGithub(files: InputFile[]): ImportResult {
  if (files.length === 0) return { pipeline: emptyPipeline('github'), diagnostics: [diagnostic('PCI041', 'error', 'no workflow file to import')] };
  const [file, ...others] = files;
  const baseName = file.path.replace(/^.*\//, '').replace(/\.ya?ml$/i, '') || 'github';
  const input = parseYamlInput(file);
  if (input.diagnostics.some((d) => d.severity === 'error') || !input.doc) return { pipeline: emptyPipeline(baseName), diagnostics: input.diagnostics };
  const r = new WorkflowReader(file.path, input.doc, input.position);
  r.diagnostics.push(...input.diagnostics);
  for (const other of others) r.diagnostics.push(diagnostic('PCI041', 'warning', 'one workflow is imported at a time; this file was not read', { file: other.path, hint: 'import each workflow on its own' }));
  const root = input.value;
  if (!isRecord(root)) {
    r.report('PCI040', 'error', 'a workflow must be a map with `on` and `jobs`', []);
    return { pipeline: emptyPipeline(baseName), diagnostics: r.diagnostics };
  }
  const vendor: Raw = {};
  const pipeline = emptyPipeline(typeof root.name === 'string' && root.name !== '' ? r.text(root.name, ['name']).slice(0, 200) : baseName);

  const rawJobs = root.jobs;
  const jobsUseManual = isRecord(rawJobs) && Object.values(rawJobs).some((j) => isRecord(j) && typeof j.if === 'string' && parseJobCondition(j.if)?.manual === true);
  pipeline.triggers = importTriggers(r, root.on, vendor, jobsUseManual);
  for (const [ir, key] of [['name', 'name'], ['triggers', 'on'], ['env', 'env']] as const) if (root[key] !== undefined) r.remember(ir, [key]);

  const workflowEnv = importEnv(r, root.env, ['env'], 'workflow');
  pipeline.env = workflowEnv.env;
  if (workflowEnv.vendorOnly) vendor.env = root.env;

  let shellDefault: string | undefined = 'bash';
  if (root.defaults !== undefined) {
    const run = isRecord(root.defaults) && isRecord(root.defaults.run) ? root.defaults.run : undefined;
    if (run && Object.keys(run).length === 1 && typeof run.shell === 'string' && Object.keys(root.defaults as Raw).length === 1) shellDefault = run.shell;
    else {
      vendor.defaults = root.defaults;
      r.report('PCI042', 'warning', 'workflow defaults other than the shell are kept for GitHub only', ['defaults']);
    }
  }
  const perms = root.permissions;
  if (perms !== undefined && !(isRecord(perms) && Object.keys(perms).length === 1 && perms.contents === 'read')) {
    vendor.permissions = perms;
    r.report('PCI042', 'info', 'workflow permissions are kept for GitHub only (polyci writes contents: read)', ['permissions']);
  }
  for (const k of Object.keys(root)) {
    if (['name', 'on', 'env', 'defaults', 'permissions', 'jobs'].includes(k)) continue;
    if (!githubWorkflowKeys.has(k)) {
      r.report('PCI043', 'warning', `GitHub rejects the unknown workflow key "${k}": the workflow would not run; it is left out`, [k], 'check its spelling against the workflow syntax');
      continue;
    }
    vendor[k] = root[k];
    r.report('PCI042', 'info', `${k} has no IR meaning: it is kept for GitHub only`, [k]);
  }

  if (!isRecord(rawJobs) || Object.keys(rawJobs).length === 0) {
    r.report('PCI040', 'error', 'a workflow needs at least one job under `jobs`', ['jobs']);
  } else {
    let bash = false;
    for (const [id, raw] of Object.entries(rawJobs)) {
      if (!identifier.test(id)) {
        r.report('PCI041', 'error', `job id ${JSON.stringify(id)} is not an IR identifier`, ['jobs', id]);
        continue;
      }
      if (!isRecord(raw)) {
        r.report('PCI040', 'error', `job "${id}" must be a map`, ['jobs', id]);
        continue;
      }
      const shell = isRecord(raw.defaults) && isRecord(raw.defaults.run) && typeof raw.defaults.run.shell === 'string' ? raw.defaults.run.shell : shellDefault;
      if (shell === 'bash' && Array.isArray(raw.steps) && raw.steps.some((s) => isRecord(s) && 'run' in s && s.shell === undefined)) bash = true;
      const job = importJob(r, id, raw, workflowEnv.secrets, shellDefault);
      if (job) pipeline.jobs[id] = job;
    }
    if (bash) r.report('PCI042', 'info', 'run steps ran under bash on GitHub; polyci runs them with sh -e', ['defaults'], 'check scripts for bash-only syntax');
  }
  if (Object.keys(vendor).length > 0) pipeline.vendor = { github: vendor };

  const checked = PipelineSchema.safeParse(pipeline);
  if (!checked.success) {
    for (const issue of checked.error.issues.slice(0, 20)) r.report('PCI041', 'error', `the imported pipeline is not valid IR: ${issue.message}`, issue.path.filter((p): p is string | number => typeof p !== 'symbol'));
    return { pipeline, diagnostics: r.diagnostics, positions: r.positions };
  }
  return { pipeline: checked.data, diagnostics: r.diagnostics, positions: r.positions };
}

export { imageTag };
