/**
 * Reading a compose file: core's defensive YAML reader, then YAML merge keys
 * (`<<: *defaults`, which compose files use with `x-` anchors), and the
 * file:line:col of any key path for diagnostics.
 * https://docs.docker.com/reference/compose-file/fragments/
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { parseYamlInput, type Diagnostic, type InputFile } from '@polyci/core';

export type Segment = string | number;

export interface ComposeSource {
  file: string;
  /** The document as plain data, merge keys resolved. */
  value: unknown;
  /** 1-based position of the key (or item) at a path; the nearest existing ancestor when merged in. */
  position(path: readonly Segment[]): { line?: number; column?: number };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Resolve `<<` merge keys: explicit keys win, then the merged maps in order. */
export function resolveMerges(value: unknown, seen = new Map<unknown, unknown>()): unknown {
  if (Array.isArray(value)) {
    if (seen.has(value)) return seen.get(value);
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(resolveMerges(item, seen));
    return out;
  }
  if (!isObject(value)) return value;
  if (seen.has(value)) return seen.get(value);
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) if (k !== '<<') out[k] = resolveMerges(v, seen);
  if ('<<' in value) {
    const sources = Array.isArray(value['<<']) ? value['<<'] : [value['<<']];
    for (const source of sources) {
      const resolved = resolveMerges(source, seen);
      if (!isObject(resolved)) continue;
      for (const [k, v] of Object.entries(resolved)) if (!(k in out)) out[k] = v;
    }
  }
  return out;
}

/** Read one compose file; `source` is undefined when it cannot be read. */
export function readComposeFile(file: InputFile): { source?: ComposeSource; diagnostics: Diagnostic[] } {
  const input = parseYamlInput(file);
  if (input.value === undefined || input.diagnostics.some((d) => d.severity === 'error')) {
    return { diagnostics: input.diagnostics.map((d) => (d.file ? d : { ...d, file: file.path })) };
  }
  const doc = input.doc;
  // key lookups by map, built once per map: a file of thousands of services asks for many positions
  const indexes = new WeakMap<object, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
      indexes.set(map, index);
    }
    return index.get(key);
  };
  const position = (path: readonly Segment[]) => {
    let node: unknown = doc?.contents;
    let best: unknown = node;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = pairOf(node, String(seg));
        if (!pair) break;
        best = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        best = node;
      } else break;
    }
    return input.position(best as Node);
  };
  return { source: { file: file.path, value: resolveMerges(input.value), position }, diagnostics: input.diagnostics };
}
