/**
 * The `agent` directive: where a stage runs, and with it the daemon strategy.
 * `agent any/none`, `agent { label 'x' }`, `agent { node { label 'x' } }`,
 * `agent { docker { image 'x'; args '-v /var/run/docker.sock:...' } }` (socket when the
 * socket is mounted), `agent { kubernetes { yaml '''...''' } }` (the pod template).
 * https://www.jenkins.io/doc/book/pipeline/syntax/#agent
 */
import { parseYamlInput, shellWords, type ConcreteStrategy, type InputFile, type Resources } from '@polyci/core';
import type { ImportContext } from './context';
import { body, callName, plainValue, positional, statementCall, stringValue } from './evaluate';
import { imageFacts } from './images';
import { analysePod, type PodFacts } from './pod';
import type { CallNode, Expr, Span, StringNode } from './syntax';

export interface AgentFacts {
  kind: 'any' | 'none' | 'label' | 'docker' | 'kubernetes' | 'other';
  labels?: string[];
  /** The image of `agent { docker }`. */
  image?: string;
  strategy?: ConcreteStrategy;
  pod?: PodFacts;
  defaultContainer?: string;
  /** Environment the agent's container gets (docker `--env`). */
  env: Record<string, string>;
  resources?: Resources;
  vendor: Record<string, unknown>;
  /** The pipeline's agent, shared by stages without their own. */
  pipelineLevel?: boolean;
  /** Where the agent directive is. */
  at?: Span;
}

/** Labels of a Jenkins label expression that only ANDs plain labels; otherwise the expression as one label. */
export function labelsOf(expression: string): string[] {
  const parts = expression.split('&&').map((p) => p.trim());
  const out: string[] = [];
  for (const p of parts) {
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(p);
    if (quoted) out.push(quoted[1].replace(/\\(.)/g, '$1'));
    else if (/^[A-Za-z0-9_.-]+$/.test(p)) out.push(p);
    else return [expression.trim()];
  }
  return out.filter((l) => l !== '');
}

function directives(call: CallNode, ctx: ImportContext): Map<string, CallNode> {
  const out = new Map<string, CallNode>();
  for (const s of body(call)) {
    const c = statementCall(s);
    const name = c && callName(c);
    if (c && name) out.set(name, c);
    else ctx.report('PCI041', 'warning', `unsupported statement in agent: ${ctx.source(s).slice(0, 80)}`, s);
  }
  return out;
}

function argString(c: CallNode | undefined, ctx: ImportContext): string | undefined {
  if (!c) return undefined;
  return stringValue(positional(c)[0]?.value, ctx);
}

/** docker run arguments of a docker agent: the socket mount, --env, and the rest. */
function dockerArgs(args: string, facts: AgentFacts, ctx: ImportContext, at: CallNode): string[] {
  const words = shellWords(args.replace(/\s*\n\s*/g, ' '));
  if (!words) {
    ctx.report('PCI042', 'warning', 'docker agent args that are not plain words are kept under vendor.jenkins.dockerArgs', at);
    return [args];
  }
  const rest: string[] = [];
  let socket: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const value = (short: string, long: string): string | undefined => {
      if (w === short || w === long) return words[++i];
      if (w.startsWith(`${long}=`)) return w.slice(long.length + 1);
      return undefined;
    };
    const volume = value('-v', '--volume');
    if (volume !== undefined) {
      const [host, inside] = volume.split(':');
      if (host && /docker\.sock$/.test(host) && inside === '/var/run/docker.sock') {
        socket = host;
        continue;
      }
      rest.push(`--volume=${volume}`);
      continue;
    }
    const env = value('-e', '--env');
    if (env !== undefined) {
      const eq = env.indexOf('=');
      if (eq > 0) facts.env[env.slice(0, eq)] = env.slice(eq + 1);
      else rest.push(`--env=${env}`);
      continue;
    }
    rest.push(w);
  }
  if (socket) {
    const role = facts.image ? imageFacts(facts.image).role : 'other';
    const s: ConcreteStrategy = { strategy: 'socket', path: socket };
    const version = role === 'docker-cli' ? imageFacts(facts.image!).version : undefined;
    if (version) s.version = version;
    facts.strategy = s;
  }
  return rest;
}

/** Where the text of a string literal starts in the file (after its quotes and a leading line continuation). */
function stringBodyStart(node: Expr, ctx: ImportContext): number {
  const raw = ctx.source(node);
  const quote = raw.startsWith("'''") || raw.startsWith('"""') ? 3 : 1;
  const continuation = /^\\\r?\n/.exec(raw.slice(quote));
  return node.start + quote + (continuation ? continuation[0].length : 0);
}

function readPod(yamlText: string, node: Expr | undefined, ctx: ImportContext): PodFacts | undefined {
  const parsed = parseYamlInput({ path: ctx.file, contents: yamlText });
  if (parsed.diagnostics.length > 0 || parsed.value === undefined) {
    const base = node ? ctx.position(stringBodyStart(node, ctx)) : { line: 1, column: 1 };
    for (const d of parsed.diagnostics) {
      const line = base.line + (d.line ?? 1) - 1;
      ctx.diagnostics.push({ ...d, code: d.code === 'PCI050' ? d.code : 'PCI040', message: `pod YAML: ${d.message}`, file: ctx.file, line, column: d.line === 1 || d.line === undefined ? base.column + (d.column ?? 1) - 1 : d.column });
    }
    return undefined;
  }
  return analysePod(parsed.value);
}

/** Read an `agent` directive. */
export function readAgent(call: CallNode, ctx: ImportContext, files: InputFile[]): AgentFacts {
  const facts: AgentFacts = { kind: 'other', env: {}, vendor: {}, at: call };
  const arg = positional(call)[0]?.value;
  if (!call.closure) {
    const word = arg?.kind === 'name' ? arg.name : undefined;
    if (word === 'any') facts.kind = 'any';
    else if (word === 'none') facts.kind = 'none';
    else {
      ctx.report('PCI041', 'warning', `unsupported agent: ${ctx.source(call).slice(0, 80)}`, call, 'use agent any, none, label, docker or kubernetes');
      facts.vendor.agent = ctx.source(call);
    }
    return facts;
  }
  const inner = directives(call, ctx);
  if (inner.has('label') && inner.size === 1) {
    const label = argString(inner.get('label'), ctx);
    facts.kind = 'label';
    if (label) facts.labels = labelsOf(label);
    return facts;
  }
  const node = inner.get('node');
  if (node) {
    facts.kind = 'label';
    const d = directives(node, ctx);
    const label = argString(d.get('label'), ctx);
    if (label) facts.labels = labelsOf(label);
    for (const [k, c] of d) if (k !== 'label') facts.vendor[`node.${k}`] = plainValue(positional(c)[0]?.value ?? c, ctx);
    if (d.size > (label ? 1 : 0)) ctx.report('PCI042', 'info', 'node options other than label are kept under vendor.jenkins', node);
    return facts;
  }
  const docker = inner.get('docker');
  if (docker) {
    facts.kind = 'docker';
    const d = directives(docker, ctx);
    // `agent { docker 'image' }` is the short form
    facts.image = argString(d.get('image'), ctx) ?? stringValue(positional(docker)[0]?.value, ctx);
    const label = argString(d.get('label'), ctx);
    if (label) facts.labels = labelsOf(label);
    const argsCall = d.get('args');
    const args = argString(argsCall, ctx);
    if (args !== undefined && argsCall) {
      const rest = dockerArgs(args, facts, ctx, argsCall);
      if (rest.length > 0) facts.vendor.dockerArgs = rest.join(' ');
      const own = rest.filter((w) => !/^(--entrypoint=|--user=0:0|--security-opt=(seccomp|apparmor)=unconfined)$/.test(w));
      if (own.length > 0) ctx.report('PCI042', 'info', `docker agent args ${own.join(' ')} have no polyci meaning: kept under vendor.jenkins.dockerArgs`, argsCall);
    }
    for (const [k, c] of d) {
      if (k === 'image' || k === 'label' || k === 'args') continue;
      facts.vendor[`docker.${k}`] = plainValue(positional(c)[0]?.value ?? c, ctx);
      ctx.report('PCI042', 'info', `docker agent option "${k}" is kept under vendor.jenkins`, c);
    }
    if (!facts.image) ctx.report('PCI041', 'warning', 'docker agent without an image', docker);
    return facts;
  }
  const kubernetes = inner.get('kubernetes');
  if (kubernetes) {
    facts.kind = 'kubernetes';
    const d = directives(kubernetes, ctx);
    const yamlCall = d.get('yaml');
    const yamlFile = argString(d.get('yamlFile'), ctx);
    let yamlText = argString(yamlCall, ctx);
    let yamlNode = yamlCall ? positional(yamlCall)[0]?.value : undefined;
    if (yamlText === undefined && yamlFile !== undefined) {
      const dir = ctx.file.includes('/') ? ctx.file.slice(0, ctx.file.lastIndexOf('/') + 1) : '';
      const found = files.find((f) => f.path === yamlFile || f.path === dir + yamlFile || f.path.endsWith(`/${yamlFile}`));
      if (found) {
        yamlText = found.contents;
        yamlNode = undefined;
      } else ctx.report('PCI041', 'warning', `the pod template file ${yamlFile} was not given to the import`, d.get('yamlFile'), 'import it together with the Jenkinsfile');
    }
    if (yamlText !== undefined) {
      facts.pod = readPod(yamlText, yamlNode as StringNode | undefined, ctx);
      if (facts.pod) {
        facts.strategy = facts.pod.strategy;
        for (const p of facts.pod.problems) ctx.report('PCI041', 'warning', `pod template: ${p}`, yamlCall ?? kubernetes);
        for (const p of facts.pod.ignored) ctx.report('PCI043', 'warning', `pod template: ${p}`, yamlCall ?? kubernetes);
        for (const [k, v] of Object.entries(facts.pod.extra)) {
          facts.vendor[`pod.${k}`] = v;
          ctx.report('PCI042', 'info', `pod template key ${k} has no polyci meaning: kept under vendor.jenkins`, yamlCall ?? kubernetes);
        }
      }
    } else if (yamlFile === undefined) ctx.report('PCI041', 'warning', 'kubernetes agent without a pod template (yaml)', kubernetes);
    facts.defaultContainer = argString(d.get('defaultContainer'), ctx);
    for (const [k, c] of d) {
      if (k === 'yaml' || k === 'yamlFile' || k === 'defaultContainer') continue;
      facts.vendor[`kubernetes.${k}`] = plainValue(positional(c)[0]?.value ?? c, ctx);
      ctx.report('PCI042', 'info', `kubernetes agent option "${k}" is kept under vendor.jenkins`, c);
    }
    return facts;
  }
  ctx.report('PCI041', 'warning', `unsupported agent: ${ctx.source(call).slice(0, 120)}`, call, 'use agent any, none, label, docker or kubernetes');
  facts.vendor.agent = ctx.source(call);
  return facts;
}
