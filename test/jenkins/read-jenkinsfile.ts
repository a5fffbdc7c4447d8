/**
 * Read a generated Jenkinsfile back through the real Groovy parser's AST (see
 * test/validators/groovy/ast-dump.groovy) into the shape the emitter meant: stages,
 * agents, environment and `sh` steps with the containers they run in.
 */
import { parse as parseYaml } from 'yaml';
import { findGStrings, type GroovyCall, type GroovyNode, type GroovyParseResult } from '../validators';

export type EnvValue = { literal: string } | { credential: string } | { gstring: string } | { other: unknown };

export interface ReadSh {
  script: string;
  label?: string;
  /** container(...) blocks, docker.image(...).inside(...) images, withEnv([...]) lists, outermost first. */
  container?: string;
  inside?: string;
  /** The inside(...) arguments, with the build id written as <ID>. */
  insideArgs?: string;
  withEnv: string[];
}

export interface ReadAgent {
  kind: 'any' | 'label' | 'docker' | 'kubernetes' | 'none' | 'other';
  label?: string;
  image?: string;
  args?: string;
  pod?: any;
}

export interface ReadStage {
  name: string;
  agent?: ReadAgent;
  environment: Record<string, EnvValue>;
  when: { branches: string[]; tag: boolean; anyOf: boolean; beforeAgent: boolean };
  input?: string;
  options: Record<string, unknown[]>;
  sh: ReadSh[];
  /** docker-workflow sidecars: image, run() args expression text, command. */
  sidecars: { image: unknown; env: string[]; args: string; command?: string }[];
  artifacts: string[];
  steps: GroovyNode[];
}

export interface ReadPipeline {
  stages: ReadStage[];
  /** Stage names in order, with parallel groups as nested lists. */
  layout: (string | { group: string; stages: string[] })[];
  environment: Record<string, EnvValue>;
  triggers: string[];
  topLevel: string[];
}

/** A string expression of literals and the build id variable, flattened. */
export function flatten(n: GroovyNode): string {
  const any = n as any;
  if (typeof n === 'string') return n;
  if (any && any.op === '+') return flatten(any.left) + flatten(any.right);
  if (any && any.var === 'polyciId') return '<ID>';
  throw new Error(`not a polyci argument expression: ${JSON.stringify(n)}`);
}

const isCall = (n: GroovyNode): n is GroovyCall => !!n && typeof n === 'object' && !Array.isArray(n) && typeof (n as GroovyCall).call === 'string';

function calls(nodes: GroovyNode[] | undefined, name?: string): GroovyCall[] {
  return (nodes ?? []).filter(isCall).filter((c) => name === undefined || c.call === name);
}

function one(nodes: GroovyNode[] | undefined, name: string): GroovyCall | undefined {
  const found = calls(nodes, name);
  if (found.length > 1) throw new Error(`more than one ${name}`);
  return found[0];
}

function str(n: GroovyNode | undefined, what: string): string {
  if (typeof n !== 'string') throw new Error(`${what} is not a constant string: ${JSON.stringify(n)}`);
  return n;
}

function envBlock(closure: GroovyNode[] | undefined): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const s of closure ?? []) {
    const b = s as any;
    if (!b || b.op !== '=' || !b.left?.var) throw new Error(`environment entry is not NAME = value: ${JSON.stringify(s)}`);
    const v = b.right;
    let value: EnvValue;
    if (typeof v === 'string') value = { literal: v };
    else if (isCall(v) && v.call === 'credentials' && v.args.length === 1 && typeof v.args[0] === 'string') value = { credential: v.args[0] as string };
    else if (v && Array.isArray(v.gstring) && v.gstring.length === 1 && v.gstring[0].source) value = { gstring: v.gstring[0].source };
    else value = { other: v };
    if (b.left.var in out) throw new Error(`duplicate environment name ${b.left.var}`);
    out[b.left.var] = value;
  }
  return out;
}

function readAgent(call: GroovyCall | undefined): ReadAgent | undefined {
  if (!call) return undefined;
  const a = call.args[0] as any;
  if (a && a.var === 'any') return { kind: 'any' };
  if (a && a.var === 'none') return { kind: 'none' };
  const body = call.closure ?? [];
  const label = one(body, 'label');
  if (label) return { kind: 'label', label: str(label.args[0], 'agent label') };
  const docker = one(body, 'docker');
  if (docker) {
    const image = one(docker.closure, 'image');
    const args = one(docker.closure, 'args');
    const l = one(docker.closure, 'label');
    return { kind: 'docker', image: str(image?.args[0], 'docker image'), args: args ? str(args.args[0], 'docker args') : undefined, label: l ? str(l.args[0], 'docker label') : undefined };
  }
  const k8s = one(body, 'kubernetes');
  if (k8s) {
    const yaml = str(one(k8s.closure, 'yaml')?.args[0], 'pod yaml');
    return { kind: 'kubernetes', pod: parseYaml(yaml) };
  }
  return { kind: 'other' };
}

function shOf(c: GroovyCall): { script: string; label?: string } {
  if (c.named) return { script: str(c.named.script, 'sh script'), label: c.named.label === undefined ? undefined : str(c.named.label, 'sh label') };
  return { script: str(c.args[0], 'sh script') };
}

/** Every sh step under `nodes`, with its container, docker-workflow image and withEnv context. */
function collectSh(nodes: GroovyNode[], ctx: Omit<ReadSh, 'script' | 'label'>, out: ReadSh[], sidecars: ReadStage['sidecars']): void {
  for (const n of nodes) {
    if (!n || typeof n !== 'object') continue;
    const any = n as any;
    if (any.stmt === 'try') {
      collectSh(any.body, ctx, out, sidecars);
      continue; // the finally block is polyci's cleanup
    }
    if (any.declare !== undefined || any.op === '<<') {
      // polyciSidecars << docker.image(...).run(...)
      if (any.op === '<<' && isCall(any.right) && any.right.call === 'run') {
        const image = isCall(any.right.receiver) ? (any.right.receiver as GroovyCall).args[0] : undefined;
        sidecars.push({ image, env: ctx.withEnv, args: flatten(any.right.args[0]), command: any.right.args[1] === undefined ? undefined : str(any.right.args[1], 'run command') });
      }
      continue;
    }
    if (!isCall(n)) continue;
    if (n.call === 'sh') {
      if (ctx.withEnv.some((e) => e.startsWith('POLYCI_ID=')) && ctx.inside === undefined) {
        // polyci's own network setup around the docker-workflow containers
        const { script } = shOf(n);
        if (script.includes('docker network create')) continue;
      }
      out.push({ ...shOf(n), ...ctx, withEnv: [...ctx.withEnv] });
    } else if (n.call === 'container') {
      collectSh(n.closure ?? [], { ...ctx, container: str(n.args[0], 'container name') }, out, sidecars);
    } else if (n.call === 'withEnv') {
      const list = n.args[0];
      const entries = Array.isArray(list) ? list.map(flatten) : [];
      collectSh(n.closure ?? [], { ...ctx, withEnv: [...ctx.withEnv, ...entries] }, out, sidecars);
    } else if (n.call === 'inside') {
      const image = isCall(n.receiver as GroovyNode) ? str((n.receiver as GroovyCall).args[0], 'inside image') : undefined;
      collectSh(n.closure ?? [], { ...ctx, inside: image, insideArgs: flatten(n.args[0]) }, out, sidecars);
    } else if (n.call === 'script') {
      collectSh(n.closure ?? [], ctx, out, sidecars);
    }
  }
}

function readStage(c: GroovyCall): ReadStage {
  const body = c.closure ?? [];
  const when = one(body, 'when');
  const anyOf = one(when?.closure, 'anyOf');
  const conds = anyOf ? anyOf.closure ?? [] : when?.closure ?? [];
  const options: Record<string, unknown[]> = {};
  for (const o of calls(one(body, 'options')?.closure)) options[o.call] = o.named ? [o.named] : o.args;
  const sh: ReadSh[] = [];
  const sidecars: ReadStage['sidecars'] = [];
  const steps = one(body, 'steps')?.closure ?? [];
  collectSh(steps, { withEnv: [] }, sh, sidecars);
  const post = one(body, 'post');
  const artifacts = calls(one(post?.closure, 'success')?.closure, 'archiveArtifacts').map((a) => str(a.named?.artifacts, 'artifacts'));
  const input = one(body, 'input');
  return {
    name: str(c.args[0], 'stage name'),
    agent: readAgent(one(body, 'agent')),
    environment: envBlock(one(body, 'environment')?.closure),
    when: {
      branches: calls(conds, 'branch').map((b) => str(b.args[0], 'branch')),
      tag: calls(conds, 'buildingTag').length > 0,
      anyOf: !!anyOf,
      beforeAgent: calls(when?.closure, 'beforeAgent').length > 0,
    },
    input: input ? str(one(input.closure, 'message')?.args[0], 'input message') : undefined,
    options,
    sh,
    sidecars,
    artifacts,
    steps,
  };
}

/** Read one parse result; throws when the file is not the shape polyci writes. */
export function readJenkinsfile(result: GroovyParseResult): ReadPipeline {
  if (!result.ok) throw new Error(`${result.name}: ${JSON.stringify(result.errors)}`);
  const top = calls(result.statements);
  const pipeline = one(result.statements, 'pipeline');
  if (!pipeline) throw new Error('no pipeline block');
  const body = pipeline.closure ?? [];
  const stages: ReadStage[] = [];
  const layout: ReadPipeline['layout'] = [];
  for (const s of calls(one(body, 'stages')?.closure, 'stage')) {
    const parallel = one(s.closure, 'parallel');
    if (parallel) {
      const inner = calls(parallel.closure, 'stage').map(readStage);
      stages.push(...inner);
      layout.push({ group: str(s.args[0], 'group name'), stages: inner.map((i) => i.name) });
    } else {
      const st = readStage(s);
      stages.push(st);
      layout.push(st.name);
    }
  }
  return {
    stages,
    layout,
    environment: envBlock(one(body, 'environment')?.closure),
    triggers: calls(one(body, 'triggers')?.closure, 'cron').map((c) => str(c.args[0], 'cron')),
    topLevel: top.map((c) => c.call),
  };
}

/** GStrings that are not polyci's own `"${env.X}"` for a built-in variable. */
export function foreignGStrings(result: GroovyParseResult, allowed: readonly string[]): unknown[] {
  return findGStrings(result.statements).filter((g) => !(g.gstring.length === 1 && 'source' in g.gstring[0] && allowed.map((a) => `env.${a}`).includes(g.gstring[0].source)));
}
