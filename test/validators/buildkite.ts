/**
 * Buildkite (agent-stack-k8s):
 * 1. the pipeline against buildkite/pipeline-schema (../shared/schemas/buildkite-pipeline.schema.json, ajv draft-07);
 * 2. every `kubernetes` plugin entry against what agent-stack-k8s actually decodes
 *    (KubernetesPlugin in internal/controller/scheduler/scheduler.go):
 *    - top-level keys must be in ../shared/schemas/agent-stack-k8s-plugin-keys.json
 *      (agent-stack-k8s uses encoding/json, so any other key, e.g. `mirrorVolumeMounts`, is silently ignored);
 *    - `podSpec` is a corev1.PodSpec, `podSpecPatch` a partial PodSpec, `sidecars[]` corev1.Container,
 *      `extraVolumeMounts[]` corev1.VolumeMount, `gitEnvFrom[]` corev1.EnvFromSource,
 *      `sidecarParams` {envFrom[], extraVolumeMounts[]}, `metadata` {labels, annotations},
 *      validated with kubernetes-models (`new PodSpec(x).validate()` etc.).
 *
 * kubernetes-models' validators check types/enums/required fields but NOT unknown fields. The
 * API server (and agent-stack-k8s' json decoding) silently drops unknown fields, which for a
 * generated file is always a bug (the setting does nothing), so we add a strict unknown-field
 * check, rule `k8s:unknown-field`, built from the same package's typings (`v1/*.d.ts`).
 *
 * Names: k8s requires Container.name, but agent-stack-k8s names nameless ones itself
 * (`container-%d` for podSpec.containers, `sidecar-%d` for sidecars, see Build() in scheduler.go),
 * and creates a default command container when podSpec.containers is empty. So before validating
 * we fill in those names (and `containers: []`) exactly as agent-stack-k8s would.
 */
import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Container, EnvFromSource, PodSpec, VolumeMount } from 'kubernetes-models/v1';
import type { Finding } from './common';
import { locate, parseYamlWithPositions, pathToPointer, SHARED_SCHEMAS, yamlErrors } from './common';

export const BUILDKITE_SCHEMA_PATH = join(SHARED_SCHEMAS, 'buildkite-pipeline.schema.json');
export const K8S_PLUGIN_KEYS_PATH = join(SHARED_SCHEMAS, 'agent-stack-k8s-plugin-keys.json');

/** Plugin names that agent-stack-k8s treats as its kubernetes plugin (the agent expands `kubernetes`). */
const K8S_PLUGIN_NAME = /^(kubernetes|github\.com\/buildkite-plugins\/kubernetes-buildkite-plugin(\.git)?)(#.*)?$/;

let validatePipeline: ReturnType<Ajv['compile']> | undefined;
function pipelineValidator() {
  if (!validatePipeline) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validatePipeline = ajv.compile(JSON.parse(readFileSync(BUILDKITE_SCHEMA_PATH, 'utf8')));
  }
  return validatePipeline;
}

let pluginKeys: Set<string> | undefined;
export function agentStackK8sPluginKeys(): Set<string> {
  pluginKeys ??= new Set(Object.keys(JSON.parse(readFileSync(K8S_PLUGIN_KEYS_PATH, 'utf8')).keys));
  return pluginKeys;
}

// ---------------------------------------------------------------------------------------------
// Strict unknown-field check from kubernetes-models typings.

type FieldType = { kind: 'leaf' } | { kind: 'object'; file: string } | { kind: 'array' | 'map'; of: FieldType };
interface Shape {
  name: string;
  fields: Map<string, FieldType>;
}

const K8S_V1_DIR = dirname(require.resolve('kubernetes-models/v1/PodSpec'));
const shapeCache = new Map<string, Shape | null>();

function resolveImport(fromFile: string, spec: string): string | undefined {
  const candidate = spec.startsWith('.') ? join(dirname(fromFile), spec) : undefined;
  if (candidate && existsSync(candidate + '.d.ts')) return candidate + '.d.ts';
  try {
    const js = require.resolve(spec, { paths: [dirname(fromFile)] });
    const dts = js.replace(/\.js$/, '.d.ts');
    return existsSync(dts) ? dts : undefined;
  } catch {
    return undefined;
  }
}

function parseType(t: string, imports: Map<string, string>): FieldType {
  t = t.trim();
  const arr = /^Array<(.*)>$/.exec(t);
  if (arr) return { kind: 'array', of: parseType(arr[1], imports) };
  const file = imports.get(t);
  if (file) return { kind: 'object', file };
  return { kind: 'leaf' };
}

/** Fields of the interface declared in a kubernetes-models .d.ts file (null when it is a type alias). */
function shapeOf(file: string): Shape | null {
  if (shapeCache.has(file)) return shapeCache.get(file)!;
  const src = readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const m of src.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    const f = resolveImport(file, m[2]);
    if (f) imports.set(m[1], f);
  }
  const start = /^export interface (\w+) \{$/m.exec(src);
  if (!start) {
    shapeCache.set(file, null);
    return null;
  }
  const body = src.slice(start.index + start[0].length, src.indexOf('\n}', start.index));
  const fields = new Map<string, FieldType>();
  const lines = body.split('\n').filter((l) => !/^\s*(\/\*\*|\*)/.test(l));
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
    if (!m) continue;
    if (m[2] === '{') {
      // multi-line map: `{ [key: string]: T; };`
      const v = /^\s*\[key: string\]: (.*);$/.exec(lines[i + 1] ?? '');
      fields.set(m[1], { kind: 'map', of: v ? parseType(v[1], imports) : { kind: 'leaf' } });
      continue;
    }
    fields.set(m[1], parseType(m[2].replace(/;$/, ''), imports));
  }
  const shape = { name: start[1].replace(/^I/, ''), fields };
  shapeCache.set(file, shape);
  return shape;
}

function unknownFields(value: unknown, type: FieldType, path: (string | number)[], out: { path: (string | number)[]; message: string }[]) {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (type.kind === 'array') {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, type.of, [...path, i], out));
    return;
  }
  if (type.kind === 'map') {
    if (!Array.isArray(value)) for (const [k, v] of Object.entries(value)) unknownFields(v, type.of, [...path, k], out);
    return;
  }
  if (type.kind !== 'object' || Array.isArray(value)) return;
  const shape = shapeOf(type.file);
  if (!shape) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const ft = shape.fields.get(k);
    if (!ft) {
      out.push({ path: [...path, k], message: `unknown field "${k}" in ${shape.name} (Kubernetes drops it silently)` });
      continue;
    }
    unknownFields(v, ft, [...path, k], out);
  }
}

function k8sType(name: 'PodSpec' | 'Container' | 'VolumeMount' | 'EnvFromSource'): FieldType {
  return { kind: 'object', file: join(K8S_V1_DIR, `${name}.d.ts`) };
}

// ---------------------------------------------------------------------------------------------

interface Issue {
  path: (string | number)[];
  message: string;
  rule: string;
}

type ModelCtor = new (data: any) => { validate(): void };
const MODELS: Record<string, ModelCtor> = { PodSpec, Container, VolumeMount, EnvFromSource } as any;

function k8sValidate(
  kind: 'PodSpec' | 'Container' | 'VolumeMount' | 'EnvFromSource',
  value: unknown,
  path: (string | number)[],
  issues: Issue[],
  opts: { ignoreRequired?: boolean } = {},
) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path, message: `must be an object (${kind})`, rule: `k8s:${kind}` });
    return;
  }
  try {
    new MODELS[kind](value).validate();
  } catch (e: any) {
    const errors: ErrorObject[] = e?.errors ?? [];
    if (errors.length === 0) issues.push({ path, message: String(e?.message ?? e), rule: `k8s:${kind}` });
    for (const err of errors) {
      if (opts.ignoreRequired && err.keyword === 'required') continue;
      const sub = err.instancePath ? err.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [];
      const extra = err.keyword === 'enum' ? ` (${(err.params as any).allowedValues.join(', ')})` : '';
      issues.push({ path: [...path, ...sub], message: `${kind}: ${err.message}${extra}`, rule: `k8s:${kind}` });
    }
  }
  const unknown: { path: (string | number)[]; message: string }[] = [];
  unknownFields(value, k8sType(kind), path, unknown);
  for (const u of unknown) issues.push({ ...u, rule: 'k8s:unknown-field' });
}

function eachArray(value: unknown, path: (string | number)[], issues: Issue[], what: string, fn: (v: unknown, p: (string | number)[], i: number) => void) {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    issues.push({ path, message: `${what} must be a list`, rule: 'agent-stack-k8s:type' });
    return;
  }
  value.forEach((v, i) => fn(v, [...path, i], i));
}

/** Check one kubernetes plugin config; `path` is where it sits in the pipeline. */
export function checkKubernetesPlugin(config: unknown, path: (string | number)[] = []): Issue[] {
  const issues: Issue[] = [];
  if (config === null || config === undefined) return issues;
  if (typeof config !== 'object' || Array.isArray(config)) {
    return [{ path, message: 'kubernetes plugin config must be a map', rule: 'agent-stack-k8s:type' }];
  }
  const c = config as Record<string, any>;
  const keys = agentStackK8sPluginKeys();
  for (const k of Object.keys(c)) {
    if (!keys.has(k)) {
      issues.push({
        path: [...path, k],
        message: `"${k}" is not a key of the agent-stack-k8s kubernetes plugin (it would be silently ignored); known keys: ${[...keys].join(', ')}`,
        rule: 'agent-stack-k8s:unknown-key',
      });
    }
  }
  if (c.podSpec !== undefined) {
    const ps = c.podSpec;
    if (ps && typeof ps === 'object' && !Array.isArray(ps)) {
      // agent-stack-k8s: empty containers => default command container; nameless => container-%d
      const named = { ...ps, containers: Array.isArray(ps.containers)
        ? ps.containers.map((x: any, i: number) => (x && typeof x === 'object' && !Array.isArray(x) && x.name === undefined ? { ...x, name: `container-${i}` } : x))
        : ps.containers ?? [] };
      k8sValidate('PodSpec', named, [...path, 'podSpec'], issues);
    } else {
      k8sValidate('PodSpec', ps, [...path, 'podSpec'], issues);
    }
  }
  if (c.podSpecPatch !== undefined) {
    // a strategic-merge patch: partial by nature, so required fields are not enforced
    k8sValidate('PodSpec', c.podSpecPatch, [...path, 'podSpecPatch'], issues, { ignoreRequired: true });
  }
  eachArray(c.sidecars, [...path, 'sidecars'], issues, 'sidecars', (v, p, i) => {
    // agent-stack-k8s names nameless sidecars `sidecar-%d`: validate with that placeholder name
    const named = v && typeof v === 'object' && !Array.isArray(v) && (v as any).name === undefined ? { ...(v as object), name: `sidecar-${i}` } : v;
    k8sValidate('Container', named, p, issues);
  });
  eachArray(c.extraVolumeMounts, [...path, 'extraVolumeMounts'], issues, 'extraVolumeMounts', (v, p) => k8sValidate('VolumeMount', v, p, issues));
  eachArray(c.gitEnvFrom, [...path, 'gitEnvFrom'], issues, 'gitEnvFrom', (v, p) => k8sValidate('EnvFromSource', v, p, issues));
  if (c.sidecarParams !== undefined) {
    const sp = c.sidecarParams;
    const p = [...path, 'sidecarParams'];
    if (!sp || typeof sp !== 'object' || Array.isArray(sp)) {
      issues.push({ path: p, message: 'sidecarParams must be a map', rule: 'agent-stack-k8s:type' });
    } else {
      for (const k of Object.keys(sp)) {
        if (k !== 'envFrom' && k !== 'extraVolumeMounts') {
          issues.push({ path: [...p, k], message: `"${k}" is not a key of sidecarParams (envFrom, extraVolumeMounts)`, rule: 'agent-stack-k8s:unknown-key' });
        }
      }
      eachArray(sp.envFrom, [...p, 'envFrom'], issues, 'envFrom', (v, q) => k8sValidate('EnvFromSource', v, q, issues));
      eachArray(sp.extraVolumeMounts, [...p, 'extraVolumeMounts'], issues, 'extraVolumeMounts', (v, q) => k8sValidate('VolumeMount', v, q, issues));
    }
  }
  if (c.metadata !== undefined) {
    const md = c.metadata;
    const p = [...path, 'metadata'];
    if (!md || typeof md !== 'object' || Array.isArray(md)) {
      issues.push({ path: p, message: 'metadata must be a map', rule: 'agent-stack-k8s:type' });
    } else {
      for (const [k, v] of Object.entries(md)) {
        if (k !== 'labels' && k !== 'annotations') {
          issues.push({ path: [...p, k], message: `"${k}" is not a key of metadata (labels, annotations)`, rule: 'agent-stack-k8s:unknown-key' });
        } else if (v !== null && (typeof v !== 'object' || Array.isArray(v) || Object.values(v as object).some((x) => typeof x !== 'string'))) {
          issues.push({ path: [...p, k], message: `metadata.${k} must be a map of strings`, rule: 'agent-stack-k8s:type' });
        }
      }
    }
  }
  if (c.podTemplate !== undefined && typeof c.podTemplate !== 'string') {
    issues.push({ path: [...path, 'podTemplate'], message: 'podTemplate must be a string (name of a PodTemplate)', rule: 'agent-stack-k8s:type' });
  }
  if (c.jobActiveDeadlineSeconds !== undefined && !Number.isInteger(c.jobActiveDeadlineSeconds)) {
    issues.push({ path: [...path, 'jobActiveDeadlineSeconds'], message: 'jobActiveDeadlineSeconds must be an integer', rule: 'agent-stack-k8s:type' });
  }
  for (const k of ['checkout', 'commandParams'] as const) {
    if (c[k] !== undefined && (c[k] === null || typeof c[k] !== 'object' || Array.isArray(c[k]))) {
      issues.push({ path: [...path, k], message: `${k} must be a map`, rule: 'agent-stack-k8s:type' });
    }
  }
  return issues;
}

/** All (config, path) of kubernetes plugins in a pipeline, including steps nested in groups. */
export function findKubernetesPlugins(pipeline: any): { config: unknown; path: (string | number)[] }[] {
  const found: { config: unknown; path: (string | number)[] }[] = [];
  const visitSteps = (steps: unknown, path: (string | number)[]) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      if (!step || typeof step !== 'object') return;
      const sp = [...path, i];
      const s = step as Record<string, any>;
      const plugins = s.plugins;
      if (Array.isArray(plugins)) {
        plugins.forEach((p, j) => {
          if (p && typeof p === 'object' && !Array.isArray(p)) {
            for (const [name, cfg] of Object.entries(p)) {
              if (K8S_PLUGIN_NAME.test(name)) found.push({ config: cfg, path: [...sp, 'plugins', j, name] });
            }
          }
        });
      } else if (plugins && typeof plugins === 'object') {
        for (const [name, cfg] of Object.entries(plugins)) {
          if (K8S_PLUGIN_NAME.test(name)) found.push({ config: cfg, path: [...sp, 'plugins', name] });
        }
      }
      if (Array.isArray(s.steps)) visitSteps(s.steps, [...sp, 'steps']); // group step
    });
  };
  if (pipeline && typeof pipeline === 'object') visitSteps(pipeline.steps, ['steps']);
  return found;
}

/** Validate `.buildkite/pipeline.yml` text. Every finding carries its JSON pointer in `path`. */
export async function validateBuildkitePipeline(text: string, fileName = '.buildkite/pipeline.yml'): Promise<Finding[]> {
  const { doc, lineCounter } = parseYamlWithPositions(text);
  if (doc.errors.length > 0) return yamlErrors(doc, lineCounter, fileName, 'buildkite:yaml');
  const data = doc.toJS({ maxAliasCount: 1000 });
  const findings: Finding[] = [];
  const add = (pointer: string, message: string, rule: string) => {
    findings.push({ file: fileName, ...locate(doc, lineCounter, pointer), message: `${pointer || '/'}: ${message}`, rule, path: pointer });
  };

  const validate = pipelineValidator();
  if (!validate(data)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      let msg = e.message ?? e.keyword;
      if (e.keyword === 'additionalProperties') msg += ` "${(e.params as any).additionalProperty}"`;
      if (e.keyword === 'enum') msg += ` (${(e.params as any).allowedValues.join(', ')})`;
      const key = `${e.instancePath}|${msg}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(e.instancePath, `${msg} [schema ${e.schemaPath}]`, 'buildkite:schema');
    }
  }
  for (const { config, path } of findKubernetesPlugins(data)) {
    for (const issue of checkKubernetesPlugin(config, path)) add(pathToPointer(issue.path), issue.message, issue.rule);
  }
  // stable order: by position in the file (Array.prototype.sort is stable)
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
