/**
 * A hand-written fast path for the schema in ir.ts, for pipelines that are valid:
 * zod (v3) spends about 0.3 ms per job building its result, which is most of a
 * 10,000-job compile. This mirrors every rule of ir.ts, applies the same defaults
 * and builds objects with keys in the schema's order (as zod does), so the two
 * results are interchangeable. On the first thing it does not accept it gives up,
 * and zod runs to say exactly what is wrong. ir.ts stays the specification: a
 * differential property test (fast-parse.test.ts) holds this to it.
 */
import { irPatterns, socketProxySections, targetIds, type Pipeline } from './ir';
import { toPlainData } from './plain';

const rejection = new Error('not accepted by the fast path');
const reject = (): never => {
  throw rejection;
};

type Obj = Record<string, unknown>;

/** A plain object from any realm (its prototype's prototype is null), or reject. */
function plainObject(v: unknown): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) reject();
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) reject();
  return v as Obj;
}

function object(v: unknown, keys: ReadonlySet<string>): Obj {
  plainObject(v);
  for (const k in v as Obj) if (!keys.has(k)) reject();
  return v as Obj;
}

function string(v: unknown, min = 0, max = Infinity, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length < min || v.length > max || (pattern && !pattern.test(v))) reject();
  return v as string;
}

function boolean(v: unknown): boolean {
  if (typeof v !== 'boolean') reject();
  return v as boolean;
}

function integer(v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) reject();
  return v as number;
}

function oneOf<T extends string>(v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) reject();
  return v as T;
}

function array<T>(v: unknown, item: (x: unknown) => T, min = 0): T[] {
  if (!Array.isArray(v) || v.length < min) reject();
  const arr = v as unknown[];
  const out = new Array<T>(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = item(arr[i]);
  return out;
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

function record<T>(v: unknown, key: (k: string) => void, value: (x: unknown) => T): Record<string, T> {
  plainObject(v);
  const out: Record<string, T> = {};
  for (const k in v as Obj) {
    if (forbiddenKeys.has(k)) reject();
    key(k);
    out[k] = value((v as Obj)[k]);
  }
  return out;
}

const keys = (...names: string[]) => new Set(names);
const nonEmpty = (v: unknown) => string(v, 1);
const identifier = (v: unknown) => string(v, 0, Infinity, irPatterns.identifier);
const envName = (v: unknown) => string(v, 0, Infinity, irPatterns.envName);
const envKey = (k: string) => void string(k, 0, Infinity, irPatterns.envName);
const anyString = (v: unknown) => string(v);
const env = (v: unknown) => record(v, envKey, anyString);
const stepName = (v: unknown) => string(v, 1, 200);
const policyLevels = ['allow', 'warn', 'deny'] as const;

/** Copy optional keys that are present, in order, through their checks. */
function optional(out: Obj, input: Obj, key: string, check: (v: unknown) => unknown): void {
  if (key in input) out[key] = check(input[key]);
}

const policyKeys = keys('privileged', 'hostSocket', 'tlsOff', 'unpinnedImages');
function policy(v: unknown): Obj {
  const p = object(v, policyKeys);
  const out: Obj = {};
  for (const k of policyKeys) optional(out, p, k, (x) => oneOf(x, policyLevels));
  return out;
}

const resourcesKeys = keys('cpu', 'memory');
function resources(v: unknown): Obj {
  const r = object(v, resourcesKeys);
  const out: Obj = {};
  optional(out, r, 'cpu', anyString);
  optional(out, r, 'memory', anyString);
  return out;
}

const version = (v: unknown) => string(v, 0, Infinity, irPatterns.imageTag);
const absolutePath = (v: unknown) => string(v, 0, Infinity, irPatterns.absolutePath);
const dindKeys = keys('strategy', 'tls', 'version', 'cacheVolume', 'resources');
const socketKeys = keys('strategy', 'path', 'version');
const proxyKeys = keys('strategy', 'allow', 'path', 'version');
const builderKeys = keys('strategy', 'version', 'resources');
const autoKeys = keys('strategy');
const defaultAllow = ['BUILD', 'IMAGES', 'INFO', 'VERSION', 'PING', 'POST'];

function docker(v: unknown): Obj {
  const strategy = v !== null && typeof v === 'object' ? (v as Obj).strategy : undefined;
  switch (strategy) {
    case 'dind':
    case 'dind-rootless': {
      const d = object(v, dindKeys);
      const out: Obj = { strategy, tls: 'tls' in d ? boolean(d.tls) : true };
      optional(out, d, 'version', version);
      out.cacheVolume = 'cacheVolume' in d ? boolean(d.cacheVolume) : false;
      optional(out, d, 'resources', resources);
      return out;
    }
    case 'socket': {
      const d = object(v, socketKeys);
      const out: Obj = { strategy, path: 'path' in d ? absolutePath(d.path) : '/var/run/docker.sock' };
      optional(out, d, 'version', version);
      return out;
    }
    case 'socket-proxy': {
      const d = object(v, proxyKeys);
      const out: Obj = {
        strategy,
        allow: 'allow' in d ? array(d.allow, (x) => oneOf(x, socketProxySections)) : [...defaultAllow],
        path: 'path' in d ? absolutePath(d.path) : '/var/run/docker.sock',
      };
      optional(out, d, 'version', version);
      return out;
    }
    case 'kaniko':
    case 'buildah':
    case 'buildkit': {
      const d = object(v, builderKeys);
      const out: Obj = { strategy };
      optional(out, d, 'version', version);
      optional(out, d, 'resources', resources);
      return out;
    }
    case 'auto':
      object(v, autoKeys);
      return { strategy };
    default:
      return reject();
  }
}

const loginKeys = keys('server', 'usernameSecret', 'passwordSecret');
function login(v: unknown): Obj {
  const l = object(v, loginKeys);
  const out: Obj = {};
  optional(out, l, 'server', nonEmpty);
  out.usernameSecret = envName(l.usernameSecret);
  out.passwordSecret = envName(l.passwordSecret);
  return out;
}

const buildKeys = keys('context', 'dockerfile', 'target', 'buildArgs', 'tags', 'push', 'login', 'cacheFrom', 'cacheTo', 'platforms', 'labels', 'secrets');
const nonEmptyKey = (k: string) => void string(k, 1);
const secretIdKey = (k: string) => void string(k, 0, Infinity, irPatterns.buildSecretId);
function buildImage(v: unknown): Obj {
  const b = object(v, buildKeys);
  const out: Obj = { context: 'context' in b ? nonEmpty(b.context) : '.' };
  optional(out, b, 'dockerfile', nonEmpty);
  optional(out, b, 'target', nonEmpty);
  out.buildArgs = 'buildArgs' in b ? env(b.buildArgs) : {};
  out.tags = array(b.tags, nonEmpty, 1);
  out.push = 'push' in b ? boolean(b.push) : false;
  optional(out, b, 'login', login);
  out.cacheFrom = 'cacheFrom' in b ? array(b.cacheFrom, nonEmpty) : [];
  out.cacheTo = 'cacheTo' in b ? array(b.cacheTo, nonEmpty) : [];
  out.platforms = 'platforms' in b ? array(b.platforms, nonEmpty) : [];
  out.labels = 'labels' in b ? record(b.labels, nonEmptyKey, anyString) : {};
  out.secrets = 'secrets' in b ? record(b.secrets, secretIdKey, envName) : {};
  return out;
}

const runKeys = keys('name', 'run', 'env');
const checkoutStepKeys = keys('name', 'checkout');
const checkoutKeys = keys('depth', 'submodules');
const buildStepKeys = keys('name', 'buildImage');
const vendorStepKeys = keys('name', 'vendor');
const vendorKeys = keys('target', 'step');

function step(v: unknown): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return reject();
  const s = v as Obj;
  const out: Obj = {};
  if ('run' in s) {
    object(s, runKeys);
    optional(out, s, 'name', stepName);
    out.run = nonEmpty(s.run);
    optional(out, s, 'env', env);
  } else if ('checkout' in s) {
    object(s, checkoutStepKeys);
    optional(out, s, 'name', stepName);
    const c = object(s.checkout, checkoutKeys);
    const checkout: Obj = {};
    optional(checkout, c, 'depth', (x) => integer(x, 0, Infinity));
    optional(checkout, c, 'submodules', boolean);
    out.checkout = checkout;
  } else if ('buildImage' in s) {
    object(s, buildStepKeys);
    optional(out, s, 'name', stepName);
    out.buildImage = buildImage(s.buildImage);
  } else if ('vendor' in s) {
    object(s, vendorStepKeys);
    optional(out, s, 'name', stepName);
    const vs = object(s.vendor, vendorKeys);
    const vendor: Obj = { target: oneOf(vs.target, targetIds) };
    if ('step' in vs) vendor.step = passThrough(vs.step);
    out.vendor = vendor;
  } else reject();
  return out;
}

const serviceKeys = keys('alias', 'image', 'env', 'command', 'ports');
function service(v: unknown): Obj {
  const s = object(v, serviceKeys);
  const out: Obj = { alias: identifier(s.alias), image: nonEmpty(s.image) };
  optional(out, s, 'env', env);
  optional(out, s, 'command', (x) => array(x, anyString));
  optional(out, s, 'ports', (x) => array(x, (p) => integer(p, 1, 65535)));
  return out;
}

const runnerKeys = keys('labels', 'queue', 'tags', 'resources');
function runner(v: unknown): Obj {
  const r = object(v, runnerKeys);
  const out: Obj = {};
  optional(out, r, 'labels', (x) => array(x, nonEmpty));
  optional(out, r, 'queue', nonEmpty);
  optional(out, r, 'tags', (x) => array(x, nonEmpty));
  optional(out, r, 'resources', resources);
  return out;
}

const conditionsKeys = keys('branches', 'tags', 'manual');
function conditions(v: unknown): Obj {
  const c = object(v, conditionsKeys);
  const out: Obj = {};
  optional(out, c, 'branches', (x) => array(x, nonEmpty));
  optional(out, c, 'tags', boolean);
  optional(out, c, 'manual', boolean);
  return out;
}

const artifactsKeys = keys('paths', 'expireIn');
function artifacts(v: unknown): Obj {
  const a = object(v, artifactsKeys);
  const out: Obj = { paths: array(a.paths, nonEmpty, 1) };
  optional(out, a, 'expireIn', anyString);
  return out;
}

const cacheKeys = keys('key', 'paths');
function cache(v: unknown): Obj {
  const c = object(v, cacheKeys);
  return { key: nonEmpty(c.key), paths: array(c.paths, nonEmpty, 1) };
}

const targetKey = (k: string) => void oneOf(k, targetIds);
const anyKey = () => undefined;
/** Vendor-only values are any data: copied as plain data (no cycles, getters or class instances). */
const passThrough = (x: unknown) => {
  const copy = toPlainData(x);
  return copy.diagnostics.length > 0 ? reject() : copy.data;
};
function vendor(v: unknown): Obj {
  return record(v, targetKey, (x) => record(x, anyKey, passThrough));
}

const jobKeys = keys('name', 'needs', 'stage', 'runner', 'image', 'env', 'secrets', 'services', 'steps', 'docker', 'timeoutMinutes', 'retry', 'conditions', 'artifacts', 'cache', 'policy', 'vendor');
function job(v: unknown): Obj {
  const j = object(v, jobKeys);
  const out: Obj = {};
  optional(out, j, 'name', stepName);
  out.needs = 'needs' in j ? array(j.needs, identifier) : [];
  optional(out, j, 'stage', identifier);
  optional(out, j, 'runner', runner);
  optional(out, j, 'image', nonEmpty);
  out.env = 'env' in j ? env(j.env) : {};
  out.secrets = 'secrets' in j ? array(j.secrets, envName) : [];
  out.services = 'services' in j ? array(j.services, service) : [];
  out.steps = array(j.steps, step, 1);
  optional(out, j, 'docker', docker);
  optional(out, j, 'timeoutMinutes', (x) => integer(x, 1, 10080));
  optional(out, j, 'retry', (x) => integer(x, 0, 2));
  optional(out, j, 'conditions', conditions);
  optional(out, j, 'artifacts', artifacts);
  optional(out, j, 'cache', cache);
  optional(out, j, 'policy', policy);
  optional(out, j, 'vendor', vendor);
  return out;
}

const pushKeys = keys('branches', 'tags');
const pullRequestKeys = keys('branches');
const scheduleKeys = keys('cron');
const triggersKeys = keys('push', 'pullRequest', 'schedule', 'manual');
function triggers(v: unknown): Obj {
  const t = object(v, triggersKeys);
  const out: Obj = {};
  optional(out, t, 'push', (x) => {
    const p = object(x, pushKeys);
    const o: Obj = {};
    optional(o, p, 'branches', (y) => array(y, nonEmpty));
    optional(o, p, 'tags', (y) => array(y, nonEmpty));
    return o;
  });
  optional(out, t, 'pullRequest', (x) => {
    const p = object(x, pullRequestKeys);
    const o: Obj = {};
    optional(o, p, 'branches', (y) => array(y, nonEmpty));
    return o;
  });
  optional(out, t, 'schedule', (x) => array(x, (y) => ({ cron: string(object(y, scheduleKeys).cron, 0, Infinity, irPatterns.cron) })));
  optional(out, t, 'manual', boolean);
  return out;
}

const pipelineKeys = keys('name', 'env', 'triggers', 'policy', 'jobs', 'vendor');
const identifierKey = (k: string) => void identifier(k);

/**
 * The parsed pipeline when `input` is valid plain data, else undefined: then ask
 * the slow path (toPlainData and zod) why. Any surprise (a getter that throws, a
 * proxy) is also "ask the slow path".
 */
export function fastParsePipeline(input: unknown): Pipeline | undefined {
  try {
    const p = object(input, pipelineKeys);
    const out: Obj = { name: string(p.name, 1, 200) };
    out.env = 'env' in p ? env(p.env) : {};
    out.triggers = 'triggers' in p ? triggers(p.triggers) : { push: {} };
    out.policy = 'policy' in p ? policy(p.policy) : {};
    const jobs = record(p.jobs, identifierKey, job);
    if (Object.keys(jobs).length === 0) reject();
    out.jobs = jobs;
    optional(out, p, 'vendor', vendor);
    return out as unknown as Pipeline;
  } catch {
    return undefined;
  }
}
