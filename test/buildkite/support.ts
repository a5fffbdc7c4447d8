/** Helpers for the Buildkite tests: examples, and what the agent does to a pipeline at upload. */
import { parse } from 'yaml';
import type { Pipeline } from '@polyci/core';
import { loadExample } from '../support/examples';

/** An example's checked IR. */
export function examplePipeline(name: string): Pipeline {
  return loadExample(name);
}

/**
 * Buildkite's upload-time interpolation, as its docs describe it: `$$` and `\$` are
 * a literal `$`; `$NAME`, `${NAME}` and `${NAME:-default}` are replaced from `env`.
 * `live` collects every reference, so a test can assert that only intended ones exist.
 */
export function interpolate(text: string, env: Record<string, string>, live: string[] = []): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '$' || c === '\\') && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+?][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
      if (m) {
        const name = m[1] ?? m[2];
        live.push(name);
        out += env[name] ?? '';
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Interpolate every string of a parsed pipeline. */
export function interpolateDeep(value: unknown, env: Record<string, string>, live: string[] = []): unknown {
  if (typeof value === 'string') return interpolate(value, env, live);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env, live));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env, live)]));
  return value;
}

/** The uploaded pipeline as the agent sees it: parsed (YAML 1.2, and 1.1 to be sure both agree) and interpolated. */
export function uploaded(text: string, env: Record<string, string> = {}, live: string[] = []): any {
  const doc = parse(text);
  expect(parse(text, { version: '1.1' })).toEqual(doc);
  return interpolateDeep(doc, env, live);
}

/** The kubernetes plugin config of a parsed step, if any. */
export function kubernetesPlugin(step: any): any {
  return (step.plugins ?? []).find((p: any) => p && 'kubernetes' in p)?.kubernetes;
}

/** Kubernetes EnvVar list to a map. */
export function envMap(list: { name: string; value: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((e) => [e.name, e.value]));
}
