/**
 * A config module is code: what it exports may have getters that throw, cycles,
 * proxies, functions or class instances. Before validation it is copied into
 * plain data, once, with every problem reported at its path.
 */
import { diagnostic, formatPath, type Diagnostic } from './diagnostics';

const maxDepth = 64;

/** A plain-data copy of an exported config, or a diagnostic saying where it is not plain data. */
export function toPlainData(value: unknown): { data?: unknown; diagnostics: Diagnostic[] } {
  const path: (string | number)[] = [];
  const onPath = new Set<unknown>();
  const fail = (message: string, hint: string): never => {
    throw diagnostic('PCI002', 'error', message, { path: formatPath(path) || '(root)', hint });
  };
  const copy = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : fail(`${v} is not a usable number`, 'use a finite number');
    if (v === undefined) return undefined;
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') fail(`a ${typeof v} is not allowed here`, 'configs hold plain data: strings, numbers, booleans, arrays and objects');
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth} levels`, 'flatten the config');
    if (onPath.has(v)) fail('the config refers to itself here (a cycle)', 'use a copy instead of a reference to a parent');
    onPath.add(v);
    try {
      if (Array.isArray(v)) {
        return v.map((item, i) => {
          path.push(i);
          const c = copy(item, depth + 1);
          path.pop();
          return c;
        });
      }
      const proto = Object.getPrototypeOf(v);
      // any realm's Object.prototype (configs may be evaluated in another vm context) has a null prototype
      if (proto !== null && Object.getPrototypeOf(proto) !== null) fail(`a ${proto?.constructor?.name ?? 'class'} instance is not allowed here`, 'use a plain object literal');
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v as object)) {
        path.push(key);
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') fail(`key "${key}" is not allowed`, 'rename the key');
        let item: unknown;
        try {
          item = (v as Record<string, unknown>)[key];
        } catch (error) {
          fail(`reading this field threw: ${(error as Error)?.message ?? String(error)}`, 'configs hold plain data; do not use getters that throw');
        }
        const c = copy(item, depth + 1);
        if (c !== undefined) out[key] = c;
        path.pop();
      }
      return out;
    } finally {
      onPath.delete(v);
    }
  };
  try {
    return { data: copy(value, 0), diagnostics: [] };
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && 'severity' in error) return { diagnostics: [error as Diagnostic] };
    return { diagnostics: [diagnostic('PCI002', 'error', `the config is not plain data: ${(error as Error)?.message ?? String(error)}`, { path: formatPath(path) || '(root)' })] };
  }
}

/** Has the object an own enumerable key? `Object.keys(o).length > 0` without the array. */
export function hasKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}
