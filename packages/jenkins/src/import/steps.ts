/**
 * The `steps {}` of a stage: `sh`, `echo`, `checkout scm`, `container('x') {}`,
 * `withEnv`, `withCredentials`, `script {}` (read when it holds only steps and the
 * docker-workflow sidecar pattern, else kept whole), and every other Jenkins step kept
 * as a Jenkins vendor step with a diagnostic naming its line.
 * https://www.jenkins.io/doc/pipeline/steps/
 */
import { isReadinessWait, shellQuote, type Step } from '@polyci/core';
import type { ImportContext } from './context';
import { addSecret, credentialBindings } from './credentials';
import type { JobDraft } from './draft';
import { body, callName, dottedName, jenkinsBuiltins, listItems, namedArg, positional, statementCall, stringValue } from './evaluate';
import type { CallNode, Expr, Statement } from './syntax';

export interface StepScope {
  container?: string;
  env?: Record<string, string>;
  inside?: { image: string; args: string };
  /** Inside `script {}`: give up on what cannot be read, so that the block is kept whole. */
  strict: boolean;
  /** Parameter of an enclosing `withRun { c -> }`: `${c.id}` is the sidecar. */
  sidecarParam?: string;
}

/** Steps Jenkins has that mean nothing to polyci: kept as vendor steps, with an info. */
const jenkinsOnlySteps = new Set([
  'junit', 'stash', 'unstash', 'cleanWs', 'deleteDir', 'publishHTML', 'slackSend', 'mail', 'emailext', 'build', 'input', 'milestone', 'lock',
  'error', 'unstable', 'catchError', 'warnError', 'writeFile', 'readFile', 'fileExists', 'dir', 'timeout', 'retry', 'sleep', 'waitUntil',
  'recordIssues', 'jacoco', 'cobertura', 'publishChecks', 'setGitHubPullRequestStatus', 'githubNotify', 'gitlabCommitStatus', 'updateGitlabCommitStatus',
  'sshagent', 'withDockerRegistry', 'withKubeConfig', 'withAWS', 'ansiColor', 'timestamps', 'git', 'bat', 'powershell', 'pwsh', 'tool', 'properties',
  'fingerprint', 'copyArtifacts', 'rtUpload', 'nexusArtifactUploader', 'parallel',
]);

/** Is this `sh` polyci's own scaffolding (the readiness wait, the build network)? */
export function isScaffolding(script: string, label: string | undefined): boolean {
  return isReadinessWait(script) || (label !== undefined && label.startsWith('polyci: '));
}

/** Jenkins' variables in a shell script, spelled as polyci's built-ins. */
export function portableShell(script: string, ctx: ImportContext, at: Expr | CallNode): string {
  return script.replace(/\$(\{)?(BUILD_NUMBER|GIT_COMMIT|BRANCH_NAME)(\})?(?![A-Za-z0-9_])/g, (whole, open: string | undefined, name: string, close: string | undefined) => {
    if (Boolean(open) !== Boolean(close)) return whole;
    ctx.report('PCI042', 'info', `Jenkins variable ${name} is read as polyci's ${jenkinsBuiltins[name]}`, at);
    return `\${${jenkinsBuiltins[name]}}`;
  });
}

function vendorStep(source: string): Step {
  return { vendor: { target: 'jenkins', step: source } };
}

/** docker.image('x').method(...): the image and the method, when a call is one. */
export function dockerImageCall(call: CallNode, ctx: ImportContext): { image?: string; method: string; call: CallNode } | undefined {
  if (call.callee.kind !== 'property' || call.callee.object.kind !== 'call') return undefined;
  const target = call.callee.object;
  if (callName(target) !== 'docker.image') return undefined;
  return { image: stringValue(positional(target)[0]?.value, ctx, false), method: call.callee.name, call };
}

/** A docker-workflow argument: literal parts, and `<id>` for what is computed (the build's id, the sidecar's id). */
function argumentText(expr: Expr | undefined, ctx: ImportContext): string {
  if (!expr) return '';
  const literal = stringValue(expr, ctx, false);
  if (expr.kind === 'string') return expr.value;
  if (expr.kind === 'binary' && expr.op === '+') return argumentText(expr.left, ctx) + argumentText(expr.right, ctx);
  if (expr.kind === 'gstring') return expr.parts.map((p) => (typeof p === 'string' ? p : '<id>')).join('');
  return literal ?? '<id>';
}

function withEnvEntries(call: CallNode, ctx: ImportContext): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  for (const item of listItems(positional(call)[0]?.value)) {
    const text = stringValue(item, ctx, false) ?? (item.kind === 'binary' ? argumentText(item, ctx) : undefined);
    if (text === undefined) return undefined;
    const eq = text.indexOf('=');
    if (eq <= 0) return undefined;
    // the build network's name in polyci's docker-workflow pattern
    if (text.slice(0, eq) === 'POLYCI_ID') continue;
    env[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return env;
}

/** A sidecar started by `docker.image(x).run(args, command)` or `.withRun(...)`. */
function addSidecar(job: JobDraft, d: { image?: string; call: CallNode }, scope: StepScope, ctx: ImportContext): boolean {
  if (!d.image) return false;
  const args = positional(d.call);
  const flags = argumentText(args[0]?.value, ctx);
  const command = args[1] ? stringValue(args[1].value, ctx, false) : undefined;
  const env: Record<string, string> = {};
  for (const m of flags.matchAll(/(?:^|\s)(?:--env|-e)[= ]([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/g)) {
    env[m[1]] = m[2] ?? scope.env?.[m[1]] ?? '';
  }
  job.sidecars.push({ image: d.image, args: flags, command, env, at: d.call });
  return true;
}

function mapEntries(expr: Expr): Record<string, Expr> | undefined {
  if (expr.kind !== 'map') return undefined;
  return Object.fromEntries(expr.entries.filter((e) => typeof e.key === 'string').map((e) => [e.key as string, e.value]));
}

/**
 * `checkout([$class: 'GitSCM', userRemoteConfigs: scm.userRemoteConfigs, extensions: [...]])`:
 * the job's own repository with a clone depth or submodules, which polyci's checkout says.
 */
function gitScmOptions(arg: Expr, ctx: ImportContext): { depth?: number; submodules?: boolean } | undefined {
  const map = mapEntries(arg);
  if (!map || stringValue(map.$class, ctx, false) !== 'GitSCM') return undefined;
  const remotes = map.userRemoteConfigs;
  if (remotes && dottedName(remotes) !== 'scm.userRemoteConfigs') return undefined;
  const known = new Set(['$class', 'branches', 'extensions', 'userRemoteConfigs', 'doGenerateSubmoduleConfigurations', 'submoduleCfg']);
  if (Object.keys(map).some((k) => !known.has(k))) return undefined;
  const options: { depth?: number; submodules?: boolean } = {};
  const extensions = map.extensions?.kind === 'binary' ? map.extensions.right : map.extensions;
  for (const ext of listItems(extensions)) {
    const e = mapEntries(ext);
    if (!e) return undefined;
    const cls = stringValue(e.$class, ctx, false);
    if (cls === 'CloneOption') {
      const depth = e.depth?.kind === 'number' ? e.depth.value : undefined;
      if (depth !== undefined && (e.shallow === undefined || (e.shallow.kind === 'constant' && e.shallow.value === true))) options.depth = depth;
    } else if (cls === 'SubmoduleOption') {
      const recursive = e.recursiveSubmodules?.kind === 'constant' && e.recursiveSubmodules.value === true;
      const disabled = e.disableSubmodules?.kind === 'constant' && e.disableSubmodules.value === true;
      options.submodules = recursive && !disabled;
    } else return undefined;
  }
  return options;
}

function isPolyciDeclaration(s: Statement): boolean {
  return s.kind === 'declaration' && s.name.startsWith('polyci');
}

/** `finally { polyciSidecars...stop(); sh(label: 'polyci: ...') }`: the pattern's own cleanup. */
function isCleanup(statements: Statement[], ctx: ImportContext): boolean {
  return statements.every((s) => {
    const src = ctx.source(s);
    if (/^polyciSidecars\b/.test(src) || /\.stop\(\)\s*$/.test(src)) return true;
    const c = statementCall(s);
    return !!c && callName(c) === 'sh' && (stringValue(namedArg(c, 'label'), ctx, false) ?? '').startsWith('polyci: ');
  });
}

/**
 * Read statements as steps into the job. Returns false (in strict scope) when something
 * cannot be read; the caller then keeps the enclosing block as written.
 */
export function readSteps(statements: Statement[], job: JobDraft, ctx: ImportContext, scope: StepScope): boolean {
  for (const s of statements) {
    if (!readStatement(s, job, ctx, scope)) {
      if (scope.strict) return false;
    }
  }
  return true;
}

function push(job: JobDraft, step: Step, at: Statement | CallNode, scope: StepScope): void {
  job.steps.push({ step, at, container: scope.container, inside: scope.inside });
}

function keep(s: Statement | CallNode, job: JobDraft, ctx: ImportContext, scope: StepScope, known: boolean, what: string): boolean {
  if (scope.strict) return false;
  if (known) ctx.report('PCI042', 'info', `Jenkins step ${what} has no polyci meaning: kept as a Jenkins vendor step`, s);
  else ctx.report('PCI041', 'warning', `unsupported step ${what}: kept as a Jenkins vendor step`, s, 'replace it with a shell step, or keep it for Jenkins only');
  push(job, vendorStep(ctx.source(s)), s, scope);
  return true;
}

function readStatement(s: Statement, job: JobDraft, ctx: ImportContext, scope: StepScope): boolean {
  if (isPolyciDeclaration(s)) return true;
  if (s.kind === 'control' && s.keyword === 'try' && scope.strict) {
    const [tried, ...rest] = s.blocks;
    if (!rest.every((b) => isCleanup(b, ctx))) return false;
    return readSteps(tried, job, ctx, scope);
  }
  // polyciSidecars << docker.image(...).run(...)
  if (s.kind === 'expression' && s.expr.kind === 'binary' && s.expr.op === '<<' && s.expr.right.kind === 'call') {
    const d = dockerImageCall(s.expr.right, ctx);
    if (d && d.method === 'run') return addSidecar(job, d, scope, ctx) || keep(s, job, ctx, scope, true, 'docker.image().run');
  }
  if (s.kind === 'declaration' && s.value?.kind === 'call') {
    const d = dockerImageCall(s.value, ctx);
    if (d && d.method === 'run') return addSidecar(job, d, scope, ctx) || keep(s, job, ctx, scope, true, 'docker.image().run');
  }
  const call = statementCall(s);
  if (!call) return keep(s, job, ctx, scope, false, `"${ctx.source(s).split('\n')[0].slice(0, 60)}"`);
  const d = dockerImageCall(call, ctx);
  if (d) {
    if (d.method === 'inside' && call.closure && d.image) {
      const args = argumentText(positional(call)[0]?.value, ctx);
      return readSteps(body(call), job, ctx, { ...scope, inside: { image: d.image, args } }) || keep(s, job, ctx, scope, true, 'docker.image().inside');
    }
    if ((d.method === 'withRun' || d.method === 'run') && d.image) {
      if (!addSidecar(job, d, scope, ctx)) return keep(s, job, ctx, scope, true, `docker.image().${d.method}`);
      if (!call.closure) return true;
      return readSteps(body(call), job, ctx, { ...scope, sidecarParam: call.closure.params[0] ?? 'it' }) || keep(s, job, ctx, scope, true, 'docker.image().withRun');
    }
    return keep(s, job, ctx, scope, true, `docker.image().${d.method}`);
  }
  const name = callName(call) ?? dottedName(call.callee) ?? ctx.source(call.callee);
  switch (name) {
    case 'sh': {
      const scriptExpr = namedArg(call, 'script') ?? positional(call)[0]?.value;
      const script = stringValue(scriptExpr, ctx, false, true);
      const label = stringValue(namedArg(call, 'label'), ctx);
      if (script === undefined) return keep(s, job, ctx, scope, false, 'sh whose script Groovy computes (a GString part that is not a variable)');
      if (isScaffolding(script, label)) return true;
      if (script === '') {
        ctx.report('PCI041', 'warning', 'empty sh step left out', call);
        return true;
      }
      if (namedArg(call, 'returnStdout') || namedArg(call, 'returnStatus')) {
        if (scope.strict) return false;
        ctx.report('PCI042', 'info', "sh's returnStdout/returnStatus is dropped: the result is not used by a declarative step", call);
      }
      const step: Step = { run: portableShell(script, ctx, scriptExpr!) };
      if (label) step.name = label;
      if (scope.env && Object.keys(scope.env).length > 0) step.env = { ...scope.env };
      push(job, step, call, scope);
      return true;
    }
    case 'echo': {
      const message = stringValue(positional(call)[0]?.value, ctx);
      if (message === undefined) return keep(s, job, ctx, scope, false, 'echo of a computed value');
      // polyci's placeholder in a stage that has no step for Jenkins
      if (message.startsWith('polyci: ')) return true;
      push(job, { run: `echo ${shellQuote(message)}` }, call, scope);
      return true;
    }
    case 'checkout': {
      const arg = positional(call)[0]?.value;
      if (arg?.kind === 'name' && arg.name === 'scm') {
        push(job, { checkout: {} }, call, scope);
        return true;
      }
      const options = arg ? gitScmOptions(arg, ctx) : undefined;
      if (options) {
        push(job, { checkout: options }, call, scope);
        return true;
      }
      return keep(s, job, ctx, scope, true, 'checkout of another repository');
    }
    case 'container': {
      const container = stringValue(positional(call)[0]?.value, ctx);
      if (!container || !call.closure) return keep(s, job, ctx, scope, false, 'container without a name or body');
      return readSteps(body(call), job, ctx, { ...scope, container });
    }
    case 'withEnv': {
      const env = withEnvEntries(call, ctx);
      if (!env || !call.closure) return keep(s, job, ctx, scope, true, 'withEnv with computed values');
      return readSteps(body(call), job, ctx, { ...scope, env: { ...scope.env, ...env } });
    }
    case 'withCredentials': {
      if (!call.closure) return keep(s, job, ctx, scope, true, 'withCredentials without a body');
      for (const b of credentialBindings(call, ctx)) addSecret(job, b.variable, b.id, ctx, b.at);
      return readSteps(body(call), job, ctx, scope);
    }
    case 'script': {
      if (scope.strict) return false;
      const mark = ctx.diagnostics.length;
      const trial: JobDraft = { ...job, steps: [], sidecars: [], secrets: [...job.secrets], vendor: { ...job.vendor } };
      if (call.closure && readSteps(body(call), trial, ctx, { ...scope, strict: true })) {
        job.steps.push(...trial.steps);
        job.sidecars.push(...trial.sidecars);
        job.secrets.splice(0, job.secrets.length, ...trial.secrets);
        Object.assign(job.vendor, trial.vendor);
        return true;
      }
      ctx.rollback(mark);
      if (/\bdocker\.(image|build|withRegistry|withServer)\s*\(/.test(ctx.source(call))) {
        ctx.report('PCI041', 'warning', 'script block with a docker-workflow pattern polyci does not recognise: kept as a Jenkins vendor step, and the job gets no daemon strategy from it', call, "use docker.image('docker:<v>-dind').withRun('--privileged ...') { c -> docker.image('docker:<v>').inside(...) { sh ... } }, or a pod template");
      } else ctx.report('PCI042', 'warning', 'script block kept as a Jenkins vendor step: its Groovy has no polyci meaning', call, 'move the logic into shell steps to make it portable');
      push(job, vendorStep(ctx.source(s)), call, scope);
      return true;
    }
    case 'archiveArtifacts': {
      const pattern = stringValue(namedArg(call, 'artifacts') ?? positional(call)[0]?.value, ctx);
      if (pattern === undefined || scope.strict) return keep(s, job, ctx, scope, true, 'archiveArtifacts');
      job.artifacts = [...(job.artifacts ?? []), ...pattern.split(',').map((p) => p.trim()).filter((p) => p !== '')];
      return true;
    }
    default:
      return keep(s, job, ctx, scope, jenkinsOnlySteps.has(name), name);
  }
}
