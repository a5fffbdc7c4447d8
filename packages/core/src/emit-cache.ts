/**
 * Facts every target derives from the same IR objects (a build's commands, a job's
 * built-in variables), kept while one `compile` emits its targets, so that five targets
 * compute them once. Only inside `withEmitCache`: the IR does not change while a
 * compile emits it, but a caller of `emit` may change it between two calls, and a
 * cache that outlived the compile would then answer for the old IR.
 */
let caches: Map<string, WeakMap<object, unknown>> | undefined;

/** Run `emit` with one cache for what it derives from the IR (nested calls share it). */
export function withEmitCache<T>(emit: () => T): T {
  const outer = caches;
  caches = outer ?? new Map();
  try {
    return emit();
  } finally {
    caches = outer;
  }
}

/** `make()`, remembered for `key` under `kind` while a `withEmitCache` runs. */
export function derived<K extends object, V>(kind: string, key: K, make: () => V): V {
  if (!caches) return make();
  let map = caches.get(kind) as WeakMap<K, V> | undefined;
  if (!map) caches.set(kind, (map = new WeakMap()));
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
