/**
 * The fast path must agree with the zod schema in ir.ts, which stays the
 * specification: same verdict, same result, same key order, on valid pipelines and
 * on every kind of mutation of them.
 */
import fc from 'fast-check';
import { fastParsePipeline } from './fast-parse';
import { PipelineSchema } from './ir';
import { pipelineArb } from '../../../test/support/arbitraries';

type Json = unknown;

/** Any value as an object key; String() throws on values such as {"toString": 0}. */
const keyOf = (v: Json): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');

/** Every path (list of keys) in a JSON value. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, Json>)[k], [...prefix, k], out);
  return out;
}

function mutate(root: Json, path: (string | number)[], kind: number, value: Json, key: string): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  if (path.length === 0) return kind === 0 ? value : copy;
  let parent = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (kind === 0) parent[last] = value; // replace with anything
  else if (kind === 1) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last]; // remove a key
  } else if (kind === 2) {
    const target = parent[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, Json>)[key] = value; // add a key
    else parent[last] = value;
  } else if (kind === 3) parent[last] = typeof parent[last] === 'string' ? '' : []; // empty it
  return copy;
}

function agree(input: Json): void {
  const slow = PipelineSchema.safeParse(input);
  const fast = fastParsePipeline(input);
  if (slow.success) {
    expect(fast).toBeDefined();
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
  } else {
    expect(fast).toBeUndefined();
  }
}

const keyArb = fc.constantFrom('name', 'env', 'tls', 'strategy', 'run', 'checkout', 'buildImage', 'vendor', 'tags', 'push', 'x', 'needs', 'steps', 'docker', 'allow', 'path', 'login', 'secrets', 'cron', 'push', 'manual');
const valueArb = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('dind', 'kaniko', 'auto', 'socket-proxy', 'BUILD', 'warn', 'deny', 'github', '', 'A_B', '1a', '/var/run/x.sock', '* * * * *', 3, -1, 1.5, 10081, true));

describe('fastParsePipeline agrees with the zod schema', () => {
  it('on valid pipelines', () => {
    fc.assert(fc.property(pipelineArb, (p) => agree(JSON.parse(JSON.stringify(p)))), { numRuns: 300 });
  });

  it('on mutated pipelines (property)', () => {
    fc.assert(
      fc.property(pipelineArb, fc.nat(), fc.nat(3), valueArb, keyArb, (p, which, kind, value, key) => {
        const root = JSON.parse(JSON.stringify(p)) as Json;
        const all = paths(root);
        agree(mutate(root, all[which % all.length], kind, value, key));
      }),
      { numRuns: 3000 },
    );
  });

  it('on every optional field of the schema, set to random values (property)', () => {
    const fields: [string, (v: Json) => Json][] = [
      ['pipeline policy', (v) => ({ name: 'p', policy: { privileged: v }, jobs: { a: { steps: [{ run: 'x' }] } } })],
      ['job policy', (v) => ({ name: 'p', jobs: { a: { policy: { tlsOff: v }, steps: [{ run: 'x' }] } } })],
      ['runner', (v) => ({ name: 'p', jobs: { a: { runner: { queue: v, labels: [v] }, steps: [{ run: 'x' }] } } })],
      ['conditions', (v) => ({ name: 'p', jobs: { a: { conditions: { branches: [v], tags: v }, steps: [{ run: 'x' }] } } })],
      ['artifacts', (v) => ({ name: 'p', jobs: { a: { artifacts: { paths: [v], expireIn: v }, steps: [{ run: 'x' }] } } })],
      ['cache', (v) => ({ name: 'p', jobs: { a: { cache: { key: v, paths: ['x'] }, steps: [{ run: 'x' }] } } })],
      ['services', (v) => ({ name: 'p', jobs: { a: { services: [{ alias: v, image: 'x', ports: [v], command: [v] }], steps: [{ run: 'x' }] } } })],
      ['strategy', (v) => ({ name: 'p', jobs: { a: { docker: { strategy: v }, steps: [{ run: 'x' }] } } })],
      ['dind', (v) => ({ name: 'p', jobs: { a: { docker: { strategy: 'dind', version: v, resources: { cpu: v } }, steps: [{ run: 'x' }] } } })],
      ['proxy', (v) => ({ name: 'p', jobs: { a: { docker: { strategy: 'socket-proxy', allow: [v], path: v }, steps: [{ run: 'x' }] } } })],
      ['timeouts', (v) => ({ name: 'p', jobs: { a: { timeoutMinutes: v, retry: v, steps: [{ run: 'x' }] } } })],
      ['checkout', (v) => ({ name: 'p', jobs: { a: { steps: [{ checkout: { depth: v, submodules: v } }] } } })],
      ['login', (v) => ({ name: 'p', jobs: { a: { steps: [{ buildImage: { tags: ['t'], login: { server: v, usernameSecret: v, passwordSecret: 'P' } } }] } } })],
      ['build maps', (v) => ({ name: 'p', jobs: { a: { steps: [{ buildImage: { tags: ['t'], secrets: { [keyOf(v)]: v }, labels: { [keyOf(v)]: v } } }] } } })],
      ['triggers', (v) => ({ name: 'p', triggers: { push: { branches: [v] }, schedule: [{ cron: v }], manual: v }, jobs: { a: { steps: [{ run: 'x' }] } } })],
      ['vendor', (v) => ({ name: 'p', vendor: { [keyOf(v)]: { k: v } }, jobs: { a: { vendor: { gitlab: v }, steps: [{ vendor: { target: v, step: v } }] } } })],
    ];
    const values = fc.oneof(valueArb, fc.constantFrom('allow', 'warn', 'deny', 'x', 'BUILD', 'EXEC', 'nope', 0, 1, 2, 65535, 65536, 'gitlab', 'compose'));
    for (const [, build] of fields) fc.assert(fc.property(values, (v) => agree(build(v))), { numRuns: 150 });
  });

  it('on minimal inputs that lean on defaults', () => {
    agree({ name: 'p', jobs: { a: { steps: [{ run: 'x' }] } } });
    agree({ name: 'p', jobs: { a: { steps: [{ buildImage: { tags: ['t'] } }], docker: { strategy: 'socket-proxy' } } } });
    agree({ name: 'p', jobs: { a: { steps: [{ checkout: {} }], docker: { strategy: 'dind' } } }, triggers: { schedule: [{ cron: '0 0 * * *' }] } });
    agree({ name: 'p', jobs: {} });
    agree({ name: 'p', jobs: { a: { steps: [{ vendor: { target: 'github' } }] } } });
  });
});
