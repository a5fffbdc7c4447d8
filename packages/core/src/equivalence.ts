/**
 * When are two pipelines the same? Round trips (import(emit(ir))) compare with
 * this: a structural diff of the IR that skips the paths a target cannot express,
 * and says which differences it skipped.
 */
import type { Pipeline } from './ir';

export interface Difference {
  path: string;
  expected: unknown;
  actual: unknown;
}

/** Does an IR path match a pattern? `*` matches one segment: `jobs.*.retry`, `jobs.*.steps.*.name`. */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.split('.');
  const s = path.split('.');
  if (p.length > s.length) return false;
  return p.every((seg, i) => seg === '*' || seg === s[i]);
}

const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function walk(expected: unknown, actual: unknown, path: string, out: Difference[]): void {
  if (isEmpty(expected) && isEmpty(actual)) return;
  // One side missing: report the leaves, so that a dropped field is named exactly.
  if (actual === undefined && isRecord(expected)) {
    for (const k of Object.keys(expected).sort()) walk(expected[k], undefined, path ? `${path}.${k}` : k, out);
    return;
  }
  if (expected === undefined && isRecord(actual)) {
    for (const k of Object.keys(actual).sort()) walk(undefined, actual[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if ((Array.isArray(expected) && (Array.isArray(actual) || actual === undefined)) || (expected === undefined && Array.isArray(actual))) {
    const e = (expected ?? []) as unknown[];
    const a = (actual ?? []) as unknown[];
    const n = Math.max(e.length, a.length);
    for (let i = 0; i < n; i++) walk(e[i], a[i], path ? `${path}.${i}` : String(i), out);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) walk(expected[i], actual[i], path ? `${path}.${i}` : String(i), out);
    return;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of [...keys].sort()) walk((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (!Object.is(expected, actual)) out.push({ path, expected, actual });
}

/** IR paths as diagnostics spell them (`jobs.a.steps[0]["x y"]`) in the dotted form of differences. */
export function dottedPath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_, q: string) => `.${JSON.parse(q) as string}`);
}

/**
 * Differences between two pipelines, minus those under `ignore` patterns (what a
 * target cannot express). `ignored` lists the skipped ones so a test can say what was lost.
 */
export function comparePipelines(expected: Pipeline, actual: Pipeline, ignore: readonly string[] = []): { differences: Difference[]; ignored: Difference[] } {
  const all: Difference[] = [];
  walk(expected, actual, '', all);
  const differences: Difference[] = [];
  const ignored: Difference[] = [];
  for (const d of all) (ignore.some((p) => pathMatches(p, d.path)) ? ignored : differences).push(d);
  return { differences, ignored };
}
